/**
 * Reconciliation: the gate delivers only to consoles connected at that moment, so whatever changed while the socket
 * was not live is asked of the filter API. An order of ours leaves `created` in one of three ways, and one cycle asks
 * about each in the cheapest way the API allows:
 *  1. paid — `paidAt[_ge]=<watermark>` (paged, oldest first): every order paid since the last good cycle, whoever
 *     created it (another till, the web shop) — usually ONE request, however many orders are open. The watermark is
 *     the start of the last good cycle minus a margin for clock skew, and is kept in the store so that a restart
 *     after a day off asks about the whole day;
 *  2. expired — our open orders whose deadline has passed, looked up by id (the store knows every deadline);
 *  3. anything else (canceled at another till, or a change we cannot predict) — a rolling sweep: each cycle looks up
 *     the next `sweepPerCycle` open orders by id (pages of 100 ids a request), in creation order, wrapping around.
 *     With up to `sweepPerCycle` open orders (400 by default) every cycle checks every one of them; with 10,000 a full
 *     pass takes 25 cycles instead of 100 requests in one, so the cashier's own requests never queue behind
 *     reconciliation: polling every 3 s costs at most ~50 of the client limiter's 90 requests / 30 s.
 *  4. refunds not yet final are looked up by id.
 * Every answer goes through the same store path as a notification (source `reconcile`), a page at a time in one
 * transaction, so a status never goes backwards whichever of the two arrives first.
 *
 * It runs at start-up and after every reconnect (`catchUp`: cycles every `intervalMs` until one full sweep has covered
 * every open order, then stops), and every `intervalMs` while the socket is not live (`startPolling`).
 */
import type { OrderResponse, RefundOrderResponse } from '../../../shared/invoicebox/schemas.ts';

export interface SweepCursor {
  createdAt: string;
  id: string;
}

export interface ReconcilePort {
  /** Open orders (status `created`) after `after` in creation order, at most `limit`. */
  openOrdersAfter(after: SweepCursor | null, limit: number): SweepCursor[];
  /** Open orders whose deadline is at or before `at`, at most `limit`. */
  dueOrderIds(at: Date, limit: number): string[];
  openRefundIds(): string[];
  /** Stores a page of answers (one transaction); returns how many changed a status. */
  applyOrders(orders: OrderResponse[]): number;
  applyRefund(refund: RefundOrderResponse): 'apply' | 'duplicate' | 'stale';
  /** The persisted `paidAt` watermark (ISO), or null before the first good cycle. */
  loadWatermark(): string | null;
  saveWatermark(iso: string): void;
}

export interface PaidSince {
  orders: OrderResponse[];
  /** False when the page limit stopped the paging: the next cycle continues from the last `paidAt` seen. */
  complete: boolean;
}

export interface ReconcileApi {
  findOrdersByIds(ids: string[]): Promise<OrderResponse[]>;
  /** Orders with `paidAt >= since`, oldest payment first, at most `maxPages` pages of 100. */
  findOrdersPaidSince(since: string, maxPages: number): Promise<PaidSince>;
  findRefundsByIds(ids: string[]): Promise<RefundOrderResponse[]>;
}

export interface CycleReport {
  startedAt: string;
  durationMs: number;
  /** Orders and refunds whose state was asked about. */
  checked: number;
  applied: number;
  /** Ids the gateway did not know. */
  missing: string[];
  requests: number;
  /** Open orders looked up by id by the sweep in this cycle, and how many are open in all. */
  swept: number;
  /** True when this cycle finished a full pass of the sweep over the open orders. */
  passComplete: boolean;
  ok: boolean;
  error?: string;
}

export interface ReconcilerOptions {
  port: ReconcilePort;
  api: ReconcileApi;
  intervalMs?: number;
  /** Overlap between cycles for `paidAt[_ge]`, to absorb clock skew between the console and the gateway. */
  paidSinceMarginMs?: number;
  /** Open orders looked up by id per cycle (default 400 = 4 requests). */
  sweepPerCycle?: number;
  /** Past-deadline orders looked up per cycle (default 100 = 1 request). */
  duePerCycle?: number;
  /** Pages of payments per cycle (default 20; a longer backlog continues next cycle). */
  maxPaidPages?: number;
  now?: () => Date;
  countRequests?: () => number;
  log: (level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) => void;
  onCycle?: (report: CycleReport) => void;
}

export interface Reconciler {
  /** Runs one cycle now (or joins the one running). */
  runOnce(): Promise<CycleReport>;
  /** Poll every intervalMs until `stopPolling` (while the socket is not live). */
  startPolling(): void;
  stopPolling(): void;
  /**
   * After a (re)connect: a cycle now, then one every intervalMs until a full sweep that started now has covered every
   * open order (usually the first cycle does), then stops by itself.
   */
  catchUp(): void;
  lastReport(): CycleReport | null;
  stop(): Promise<void>;
}

export const DEFAULT_SWEEP_PER_CYCLE = 400;
export const DEFAULT_DUE_PER_CYCLE = 100;
export const DEFAULT_MAX_PAID_PAGES = 20;

export function createReconciler(options: ReconcilerOptions): Reconciler {
  const intervalMs = options.intervalMs ?? 3_000;
  const margin = options.paidSinceMarginMs ?? 5 * 60_000;
  const sweepPerCycle = options.sweepPerCycle ?? DEFAULT_SWEEP_PER_CYCLE;
  const duePerCycle = options.duePerCycle ?? DEFAULT_DUE_PER_CYCLE;
  const maxPaidPages = options.maxPaidPages ?? DEFAULT_MAX_PAID_PAGES;
  const now = options.now ?? (() => new Date());
  const { port, api } = options;
  let running: Promise<CycleReport> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let polling = false;
  let catchingUp = false;
  let stopped = false;
  let last: CycleReport | null = null;
  /** Where the sweep goes on from; null = from the oldest open order. */
  let cursor: SweepCursor | null = null;
  /** Bumped when a fresh pass is asked for while a cycle runs: that cycle must not move the cursor. */
  let passGeneration = 0;

  async function cycle(): Promise<CycleReport> {
    const started = now();
    const requestsBefore = options.countRequests?.() ?? 0;
    const report: CycleReport = {
      startedAt: started.toISOString(),
      durationMs: 0,
      checked: 0,
      applied: 0,
      missing: [],
      requests: 0,
      swept: 0,
      passComplete: false,
      ok: true,
    };
    try {
      // 1. Payments since the watermark.
      const saved = port.loadWatermark();
      const since = saved ?? new Date(started.getTime() - margin).toISOString();
      const paid = await api.findOrdersPaidSince(since, maxPaidPages);
      report.checked += paid.orders.length;
      report.applied += port.applyOrders(paid.orders);
      const lastPaid = paid.orders.at(-1)?.paidAt;
      // A backlog longer than the page limit goes on from the last payment seen; never move backwards.
      const next = paid.complete || !lastPaid ? started.getTime() - margin : Date.parse(lastPaid);
      // The first good cycle always stores one (else a console stopped after one cycle would, at the next start,
      // ask only about the last few minutes).
      if (Number.isFinite(next) && (saved === null || next > Date.parse(since)))
        port.saveWatermark(new Date(next).toISOString());

      // 2 + 3. Past-deadline orders, then the next slice of the sweep, looked up by id together.
      const due = port.dueOrderIds(started, duePerCycle);
      const generation = passGeneration;
      // One more than a slice: a full last slice is then known to be the last, without an empty cycle after it.
      const page = port.openOrdersAfter(cursor, sweepPerCycle + 1);
      const endOfPass = page.length <= sweepPerCycle;
      const slice = endOfPass ? page : page.slice(0, sweepPerCycle);
      const ids = [...new Set([...due, ...slice.map((o) => o.id)])];
      if (ids.length > 0) {
        const found = await api.findOrdersByIds(ids);
        report.checked += ids.length;
        report.applied += port.applyOrders(found);
        const seen = new Set(found.map((o) => o.id));
        report.missing = ids.filter((id) => !seen.has(id));
      }
      report.swept = slice.length;
      if (generation === passGeneration) {
        cursor = endOfPass ? null : (slice.at(-1) ?? null);
        report.passComplete = endOfPass;
      }

      // 4. Refunds not final yet.
      const refundIds = port.openRefundIds();
      if (refundIds.length > 0) {
        report.checked += refundIds.length;
        for (const refund of await api.findRefundsByIds(refundIds)) {
          if (port.applyRefund(refund) === 'apply') report.applied += 1;
        }
      }
    } catch (err) {
      report.ok = false;
      report.error = err instanceof Error ? err.message : String(err);
    }
    report.durationMs = now().getTime() - started.getTime();
    report.requests = (options.countRequests?.() ?? 0) - requestsBefore;
    options.log(report.ok ? 'info' : 'warn', 'reconcile.cycle', {
      checked: report.checked,
      applied: report.applied,
      missing: report.missing.length,
      swept: report.swept,
      requests: report.requests,
      ms: report.durationMs,
      ok: report.ok,
      ...(report.error ? { error: report.error } : {}),
    });
    if (report.passComplete) catchingUp = false;
    last = report;
    options.onCycle?.(report);
    return report;
  }

  function runOnce(): Promise<CycleReport> {
    if (stopped)
      return Promise.resolve(
        last ?? {
          startedAt: now().toISOString(),
          durationMs: 0,
          checked: 0,
          applied: 0,
          missing: [],
          requests: 0,
          swept: 0,
          passComplete: false,
          ok: false,
          error: 'stopped',
        },
      );
    running ??= cycle().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(): void {
    if (!(polling || catchingUp) || stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void runOnce().finally(schedule);
    }, intervalMs);
  }

  return {
    runOnce,
    startPolling() {
      if (polling || stopped) return;
      polling = true;
      void runOnce().finally(schedule);
    },
    stopPolling() {
      polling = false;
      if (catchingUp) return; // the catch-up's own timer goes on
      if (timer) clearTimeout(timer);
      timer = null;
    },
    catchUp() {
      if (stopped) return;
      // A fresh pass from the oldest open order, so that "caught up" means every order open now was looked at. A
      // cycle already running started before the reconnect: the fresh one follows it.
      cursor = null;
      passGeneration += 1;
      catchingUp = true;
      const previous = running ?? Promise.resolve(null);
      void previous
        .catch(() => null)
        .then(() => runOnce())
        .finally(schedule);
    },
    lastReport: () => last,
    async stop() {
      stopped = true;
      polling = false;
      catchingUp = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
