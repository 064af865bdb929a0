/**
 * Training mode: the console starts all three emulators on one port by itself, points every adapter at them, and
 * shows each gateway's connection; WellPay works with the emulator's own token, Xsolla demo orders are made on demand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/core.ts';
import type { ProviderView } from '../../shared/contract/providers.ts';
import { FAST_TUNING } from '../helpers/core.ts';
import { waitFor } from '../helpers/wait.ts';
import type { Json } from './harness.ts';

let core: Core;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'paydesk-training-'));
  core = await createCore({
    env: {},
    dataDir,
    tuning: FAST_TUNING,
    keychainService: 'PayDesk-training-test',
  });
});
afterAll(async () => {
  await core.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const control = async (path: string, body: unknown) => {
  const res = await fetch(new URL(path, core.session().sandboxes!.urls.invoicebox), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return ((await res.json()) as Json).data;
};

describe('training mode with three gateways', () => {
  it('runs the three emulators on one port and lists every gateway with its capabilities', async () => {
    const s = core.session().sandboxes!;
    expect(new URL(s.urls.xsolla).port).toBe(new URL(s.urls.invoicebox).port);
    expect(new URL(s.urls.wellpay).port).toBe(new URL(s.urls.invoicebox).port);
    const list = (await core.invoke('providers.list', {})) as ProviderView[];
    expect(list.map((p) => p.provider)).toEqual(['invoicebox', 'xsolla', 'wellpay']);
    expect(list.find((p) => p.provider === 'xsolla')).toMatchObject({
      state: 'idle',
      tracking: 0,
      capabilities: { create: false, cancel: false, refund: false, track: true },
    });
    expect(list.find((p) => p.provider === 'wellpay')?.capabilities).toEqual({
      create: true,
      cancel: true,
      refund: false,
      track: true,
    });
    await waitFor(
      async () => ((await core.invoke('providers.list', {})) as ProviderView[])[0]?.state === 'live',
      {
        what: 'Invoicebox live',
      },
    );
  });

  it('makes a WellPay invoice with the emulator token and follows it to success', async () => {
    const seen: Json[] = [];
    core.events.on('order', (v) => seen.push(v));
    const v = (await core.invoke('wellpay.create', {
      title: 'Демо',
      amount: 9_900,
      requestKey: 'training-wp-1',
    })) as Json;
    for (const status of ['wait card', 'send card', 'pay', 'success'])
      await control(`/sandbox/wellpay/invoices/${v.merchantOrderId}/status`, { status });
    await waitFor(() => seen.some((e) => e.id === v.id && e.neutralStatus === 'paid'), {
      what: 'paid event',
    });
    expect(((await core.invoke('orders.get', { id: v.id })) as Json).rawStatus).toBe('success');
  });

  it('makes an Xsolla demo order and follows it to done; refuses input that is not valid', async () => {
    const v = (await core.invoke('xsolla.demo', { amount: 500 })) as Json;
    expect(v).toMatchObject({ provider: 'xsolla', rawStatus: 'new', amount: 500 });
    await control(`/sandbox/xsolla/orders/${v.merchantOrderId}/status`, { status: 'paid' });
    await control(`/sandbox/xsolla/orders/${v.merchantOrderId}/status`, { status: 'done' });
    await waitFor(
      async () => ((await core.invoke('orders.get', { id: v.id })) as Json).rawStatus === 'done',
      {
        what: 'done',
      },
    );
    for (const bad of [
      ['wellpay.create', { title: '', amount: 100, requestKey: 'training-wp-2' }],
      ['wellpay.create', { title: 'x', amount: 1.5, requestKey: 'training-wp-3' }],
      ['xsolla.track', { projectId: 1, orderId: -5, token: 'x'.repeat(20) }],
      ['orders.search', { provider: 'paypal' }],
    ] as const) {
      const err = (await core.invoke(bad[0], bad[1]).catch((e: unknown) => e)) as Json;
      expect(err.code).toBe('invalid_input');
    }
  });
});
