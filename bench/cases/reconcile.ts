/**
 * requests_per_cycle_10k: 10,000 open orders in the store, the gate down (every socket dropped, reconnects refused),
 * so the core reconciles through the filter API every 3 s. Per cycle: API requests and wall time; over one full pass
 * of the sweep (every open order looked up by id at least once): total requests, wall time, and the peak number of
 * requests in any 30 s window (the gateway allows 100, the client limiter 90). The gateway runs with its real rate
 * limit (100 / 30 s per account) here, so a 429 would show.
 */
import { sleep, until } from '../lib/clock.ts';
import { startCoreProcess, type ChildEvent } from '../lib/core-process.ts';
import { addOrdersDirect, control, newShop, startGateway } from '../lib/gateway.ts';
import { summarize } from '../lib/stats.ts';
import { tempDir } from '../lib/workspace.ts';

interface CycleReport {
  requests: number;
  durationMs: number;
  swept: number;
  passComplete: boolean;
  ok: boolean;
  startedAt: string;
  missing: string[];
}

export async function runReconcile10k(options: { orders?: number; log?: (line: string) => void } = {}) {
  const n = options.orders ?? 10_000;
  const log = options.log ?? (() => {});
  const shop = newShop();
  const sandbox = await startGateway(shop, { rateLimit: { requests: 100, windowMs: 30_000 } });
  const core = await startCoreProcess({ sandbox, ...shop, dataDir: tempDir('reconcile'), logToFile: false });
  try {
    await until(
      async () => (await core.call<{ state: string }>('connection')).state === 'live',
      'the gate to be live',
    );
    const orders = addOrdersDirect(sandbox, shop, n, { prefix: 'OPEN' });
    for (let i = 0; i < orders.length; i += 2_000)
      await core.call('seedOrders', { orders: orders.slice(i, i + 2_000) });
    // Let the start-up catch-up settle, then take the gate away for good.
    await until(
      async () => (await core.call<CycleReport | null>('lastReconcile')) !== null,
      'the first cycle',
    );
    await sleep(1_000);
    const cycles: { report: CycleReport; at: number }[] = [];
    core.events.on('event', (e: ChildEvent) => {
      if (e.type === 'cycle') cycles.push({ report: e.report as CycleReport, at: e.at as number });
    });
    await core.call('watchCycles', { on: true });
    const t0 = Date.now();
    await control(sandbox, 'POST', '/sandbox/sockets/drop', { refuseForSeconds: 3_600 });
    // One full pass: cycles until the sweep wraps after having started from the oldest open order.
    await until(
      () => cycles.findIndex((c) => c.report.passComplete) >= 0,
      'a full sweep over the open orders',
      { timeoutMs: 600_000, intervalMs: 100 },
    );
    await core.call('watchCycles', { on: false });
    // The pass: from the first cycle after the drop to the first that completes the sweep.
    const end = cycles.findIndex((c) => c.report.passComplete);
    const pass = cycles.slice(0, end + 1);
    const perCycle = pass.map((c) => c.report.requests);
    const durations = pass.map((c) => c.report.durationMs);
    const swept = pass.reduce((a, c) => a + c.report.swept, 0);
    const calls = (await core.call<{ at: string; status: number | null }[]>('recentCalls')).filter(
      (c) => Date.parse(c.at) >= t0,
    );
    const times = calls.map((c) => Date.parse(c.at)).sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 30_000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    const rateLimited = calls.filter((c) => c.status === 429).length;
    const passSeconds = (pass.at(-1)!.at - pass[0]!.at + pass.at(-1)!.report.durationMs) / 1000;
    const total = perCycle.reduce((a, b) => a + b, 0);
    log(
      `  reconcile 10k: ${pass.length} cycles, ${total} requests (max ${Math.max(...perCycle)} per cycle), ` +
        `swept ${swept}, pass ${passSeconds.toFixed(1)} s, peak ${peak} / 30 s, 429s ${rateLimited}`,
    );
    const d = summarize(durations);
    return {
      metrics: { requests_per_cycle_10k: Math.max(...perCycle) },
      extra: {
        reconcile_10k_requests_per_cycle_p50: summarize(perCycle).p50,
        reconcile_10k_cycle_ms_p50: d.p50,
        reconcile_10k_cycle_ms_p99: d.p99,
        reconcile_10k_full_pass_cycles: pass.length,
        reconcile_10k_full_pass_requests: total,
        reconcile_10k_full_pass_s: passSeconds,
        reconcile_10k_peak_requests_30s: peak,
        reconcile_10k_http_429: rateLimited,
      },
    };
  } finally {
    await core.stop();
    await sandbox.stop();
  }
}
