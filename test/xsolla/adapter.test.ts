/**
 * The Xsolla adapter against the real emulator (official centrifuge client inside): live updates, history replay
 * without duplicates, closing on a final status, polling fallback and its caps, Get order errors, token renewal.
 * Timings are shrunk (poll every 50 ms); the 10-minute polling cap is reached by moving an injected clock.
 */
import { describe, expect, it } from 'vitest';
import {
  createXsollaAdapter,
  type XsollaAdapterOptions,
} from '../../electron/core/providers/xsolla/adapter.ts';
import type { ProviderConnection, TrackedOrder } from '../../electron/core/providers/types.ts';
import { onCleanup, startXs, type Xs } from './harness.ts';
import { waitFor } from '../helpers/wait.ts';

const POLL_MS = 50;

function adapter(xs: Xs, options: Partial<XsollaAdapterOptions> = {}) {
  const logs: { level: string; event: string; fields: Record<string, unknown> | undefined }[] = [];
  const a = createXsollaAdapter({
    wsUrl: xs.wsUrl,
    apiUrl: xs.url,
    pollIntervalMs: POLL_MS,
    centrifuge: { minReconnectDelay: 20, maxReconnectDelay: 100 },
    log: (level, event, fields) => logs.push({ level, event, fields }),
    ...options,
  });
  const updates: TrackedOrder[] = [];
  const conns: ProviderConnection[] = [];
  a.events.on('update', (u) => updates.push(u));
  a.events.on('connection', (c) => conns.push(c));
  onCleanup(() => a.stop());
  const count = (event: string): number => logs.filter((l) => l.event === event).length;
  return { a, updates, conns, logs, count };
}

const sessions = (xs: Xs): number => xs.sandbox.handlers.ws.sessions().length;
const getOrderCalls = (xs: Xs): number => xs.sandbox.state.counters.getOrder;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('xsolla adapter: live', () => {
  it('is a track-only provider, idle while it follows nothing', async () => {
    const xs = await startXs();
    const { a } = adapter(xs);
    expect(a.provider).toBe('xsolla');
    expect(a.capabilities).toEqual({ create: false, cancel: false, refund: false, track: true });
    expect(a.connection()).toMatchObject({ provider: 'xsolla', state: 'idle', reason: null });
  });

  it('follows an order live and closes the socket on the final status', async () => {
    const xs = await startXs();
    const o = await xs.createOrder({ amount: '12.34', currency: 'EUR' });
    // Polling (and its grace before the first subscribe) far away, so the connection sequence is the socket's only.
    const { a, updates, conns } = adapter(xs, { pollIntervalMs: 60_000 });
    const view = a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    expect(view).toMatchObject({ orderId: String(o.order_id), phase: 'active' });
    await waitFor(() => a.connection().state === 'live');
    await waitFor(() => a.tracked(o.order_id)?.order?.amount === 1234);
    expect(a.tracked(o.order_id)?.channel).toBe(o.channel);
    expect(updates.at(-1)).toMatchObject({
      provider: 'xsolla',
      id: String(o.order_id),
      status: 'created',
      rawStatus: 'new',
      currency: 'EUR',
      final: false,
      paymentUrl: null,
    });
    const base = updates.length;

    await xs.setStatus(o.order_id, 'paid');
    await waitFor(() => updates.length === base + 1);
    expect(updates[base]).toMatchObject({ status: 'paid', rawStatus: 'paid', source: 'push', amount: 1234 });
    expect(updates[base]!.raw).toMatchObject({ channel: o.channel, offset: 2 });

    await xs.setStatus(o.order_id, 'done');
    await waitFor(() => a.tracked(o.order_id)?.phase === 'final');
    expect(updates.slice(base).map((u) => [u.status, u.rawStatus, u.final, u.source])).toEqual([
      ['paid', 'paid', false, 'push'],
      ['delivered', 'done', true, 'push'],
    ]);
    await waitFor(() => sessions(xs) === 0);
    expect(a.connection().state).toBe('idle');
    expect(conns.map((c) => c.state)).toEqual(['connecting', 'live', 'idle']);
  });

  it('maps canceled to canceled (final), keeping the raw status', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const { a, updates } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => a.connection().state === 'live');
    await xs.setStatus(o.order_id, 'paid');
    await xs.setStatus(o.order_id, 'canceled');
    await waitFor(() => a.tracked(o.order_id)?.phase === 'final');
    expect(updates.at(-1)).toMatchObject({ status: 'canceled', rawStatus: 'canceled', final: true });
  });

  it('ignores the other orders of the same user on the shared channel', async () => {
    const xs = await startXs();
    const o = await xs.createOrder({ user: 'dave' });
    const other = await xs.createOrder({ user: 'dave' });
    const { a, updates } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => a.connection().state === 'live');
    await xs.setStatus(other.order_id, 'paid');
    await xs.setStatus(other.order_id, 'done');
    await xs.setStatus(o.order_id, 'paid');
    await waitFor(() => updates.some((u) => u.status === 'paid'));
    expect(updates.every((u) => u.id === String(o.order_id))).toBe(true);
    expect(a.tracked(o.order_id)?.phase).toBe('active');
  });

  it('an order already final when tracking starts is reported once and not followed', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    await xs.setStatus(o.order_id, 'paid');
    await xs.setStatus(o.order_id, 'done');
    const { a, updates } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => a.tracked(o.order_id)?.phase === 'final');
    expect(updates.map((u) => u.status)).toEqual(['delivered']);
    await waitFor(() => sessions(xs) === 0);
  });
});

describe('xsolla adapter: reconnects', () => {
  it('replays the history after every reconnect without duplicate updates', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const { a, updates, count } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => count('xsolla.history_replayed') === 1);
    await xs.setStatus(o.order_id, 'paid');
    await waitFor(() => updates.some((u) => u.status === 'paid'));

    await xs.faults({ dropSockets: true });
    await waitFor(() => count('xsolla.history_replayed') === 2); // subscribed again → history read again
    await xs.faults({ closeSockets: { code: 3001, reason: 'shutdown' } });
    await waitFor(() => count('xsolla.history_replayed') === 3);
    expect(updates.map((u) => u.status)).toEqual(['created', 'paid']);

    await xs.setStatus(o.order_id, 'done');
    await waitFor(() => a.tracked(o.order_id)?.phase === 'final');
    expect(updates.map((u) => u.status)).toEqual(['created', 'paid', 'delivered']);
  });

  it('statuses missed during an outage arrive once (recovery and history both carry them)', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const { a, updates, count } = adapter(xs, { pollIntervalMs: 60_000 });
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => count('xsolla.history_replayed') === 1);
    await xs.faults({ dropSockets: true, refuseConnectsForMs: 300 });
    await xs.setStatus(o.order_id, 'paid');
    await waitFor(() => count('xsolla.subscribed') === 2, { timeoutMs: 10_000 });
    await waitFor(() => count('xsolla.history_replayed') === 2);
    expect(updates.map((u) => u.status)).toEqual(['created', 'paid']);
    expect(getOrderCalls(xs)).toBe(1); // only the first details call: the socket did all the rest
  });

  it('with a new stream epoch (history lost) it still converges, without going backwards', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const { a, updates, count } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => count('xsolla.history_replayed') === 1);
    await xs.setStatus(o.order_id, 'paid');
    await waitFor(() => updates.some((u) => u.status === 'paid'));
    await xs.faults({ resetStreams: true, dropSockets: true });
    await waitFor(() => count('xsolla.history_replayed') === 2);
    await xs.setStatus(o.order_id, 'done');
    await waitFor(() => a.tracked(o.order_id)?.phase === 'final');
    expect(updates.map((u) => u.status)).toEqual(['created', 'paid', 'delivered']);
  });

  it('a failed history read falls back to one Get order', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    await xs.setStatus(o.order_id, 'paid');
    await xs.faults({ historyErrors: 1 });
    const { a, count } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => count('xsolla.history_failed') === 1);
    await waitFor(() => getOrderCalls(xs) === 2);
    expect(a.tracked(o.order_id)?.order?.status).toBe('paid');
  });
});

describe('xsolla adapter: polling', () => {
  it('polls Get order while sockets are refused, and stops on a final status', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    await xs.faults({ refuseConnectsForMs: 600_000 });
    const { a, updates, conns } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => a.connection().state === 'degraded');
    expect(a.connection().reason).toBe('polling');
    expect(a.tracked(o.order_id)).toMatchObject({ polling: true, socket: 'down' });
    await xs.setStatus(o.order_id, 'paid', false); // no publication at all: only polling can see it
    await waitFor(() => updates.some((u) => u.status === 'paid'));
    expect(updates.find((u) => u.status === 'paid')?.source).toBe('poll');
    await xs.setStatus(o.order_id, 'done', false);
    await waitFor(() => a.tracked(o.order_id)?.phase === 'final');
    expect(a.tracked(o.order_id)).toMatchObject({ polling: false, socket: 'closed' });
    const calls = getOrderCalls(xs);
    await sleep(POLL_MS * 6);
    expect(getOrderCalls(xs)).toBe(calls);
    expect(a.connection().state).toBe('idle');
    expect(conns.map((c) => c.state)).not.toContain('live');
  });

  it('goes back to live (and stops polling) when the socket comes back', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    await xs.faults({ refuseConnectsForMs: 600_000 });
    const { a } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => a.connection().state === 'degraded');
    await xs.control('DELETE', '/sandbox/faults');
    await waitFor(() => a.connection().state === 'live', { timeoutMs: 10_000 });
    expect(a.tracked(o.order_id)?.polling).toBe(false);
  });

  it('a dropped socket that stays down starts polling; a quick reconnect does not', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const { a, count, conns } = adapter(xs, { pollIntervalMs: 100 });
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => a.connection().state === 'live');
    await xs.faults({ dropSockets: true, refuseConnectsForMs: 600_000 });
    await waitFor(() => a.connection().state === 'degraded');
    await xs.setStatus(o.order_id, 'paid');
    await waitFor(() => a.tracked(o.order_id)?.order?.status === 'paid');
    expect(a.tracked(o.order_id)?.order?.source).toBe('poll');
    expect(count('xsolla.polling_started')).toBe(1);
    expect(conns.map((c) => c.state)).toContain('degraded');
  });

  it('closes the socket after socketMaxWaitMs and polls instead', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const { a, updates, count } = adapter(xs, { socketMaxWaitMs: 300 });
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => a.connection().state === 'live');
    await waitFor(() => count('xsolla.socket_timeout') === 1);
    await waitFor(() => sessions(xs) === 0);
    expect(a.tracked(o.order_id)).toMatchObject({
      socket: 'closed',
      polling: true,
      reason: 'socket_timeout',
    });
    expect(a.connection()).toMatchObject({ state: 'degraded', reason: 'polling' });
    await xs.setStatus(o.order_id, 'paid');
    await waitFor(() => updates.some((u) => u.status === 'paid'));
    expect(updates.find((u) => u.status === 'paid')?.source).toBe('poll');
  });

  it('stops polling pollMaxMs after it started (injected clock): tracking ends as expired', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { a, count } = adapter(xs, { socketMaxWaitMs: 100, clock: () => now });
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => count('xsolla.socket_timeout') === 1);
    await waitFor(() => getOrderCalls(xs) >= 3);
    expect(a.tracked(o.order_id)?.phase).toBe('active');
    now += 10 * 60_000 - 1;
    await waitFor(() => getOrderCalls(xs) >= 5);
    expect(a.tracked(o.order_id)?.phase).toBe('active');
    now += 1;
    await waitFor(() => a.tracked(o.order_id)?.phase === 'expired');
    expect(a.tracked(o.order_id)).toMatchObject({ reason: 'timeout', polling: false, socket: 'closed' });
    expect(a.connection().state).toBe('idle');
    const calls = getOrderCalls(xs);
    await sleep(POLL_MS * 6);
    expect(getOrderCalls(xs)).toBe(calls);
  });

  it('with the polling budget spent but the socket still within its wait, it keeps waiting on the socket', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    let now = Date.parse('2026-01-01T00:00:00Z');
    await xs.faults({ refuseConnectsForMs: 600_000 });
    const { a, count } = adapter(xs, { clock: () => now });
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => a.tracked(o.order_id)?.polling === true);
    now += 10 * 60_000;
    await waitFor(() => count('xsolla.polling_budget_spent') === 1);
    expect(a.tracked(o.order_id)).toMatchObject({ phase: 'active', polling: false });
    expect(a.connection()).toMatchObject({ state: 'offline', reason: 'polling_timeout' });
    await xs.control('DELETE', '/sandbox/faults');
    await waitFor(() => a.connection().state === 'live', { timeoutMs: 10_000 });
    await xs.setStatus(o.order_id, 'paid');
    await waitFor(() => a.tracked(o.order_id)?.order?.status === 'paid');
  });
});

describe('xsolla adapter: Get order errors and tokens', () => {
  it('404: the order is unknown to this user — tracking fails and the socket closes', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const { a, updates } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: 12345, token: o.token });
    await waitFor(() => a.tracked(12345)?.phase === 'failed');
    expect(a.tracked(12345)).toMatchObject({ reason: 'not_found', socket: 'closed', polling: false });
    expect(updates).toEqual([]);
    await waitFor(() => sessions(xs) === 0);
    expect(a.connection().state).toBe('idle');
  });

  it('500s while polling: offline (api_unavailable), then back to degraded polling on success', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    await xs.faults({ refuseConnectsForMs: 600_000, http500: 3 });
    const { a, updates, conns } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => updates.length === 1);
    expect(conns).toContainEqual(expect.objectContaining({ state: 'offline', reason: 'api_unavailable' }));
    expect(a.connection()).toMatchObject({ state: 'degraded', reason: 'polling' });
    expect(a.tracked(o.order_id)?.phase).toBe('active');
  });

  it('an expired JWT with getToken: the socket reconnects with a fresh token (109 → renewed)', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const { a, count, updates } = adapter(xs);
    let renewals = 0;
    a.track({
      projectId: o.project_id,
      orderId: o.order_id,
      token: o.token,
      getToken: async () => {
        renewals += 1;
        return (await xs.control('POST', `/sandbox/orders/${o.order_id}/token`)).body.data.token;
      },
    });
    await waitFor(() => a.connection().state === 'live');
    await xs.faults({ expireTokens: true });
    await waitFor(() => count('xsolla.subscribed') === 2, { timeoutMs: 10_000 });
    expect(renewals).toBe(1);
    expect(count('xsolla.token_refreshed')).toBe(1);
    await xs.setStatus(o.order_id, 'paid');
    await waitFor(() => updates.some((u) => u.status === 'paid'));
  });

  it('an expired JWT without getToken: polling gets 401 and tracking fails as token_expired', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const { a } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => a.connection().state === 'live');
    await xs.faults({ expireTokens: true });
    await waitFor(() => a.tracked(o.order_id)?.phase === 'failed', { timeoutMs: 10_000 });
    expect(a.tracked(o.order_id)).toMatchObject({ reason: 'token_expired', socket: 'closed' });
    await waitFor(() => sessions(xs) === 0);
  });
});

describe('xsolla adapter: lifecycle', () => {
  it('untrack closes the socket and forgets the order; stop ends everything', async () => {
    const xs = await startXs();
    const o1 = await xs.createOrder();
    const o2 = await xs.createOrder();
    const { a } = adapter(xs);
    a.track({ projectId: o1.project_id, orderId: o1.order_id, token: o1.token });
    a.track({ projectId: o2.project_id, orderId: String(o2.order_id), token: o2.token });
    await waitFor(() => sessions(xs) === 2 && a.connection().state === 'live');
    expect(a.untrack(o1.order_id)).toBe(true);
    expect(a.untrack(o1.order_id)).toBe(false);
    expect(a.tracked(o1.order_id)).toBeNull();
    await waitFor(() => sessions(xs) === 1);
    expect(a.trackedAll().map((t) => t.orderId)).toEqual([String(o2.order_id)]);
    await a.stop();
    await waitFor(() => sessions(xs) === 0);
    expect(a.connection().state).toBe('idle');
  });

  it('refuses malformed track input', async () => {
    const xs = await startXs();
    const { a } = adapter(xs);
    expect(() => a.track({ projectId: 0, orderId: 1, token: 't' })).toThrow(/projectId/);
    expect(() => a.track({ projectId: 1, orderId: '../1', token: 't' })).toThrow(/orderId/);
    expect(() => a.track({ projectId: 1, orderId: 1, token: '' })).toThrow(/token/);
    expect(a.trackedAll()).toEqual([]);
  });

  it('tracking the same order twice keeps one tracker', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const { a } = adapter(xs);
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    a.track({ projectId: o.project_id, orderId: o.order_id, token: o.token });
    await waitFor(() => a.connection().state === 'live');
    expect(sessions(xs)).toBe(1);
  });
});
