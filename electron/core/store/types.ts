/**
 * Record types of the local store (electron/core/store). Money is always integer kopecks; timestamps are ISO 8601
 * strings in UTC with milliseconds (`2026-03-01T09:15:00.000Z`), so that they sort as text.
 */

import type { Kopecks } from '../../../shared/domain/money.ts';
import type { OrderStatus, RefundStatus } from '../../../shared/domain/order-status.ts';

/** `console`: created by this console (there is a create_order intent for it); `foreign`: another till or web shop. */
export type OrderOrigin = 'console' | 'foreign';

/** Where a status came from: our own API call, the WebSocket gate, a reconciliation poll, a local decision. */
export type StatusSource = 'api' | 'gate' | 'reconcile' | 'local';

/** What the store did with an incoming status (see decideStatus in shared/domain/order-status.ts). */
export type UpdateDecision = 'apply' | 'duplicate' | 'stale';

export type IntentKind = 'create_order' | 'create_refund' | 'cancel_order';
export type IntentState = 'pending' | 'done' | 'failed';

/**
 * What was done with a gate notification. The first three are answered `success`; the rest are the error codes the
 * gate listener answers with (or logs, for `invalid`, `test` and `error`).
 */
export type NotificationOutcome =
  | 'success'
  | 'duplicate'
  | 'stale'
  | 'order_wrong_amount'
  | 'order_not_found'
  | 'order_already_paid'
  | 'foreign_merchant'
  | 'test'
  | 'invalid'
  | 'error';

/** What the core extracted from the gateway's OrderResponse / OrderNotification. */
export interface OrderSnapshot {
  /** The gateway's uuid. */
  id: string;
  merchantId: string;
  merchantOrderId: string;
  status: OrderStatus;
  amount: Kopecks;
  vatAmount: Kopecks;
  currencyId: string;
  description: string;
  paymentUrl?: string | null;
  /** Any ISO 8601 / ATOM time; stored normalised to UTC. A time without an offset is taken as UTC. */
  createdAt: string;
  expirationDate: string | null;
  paidAt?: string | null;
  /** The full order object as received; stored as JSON text. */
  raw: unknown;
  basket?: unknown;
}

/** What the core extracted from a RefundOrderResponse. */
export interface RefundSnapshot {
  id: string;
  /** The paid order this refund belongs to: it must already be in the store. */
  parentId: string;
  merchantId: string;
  merchantOrderId: string;
  status: RefundStatus;
  amount: Kopecks;
  vatAmount: Kopecks;
  currencyId: string;
  description?: string | null;
  createdAt: string;
  raw: unknown;
  basket?: unknown;
}

/** An order as listed by the search: every column except the JSON blobs. */
export interface OrderSummary {
  id: string;
  provider: string;
  merchantId: string;
  merchantOrderId: string;
  origin: OrderOrigin;
  status: OrderStatus;
  amount: Kopecks;
  vatAmount: Kopecks;
  currency: string;
  description: string;
  paymentUrl: string | null;
  createdAt: string;
  expirationDate: string | null;
  paidAt: string | null;
  updatedAt: string;
}

export interface OrderRow extends OrderSummary {
  /** The last full order object received (parsed raw_json). */
  raw: unknown;
  basket: unknown;
}

export interface StatusHistoryRow {
  id: number;
  orderId: string;
  status: OrderStatus;
  source: StatusSource;
  /** false: recorded but not applied (stale). */
  applied: boolean;
  at: string;
  detail: string | null;
}

export interface RefundRow {
  id: string;
  provider: string;
  parentId: string;
  merchantId: string;
  merchantOrderId: string;
  status: RefundStatus;
  amount: Kopecks;
  vatAmount: Kopecks;
  currency: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  raw: unknown;
  basket: unknown;
}

export interface RefundHistoryRow {
  id: number;
  refundId: string;
  status: RefundStatus;
  source: StatusSource;
  applied: boolean;
  at: string;
  detail: string | null;
}

export interface OrderDetails {
  order: OrderRow;
  /** Oldest first, stale entries included (applied: false). */
  history: StatusHistoryRow[];
  /** Oldest first. */
  refunds: RefundRow[];
}

export interface IntentKey {
  kind: IntentKind;
  merchantOrderId: string;
}

export interface IntentRow {
  kind: IntentKind;
  merchantOrderId: string;
  /** The request body as it was (or is about to be) sent. */
  request: unknown;
  state: IntentState;
  /** The gateway id of what was created (order, refund) or cancelled, when known. */
  resultId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** X-Request-Id of the last answer, for support. */
  requestId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NotificationInput {
  /** Defaults to the store's clock. */
  receivedAt?: string;
  rpcId?: string | number | null;
  method: string;
  orderId?: string | null;
  status?: string | null;
  outcome: NotificationOutcome;
  /** The JSON-RPC message (or its params) as received. */
  raw: unknown;
}

export interface NotificationRow {
  id: number;
  receivedAt: string;
  rpcId: string | null;
  method: string;
  orderId: string | null;
  status: string | null;
  outcome: NotificationOutcome;
  raw: unknown;
}

export interface ApplyOrderOptions {
  /**
   * Origin for an order the store does not know yet. Default: `console` when a create_order intent exists for its
   * merchantOrderId, otherwise `foreign`. Passing `console` for a known `foreign` order re-labels it.
   */
  origin?: OrderOrigin;
}

export interface ApplyOrderResult {
  decision: UpdateDecision;
  /** The stored status before this update; null when the order was unknown. */
  previous: OrderStatus | null;
  order: OrderRow;
}

export interface ApplyRefundResult {
  decision: UpdateDecision;
  previous: RefundStatus | null;
  refund: RefundRow;
}

export interface GateNotification {
  rpcId: string | number | null;
  /** Default `onOrderStatusChange`. */
  method?: string;
  raw: unknown;
  receivedAt?: string;
}

export interface ApplyNotificationOptions {
  /** The console's own merchant id: a notification for another merchant is logged as `foreign_merchant`, not applied. */
  merchantId?: string;
}

export interface ApplyNotificationResult {
  outcome: NotificationOutcome;
  /** null when the status was not even considered (foreign merchant, wrong amount). */
  decision: UpdateDecision | null;
  previous: OrderStatus | null;
  /** The stored order after the update; null for a foreign merchant's order. */
  order: OrderRow | null;
  notificationId: number;
}

export interface OrderSearch {
  /**
   * Trimmed; matches the merchant order id by prefix (case-insensitive), the gateway id exactly, or the description by
   * substring (case-insensitive). Empty: no text filter.
   */
  text?: string;
  /** Any of these statuses; undefined or empty: any status. */
  status?: readonly OrderStatus[];
  /** created_at >= from (inclusive). */
  from?: string;
  /** created_at < to (exclusive). */
  to?: string;
  /** amount >= minAmount, kopecks. */
  minAmount?: Kopecks;
  /** amount <= maxAmount, kopecks. */
  maxAmount?: Kopecks;
  /** Page size, 1..1000. Default 50. */
  limit?: number;
  /** From a previous result's nextCursor (keyset paging; preferred). */
  cursor?: string | null;
  /** Offset paging; ignored when a cursor is given. */
  offset?: number;
  /** Also count every match (one more query). */
  withTotal?: boolean;
}

export interface OrderSearchResult {
  /** Ordered by createdAt descending, then id descending. */
  rows: OrderSummary[];
  /** Present when asked for with withTotal. */
  total?: number;
  /** null when this is the last page. */
  nextCursor: string | null;
}

export type StatusCounts = Record<OrderStatus, number>;

/**
 * Who did it: the open shift, its cashier, and the senior who approved (guarded actions). Written with the intent of
 * an order or refund and with the status-history row of a cancel, in the same transaction.
 */
export interface ActionStamp {
  shiftId: string | null;
  staffId: string | null;
  approvedBy: string | null;
}
