/**
 * The console in real Chromium, served by the browser host from a core child process (as `npm run web` does):
 *  - notify_to_paint_*: the sandbox sends `onOrderStatusChange` (the gate's own send timestamp) → the new status is
 *    painted on the payment screen. Measured in the page: a MutationObserver sees `[data-testid=order-status]`
 *    take `data-status="completed"`, then the requestAnimationFrame callback of the frame that shows it runs: that moment,
 *    `performance.timeOrigin + performance.now()`, is "painted" (the frame's paint follows within it; a message posted
 *    from that callback, run once the frame is done, is reported as `notify_to_frame_done_*`).
 *    Both clocks are the machine's wall clock (bench/lib/clock.ts).
 *  - renderer_first_paint_ms: cold loads of the console (a fresh browser context each: no cache, no session), the
 *    `first-contentful-paint` entry of the Performance API.
 *  - renderer_bundle_gzip_kb: every .js and .css file of the build, gzipped.
 */
import type { Page } from 'playwright-core';
import { sleep, until, wallNow } from '../lib/clock.ts';
import { startCoreProcess, type ChildEvent } from '../lib/core-process.ts';
import { addOrdersDirect, control, newShop, startGateway } from '../lib/gateway.ts';
import { buildRenderer, bundleGzipKb, launchBrowser } from '../lib/renderer.ts';
import { summarize } from '../lib/stats.ts';
import { tempDir } from '../lib/workspace.ts';

export interface RendererOptions {
  paints?: number;
  warmup?: number;
  loads?: number;
  log?: (line: string) => void;
}

interface PaintRecord {
  want: string;
  dom: number | null;
  raf: number | null;
  paint: number | null;
}

/** Installed in the page (DevTools evaluation is not subject to the page's CSP). */
const ARM = `(want) => {
  const rec = { want, dom: null, raf: null, paint: null };
  let done;
  window.__benchPaint = new Promise((resolve, reject) => {
    done = resolve;
    setTimeout(() => reject(new Error('no paint of ' + want + ' within 15 s')), 15000);
  });
  const check = () => {
    if (rec.dom !== null) return;
    const el = document.querySelector('[data-testid=order-status]');
    if (!el || el.getAttribute('data-status') !== want) return;
    rec.dom = performance.timeOrigin + performance.now();
    observer.disconnect();
    requestAnimationFrame(() => {
      rec.raf = performance.timeOrigin + performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { rec.paint = performance.timeOrigin + performance.now(); done(rec); };
      channel.port2.postMessage(0);
    });
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  check();
}`;

export async function runRenderer(options: RendererOptions = {}) {
  const paints = options.paints ?? 300;
  const warmup = options.warmup ?? 15;
  const loads = options.loads ?? 20;
  const log = options.log ?? (() => {});
  const rendererDir = tempDir('renderer');
  const t0 = Date.now();
  buildRenderer(rendererDir);
  const bundle = bundleGzipKb(rendererDir);
  log(
    `  renderer: built in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${bundle.files.length} js/css files, ${bundle.kb.toFixed(1)} KB gzipped`,
  );

  const shop = newShop();
  const sandbox = await startGateway(shop);
  const core = await startCoreProcess({ sandbox, ...shop, dataDir: tempDir('renderer-core'), rendererDir });
  const browser = await launchBrowser();
  try {
    await until(
      async () => (await core.call<{ state: string }>('connection')).state === 'live',
      'the gate to be live',
    );

    // ── cold loads ──
    const fcp: number[] = [];
    for (let i = 0; i < loads + 2; i++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
      const page = await context.newPage();
      await page.goto(await core.call<string>('loginUrl'), { waitUntil: 'load' });
      const ms = await page.evaluate(async () => {
        for (let k = 0; k < 200; k++) {
          const e = performance.getEntriesByName('first-contentful-paint')[0];
          if (e) return e.startTime;
          await new Promise((r) => setTimeout(r, 10));
        }
        return NaN;
      });
      if (i >= 2) fcp.push(ms); // the first two warm the host's file reads and Chromium itself
      await context.close();
    }
    const fcpSum = summarize(fcp);
    log(
      `  renderer: first-contentful-paint p50 ${fcpSum.p50.toFixed(1)} ms, p99 ${fcpSum.p99.toFixed(1)} ms over ${fcp.length} cold loads`,
    );

    // ── notify → paint ──
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
    const page: Page = await context.newPage();
    // When each `order` event reached the page (before the renderer's own listener runs): splits the path into
    // core → page and page → screen.
    await page.addInitScript(`(() => {
      const add = EventSource.prototype.addEventListener;
      EventSource.prototype.addEventListener = function (type, listener, options) {
        if (type === 'order') {
          add.call(this, type, (ev) => {
            try { const v = JSON.parse(ev.data); if (v.status === 'completed') (window.__benchSse ??= {})[v.id] = performance.timeOrigin + performance.now(); } catch {}
          }, options);
        }
        return add.call(this, type, listener, options);
      };
    })()`);
    await page.goto(await core.call<string>('loginUrl'), { waitUntil: 'load' });
    await page.waitForSelector('[data-testid=new-order]', { timeout: 30_000 });
    const orders = addOrdersDirect(sandbox, shop, warmup + paints, { prefix: 'PAINT' });
    await core.call('seedOrders', { orders });
    await core.call('watchOrders', { on: true });
    // The core emits a status once it is validated and written into the open transaction, before COMMIT; the
    // gateway's answer waits for the commit (electron/core/gate/notification-handler.ts). Both are timed.
    const emitted = new Map<string, number>();
    core.events.on('event', (e: ChildEvent) => {
      if (e.type === 'order' && e.status === 'completed') emitted.set(e.id as string, e.at as number);
    });
    const sent = new Map<string, number>();
    const acked = new Map<string, number>();
    sandbox.gate.events.on('sent', (t) => {
      if (t.status === 'completed' && !sent.has(t.orderId)) sent.set(t.orderId, t.at);
    });
    sandbox.gate.events.on('answered', (t) => {
      if (t.status === 'completed' && t.outcome === 'success' && !acked.has(t.orderId))
        acked.set(t.orderId, t.at);
    });

    const toPaint: number[] = [];
    const toEmit: number[] = [];
    const toAck: number[] = [];
    const toDom: number[] = [];
    const toPage: number[] = [];
    const toFrameEnd: number[] = [];
    /** Every measured payment's hops, for the slowest ones' breakdown. */
    const worst: { painted: number; emitted: number; page: number; dom: number; acked: number }[] = [];
    for (let i = 0; i < orders.length; i++) {
      const id = orders[i]!.id;
      await page.evaluate(`location.hash = ${JSON.stringify(`#/pay/${id}`)}`);
      await page.waitForSelector(
        `[data-testid=payment-screen][data-order-id="${id}"] [data-testid=order-status][data-status=created]`,
        { timeout: 15_000 },
      );
      // The customer pays after the QR is on screen (in life: seconds later, once scanned); then at a random moment.
      await page.waitForSelector(`[data-testid=payment-screen][data-order-id="${id}"] [data-testid=qr]`, {
        timeout: 15_000,
      });
      await page.evaluate(`(${ARM})('completed')`); // evaluated through DevTools: allowed by the CSP
      // The bench awaits the page's own promise, asked for BEFORE the payment: no DevTools message travels while
      // the status does (a 5 ms poll, and later this very call, used to compete with the page's main thread and
      // the browser process for the frames being measured). Its answer comes after the paint.
      const painted = page.evaluate('window.__benchPaint') as Promise<PaintRecord>;
      painted.catch(() => {}); // awaited below; a failed payment must not leave it unhandled
      await sleep(200 + Math.random() * 400);
      const payAt = wallNow();
      const res = await control(sandbox, 'POST', `/sandbox/orders/${id}/pay`);
      if (res.status !== 200) throw new Error(`pay ${id}: ${res.status}`);
      const rec = await painted;
      await until(
        () => sent.has(id) && emitted.has(id) && acked.has(id),
        'the send, emit and answer timestamps',
        {
          timeoutMs: 10_000,
        },
      );
      const s = sent.get(id)!;
      const sse = (await page.evaluate(`window.__benchSse?.[${JSON.stringify(id)}] ?? null`)) as
        number | null;
      if (i < warmup) continue;
      worst.push({
        painted: rec.raf! - s,
        emitted: emitted.get(id)! - s,
        page: sse === null ? NaN : sse - s,
        dom: rec.dom! - s,
        acked: acked.get(id)! - s,
      });
      if (sse !== null) toPage.push(sse - s);
      toPaint.push(rec.raf! - s);
      toFrameEnd.push(rec.paint! - s);
      toDom.push(rec.dom! - s);
      toEmit.push(emitted.get(id)! - s);
      toAck.push(acked.get(id)! - s);
      if (payAt > s) throw new Error('clock: the gate sent before the payment was asked for');
    }
    await context.close();
    const p = summarize(toPaint);
    const st = summarize(toEmit);
    const ak = summarize(toAck);
    const d = summarize(toDom);
    const pg = summarize(toPage);
    const fe = summarize(toFrameEnd);
    log(
      `  notify→ core emits p50 ${st.p50.toFixed(2)} p99 ${st.p99.toFixed(2)} | in the page p50 ${pg.p50.toFixed(2)} p99 ${pg.p99.toFixed(2)} | ` +
        `DOM p50 ${d.p50.toFixed(2)} p99 ${d.p99.toFixed(2)} | painted (rAF) p50 ${p.p50.toFixed(2)} p99 ${p.p99.toFixed(2)} | ` +
        `frame done p50 ${fe.p50.toFixed(2)} p99 ${fe.p99.toFixed(2)} ms (n=${p.n}) | ` +
        `gateway answered (after COMMIT) p50 ${ak.p50.toFixed(2)} p99 ${ak.p99.toFixed(2)} ms`,
    );
    // Where the tail comes from: the slowest payments, hop by hop (cumulative ms from the gate's send).
    worst.sort((a, b) => b.painted - a.painted);
    for (const w of worst.slice(0, 5)) {
      log(
        `    slow: emitted ${w.emitted.toFixed(1)} → page ${w.page.toFixed(1)} → DOM ${w.dom.toFixed(1)} → painted ${w.painted.toFixed(1)} ms (answered ${w.acked.toFixed(1)})`,
      );
    }
    return {
      metrics: {
        notify_to_paint_p50_ms: p.p50,
        notify_to_paint_p99_ms: p.p99,
        renderer_first_paint_ms: fcpSum.p50,
        renderer_bundle_gzip_kb: bundle.kb,
      },
      extra: {
        notify_to_emit_p50_ms: st.p50,
        notify_to_emit_p99_ms: st.p99,
        notify_to_answer_p50_ms: ak.p50,
        notify_to_answer_p99_ms: ak.p99,
        notify_to_page_p50_ms: pg.p50,
        notify_to_page_p99_ms: pg.p99,
        notify_to_frame_done_p50_ms: fe.p50,
        notify_to_frame_done_p99_ms: fe.p99,
        notify_to_dom_p50_ms: d.p50,
        notify_to_dom_p99_ms: d.p99,
        renderer_first_paint_p99_ms: fcpSum.p99,
        notify_to_paint_samples: p.n,
      },
      detail: { bundle: bundle.files },
    };
  } finally {
    await browser.close().catch(() => {});
    await core.stop();
    await sandbox.stop();
  }
}
