/**
 * Gateway objects (OrderResponse, OrderNotification, RefundOrderResponse) → the store's snapshots, in kopecks.
 * The one place where the core reads the API's floats.
 */
import { kopecksFromApi } from '../../../shared/domain/money.ts';
import { isOrderStatus, isRefundStatus } from '../../../shared/domain/order-status.ts';
import type {
  OrderNotification,
  OrderResponse,
  RefundOrderResponse,
} from '../../../shared/invoicebox/schemas.ts';
import type { OrderSnapshot, RefundSnapshot } from '../store/types.ts';

export class SnapshotError extends Error {
  readonly code = 'invalid_gateway_object';
}

type OrderLike = OrderResponse | OrderNotification;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function orderSnapshot(o: OrderLike): OrderSnapshot {
  if (!isOrderStatus(o.status)) throw new SnapshotError(`unknown order status ${JSON.stringify(o.status)}`);
  try {
    return {
      id: o.id,
      merchantId: o.merchantId,
      merchantOrderId: o.merchantOrderId ?? '',
      status: o.status,
      amount: kopecksFromApi(o.amount),
      vatAmount: typeof o.vatAmount === 'number' ? kopecksFromApi(o.vatAmount) : 0,
      currencyId: o.currencyId ?? 'RUB',
      description: str(o.description) ?? '',
      paymentUrl: str(o.paymentUrl),
      createdAt: str(o.createdAt) ?? new Date().toISOString(),
      expirationDate: str(o.expirationDate),
      paidAt: str(o.paidAt),
      raw: o,
      basket: Array.isArray(o.basketItems) ? o.basketItems : undefined,
    };
  } catch (err) {
    throw new SnapshotError(`order ${o.id}: ${(err as Error).message}`);
  }
}

export function refundSnapshot(r: RefundOrderResponse | OrderNotification): RefundSnapshot {
  if (!isRefundStatus(r.status)) throw new SnapshotError(`unknown refund status ${JSON.stringify(r.status)}`);
  const parentId = str(r.parentId);
  if (!parentId) throw new SnapshotError(`refund ${r.id} without parentId`);
  try {
    return {
      id: r.id,
      parentId,
      merchantId: str(r.merchantId) ?? '',
      merchantOrderId: r.merchantOrderId ?? '',
      status: r.status,
      amount: kopecksFromApi(r.amount),
      vatAmount: typeof r.vatAmount === 'number' ? kopecksFromApi(r.vatAmount) : 0,
      currencyId: r.currencyId ?? 'RUB',
      description: str(r.description),
      createdAt: str(r.createdAt) ?? new Date().toISOString(),
      raw: r,
      basket: Array.isArray(r.basketItems) ? r.basketItems : undefined,
    };
  } catch (err) {
    throw new SnapshotError(`refund ${r.id}: ${(err as Error).message}`);
  }
}
