/**
 * A real PayDesk core (createCore) in a child process of its own, so that its memory is its own, it can be SIGKILLed,
 * and it runs on the other CPU while the sandbox runs in the parent. Started by core-process.ts with Node's IPC
 * channel; configured through the same PAYDESK_* variables a shop would set (plus PAYDESK_BENCH_TUNING, JSON).
 *
 * Parent → child: `{id, cmd, args}`; child → parent: `{id, ok, result | error}` answers, and events
 * `{type: 'ready' | 'order' | 'connection', …}` (`order` events, while `watchOrders` is on, arrive in batches ~60 ms after
 * their `at`: see below). Commands are what the benchmarks and the chaos run need to drive
 * the core and to read its store; the cashier's actions go through `invoke`, the same contract the renderer uses.
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { createCore, type Core } from '../../electron/core/core.ts';
import { orderSnapshot } from '../../electron/core/invoicebox/snapshots.ts';
import { seedOrders } from '../../electron/core/store/seed.ts';
import { startWebHost, type WebHost } from '../../electron/web/host.ts';
import type { OrderResponse } from '../../shared/invoicebox/schemas.ts';

type Json = Record<string, unknown>;
interface Request {
  id: number;
  cmd: string;
  args?: Json;
}

const wallNow = (): number => performance.timeOrigin + performance.now();
const send = (message: Json): void => {
  if (process.connected) process.send!(message);
};

const tuning = process.env.PAYDESK_BENCH_TUNING ? JSON.parse(process.env.PAYDESK_BENCH_TUNING) : undefined;
const core: Core = await createCore({
  dataDir: process.env.PAYDESK_DATA_DIR!,
  keychainService: 'PayDesk-bench',
  logToFile: process.env.PAYDESK_BENCH_LOG_TO_FILE !== '0',
  ...(tuning ? { tuning } : {}),
});

// With PAYDESK_BENCH_RENDERER_DIR the child also serves the renderer, as `npm run web` does (same process as the core).
const rendererDir = process.env.PAYDESK_BENCH_RENDERER_DIR;
const host: WebHost | null = rendererDir ? await startWebHost({ core, rendererDir }) : null;

let watchOrders = false;
let cycleTimer: NodeJS.Timeout | null = null;
/**
 * Stamped when the core emits; sent to the bench in one batch a while later. The IPC write, and the bench process it
 * wakes, would otherwise land while the change is still on its way to the page — on a 2-vCPU machine, competing for
 * the very CPU the measured path needs. Every case reads `at`, never the arrival time.
 */
const ORDER_EVENT_DELAY_MS = 60;
const pendingOrders: Json[] = [];
let orderFlush: NodeJS.Timeout | null = null;
core.events.on('order', (view) => {
  if (!watchOrders) return;
  pendingOrders.push({ type: 'order', id: view.id, status: view.status, at: wallNow() });
  orderFlush ??= setTimeout(() => {
    orderFlush = null;
    for (const event of pendingOrders.splice(0)) send(event);
  }, ORDER_EVENT_DELAY_MS);
});
core.events.on('connection', (view) => send({ type: 'connection', state: view.state, reason: view.reason }));

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

const commands: Record<string, (args: Json) => unknown> = {
  invoke: (a) => core.invoke(a.method as never, a.input),
  watchOrders: (a) => {
    watchOrders = a.on === true;
    return watchOrders;
  },
  connection: () => core.session().connection.view(),
  memory: (a) => {
    if (a.gc === true) gc();
    const m = process.memoryUsage();
    const status: Record<string, number> = {};
    try {
      for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
        const match = /^(RssAnon|RssFile|RssShmem|VmHWM):\s+(\d+) kB/.exec(line);
        if (match) status[match[1]!] = Number(match[2]) * 1024;
      }
    } catch {
      // not Linux
    }
    const h = getHeapStatistics();
    return {
      rss: m.rss,
      heapTotal: m.heapTotal,
      v8Physical: h.total_physical_size,
      v8Malloced: h.malloced_memory,
      v8PeakMalloced: h.peak_malloced_memory,
      spaces: Object.fromEntries(
        getHeapSpaceStatistics().map((sp) => [sp.space_name, Math.round(sp.physical_space_size / 1e6)]),
      ),
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      gcExposed: typeof globalThis.gc === 'function',
      ...status,
    };
  },
  /** Orders the bench created directly on the gateway, recorded as this console's own (as orders.create would). */
  seedOrders: (a) => {
    const orders = a.orders as OrderResponse[];
    core.store.applyOrderUpdates(
      orders.map((o) => orderSnapshot(o)),
      'api',
      null,
      { origin: 'console' },
    );
    return orders.length;
  },
  /** Synthetic history (electron/core/store/seed.ts): `n` orders of this shop, a year's worth. */
  seedSynthetic: (a) => {
    const t0 = performance.now();
    seedOrders(core.store, a.n as number, {
      merchantId: a.merchantId as string,
      seed: (a.seed as number | undefined) ?? 1,
      idPrefix: (a.idPrefix as string | undefined) ?? '',
    });
    return { ms: performance.now() - t0 };
  },
  /**
   * Runs each search `rounds` times through the contract (core.invoke('orders.search'), as the renderer does) after
   * `warmup` rounds, timing each call here, in the core's own process: ms per call, per search name.
   */
  searchBench: async (a) => {
    const searches = a.searches as { name: string; input: Record<string, unknown>; nextPage?: boolean }[];
    const rounds = a.rounds as number;
    const warmup = a.warmup as number;
    const out: Record<string, number[]> = {};
    const rows: Record<string, number> = {};
    let tick = 0;
    for (let r = 0; r < warmup + rounds; r++) {
      for (const s of searches) {
        let input = s.input;
        if (s.nextPage) {
          const first = (await core.invoke('orders.search', s.input)) as { nextCursor: string | null };
          input = { ...s.input, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) };
        }
        // A write before every timed search (as notifications keep arriving): nothing is answered from the store's
        // caches of text matches and totals, which last only until the next write.
        core.store.setSetting('bench.search', tick++);
        const t0 = performance.now();
        const res = (await core.invoke('orders.search', input)) as { rows: unknown[]; total: number };
        const ms = performance.now() - t0;
        if (r >= warmup) (out[s.name] ??= []).push(ms);
        rows[s.name] = res.total;
      }
    }
    return { samples: out, totals: rows };
  },
  /** Every order and refund in the store: id → status, with the count of applied entries per status. */
  dump: () => {
    const orders: Json[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = core.store.searchOrders({ limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const o of page.rows) {
        orders.push({ id: o.id, merchantOrderId: o.merchantOrderId, status: o.status, origin: o.origin });
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const refunds = orders.flatMap((o) =>
      core.store
        .refundsForOrder(o.id as string)
        .map((r) => ({ id: r.id, parentId: r.parentId, status: r.status })),
    );
    return { orders, refunds, pendingIntents: core.store.pendingIntents().length };
  },
  /** Per order: how many times each status was APPLIED (a status applied twice would be a duplicate). */
  appliedCounts: (a) => {
    const out: Record<string, Record<string, number>> = {};
    for (const id of a.ids as string[]) {
      const counts: Record<string, number> = {};
      for (const h of core.store.getOrder(id)?.history ?? []) {
        if (h.applied) counts[h.status] = (counts[h.status] ?? 0) + 1;
      }
      out[id] = counts;
    }
    return out;
  },
  statuses: (a) => {
    const out: Record<string, string | null> = {};
    for (const id of a.ids as string[]) out[id] = core.store.getOrder(id)?.order.status ?? null;
    return out;
  },
  reconcileOnce: async () => core.session().reconciler.runOnce(),
  /** Forwards every reconciliation cycle report as an event (polled: the core has no hook for it). */
  watchCycles: (a) => {
    if (cycleTimer) clearInterval(cycleTimer);
    cycleTimer = null;
    if (a.on !== true) return false;
    let lastSeen = core.session().reconciler.lastReport();
    cycleTimer = setInterval(() => {
      const report = core.session().reconciler.lastReport();
      if (report && report !== lastSeen) {
        lastSeen = report;
        send({ type: 'cycle', report, at: wallNow() });
      }
    }, 5);
    return true;
  },
  /** The API client's last 200 calls (method, path with query keys only, status, time). */
  recentCalls: () => core.session().api.recentCalls(),
  lastReconcile: () => core.session().reconciler.lastReport(),
  /** A fresh one-time login link of the browser host (one per browser context). */
  loginUrl: () => {
    if (!host) throw new Error('no web host in this child');
    return host.newLoginUrl();
  },
  stop: async () => {
    if (cycleTimer) clearInterval(cycleTimer);
    await host?.close();
    await core.stop();
    setImmediate(() => process.exit(0));
    return true;
  },
};

process.on('message', (raw) => {
  const req = raw as Request;
  const run = commands[req.cmd];
  if (!run) {
    send({ id: req.id, ok: false, error: { code: 'unknown_command', message: req.cmd } });
    return;
  }
  Promise.resolve()
    .then(() => run(req.args ?? {}))
    .then(
      (result) => send({ id: req.id, ok: true, result: result ?? null }),
      (err: unknown) => {
        const e = err as { code?: unknown; message?: unknown; requestId?: unknown };
        send({
          id: req.id,
          ok: false,
          error: {
            code: typeof e?.code === 'string' ? e.code : 'error',
            message: typeof e?.message === 'string' ? e.message : String(err),
            requestId: typeof e?.requestId === 'string' ? e.requestId : null,
          },
        });
      },
    );
});
process.on('disconnect', () => {
  void (host?.close() ?? Promise.resolve()).then(() => core.stop()).finally(() => process.exit(0));
});
send({ type: 'ready', pid: process.pid, at: wallNow() });
