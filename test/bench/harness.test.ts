/**
 * The benchmark and chaos harnesses work: each runs a tiny configuration end to end against the sandbox, with real
 * core child processes. Only correctness is asserted (nothing lost, nothing duplicated, numbers produced); never a
 * timing — the machine may be shared and noisy. The real runs are `npm run bench` and `npm run chaos`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/chaos.ts';
import { runBurst } from '../../bench/cases/burst.ts';
import { runRecovery } from '../../bench/cases/recovery.ts';
import { runReconcile10k } from '../../bench/cases/reconcile.ts';
import { runRss } from '../../bench/cases/rss.ts';
import { runSearch } from '../../bench/cases/search.ts';
import { passes, table, TARGETS } from '../../bench/run.ts';
import { until } from '../../bench/lib/clock.ts';
import { startCoreProcess } from '../../bench/lib/core-process.ts';
import { LINE, newShop, startGateway } from '../../bench/lib/gateway.ts';
import { summarize } from '../../bench/lib/stats.ts';
import { cleanupTempDirs, tempDir } from '../../bench/lib/workspace.ts';

afterAll(() => cleanupTempDirs());

const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

describe('chaos', () => {
  it('survives 20 s of faults and two SIGKILLs on all three gateways with nothing lost, duplicated, wrong or leaked', async () => {
    const report = await runChaos({ seconds: 20, restarts: 2, seed: 1, log: () => {} });
    expect(report.restarts).toBe(2);
    expect(report.intents).toBeGreaterThan(0);
    // Xsolla and WellPay traffic ran beside Invoicebox's, and their faults were injected.
    expect(report.providers.wellpayInvoices).toBeGreaterThan(0);
    expect(report.providers.xsollaOrders).toBeGreaterThan(0);
    expect(Object.keys(report.faults).some((k) => k.startsWith('injected wellpay'))).toBe(true);
    expect(Object.keys(report.faults).some((k) => k.startsWith('injected xsolla'))).toBe(true);
    expect(report.orders).toBeGreaterThanOrEqual(report.intents - 1); // the last intent may still be in flight
    expect(report.details.lost).toEqual([]);
    expect(report.details.duplicated).toEqual([]);
    expect(report.details.wrong_status).toEqual([]);
    expect(report.details.token_leaks).toEqual([]);
    expect(Object.keys(report.faults).length).toBeGreaterThan(0);
  }, 180_000);
});

describe('what the chaos run found', () => {
  it('a create killed mid-request and retried with the same requestKey after a restart is one order', async () => {
    const shop = newShop();
    const sandbox = await startGateway(shop);
    const dataDir = tempDir('retry');
    const input = {
      requestKey: 'retry-after-kill-1',
      description: 'retried intent',
      lines: [{ ...LINE, unitPrice: 25_000 }].map(({ sku: _s, ...l }) => l),
    };
    try {
      sandbox.faults.set({ httpDelayMs: 1_500 }); // the POST is in flight when the core dies
      const first = await startCoreProcess({ sandbox, ...shop, dataDir, logToFile: false });
      const attempt = first.invoke('orders.create', input).catch((e: unknown) => e);
      await until(() => sandbox.state.orders.size > 0 || null, 'the POST to reach the gateway', {
        timeoutMs: 10_000,
      }).catch(() => undefined);
      await first.kill();
      expect(await attempt).toBeInstanceOf(Error);
      sandbox.faults.reset();
      const second = await startCoreProcess({ sandbox, ...shop, dataDir, logToFile: false });
      try {
        const order = await second.invoke<{ id: string }>('orders.create', input);
        const again = await second.invoke<{ id: string }>('orders.create', input);
        expect(again.id).toBe(order.id);
        const onGateway = [...sandbox.state.orders.values()].filter(
          (o) => o.view.description === 'retried intent',
        );
        expect(onGateway.map((o) => o.view.id)).toEqual([order.id]);
      } finally {
        await second.stop();
      }
    } finally {
      await sandbox.stop();
    }
  }, 60_000);
});

describe('benchmarks, tiny', () => {
  it('burst: every notification stored and acknowledged once', async () => {
    const r = await runBurst({ orders: 50, rounds: 1, warmup: 0 });
    expect(r.metrics.burst_lost).toBe(0);
    expect(r.metrics.burst_duplicated).toBe(0);
    expect(isNumber(r.metrics.burst_1000_s)).toBe(true);
  }, 60_000);

  it('search: every UI search runs through the contract and is timed', async () => {
    const r = await runSearch({ orders: 2_000, rounds: 2, warmup: 1 });
    expect(isNumber(r.metrics.search_100k_p99_ms)).toBe(true);
    expect(r.detail.perKind.length).toBeGreaterThan(10);
    expect(r.detail.perKind.find((k) => k.name === 'first page')?.total).toBe(2_000);
  }, 120_000);

  it('reconcile: one full sweep over the open orders, within the rate limit', async () => {
    const r = await runReconcile10k({ orders: 500 });
    expect(r.extra.reconcile_10k_http_429).toBe(0);
    expect(r.extra.reconcile_10k_full_pass_cycles).toBeGreaterThanOrEqual(1);
    expect(r.metrics.requests_per_cycle_10k).toBeGreaterThan(0);
  }, 120_000);

  it('recovery: every change made while the gate refused sockets is learned, and the store matches', async () => {
    const r = await runRecovery({ openOrders: 30, rounds: 1, changesPerRound: 4, outageS: 4 });
    expect(r.extra.recovery_changes).toBe(4);
    expect(r.extra.recovery_store_mismatches).toBe(0);
  }, 120_000);

  it('rss: measures the core child after notifications through the gate', async () => {
    const r = await runRss({ notifications: 2_000, warmup: 1_000, wave: 250, steadyStep: 1_000 });
    expect(isNumber(r.metrics.core_rss_growth_mb_100k)).toBe(true);
  }, 120_000);

  it('judges and prints metrics against their targets', () => {
    expect(passes('burst_lost', 0)).toBe(true);
    expect(passes('burst_lost', 1)).toBe(false);
    expect(passes('poll_baseline_ratio', 150)).toBe(true);
    expect(passes('poll_baseline_ratio', NaN)).toBe(false);
    expect(Object.keys(TARGETS)).toHaveLength(12);
    const text = table({ burst_1000_s: 0.5, search_100k_p99_ms: 70 });
    expect(text).toMatch(/burst_1000_s .*PASS/);
    expect(text).toMatch(/search_100k_p99_ms .*MISS/);
    expect(summarize([3, 1, 2]).p50).toBe(2);
  });
});
