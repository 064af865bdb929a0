/**
 * Xsolla order statuses → the neutral set (pure). Xsolla documents four:
 *   new      — created, not paid yet                      → created
 *   paid     — paid                                       → paid
 *   done     — fully delivered (receipts, deliveries…)    → delivered  (final)
 *   canceled — canceled, the payment returned to the user → canceled   (final; rawStatus keeps "canceled")
 *
 * `canceled` is mapped to the neutral `canceled`, not `refunded`: Xsolla uses one status for an order canceled before
 * payment and for a paid order refunded, and the status alone does not tell which. `refunded` would claim money moved
 * back where none may have been taken; the UI shows the raw status beside it. Anything else is unknown → null (the
 * adapter logs it and keeps the last known status).
 */
import type { NeutralStatus } from '../types.ts';

export const XSOLLA_RAW_STATUSES = ['new', 'paid', 'done', 'canceled'] as const;
export type XsollaRawStatus = (typeof XSOLLA_RAW_STATUSES)[number];

export interface MappedStatus {
  raw: XsollaRawStatus;
  status: NeutralStatus;
  /** Xsolla's final statuses: the socket is closed and polling stops on them. */
  final: boolean;
  /** Progress order: an update with a lower rank than the known one is stale and is not applied. */
  rank: number;
}

const TABLE: Record<XsollaRawStatus, Omit<MappedStatus, 'raw'>> = {
  new: { status: 'created', final: false, rank: 0 },
  paid: { status: 'paid', final: false, rank: 1 },
  done: { status: 'delivered', final: true, rank: 2 },
  canceled: { status: 'canceled', final: true, rank: 3 },
};

/** Case-insensitive (the docs write "New", "Paid"…, the wire "new", "paid"…); null for an unknown status. */
export function mapXsollaStatus(raw: unknown): MappedStatus | null {
  if (typeof raw !== 'string') return null;
  const key = raw.trim().toLowerCase();
  if (!Object.hasOwn(TABLE, key)) return null;
  return { raw: key as XsollaRawStatus, ...TABLE[key as XsollaRawStatus] };
}

/**
 * Whether `next` should replace `current`: statuses only move forward (new → paid → done), `canceled` ends any of
 * them, and nothing leaves a final status. A repeat of the current status is not a change.
 */
export function isProgress(current: MappedStatus | null, next: MappedStatus): boolean {
  if (current === null) return true;
  if (current.final) return false;
  return next.rank > current.rank;
}
