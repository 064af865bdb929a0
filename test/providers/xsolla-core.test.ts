/**
 * Xsolla end to end through the console's core: track a store order with a user JWT, statuses stored before they are
 * shown, dropped and refused sockets with the Get order polling fallback, what the console refuses (cancel), and the
 * JWT kept out of SQLite and logs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import {
  providerState,
  startConsole,
  stopAllConsoles,
  waitForRaw,
  withGateways,
  type Json,
} from './harness.ts';

const gw = withGateways();
afterEach(stopAllConsoles);

async function newOrder(body: Record<string, unknown> = {}) {
  const o = await gw.control('/sandbox/xsolla/orders', body);
  return { projectId: o.project_id as number, orderId: o.order_id as number, token: o.token as string };
}
const setStatus = (orderId: number, status: string) =>
  gw.control(`/sandbox/xsolla/orders/${orderId}/status`, { status });

describe('Xsolla through the core', () => {
  it('tracks an order with the user token: new → paid → done, stored with history, then stops following it', async () => {
    const c = await startConsole(gw.env());
    const o = await newOrder({ currency: 'EUR', amount: '12.34' });
    const view = (await c.core.invoke('xsolla.track', o)) as Json;
    expect(view).toMatchObject({
      id: `xsolla:${o.projectId}:${o.orderId}`,
      provider: 'xsolla',
      neutralStatus: 'created',
      rawStatus: 'new',
      amount: 1234,
      currencyId: 'EUR',
      capabilities: { create: false, cancel: false, refund: false, track: true },
    });
    await waitFor(async () => (await providerState(c.core, 'xsolla')).state === 'live', {
      what: 'Xsolla live',
    });
    await setStatus(o.orderId, 'paid');
    const paid = await waitForRaw(c.core, view.id, 'paid');
    expect(paid).toMatchObject({ neutralStatus: 'paid', status: 'completed' });
    await setStatus(o.orderId, 'done');
    const done = await waitForRaw(c.core, view.id, 'done');
    expect(done.neutralStatus).toBe('delivered');
    expect(done.history.map((h: Json) => h.rawStatus)).toEqual(['new', 'paid', 'done']);
    expect(c.orders.filter((e) => e.id === view.id).map((e) => e.rawStatus)).toEqual(['new', 'paid', 'done']);
    await waitFor(async () => (await providerState(c.core, 'xsolla')).state === 'idle', {
      what: 'Xsolla idle after the final status',
    });
  });

  it('refuses to cancel an Xsolla order with not_supported, and a wrong token with a clear error', async () => {
    const c = await startConsole(gw.env());
    const o = await newOrder();
    const view = (await c.core.invoke('xsolla.track', o)) as Json;
    const err = (await c.core.invoke('orders.cancel', { id: view.id }).catch((e: unknown) => e)) as Json;
    expect(err.code).toBe('not_supported');
    const other = await newOrder({ user: 'someone-else' });
    const wrong = (await c.core
      .invoke('xsolla.track', { ...o, orderId: other.orderId })
      .catch((e: unknown) => e)) as Json;
    expect(['order_not_found', 'xsolla_token_rejected']).toContain(wrong.code);
    expect(JSON.stringify(wrong)).not.toContain(o.token);
    const demo = (await c.core.invoke('xsolla.demo', {}).catch((e: unknown) => e)) as Json;
    expect(demo.code).toBe('sandbox_only'); // live mode: no demo orders
  });

  it('polls Get order every interval while sockets are refused, then goes live again; a drop loses nothing', async () => {
    const c = await startConsole(gw.env());
    const o = await newOrder();
    const view = (await c.core.invoke('xsolla.track', o)) as Json;
    await waitFor(async () => (await providerState(c.core, 'xsolla')).state === 'live', { what: 'live' });
    await gw.control('/sandbox/xsolla/faults', { dropSockets: true, refuseConnectsForMs: 2_000 });
    await waitFor(async () => (await providerState(c.core, 'xsolla')).state === 'degraded', {
      what: 'polling',
    });
    expect((await providerState(c.core, 'xsolla')).reason).toBe('polling');
    // Published while no socket is connected: the poll sees it.
    await gw.control(`/sandbox/xsolla/orders/${o.orderId}/status`, { status: 'paid', publish: false });
    const paid = await waitForRaw(c.core, view.id, 'paid');
    expect(paid.history.at(-1).source).toBe('reconcile');
    await waitFor(async () => (await providerState(c.core, 'xsolla')).state === 'live', {
      what: 'live again',
    });
    // A bare drop (the client reconnects and recovers from the channel history).
    await gw.control('/sandbox/xsolla/faults', { dropSockets: true });
    await setStatus(o.orderId, 'done');
    const done = await waitForRaw(c.core, view.id, 'done');
    expect(done.history.map((h: Json) => h.rawStatus)).toEqual(['new', 'paid', 'done']);
    await gw.control('/sandbox/xsolla/faults', undefined, 'DELETE');
  });

  it('keeps following an order across a reconfiguration (settings saved): the JWT is carried in memory', async () => {
    const c = await startConsole(gw.env());
    const o = await newOrder();
    const view = (await c.core.invoke('xsolla.track', o)) as Json;
    await c.core.invoke('settings.update', { language: 'en' }); // rebuilds the session and the adapters
    await waitFor(async () => (await providerState(c.core, 'xsolla')).tracking === 1, {
      what: 'the order followed again',
    });
    await setStatus(o.orderId, 'paid');
    await waitForRaw(c.core, view.id, 'paid');
  });

  it('keeps the user JWT out of SQLite and the logs; after a restart the order waits for a token', async () => {
    const c = await startConsole(gw.env());
    const o = await newOrder();
    const view = (await c.core.invoke('xsolla.track', o)) as Json;
    await setStatus(o.orderId, 'paid');
    await waitForRaw(c.core, view.id, 'paid');
    const report = (await c.core.invoke('diagnostics.report', {})) as string;
    await c.stop(false);
    const files = readdirSync(join(c.dataDir, 'logs')).map((f) =>
      readFileSync(join(c.dataDir, 'logs', f), 'utf8'),
    );
    const db = readdirSync(c.dataDir)
      .filter((f) => f.startsWith('paydesk.sqlite'))
      .map((f) => readFileSync(join(c.dataDir, f)).toString('latin1'))
      .join('');
    for (const place of [report, ...files, db]) expect(place).not.toContain(o.token);
    expect(db).toContain(`xsolla:${o.projectId}:${o.orderId}`);

    // Live mode, restarted: the order is as stored, not followed (no token), and refresh says why.
    const again = await startConsole(gw.env(), { dataDir: c.dataDir });
    expect((await providerState(again.core, 'xsolla')).tracking).toBe(0);
    const err = (await again.core.invoke('orders.refresh', { id: view.id }).catch((e: unknown) => e)) as Json;
    expect(err.code).toBe('xsolla_token_required');
    // Tracking it again with a (fresh) token resumes it.
    await setStatus(o.orderId, 'done');
    const fresh = (await gw.control(`/sandbox/xsolla/orders/${o.orderId}/token`, { ttl_seconds: 600 })).token;
    await again.core.invoke('xsolla.track', { ...o, token: fresh });
    await waitForRaw(again.core, view.id, 'done');
    await again.stop();
  });
});
