/**
 * search_100k_p99_ms: the orders list's searches with 100,000 orders stored (electron/core/store/seed.ts: a year of
 * mixed Latin / Cyrillic numbers and descriptions), each through the contract exactly as the renderer sends it
 * (renderer/src/lib/search-query.ts: page size 300, the total counted), timed inside the core process.
 */
import { generateOrders } from '../../electron/core/store/seed.ts';
import { until } from '../lib/clock.ts';
import { startCoreProcess } from '../lib/core-process.ts';
import { newShop, startGateway } from '../lib/gateway.ts';
import { summarize } from '../lib/stats.ts';
import { tempDir } from '../lib/workspace.ts';

const PAGE = 300; // renderer/src/state/orders-list.ts PAGE_SIZE

/** The searches a cashier makes in the orders list, with numbers and ids that exist in the seeded data. */
export function searches(n: number): { name: string; input: Record<string, unknown>; nextPage?: boolean }[] {
  const orders = generateOrders(n, { seed: 1 });
  const pick = (i: number) => orders[Math.min(orders.length - 1, i)]!.snapshot;
  const number = pick(Math.floor(n * 0.47)).merchantOrderId;
  return [
    { name: 'first page', input: { limit: PAGE } },
    { name: 'next page', input: { limit: PAGE }, nextPage: true },
    { name: 'number prefix', input: { limit: PAGE, text: number.slice(0, number.length - 2) } },
    { name: 'number, whole', input: { limit: PAGE, text: number } },
    { name: 'number prefix, other case', input: { limit: PAGE, text: 'заказ-00' } },
    { name: 'gateway id', input: { limit: PAGE, text: pick(Math.floor(n * 0.31)).id } },
    { name: 'description, 3+ characters', input: { limit: PAGE, text: 'капучино' } },
    { name: 'description, 2 characters', input: { limit: PAGE, text: 'ёл' } },
    { name: 'status: created', input: { limit: PAGE, status: ['created'] } },
    { name: 'status: completed + expired', input: { limit: PAGE, status: ['completed', 'expired'] } },
    { name: 'status: created, next page', input: { limit: PAGE, status: ['created'] }, nextPage: true },
    { name: 'amount 1 000–1 500 ₽', input: { limit: PAGE, minAmount: 100_000, maxAmount: 150_000 } },
    { name: 'amount ≥ 19 000 ₽', input: { limit: PAGE, minAmount: 1_900_000 } },
    {
      name: 'one day',
      input: { limit: PAGE, from: '2026-03-14T00:00:00+03:00', to: '2026-03-15T00:00:00+03:00' },
    },
    {
      name: 'month + completed + text',
      input: {
        limit: PAGE,
        status: ['completed'],
        text: 'латте',
        from: '2026-05-01T00:00:00+03:00',
        to: '2026-06-01T00:00:00+03:00',
      },
    },
  ];
}

export async function runSearch(
  options: { orders?: number; rounds?: number; warmup?: number; log?: (l: string) => void } = {},
) {
  const n = options.orders ?? 100_000;
  const rounds = options.rounds ?? 30;
  const warmup = options.warmup ?? 3;
  const log = options.log ?? (() => {});
  const shop = newShop();
  const sandbox = await startGateway(shop);
  const core = await startCoreProcess({ sandbox, ...shop, dataDir: tempDir('search'), logToFile: false });
  try {
    await until(
      async () => (await core.call<{ state: string }>('connection')).state === 'live',
      'the gate to be live',
    );
    const seeded = await core.call<{ ms: number }>('seedSynthetic', { n, merchantId: shop.merchantId });
    log(`  search: seeded ${n} orders in ${(seeded.ms / 1000).toFixed(1)} s`);
    const result = await core.call<{ samples: Record<string, number[]>; totals: Record<string, number> }>(
      'searchBench',
      { searches: searches(n), rounds, warmup },
    );
    const all = Object.values(result.samples).flat();
    const perKind = Object.entries(result.samples).map(([name, s]) => ({
      name,
      ...summarize(s),
      total: result.totals[name],
    }));
    for (const k of perKind) {
      log(
        `    ${k.name.padEnd(40)} p50 ${k.p50.toFixed(2).padStart(7)} ms  p99 ${k.p99.toFixed(2).padStart(7)} ms  (${k.total} matches)`,
      );
    }
    const sum = summarize(all);
    const worst = perKind.reduce((a, b) => (b.p99 > a.p99 ? b : a));
    return {
      metrics: { search_100k_p99_ms: sum.p99 },
      extra: {
        search_100k_p50_ms: sum.p50,
        search_100k_worst_kind_p99_ms: worst.p99,
        search_100k_samples: sum.n,
      },
      detail: { worstKind: worst.name, perKind },
    };
  } finally {
    await core.stop();
    await sandbox.stop();
  }
}
