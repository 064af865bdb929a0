/**
 * Time-driven transitions of the sandbox gateway:
 *  - an order still `created` at its `expirationDate` becomes `expired` (announced by `state.setOrderStatus`). One timer
 *    is armed for the earliest deadline — no polling — and re-armed when a new order brings an earlier one
 *    (`orderDeadlineChanged`). Reads also check lazily (`expireIfDue`), so an injected clock or a missed timer never
 *    shows a stale `created`.
 *  - a refund `created` through the API completes `options.refundAutoCompleteMs` later (default 300 ms; `null` = only
 *    through the control API), as a bank settlement would, announced by `state.setRefundStatus`.
 * Every timer is `unref`ed: the sandbox never keeps a process alive on its own.
 */
import type { SandboxContext } from './context.ts';
import type { SandboxOrder } from './state.ts';

export const DEFAULT_REFUND_AUTO_COMPLETE_MS = 300;
/** setTimeout overflows past 2^31 − 1 ms; a far deadline is reached in steps of at most this. */
const MAX_TIMER_MS = 6 * 60 * 60 * 1000;

interface Scheduler {
  deadlineAt(ms: number): void;
  settleRefundLater(id: string): void;
}

const schedulers = new WeakMap<SandboxContext, Scheduler>();

/** The order's expiration deadline in epoch-ms, or null when it can no longer expire. */
function deadlineOf(order: SandboxOrder): number | null {
  if (order.view.status !== 'created') return null;
  const at = Date.parse(String(order.view.expirationDate));
  return Number.isNaN(at) ? null : at;
}

/** Lazy check on read: expires the order if its deadline has passed. True when it changed. */
export function expireIfDue(ctx: SandboxContext, order: SandboxOrder): boolean {
  const at = deadlineOf(order);
  if (at === null || at > ctx.state.now().getTime()) return false;
  ctx.state.setOrderStatus(order.view.id, 'expired');
  ctx.changed();
  return true;
}

/** Tells the running timer (if any) about an order's new or changed deadline. */
export function orderDeadlineChanged(ctx: SandboxContext, order: SandboxOrder): void {
  const at = deadlineOf(order);
  if (at !== null) schedulers.get(ctx)?.deadlineAt(at);
}

/** Schedules the automatic completion of a `created` refund (no-op when disabled or the sandbox is not running). */
export function scheduleRefundCompletion(ctx: SandboxContext, refundId: string): void {
  schedulers.get(ctx)?.settleRefundLater(refundId);
}

export function startExpiry(ctx: SandboxContext): () => void {
  let timer: NodeJS.Timeout | null = null;
  let armedFor = Infinity;
  const refundTimers = new Set<NodeJS.Timeout>();
  const refundDelay =
    ctx.options.refundAutoCompleteMs === undefined
      ? DEFAULT_REFUND_AUTO_COMPLETE_MS
      : ctx.options.refundAutoCompleteMs;

  const arm = (at: number): void => {
    if (at >= armedFor) return;
    if (timer) clearTimeout(timer);
    armedFor = at;
    const wait = Math.min(Math.max(at - ctx.state.now().getTime(), 0), MAX_TIMER_MS);
    timer = setTimeout(sweep, wait).unref();
  };

  /** Expires every due order and arms the timer for the next deadline. */
  function sweep(): void {
    timer = null;
    armedFor = Infinity;
    let next = Infinity;
    for (const order of ctx.state.orders.values()) {
      if (expireIfDue(ctx, order)) continue;
      const at = deadlineOf(order);
      if (at !== null && at < next) next = at;
    }
    if (next !== Infinity) arm(next);
  }

  const settleRefundLater = (id: string): void => {
    if (refundDelay === null) return;
    const t = setTimeout(() => {
      refundTimers.delete(t);
      if (ctx.state.refunds.get(id)?.view.status !== 'created') return; // completed or canceled meanwhile
      ctx.state.setRefundStatus(id, 'completed');
      ctx.changed();
    }, refundDelay).unref();
    refundTimers.add(t);
  };

  schedulers.set(ctx, { deadlineAt: arm, settleRefundLater });
  sweep();
  // Refunds left `created` by a previous run (state file) settle now too.
  for (const refund of ctx.state.refunds.values()) {
    if (refund.view.status === 'created') settleRefundLater(refund.view.id);
  }

  return () => {
    schedulers.delete(ctx);
    if (timer) clearTimeout(timer);
    for (const t of refundTimers) clearTimeout(t);
    refundTimers.clear();
  };
}
