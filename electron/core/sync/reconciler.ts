/**
 * Reconciliation: the gate delivers only to consoles connected at that moment, so whatever changed while the socket
 * was not live is asked of the filter API. One cycle:
 *  1. every open order of ours (status `created`) is looked up by id, batched (one request covers a page of ids);
 *  2. orders paid since the last good cycle (`paidAt[_ge]`, minus a safety margin) are fetched, which also brings in
 *     orders this console never saw (another till, the web shop);
 *  3. refunds not yet final are looked up the same way.
 * Every answer goes through the same store path as a notification (source `reconcile`), so a status never goes
 * backwards whichever of the two arrives first. Requests are paced by the API client's rate limiter.
 *
 * It runs at start-up, right after every reconnect, and every `intervalMs` while the socket is not live.
 */
import type { OrderResponse, RefundOrderResponse } from '../../../shared/invoicebox/schemas.ts';

export interface ReconcilePort {
  openOrderIds(): string[];
  openRefundIds(): string[];
  applyOrder(order: OrderResponse): 'apply' | 'duplicate' | 'stale';
  applyRefund(refund: RefundOrderResponse): 'apply' | 'duplicate' | 'stale';
}

export interface ReconcileApi {
  findOrdersByIds(ids: string[]): Promise<OrderResponse[]>;
  findOrdersPaidSince(since: string): Promise<OrderResponse[]>;
  findRefundsByIds(ids: string[]): Promise<RefundOrderResponse[]>;
}

export interface CycleReport {
  startedAt: string;
  durationMs: number;
  checked: number;
  applied: number;
  missing: string[];
  requests: number;
  ok: boolean;
  error?: string;
}

export interface ReconcilerOptions {
  port: ReconcilePort;
  api: ReconcileApi;
  intervalMs?: number;
  /** Overlap between cycles for `paidAt[_ge]`, to absorb clock skew between the console and the gateway. */
  paidSinceMarginMs?: number;
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
  lastReport(): CycleReport | null;
  stop(): Promise<void>;
}

export function createReconciler(options: ReconcilerOptions): Reconciler {
  const intervalMs = options.intervalMs ?? 3_000;
  const margin = options.paidSinceMarginMs ?? 5 * 60_000;
  const now = options.now ?? (() => new Date());
  let running: Promise<CycleReport> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let polling = false;
  let stopped = false;
  let last: CycleReport | null = null;
  let lastGoodStart: Date | null = null;

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
      ok: true,
    };
    try {
      const ids = options.port.openOrderIds();
      report.checked += ids.length;
      if (ids.length > 0) {
        const found = await options.api.findOrdersByIds(ids);
        const seen = new Set<string>();
        for (const order of found) {
          seen.add(order.id);
          if (options.port.applyOrder(order) === 'apply') report.applied += 1;
        }
        report.missing = ids.filter((id) => !seen.has(id));
      }
      const since = new Date((lastGoodStart ?? started).getTime() - margin).toISOString();
      for (const order of await options.api.findOrdersPaidSince(since)) {
        report.checked += 1;
        if (options.port.applyOrder(order) === 'apply') report.applied += 1;
      }
      const refundIds = options.port.openRefundIds();
      if (refundIds.length > 0) {
        report.checked += refundIds.length;
        for (const refund of await options.api.findRefundsByIds(refundIds)) {
          if (options.port.applyRefund(refund) === 'apply') report.applied += 1;
        }
      }
      lastGoodStart = started;
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
      requests: report.requests,
      ok: report.ok,
      ...(report.error ? { error: report.error } : {}),
    });
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
    if (!polling || stopped || timer) return;
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
      if (timer) clearTimeout(timer);
      timer = null;
    },
    lastReport: () => last,
    async stop() {
      stopped = true;
      polling = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
