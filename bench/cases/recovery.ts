/**
 * recovery_p99_ms: the gateway drops every socket and refuses reconnects for `outageS` seconds; meanwhile orders
 * change on the gateway at random moments — paid (a customer), expired, canceled at "another till" (a DELETE through
 * the API with the shop's token) — and the gate can tell nobody (`no_consoles`). For each change: the time until the
 * core's store has the true status, learned by reconciliation alone. With the production tuning (polling every 3 s,
 * the real heartbeat and backoff). After each outage the whole store is compared with the gateway.
 */
import { sleep, until, wallNow } from '../lib/clock.ts';
import { startCoreProcess, type ChildEvent } from '../lib/core-process.ts';
import { addOrdersDirect, api, control, newShop, startGateway } from '../lib/gateway.ts';
import { summarize } from '../lib/stats.ts';
import { tempDir } from '../lib/workspace.ts';

type Change = 'pay' | 'expire' | 'cancel';

export async function runRecovery(
  options: {
    openOrders?: number;
    rounds?: number;
    changesPerRound?: number;
    outageS?: number;
    log?: (l: string) => void;
  } = {},
) {
  const openOrders = options.openOrders ?? 300;
  const rounds = options.rounds ?? 4;
  const changesPerRound = options.changesPerRound ?? 25;
  const outageS = options.outageS ?? 15;
  const log = options.log ?? (() => {});
  const shop = newShop();
  const sandbox = await startGateway(shop);
  const core = await startCoreProcess({ sandbox, ...shop, dataDir: tempDir('recovery'), logToFile: false });
  try {
    await until(
      async () => (await core.call<{ state: string }>('connection')).state === 'live',
      'the gate to be live',
    );
    const orders = addOrdersDirect(sandbox, shop, openOrders + rounds * changesPerRound, { prefix: 'REC' });
    await core.call('seedOrders', { orders });
    await core.call('watchOrders', { on: true });
    const learned = new Map<string, { status: string; at: number }>();
    core.events.on('event', (e: ChildEvent) => {
      if (e.type === 'order' && e.status !== 'created')
        learned.set(e.id as string, { status: e.status as string, at: e.at as number });
    });
    const open = orders.map((o) => o.id);
    const latencies: number[] = [];
    const byKind: Record<Change, number[]> = { pay: [], expire: [], cancel: [] };
    let mismatches = 0;
    for (let round = 0; round < rounds; round++) {
      await until(
        async () => (await core.call<{ state: string }>('connection')).state === 'live',
        'live before the outage',
        {
          timeoutMs: 120_000,
        },
      );
      await sleep(500);
      const drop = await control(sandbox, 'POST', '/sandbox/sockets/drop', { refuseForSeconds: outageS });
      const dropAt = wallNow();
      if (drop.body?.data?.dropped !== 1)
        throw new Error(`expected one socket dropped, got ${JSON.stringify(drop.body)}`);
      const changes: { id: string; kind: Change; status: string; at: number }[] = [];
      // Spread over the outage, the first right at the drop (a change the gate could not deliver any more).
      const moments = Array.from({ length: changesPerRound }, (_, i) =>
        i === 0 ? 0 : Math.random() * (outageS - 1.5) * 1000,
      ).sort((a, b) => a - b);
      for (const m of moments) {
        await sleep(Math.max(0, dropAt + m - wallNow()));
        const id = open.splice(Math.floor(Math.random() * open.length), 1)[0]!;
        const kind: Change = (['pay', 'pay', 'expire', 'cancel'] as const)[Math.floor(Math.random() * 4)]!;
        const at = wallNow();
        const res =
          kind === 'cancel'
            ? await api(sandbox, shop.token, 'DELETE', `/v3/billing/api/order/order/${id}`)
            : await control(sandbox, 'POST', `/sandbox/orders/${id}/${kind}`);
        if (res.status !== 200) throw new Error(`${kind} ${id}: ${res.status} ${JSON.stringify(res.body)}`);
        changes.push({
          id,
          kind,
          status: kind === 'pay' ? 'completed' : kind === 'expire' ? 'expired' : 'canceled',
          at,
        });
      }
      await until(
        () => changes.every((c) => learned.get(c.id)?.status === c.status),
        'every change learned',
        {
          timeoutMs: 60_000,
        },
      );
      for (const c of changes) {
        const ms = learned.get(c.id)!.at - c.at;
        latencies.push(ms);
        byKind[c.kind].push(ms);
      }
      // The whole store against the gateway's truth.
      const ids = orders.map((o) => o.id);
      const ours = await core.call<Record<string, string | null>>('statuses', { ids });
      for (const id of ids) if (ours[id] !== sandbox.state.orders.get(id)?.view.status) mismatches += 1;
      const r = summarize(changes.map((c) => learned.get(c.id)!.at - c.at));
      log(
        `  recovery round ${round + 1}: ${changes.length} changes while refused, learned in p50 ${r.p50.toFixed(0)} ms, max ${r.max.toFixed(0)} ms`,
      );
    }
    const all = summarize(latencies);
    return {
      metrics: { recovery_p99_ms: all.p99 },
      extra: {
        recovery_p50_ms: all.p50,
        recovery_max_ms: all.max,
        recovery_changes: all.n,
        recovery_pay_p99_ms: summarize(byKind.pay).p99,
        recovery_expire_p99_ms: summarize(byKind.expire).p99,
        recovery_cancel_p99_ms: summarize(byKind.cancel).p99,
        recovery_store_mismatches: mismatches,
        recovery_open_orders: openOrders,
      },
    };
  } finally {
    await core.stop();
    await sandbox.stop();
  }
}
