/**
 * The reconciler (electron/core/sync/reconciler.ts) against a real store (SQLite in a temp dir) and an in-memory
 * gateway implementing ReconcileApi (that interface is ours: the session adapts the real API client to it). Covers
 * the rolling sweep (a slice per cycle, wrapping around, catchUp restarting a pass), the paidAt watermark (kept in
 * the store, survives a restart, continues a backlog, never moves backwards) and due expiry (past-deadline orders
 * looked up whatever the sweep's position).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orderSnapshot, refundSnapshot } from '../../electron/core/invoicebox/snapshots.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import {
  createReconciler,
  type CycleReport,
  type PaidSince,
  type ReconcileApi,
  type ReconcilePort,
  type ReconcilerOptions,
} from '../../electron/core/sync/reconciler.ts';
import type { OrderResponse, RefundOrderResponse } from '../../shared/invoicebox/schemas.ts';

const MERCHANT = 'm-1';
const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

/** The gateway's side: every order as the filter API would return it, plus a log of what was asked. */
class MemoryGateway implements ReconcileApi {
  readonly orders = new Map<string, OrderResponse>();
  readonly refunds = new Map<string, RefundOrderResponse>();
  readonly byIdCalls: string[][] = [];
  readonly paidCalls: { since: string; maxPages: number }[] = [];
  requests = 0;
  failNext = false;

  async findOrdersByIds(ids: string[]): Promise<OrderResponse[]> {
    this.#maybeFail();
    this.byIdCalls.push([...ids]);
    this.requests += Math.ceil(ids.length / 100);
    return ids.flatMap((id) => {
      const o = this.orders.get(id);
      return o ? [structuredClone(o)] : [];
    });
  }

  async findOrdersPaidSince(since: string, maxPages: number): Promise<PaidSince> {
    this.#maybeFail();
    this.paidCalls.push({ since, maxPages });
    const all = [...this.orders.values()]
      .filter((o) => typeof o.paidAt === 'string' && o.paidAt >= since)
      .sort((a, b) => (a.paidAt! < b.paidAt! ? -1 : a.paidAt! > b.paidAt! ? 1 : 0));
    const limit = maxPages * 100;
    this.requests += Math.max(1, Math.min(maxPages, Math.ceil(all.length / 100)));
    return { orders: all.slice(0, limit).map((o) => structuredClone(o)), complete: all.length <= limit };
  }

  async findRefundsByIds(ids: string[]): Promise<RefundOrderResponse[]> {
    this.#maybeFail();
    this.requests += 1;
    return ids.flatMap((id) => {
      const r = this.refunds.get(id);
      return r ? [structuredClone(r)] : [];
    });
  }

  #maybeFail(): void {
    if (!this.failNext) return;
    this.failNext = false;
    throw new Error('gateway answered 503');
  }

  add(i: number, patch: Partial<OrderResponse> = {}): OrderResponse {
    const o: OrderResponse = {
      id: `ord-${String(i).padStart(5, '0')}`,
      merchantId: MERCHANT,
      merchantOrderId: `PD-${i}`,
      description: `order ${i}`,
      amount: 100 + i,
      vatAmount: 0,
      currencyId: 'RUB',
      status: 'created',
      createdAt: iso(T0 + i * 1000),
      expirationDate: iso(T0 + 24 * 3600_000),
      paidAt: null,
      ...patch,
    };
    this.orders.set(o.id, o);
    return o;
  }

  pay(id: string, at: number): void {
    const o = this.orders.get(id)!;
    this.orders.set(id, { ...o, status: 'completed', paidAt: iso(at) });
  }

  set(id: string, status: OrderResponse['status']): void {
    const o = this.orders.get(id)!;
    this.orders.set(id, { ...o, status });
  }
}

const WATERMARK = 'test.watermark';

/** The same port the session builds (electron/core/session.ts), on a real store. */
function portFor(store: Store): ReconcilePort {
  return {
    openOrdersAfter: (after, limit) => store.openOrdersAfter(after, limit),
    dueOrderIds: (at, limit) => store.dueOpenOrderIds(at.toISOString(), limit),
    openRefundIds: () => store.openRefunds().map((r) => r.id),
    applyOrders: (orders) =>
      store.applyOrderUpdates(orders.map(orderSnapshot), 'reconcile').filter((r) => r.decision === 'apply')
        .length,
    applyRefund: (r) => store.applyRefundUpdate(refundSnapshot(r), 'reconcile').decision,
    loadWatermark: () => {
      const v = store.getSetting(WATERMARK);
      return typeof v === 'string' ? v : null;
    },
    saveWatermark: (value) => store.setSetting(WATERMARK, value),
  };
}

let dir: string;
let store: Store;
let gateway: MemoryGateway;
let clock: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paydesk-reconciler-'));
  clock = T0 + 3600_000;
  store = openStore({ dir, now: () => new Date(clock) });
  gateway = new MemoryGateway();
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Orders the console knows as open: in the store and at the gateway. */
function seedOpen(n: number, patch: (i: number) => Partial<OrderResponse> = () => ({})): OrderResponse[] {
  const made = Array.from({ length: n }, (_, i) => gateway.add(i, patch(i)));
  store.applyOrderUpdates(made.map(orderSnapshot), 'reconcile', 'seed', { origin: 'console' });
  return made;
}

function reconciler(extra: Partial<ReconcilerOptions> = {}) {
  const reports: CycleReport[] = [];
  const r = createReconciler({
    port: portFor(store),
    api: gateway,
    now: () => new Date(clock),
    countRequests: () => gateway.requests,
    intervalMs: 60_000, // cycles are run by hand here
    log: () => {},
    onCycle: (report) => reports.push(report),
    ...extra,
  });
  return { r, reports };
}

const statusOf = (id: string): string | undefined => store.getOrder(id)?.order.status;
const swept = (call: string[]): string[] => call.filter((id) => id.startsWith('ord-'));

describe('rolling sweep', () => {
  it('looks up 400 open orders per cycle in creation order, covers all of them in one pass, then wraps', async () => {
    const made = seedOpen(1_000);
    const { r } = reconciler();

    const c1 = await r.runOnce();
    const c2 = await r.runOnce();
    const c3 = await r.runOnce();
    expect([c1.swept, c2.swept, c3.swept]).toEqual([400, 400, 200]);
    expect([c1.passComplete, c2.passComplete, c3.passComplete]).toEqual([false, false, true]);
    expect(c1.ok && c2.ok && c3.ok).toBe(true);
    // 4 id pages + 1 payments query per full cycle: the client limiter's budget is not eaten by reconciliation.
    expect(c1.requests).toBe(5);

    const calls = gateway.byIdCalls.map(swept);
    expect(calls.map((c) => c.length)).toEqual([400, 400, 200]);
    // Every open order exactly once in the pass, oldest first.
    expect(calls.flat()).toEqual(made.map((o) => o.id));

    // The next cycle starts the next pass from the oldest open order again.
    const c4 = await r.runOnce();
    expect(c4.swept).toBe(400);
    expect(gateway.byIdCalls[3]![0]).toBe(made[0]!.id);
  });

  it('finds an order canceled at another till (no notification, no payment) within one pass', async () => {
    const made = seedOpen(900);
    const victim = made[850]!.id; // in the third slice
    gateway.set(victim, 'canceled');
    const { r } = reconciler();
    await r.runOnce();
    await r.runOnce();
    expect(statusOf(victim)).toBe('created');
    const c3 = await r.runOnce();
    expect(c3.applied).toBe(1);
    expect(statusOf(victim)).toBe('canceled');
    // A closed order leaves the open set: the next pass does not ask about it again.
    await r.runOnce();
    await r.runOnce();
    await r.runOnce();
    expect(gateway.byIdCalls.slice(3).flat()).not.toContain(victim);
  });

  it('with no more open orders than a slice, every cycle checks every one of them', async () => {
    const made = seedOpen(300);
    const { r } = reconciler();
    for (let i = 0; i < 3; i++) {
      const c = await r.runOnce();
      expect(c.swept).toBe(300);
      expect(c.passComplete).toBe(true);
    }
    for (const call of gateway.byIdCalls) expect(call).toEqual(made.map((o) => o.id));
  });

  it('a slice of exactly the open count ends the pass in one cycle (no empty cycle after it)', async () => {
    seedOpen(400);
    const { r } = reconciler();
    const c = await r.runOnce();
    expect(c.swept).toBe(400);
    expect(c.passComplete).toBe(true);
  });

  it('orders closing under the cursor do not make the sweep skip or repeat the others', async () => {
    const made = seedOpen(10);
    const { r } = reconciler({ sweepPerCycle: 4 });
    await r.runOnce(); // 0..3
    // The last one swept and the next one close meanwhile (the gate told us).
    store.applyOrderUpdates(
      [made[3]!, made[4]!].map((o) => orderSnapshot({ ...o, status: 'expired' })),
      'gate',
    );
    await r.runOnce();
    await r.runOnce();
    expect(gateway.byIdCalls.map(swept)).toEqual([
      made.slice(0, 4).map((o) => o.id),
      made.slice(5, 9).map((o) => o.id),
      made.slice(9, 10).map((o) => o.id),
    ]);
  });

  it('catchUp starts a fresh pass from the oldest open order, and stops once the pass is complete', async () => {
    const made = seedOpen(10);
    const { r, reports } = reconciler({ sweepPerCycle: 4, intervalMs: 5 });
    await r.runOnce(); // 0..3: the cursor is now in the middle
    r.catchUp();
    await until(() => reports.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 50)); // it must not go on by itself
    expect(reports.length).toBe(4);
    expect(gateway.byIdCalls.map(swept)).toEqual([
      made.slice(0, 4).map((o) => o.id),
      made.slice(0, 4).map((o) => o.id), // the fresh pass
      made.slice(4, 8).map((o) => o.id),
      made.slice(8, 10).map((o) => o.id),
    ]);
    expect(reports.at(-1)!.passComplete).toBe(true);
    await r.stop();
  });
});

describe('paidAt watermark', () => {
  it('first cycle asks since now minus the margin; later cycles since the last good start minus the margin', async () => {
    seedOpen(3);
    const margin = 5 * 60_000;
    const { r } = reconciler({ paidSinceMarginMs: margin });
    await r.runOnce();
    expect(gateway.paidCalls[0]!.since).toBe(iso(clock - margin));
    expect(store.getSetting(WATERMARK)).toBe(iso(clock - margin));
    const firstStart = clock;
    clock += 3_000;
    await r.runOnce();
    expect(gateway.paidCalls[1]!.since).toBe(iso(firstStart - margin));
    expect(store.getSetting(WATERMARK)).toBe(iso(clock - margin));
  });

  it('survives a restart: a payment made hours ago while the console was off is found by the first cycle', async () => {
    const made = seedOpen(2_000); // far more than one sweep slice: only the watermark can find it at once
    {
      const { r } = reconciler();
      await r.runOnce();
      await r.stop();
    }
    const saved = store.getSetting(WATERMARK);
    // The console is off for 8 hours; a customer pays the last order (another till's screen) at hour 2.
    const paidId = made[1_999]!.id;
    gateway.pay(paidId, clock + 2 * 3600_000);
    clock += 8 * 3600_000;
    store.close();
    store = openStore({ dir, now: () => new Date(clock) });
    const { r } = reconciler();
    const c = await r.runOnce();
    expect(gateway.paidCalls.at(-1)!.since).toBe(saved);
    expect(c.swept).toBe(400); // the sweep did not reach it…
    expect(statusOf(paidId)).toBe('completed'); // …the watermark query did
    await r.stop();
  });

  it('a backlog longer than the page limit goes on from the last payment seen, and never moves backwards', async () => {
    const made = seedOpen(250);
    const since0 = iso(clock - 60_000);
    store.setSetting(WATERMARK, since0);
    made.forEach((o, i) => gateway.pay(o.id, clock - 50_000 + i * 10)); // 250 payments, 10 ms apart
    const { r } = reconciler({ maxPaidPages: 1, sweepPerCycle: 1 });
    const c1 = await r.runOnce();
    expect(c1.ok).toBe(true);
    // One page of 100 payments stored; the watermark is the 100th payment's time, not "now − margin".
    expect(store.getSetting(WATERMARK)).toBe(iso(clock - 50_000 + 99 * 10));
    await r.runOnce();
    expect(gateway.paidCalls[1]!.since).toBe(iso(clock - 50_000 + 99 * 10));
    expect(store.getSetting(WATERMARK)).toBe(iso(clock - 50_000 + 198 * 10));
    await r.runOnce(); // the rest fits; "start − margin" would be earlier than the last page: it stays
    expect(store.getSetting(WATERMARK)).toBe(iso(clock - 50_000 + 198 * 10));
    expect(made.every((o) => statusOf(o.id) === 'completed')).toBe(true);
    clock += 10 * 60_000;
    await r.runOnce(); // later: "this cycle's start − margin"
    expect(store.getSetting(WATERMARK)).toBe(iso(clock - 5 * 60_000));
    // Now the clock goes back (NTP step): the watermark must not move back with it.
    const before = store.getSetting(WATERMARK);
    clock -= 3600_000;
    await r.runOnce();
    expect(store.getSetting(WATERMARK)).toBe(before);
  });

  it('a failed cycle does not advance the watermark and reports the error', async () => {
    seedOpen(2);
    store.setSetting(WATERMARK, iso(clock - 3600_000));
    gateway.failNext = true;
    const { r } = reconciler();
    const c = await r.runOnce();
    expect(c.ok).toBe(false);
    expect(c.error).toContain('503');
    expect(store.getSetting(WATERMARK)).toBe(iso(clock - 3600_000));
  });
});

describe('due expiry', () => {
  it('looks up past-deadline open orders in the same request as the slice, wherever the sweep is', async () => {
    // 20 open orders; only the last two are past their deadline, far outside the first slice of 5.
    const made = seedOpen(20, (i) => ({
      expirationDate: i >= 18 ? iso(T0 + 60_000 + i) : iso(T0 + 48 * 3600_000),
    }));
    gateway.set(made[18]!.id, 'expired');
    gateway.set(made[19]!.id, 'expired');
    const { r } = reconciler({ sweepPerCycle: 5 });
    const c = await r.runOnce();
    expect(gateway.byIdCalls[0]).toEqual([made[18]!.id, made[19]!.id, ...made.slice(0, 5).map((o) => o.id)]);
    expect(c.swept).toBe(5);
    expect(c.checked).toBe(7);
    expect(c.applied).toBe(2);
    expect(statusOf(made[18]!.id)).toBe('expired');
    expect(statusOf(made[19]!.id)).toBe('expired');
    // Once expired they are no longer due: the next cycle asks only about its slice.
    await r.runOnce();
    expect(gateway.byIdCalls[1]).toEqual(made.slice(5, 10).map((o) => o.id));
  });

  it('an order the gateway has not expired yet stays open and is asked about again next cycle', async () => {
    const made = seedOpen(3, (i) => ({ expirationDate: i === 2 ? iso(T0) : iso(T0 + 48 * 3600_000) }));
    const { r } = reconciler({ sweepPerCycle: 1 });
    await r.runOnce();
    await r.runOnce();
    expect(statusOf(made[2]!.id)).toBe('created');
    expect(gateway.byIdCalls.map((c) => c[0])).toEqual([made[2]!.id, made[2]!.id]);
  });

  it('reports ids the gateway does not know', async () => {
    const made = seedOpen(3);
    gateway.orders.delete(made[1]!.id);
    const { r } = reconciler();
    const c = await r.runOnce();
    expect(c.missing).toEqual([made[1]!.id]);
    expect(statusOf(made[1]!.id)).toBe('created'); // nothing is invented for it
  });
});

async function until(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
