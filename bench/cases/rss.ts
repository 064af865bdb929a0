/**
 * core_rss_growth_mb_100k: the core's resident memory (a child process of its own, with --expose-gc) after 100,000
 * notifications through the gate, against its memory after a warm-up. The notifications are what a busy shop sends:
 * orders the console has never seen announced `created` (stored as another till's), then `completed`, in waves as
 * they come from the gateway, each wave acknowledged before the next. RSS is read after a full GC.
 *
 * The warm-up runs until the core is in its steady state (at least `warmup` notifications, then until 10,000 more
 * grow RSS by less than 2 MB): SQLite's page cache is bounded by design (64 MiB, electron/core/store/database.ts) and
 * fills as the store grows; what grows after that would be a leak. The growth from right after start-up (page cache
 * included) is reported too, as `core_rss_growth_from_start_mb`.
 */
import { randomUUID } from 'node:crypto';
import { until } from '../lib/clock.ts';
import { startCoreProcess } from '../lib/core-process.ts';
import { newShop, startGateway, LINE } from '../lib/gateway.ts';
import { atom } from '../../shared/invoicebox/atom.ts';
import { buildCreateOrderRequest } from '../../shared/invoicebox/build-order.ts';
import { tempDir } from '../lib/workspace.ts';

interface Mem {
  rss: number;
  heapUsed: number;
  external: number;
  gcExposed: boolean;
  RssAnon?: number;
  RssFile?: number;
  /** Physical size of each V8 heap space, MB. */
  spaces?: Record<string, number>;
}

export async function runRss(
  options: {
    notifications?: number;
    warmup?: number;
    wave?: number;
    steadyStep?: number;
    log?: (l: string) => void;
  } = {},
) {
  const total = options.notifications ?? 100_000;
  const warmup = options.warmup ?? 10_000;
  const steadyStep = options.steadyStep ?? 10_000;
  const maxWarmupSteps = 8;
  const wave = options.wave ?? 500;
  const log = options.log ?? (() => {});
  const shop = newShop();
  const sandbox = await startGateway(shop);
  const core = await startCoreProcess({
    sandbox,
    ...shop,
    dataDir: tempDir('rss'),
    execArgv: ['--expose-gc'],
  });
  try {
    await until(
      async () => (await core.call<{ state: string }>('connection')).state === 'live',
      'the gate to be live',
    );
    let acked = 0;
    sandbox.gate.events.on('answered', (t) => {
      if (t.outcome === 'success') acked += 1;
    });
    let sentCount = 0;
    const now = Date.now();
    /** One wave: `n` notifications, half new orders `created`, half the same orders `completed`. */
    const sendWave = async (n: number) => {
      const views = Array.from({ length: Math.ceil(n / 2) }, (_, i) => {
        const req = buildCreateOrderRequest({
          merchantId: shop.merchantId,
          merchantOrderId: `WEB-${randomUUID()}`,
          description: `Заказ с сайта ${sentCount + i}`,
          lines: [LINE],
          expiresAt: new Date(now + 86_400_000),
        });
        const id = randomUUID();
        return {
          ...req,
          id,
          orderContainerId: id,
          paymentUrl: `${sandbox.url}/pay/${id}`,
          createdAt: atom(new Date()),
          status: 'created',
          subtype: 'order',
          processingStatus: 'none',
          fileIds: {},
        };
      });
      const before = acked;
      for (const v of views) sandbox.gate.announce(shop.merchantId, v);
      for (const v of views)
        sandbox.gate.announce(shop.merchantId, { ...v, status: 'completed', paidAt: atom(new Date()) });
      sentCount += views.length * 2;
      await until(() => acked - before >= views.length * 2, 'a wave acknowledged', {
        timeoutMs: 120_000,
        intervalMs: 5,
      });
    };
    const start = await core.call<Mem>('memory', { gc: true });
    while (sentCount < warmup) await sendWave(wave);
    let base = await core.call<Mem>('memory', { gc: true });
    for (let step = 0; step < maxWarmupSteps; step++) {
      const target = sentCount + steadyStep;
      while (sentCount < target) await sendWave(wave);
      const m = await core.call<Mem>('memory', { gc: true });
      const grew = (m.rss - base.rss) / 1e6;
      base = m;
      if (grew < 2) break;
    }
    const warmedUp = sentCount;
    const t0 = Date.now();
    const samples: { sent: number; rssMb: number }[] = [];
    while (sentCount < warmedUp + total) {
      await sendWave(wave);
      if ((sentCount - warmedUp) % 10_000 === 0) {
        const m = await core.call<Mem>('memory', { gc: true });
        samples.push({ sent: sentCount - warmedUp, rssMb: m.rss / 1e6 });
      }
    }
    const end = await core.call<Mem>('memory', { gc: true });
    const growth = (end.rss - base.rss) / 1e6;
    log(
      `  rss: ${(start.rss / 1e6).toFixed(1)} MB at start, ${(base.rss / 1e6).toFixed(1)} MB after ${warmedUp} warm-up notifications → ${(end.rss / 1e6).toFixed(1)} MB after ${total} more ` +
        `(${((Date.now() - t0) / 1000).toFixed(0)} s; heap ${(base.heapUsed / 1e6).toFixed(1)} → ${(end.heapUsed / 1e6).toFixed(1)} MB; gc exposed: ${end.gcExposed})`,
    );
    log(`    rss by 10k: ${samples.map((s) => s.rssMb.toFixed(0)).join(' ')}`);
    log(
      `    V8 young generation ${start.spaces?.new_space ?? '?'} → ${end.spaces?.new_space ?? '?'} MB (heap used ` +
        `${(start.heapUsed / 1e6).toFixed(1)} → ${(end.heapUsed / 1e6).toFixed(1)} MB)`,
    );
    log(
      `    anon ${((base.RssAnon ?? 0) / 1e6).toFixed(1)} → ${((end.RssAnon ?? 0) / 1e6).toFixed(1)} MB, file ${((base.RssFile ?? 0) / 1e6).toFixed(1)} → ${((end.RssFile ?? 0) / 1e6).toFixed(1)} MB`,
    );
    return {
      metrics: { core_rss_growth_mb_100k: growth },
      extra: {
        core_rss_start_mb: start.rss / 1e6,
        core_rss_base_mb: base.rss / 1e6,
        core_rss_growth_from_start_mb: (end.rss - start.rss) / 1e6,
        core_rss_warmup_notifications: warmedUp,
        core_v8_new_space_mb_end: end.spaces?.new_space ?? NaN,
        core_rss_end_mb: end.rss / 1e6,
        core_heap_growth_mb_100k: (end.heapUsed - base.heapUsed) / 1e6,
        core_notifications_per_s: total / ((Date.now() - t0) / 1000),
      },
      detail: { samples },
    };
  } finally {
    await core.stop();
    await sandbox.stop();
  }
}
