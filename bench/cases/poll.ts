/**
 * poll_baseline_ratio: how much sooner the console learns of a payment than a client that short-polls the filter API
 * every 3 s — the fallback Xsolla recommends when webhooks are not an option. Both run for real against the same
 * gateway and the same payments: `payments` orders paid one by one at random moments; for each, the poller's
 * detection latency (its answer that first shows the order paid − the gateway's send time) and ours (the core's
 * committed change − the same send time). The ratio is of the two medians, measured in this run.
 */
import { sleep, until, wallNow } from '../lib/clock.ts';
import { startCoreProcess, type ChildEvent } from '../lib/core-process.ts';
import { addOrdersDirect, api, control, newShop, startGateway } from '../lib/gateway.ts';
import { summarize } from '../lib/stats.ts';
import { tempDir } from '../lib/workspace.ts';

export async function runPollBaseline(
  options: { payments?: number; pollMs?: number; log?: (l: string) => void } = {},
) {
  const payments = options.payments ?? 20;
  const pollMs = options.pollMs ?? 3_000;
  const log = options.log ?? (() => {});
  const shop = newShop();
  const sandbox = await startGateway(shop);
  const core = await startCoreProcess({ sandbox, ...shop, dataDir: tempDir('poll'), logToFile: false });
  let polling = true;
  try {
    await until(
      async () => (await core.call<{ state: string }>('connection')).state === 'live',
      'the gate to be live',
    );
    const orders = addOrdersDirect(sandbox, shop, payments, { prefix: 'POLL' });
    await core.call('seedOrders', { orders });
    await core.call('watchOrders', { on: true });
    const stored = new Map<string, number>();
    core.events.on('event', (e: ChildEvent) => {
      if (e.type === 'order' && e.status === 'completed') stored.set(e.id as string, e.at as number);
    });
    const sent = new Map<string, number>();
    sandbox.gate.events.on('sent', (t) => {
      if (t.status === 'completed' && !sent.has(t.orderId)) sent.set(t.orderId, t.at);
    });

    // The baseline: every pollMs, one filter request for the orders it waits for.
    const detected = new Map<string, number>();
    const query = `${orders.map((o) => `id[]=${o.id}`).join('&')}&pageSize=100`;
    const poller = (async () => {
      let next = wallNow() + Math.random() * pollMs;
      while (polling) {
        await sleep(Math.max(0, next - wallNow()));
        next += pollMs;
        const res = await api(sandbox, shop.token, 'GET', `/v3/filter/api/order/order?${query}`);
        const at = wallNow();
        for (const o of (res.body?.data ?? []) as { id: string; status: string }[]) {
          if (o.status === 'completed' && !detected.has(o.id)) detected.set(o.id, at);
        }
      }
    })();

    for (const o of orders) {
      await sleep(250 + Math.random() * pollMs);
      const res = await control(sandbox, 'POST', `/sandbox/orders/${o.id}/pay`);
      if (res.status !== 200) throw new Error(`pay: ${res.status}`);
    }
    await until(
      () => orders.every((o) => detected.has(o.id) && stored.has(o.id) && sent.has(o.id)),
      'every payment seen by both',
      {
        timeoutMs: pollMs * 3 + 10_000,
      },
    );
    polling = false;
    await poller;
    const poll = summarize(orders.map((o) => detected.get(o.id)! - sent.get(o.id)!));
    const ours = summarize(orders.map((o) => stored.get(o.id)! - sent.get(o.id)!));
    log(
      `  3 s poller: p50 ${poll.p50.toFixed(0)} ms, p99 ${poll.p99.toFixed(0)} ms | console (gate → stored): p50 ${ours.p50.toFixed(2)} ms, ` +
        `p99 ${ours.p99.toFixed(2)} ms | ratio of medians ${(poll.p50 / ours.p50).toFixed(0)}`,
    );
    return {
      metrics: { poll_baseline_ratio: poll.p50 / ours.p50 },
      extra: {
        poll_baseline_p50_ms: poll.p50,
        poll_baseline_p99_ms: poll.p99,
        poll_console_p50_ms: ours.p50,
        poll_console_p99_ms: ours.p99,
        poll_payments: payments,
      },
    };
  } finally {
    polling = false;
    await core.stop();
    await sandbox.stop();
  }
}
