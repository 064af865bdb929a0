/**
 * burst_1000_s: 1,000 orders of this console paid at the same moment on the gateway (1,000 notifications leave the
 * gate at once); seconds from the first payment until the gate has a `success` answer for every one of them — an
 * answer the core sends only after the change is committed to SQLite (synchronous=FULL). Then the store is checked:
 * `burst_lost` = orders not `completed` in the store, `burst_duplicated` = orders whose `completed` was applied more
 * than once, or acknowledged more than once.
 */
import { wallNow, until } from '../lib/clock.ts';
import { startCoreProcess } from '../lib/core-process.ts';
import { addOrdersDirect, newShop, startGateway } from '../lib/gateway.ts';
import { summarize } from '../lib/stats.ts';
import { tempDir } from '../lib/workspace.ts';

export interface BurstOptions {
  orders?: number;
  rounds?: number;
  warmup?: number;
  log?: (line: string) => void;
}

export async function runBurst(options: BurstOptions = {}) {
  const n = options.orders ?? 1_000;
  const rounds = options.rounds ?? 5;
  const warmup = options.warmup ?? 1;
  const log = options.log ?? (() => {});
  const shop = newShop();
  const sandbox = await startGateway(shop);
  const core = await startCoreProcess({
    sandbox,
    ...shop,
    dataDir: tempDir('burst'),
    ...(process.env.BENCH_PROF ? { execArgv: ['--cpu-prof', '--cpu-prof-dir=/tmp/scratch/prof'] } : {}),
  });
  try {
    await until(
      async () => (await core.call<{ state: string }>('connection')).state === 'live',
      'the gate to be live',
    );
    const seconds: number[] = [];
    let lost = 0;
    let duplicated = 0;
    for (let round = 0; round < warmup + rounds; round++) {
      const orders = addOrdersDirect(sandbox, shop, n, { prefix: `BURST${round}` });
      await core.call('seedOrders', { orders });
      const ids = new Set(orders.map((o) => o.id));
      const acks = new Map<string, number>();
      let lastAck = 0;
      const onAnswer = (t: { orderId: string; outcome: string; at: number }) => {
        if (!ids.has(t.orderId) || t.outcome !== 'success') return;
        acks.set(t.orderId, (acks.get(t.orderId) ?? 0) + 1);
        lastAck = Math.max(lastAck, t.at);
      };
      sandbox.gate.events.on('answered', onAnswer);
      const t0 = wallNow();
      for (const o of orders) sandbox.state.setOrderStatus(o.id, 'completed');
      await until(() => acks.size === n, `${n} acknowledgements`, { timeoutMs: 120_000, intervalMs: 5 });
      sandbox.gate.events.off('answered', onAnswer);
      const s = (lastAck - t0) / 1000;
      const statuses = await core.call<Record<string, string | null>>('statuses', { ids: [...ids] });
      const applied = await core.call<Record<string, Record<string, number>>>('appliedCounts', {
        ids: [...ids],
      });
      const roundLost = Object.values(statuses).filter((st) => st !== 'completed').length;
      const roundDup =
        Object.values(applied).filter((c) => (c.completed ?? 0) > 1).length +
        [...acks.values()].filter((c) => c > 1).length;
      log(
        `  burst round ${round + 1}${round < warmup ? ' (warm-up)' : ''}: ${s.toFixed(3)} s, lost ${roundLost}, duplicated ${roundDup}`,
      );
      if (round >= warmup) {
        seconds.push(s);
        lost += roundLost;
        duplicated += roundDup;
      }
    }
    const sum = summarize(seconds);
    return {
      metrics: { burst_1000_s: sum.p50, burst_lost: lost, burst_duplicated: duplicated },
      extra: { burst_1000_p99_s: sum.p99, burst_rounds: rounds },
    };
  } finally {
    await core.stop();
    await sandbox.stop();
  }
}
