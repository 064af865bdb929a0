/**
 * WellPay end to end through the console's core: create through the contract, the trader's moves through the
 * emulator's control API, statuses stored (with history, no duplicates, never backwards) before the renderer hears of
 * them; remove; dropped sockets and the polling fallback; a restart that resumes a non-final invoice; the access token
 * nowhere but in memory and the keychain.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import {
  orderDetail,
  providerState,
  startConsole,
  stopAllConsoles,
  waitForRaw,
  withGateways,
  type Json,
} from './harness.ts';

const gw = withGateways();
afterEach(stopAllConsoles);

let keys = 0;
const requestKey = () => `wp-test-key-${process.pid}-${++keys}`;

describe('WellPay through the core', () => {
  it('creates an invoice with a payer link, follows it to success, stores every status once with its label', async () => {
    const c = await startConsole(gw.env());
    const view = (await c.core.invoke('wellpay.create', {
      title: 'Кава з собою',
      amount: 15_050,
      requestKey: requestKey(),
    })) as Json;
    expect(view).toMatchObject({
      provider: 'wellpay',
      neutralStatus: 'created',
      rawStatus: 'not approve exchange',
      status: 'created',
      amount: 15_050,
      currencyId: 'UAH',
      description: 'Кава з собою',
      capabilities: { create: true, cancel: true, refund: false, track: true },
    });
    const uid = view.merchantOrderId as string;
    expect(view.id).toBe(`wellpay:${uid}`);
    expect(view.paymentUrl).toBe(`${gw.origin}/sandbox/wellpay/invoices/${uid}`);
    // The emulator has it, priced as asked (kopiykas → "150.50").
    const truth = await gw.control(`/sandbox/wellpay/invoices/${uid}`, undefined, 'GET');
    expect(truth.row).toMatchObject({ send_value: '150.50', name_ex: 'Кава з собою' });
    await waitFor(async () => (await providerState(c.core, 'wellpay')).state === 'live', {
      what: 'WellPay live',
    });

    for (const status of ['wait card', 'send card', 'pay']) {
      await gw.control(`/sandbox/wellpay/invoices/${uid}/status`, { status });
      await waitForRaw(c.core, view.id, status);
    }
    await gw.control(`/sandbox/wellpay/invoices/${uid}/status`, { status: 'success' });
    const paid = await waitForRaw(c.core, view.id, 'success');
    expect(paid).toMatchObject({ neutralStatus: 'paid', status: 'completed' });
    expect(paid.statusLabel).toEqual({ ru: 'Оплачено', en: 'Paid' });
    expect(paid.paidAt).not.toBeNull();
    // Every status once, in order, applied: duplicates (refetches, polls) were not recorded.
    expect(paid.history.map((h: Json) => [h.rawStatus, h.applied])).toEqual([
      ['not approve exchange', true],
      ['wait card', true],
      ['send card', true],
      ['pay', true],
      ['success', true],
    ]);
    // The renderer heard of the success only after it was stored: the event carries the stored view.
    const event = c.orders.find((o) => o.id === view.id && o.rawStatus === 'success');
    expect(event).toMatchObject({ neutralStatus: 'paid' });
    // A final invoice is no longer followed.
    await waitFor(async () => (await providerState(c.core, 'wellpay')).tracking === 0, {
      what: 'tracking to end',
    });
    // Search by gateway.
    const found = (await c.core.invoke('orders.search', { provider: 'wellpay' })) as Json;
    expect(found.rows.map((r: Json) => r.id)).toContain(view.id);
    const none = (await c.core.invoke('orders.search', { provider: 'xsolla', text: uid })) as Json;
    expect(none.rows).toHaveLength(0);
  });

  it('shows a price change by the trader: the new amount and its own label, both stored', async () => {
    const c = await startConsole(gw.env());
    const view = (await c.core.invoke('wellpay.create', {
      title: 'Ціна',
      amount: 100_000,
      requestKey: requestKey(),
    })) as Json;
    const uid = view.merchantOrderId as string;
    for (const status of ['wait card', 'send card', 'pay'])
      await gw.control(`/sandbox/wellpay/invoices/${uid}/status`, { status });
    await waitForRaw(c.core, view.id, 'pay');
    await gw.control(`/sandbox/wellpay/invoices/${uid}/status`, { status: 'pay', send_value: '1200.50' });
    const changed = await waitFor(
      async () => {
        const d = await orderDetail(c.core, view.id);
        return d.amount === 120_050 ? d : null;
      },
      { what: 'the new amount' },
    );
    expect(changed.statusLabel).toEqual({
      ru: 'Трейдер изменил сумму заявки',
      en: 'The trader changed the amount',
    });
    expect(changed.rawStatus).toBe('pay');
    expect(c.orders.some((o) => o.id === view.id && o.amount === 120_050)).toBe(true);
  });

  it('live default: polls until the payer’s page has joined, then joins without taking the payer’s IP binding', async () => {
    const env = gw.env();
    delete (env as Record<string, string | undefined>).PAYDESK_WELLPAY_JOIN; // the live default: after the payer
    const c = await startConsole(env);
    const view = (await c.core.invoke('wellpay.create', {
      title: 'Платник перший',
      amount: 4_200,
      requestKey: requestKey(),
    })) as Json;
    const uid = view.merchantOrderId as string;
    await waitFor(async () => (await providerState(c.core, 'wellpay')).reason === 'awaiting_payer', {
      what: 'awaiting the payer',
    });
    // Still followed meanwhile (by polling), and nobody is bound to the invoice yet.
    await gw.control(`/sandbox/wellpay/invoices/${uid}/status`, { status: 'wait card' });
    await waitForRaw(c.core, view.id, 'wait card');
    expect((await gw.control(`/sandbox/wellpay/invoices/${uid}`, undefined, 'GET')).row.ip).toBeNull();
    // The payer's page joins from its own address.
    const payer = io(gw.origin, {
      transports: ['websocket'],
      forceNew: true,
      localAddress: '127.0.0.2',
    } as never);
    try {
      payer.on('connect', () => payer.emit('invoice:join', uid));
      await waitFor(async () => (await providerState(c.core, 'wellpay')).state === 'live', {
        what: 'the console to join after the payer',
      });
      expect((await gw.control(`/sandbox/wellpay/invoices/${uid}`, undefined, 'GET')).row.ip).toBe(
        '127.0.0.2',
      );
      await gw.control(`/sandbox/wellpay/invoices/${uid}/status`, { status: 'success' });
      const paid = await waitForRaw(c.core, view.id, 'success');
      expect(paid.history.at(-1).source).toBe('gate'); // pushed on the socket now
    } finally {
      payer.disconnect();
    }
  });

  it('the same requestKey twice is one invoice', async () => {
    const c = await startConsole(gw.env());
    const key = requestKey();
    const [a, b] = (await Promise.all([
      c.core.invoke('wellpay.create', { title: 'Двічі', amount: 100, requestKey: key }),
      c.core.invoke('wellpay.create', { title: 'Двічі', amount: 100, requestKey: key }),
    ])) as Json[];
    expect(a.id).toBe(b.id);
    const again = (await c.core.invoke('wellpay.create', {
      title: 'Двічі',
      amount: 100,
      requestKey: key,
    })) as Json;
    expect(again.id).toBe(a.id);
    const state = await gw.control('/sandbox/wellpay/state', undefined, 'GET');
    const titled = (state.invoices as Json[]).filter((i) => i.row.name_ex === 'Двічі');
    expect(titled).toHaveLength(1);
  });

  it('removes an invoice (orders.cancel), and refuses with a clear error while the trader checks a payment', async () => {
    const c = await startConsole(gw.env());
    const view = (await c.core.invoke('wellpay.create', {
      title: 'Видалити',
      amount: 2_000,
      requestKey: requestKey(),
    })) as Json;
    const removed = (await c.core.invoke('orders.cancel', { id: view.id })) as Json;
    expect(removed).toMatchObject({ rawStatus: 'removed', neutralStatus: 'canceled', status: 'canceled' });
    expect(removed.statusLabel).toEqual({ ru: 'Счёт удалён', en: 'Invoice removed' });
    await expect(
      gw.control(`/sandbox/wellpay/invoices/${view.merchantOrderId}`, undefined, 'GET'),
    ).rejects.toThrow(/404/);

    const busy = (await c.core.invoke('wellpay.create', {
      title: 'Зайнятий',
      amount: 3_000,
      requestKey: requestKey(),
    })) as Json;
    for (const status of ['wait card', 'send card', 'pay'])
      await gw.control(`/sandbox/wellpay/invoices/${busy.merchantOrderId}/status`, { status });
    await waitForRaw(c.core, busy.id, 'pay');
    const err = (await c.core.invoke('orders.cancel', { id: busy.id }).catch((e: unknown) => e)) as Json;
    expect(err.code).toBeTypeOf('string');
    expect(err.message).toMatch(/pay/);
    expect((await orderDetail(c.core, busy.id)).rawStatus).toBe('pay'); // nothing lost
  });

  it('follows an invoice by polling while sockets are refused, then goes live again', async () => {
    const c = await startConsole(gw.env());
    const view = (await c.core.invoke('wellpay.create', {
      title: 'Без сокета',
      amount: 5_000,
      requestKey: requestKey(),
    })) as Json;
    await waitFor(async () => (await providerState(c.core, 'wellpay')).state === 'live', { what: 'live' });
    await gw.control('/sandbox/wellpay/sockets/drop', { refuseSeconds: 3 });
    await waitFor(async () => (await providerState(c.core, 'wellpay')).state !== 'live', {
      what: 'WellPay to leave live',
    });
    const during = await providerState(c.core, 'wellpay');
    expect(['degraded', 'offline', 'connecting']).toContain(during.state);
    // Changed while no socket can connect: only the poll can see it.
    await gw.control(`/sandbox/wellpay/invoices/${view.merchantOrderId}/status`, { status: 'wait card' });
    const polled = await waitForRaw(c.core, view.id, 'wait card');
    expect(polled.history.at(-1).source).toBe('reconcile'); // stored from a poll, not a push
    await waitFor(async () => (await providerState(c.core, 'wellpay')).state === 'live', {
      what: 'WellPay live again',
    });
    await gw.control(`/sandbox/wellpay/invoices/${view.merchantOrderId}/status`, { status: 'canceled' });
    const done = await waitForRaw(c.core, view.id, 'canceled');
    expect(done.neutralStatus).toBe('canceled');
    expect(c.providers.some((p) => p.provider === 'wellpay' && p.state !== 'live')).toBe(true);
  });

  it('a push whose fetch fails (WellPay answers 500) is fetched again while the socket stays up', async () => {
    const c = await startConsole(gw.env());
    const view = (await c.core.invoke('wellpay.create', {
      title: 'П’ятисоті',
      amount: 1_500,
      requestKey: requestKey(),
    })) as Json;
    await waitFor(async () => (await providerState(c.core, 'wellpay')).state === 'live', { what: 'live' });
    await gw.control('/sandbox/wellpay/faults', { http500: 2 });
    await gw.control(`/sandbox/wellpay/invoices/${view.merchantOrderId}/status`, { status: 'wait card' });
    await waitForRaw(c.core, view.id, 'wait card', 'the change behind the failed fetches');
    const faults = await gw.control('/sandbox/wellpay/faults', undefined, 'GET');
    expect(JSON.stringify(faults)).toMatch(/http500/);
    expect((await providerState(c.core, 'wellpay')).state).toBe('live'); // the socket never went down
    await gw.control('/sandbox/wellpay/faults', undefined, 'DELETE');
  });

  it('resumes a non-final invoice after a restart and catches up on what changed meanwhile', async () => {
    const first = await startConsole(gw.env());
    const view = (await first.core.invoke('wellpay.create', {
      title: 'Після рестарту',
      amount: 7_500,
      requestKey: requestKey(),
    })) as Json;
    await first.stop(false);
    // The trader moves on while the console is closed.
    await gw.control(`/sandbox/wellpay/invoices/${view.merchantOrderId}/status`, { status: 'wait card' });
    const second = await startConsole(gw.env(), { dataDir: first.dataDir });
    await waitForRaw(second.core, view.id, 'wait card', 'the resumed invoice to catch up');
    await waitFor(async () => (await providerState(second.core, 'wellpay')).tracking === 1, {
      what: 'the invoice to be followed again',
    });
    await gw.control(`/sandbox/wellpay/invoices/${view.merchantOrderId}/status`, { status: 'send card' });
    await gw.control(`/sandbox/wellpay/invoices/${view.merchantOrderId}/status`, { status: 'pay' });
    await gw.control(`/sandbox/wellpay/invoices/${view.merchantOrderId}/status`, { status: 'success' });
    const paid = await waitForRaw(second.core, view.id, 'success');
    expect(paid.history.map((h: Json) => h.rawStatus)).toEqual(
      expect.arrayContaining(['not approve exchange', 'wait card', 'success']),
    );
    await second.stop();
  });

  it('keeps the access token in the keychain only: not in SQLite, logs, diagnostics or events', async () => {
    const service = `PayDesk-wellpay-test-${process.pid}-${Date.now()}`;
    // No env token: the cashier saves it through the contract.
    const env = gw.env();
    delete (env as Record<string, string | undefined>).PAYDESK_WELLPAY_TOKEN;
    const c = await startConsole(env, { keychainService: service });
    expect(await c.core.invoke('token.status', { provider: 'wellpay' })).toMatchObject({ state: 'not_set' });
    const noToken = (await c.core
      .invoke('wellpay.create', {
        title: 'x',
        amount: 100,
        requestKey: requestKey(),
      })
      .catch((e: unknown) => e)) as Json;
    expect(noToken.code).toBe('no_token');
    const bad = (await c.core
      .invoke('token.save', { provider: 'wellpay', token: 'not-a-token-the-emulator-knows' })
      .catch((e: unknown) => e)) as Json;
    expect(bad.code).toBe('token_rejected');
    expect(bad.message).not.toContain('not-a-token-the-emulator-knows');
    expect(await c.core.invoke('token.save', { provider: 'wellpay', token: gw.wellpayToken })).toMatchObject({
      state: 'set',
    });
    const view = (await c.core.invoke('wellpay.create', {
      title: 'Секрет',
      amount: 1_000,
      requestKey: requestKey(),
    })) as Json;
    await gw.control(`/sandbox/wellpay/invoices/${view.merchantOrderId}/status`, { status: 'wait card' });
    await waitForRaw(c.core, view.id, 'wait card');
    const report = (await c.core.invoke('diagnostics.report', {})) as string;
    const events = JSON.stringify([c.orders, c.providers]);
    const logs = c.core.log.lines(2000).join('\n');
    await c.stop(false);
    const files = readdirSync(join(c.dataDir, 'logs')).map((f) =>
      readFileSync(join(c.dataDir, 'logs', f), 'utf8'),
    );
    const db = readdirSync(c.dataDir)
      .filter((f) => f.startsWith('paydesk.sqlite'))
      .map((f) => readFileSync(join(c.dataDir, f)).toString('latin1'))
      .join('');
    for (const place of [report, events, logs, ...files, db]) expect(place).not.toContain(gw.wellpayToken);
    expect(db).toContain(view.merchantOrderId); // the store was read: the invoice is there, the token is not
    // Removed from the keychain on request.
    const again = await startConsole(env, { keychainService: service, dataDir: c.dataDir });
    expect(await again.core.invoke('token.status', { provider: 'wellpay' })).toMatchObject({ state: 'set' });
    expect(await again.core.invoke('token.remove', { provider: 'wellpay' })).toMatchObject({
      state: 'not_set',
    });
    await again.stop();
  });
});
