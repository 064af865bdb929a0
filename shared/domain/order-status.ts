/**
 * Order status rules, pure. The gateway is the source of truth, but notifications can arrive late, twice or out of
 * order: a status is applied only when it moves the order forward. A late `created` after `completed` is recorded in
 * the history and not applied.
 *
 * Forward order: created → expired | canceled → completed. `expired → completed` is real (a customer who opened the
 * payment page before expiry can finish paying after it; the end-of-day report counts those). Nothing leaves
 * `completed`: refunds are separate documents with their own statuses.
 */

export const ORDER_STATUSES = ['created', 'completed', 'expired', 'canceled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const REFUND_STATUSES = ['draft', 'created', 'completed', 'canceled'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

const RANK: Record<OrderStatus, number> = { created: 0, expired: 1, canceled: 1, completed: 2 };

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

export function isRefundStatus(value: unknown): value is RefundStatus {
  return typeof value === 'string' && (REFUND_STATUSES as readonly string[]).includes(value);
}

/** A status that can still change without a payment: the console keeps reconciling these. */
export function isOpenStatus(status: OrderStatus): boolean {
  return status === 'created';
}

export function isFinalStatus(status: OrderStatus): boolean {
  return status === 'completed' || status === 'canceled';
}

export type StatusDecision =
  | { kind: 'apply' } // moves the order forward
  | { kind: 'duplicate' } // same status again: nothing changes, answer success
  | { kind: 'stale' }; // would move the order backwards or sideways: record, do not apply

export function decideStatus(current: OrderStatus | null, next: OrderStatus): StatusDecision {
  if (current === null) return { kind: 'apply' };
  if (current === next) return { kind: 'duplicate' };
  return RANK[next] > RANK[current] ? { kind: 'apply' } : { kind: 'stale' };
}

const REFUND_RANK: Record<RefundStatus, number> = { draft: 0, created: 1, canceled: 2, completed: 2 };

export function decideRefundStatus(current: RefundStatus | null, next: RefundStatus): StatusDecision {
  if (current === null) return { kind: 'apply' };
  if (current === next) return { kind: 'duplicate' };
  return REFUND_RANK[next] > REFUND_RANK[current] ? { kind: 'apply' } : { kind: 'stale' };
}
