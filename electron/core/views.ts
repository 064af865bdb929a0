/** Store rows → the contract's views (what the renderer may see). */
import type { OrderDetail, OrderView, RefundView } from '../../shared/contract/contract.ts';
import { CAPABILITIES } from '../../shared/domain/providers.ts';
import type { Store } from './store/store.ts';
import type { OrderDetails, OrderSummary, RefundRow } from './store/types.ts';

/** Refunds that count against the order: in progress or done (not drafts, not cancelled ones). */
export function refundedAmount(refunds: readonly RefundRow[]): number {
  return refunds.reduce(
    (sum, r) => (r.status === 'created' || r.status === 'completed' ? sum + r.amount : sum),
    0,
  );
}

export function refundView(r: RefundRow): RefundView {
  return {
    id: r.id,
    parentId: r.parentId,
    merchantOrderId: r.merchantOrderId,
    status: r.status,
    amount: r.amount,
    vatAmount: r.vatAmount,
    createdAt: r.createdAt,
  };
}

export function orderView(o: OrderSummary, refunds: readonly RefundRow[]): OrderView {
  return {
    id: o.id,
    provider: o.provider,
    neutralStatus: o.neutralStatus,
    rawStatus: o.rawStatus,
    statusLabel: o.statusLabel,
    capabilities: { ...CAPABILITIES[o.provider] },
    merchantOrderId: o.merchantOrderId,
    origin: o.origin,
    status: o.status,
    amount: o.amount,
    vatAmount: o.vatAmount,
    currencyId: o.currency,
    description: o.description,
    paymentUrl: o.paymentUrl,
    createdAt: o.createdAt,
    expirationDate: o.expirationDate,
    paidAt: o.paidAt,
    updatedAt: o.updatedAt,
    refundedAmount: refundedAmount(refunds),
  };
}

export function orderViewFromStore(store: Store, o: OrderSummary): OrderView {
  return orderView(o, store.refundsForOrder(o.id));
}

export function orderDetail(d: OrderDetails): OrderDetail {
  return {
    ...orderView(d.order, d.refunds),
    history: d.history.map((h) => ({
      status: h.status,
      rawStatus: h.rawStatus,
      source: h.source,
      applied: h.applied,
      at: h.at,
      detail: h.detail,
    })),
    refunds: d.refunds.map(refundView),
    basket: d.order.basket ?? null,
  };
}
