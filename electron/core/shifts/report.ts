/**
 * The end-of-shift report's arithmetic, pure: rows in, figures out. Integer kopecks throughout; the basket's API floats
 * are read with kopecksFromApi (the one conversion edge). What counts:
 *  - orders: those created during the shift, by their current status (count, Σ amount, Σ VAT);
 *  - sales by VAT rate: the paid (completed) orders' basket lines grouped by vatCode; `count` = orders with a line at
 *    that rate; an order without a readable basket goes under `unknown` with its totals;
 *  - refunds: those made during the shift, by status; `refunded` and by-VAT count only `created` and `completed`
 *    (the gateway's own rule: drafts and cancelled refunds take nothing);
 *  - cancels: orders cancelled during the shift; paid after expiry: completed with paidAt > expirationDate;
 *  - net = paid − refunded.
 */
import { kopecksFromApi } from '../../../shared/domain/money.ts';
import {
  ORDER_STATUSES,
  REFUND_STATUSES,
  type OrderStatus,
  type RefundStatus,
} from '../../../shared/domain/order-status.ts';
import { VAT_CODES, isVatCode } from '../../../shared/domain/vat.ts';
import type {
  ReportVerification,
  ShiftReport,
  ShiftView,
  Tally,
  VatTally,
} from '../../../shared/contract/shifts.ts';

export interface ReportOrder {
  id: string;
  merchantOrderId: string;
  status: OrderStatus;
  amount: number;
  vatAmount: number;
  currency: string;
  expirationDate: string | null;
  paidAt: string | null;
  /** The order's basketItems as the gateway sent them (API floats), or null. */
  basket: unknown;
}

export interface ReportRefund {
  id: string;
  parentId: string;
  merchantOrderId: string;
  status: RefundStatus;
  amount: number;
  vatAmount: number;
  basket: unknown;
}

export interface ReportCancel {
  id: string;
  merchantOrderId: string;
  amount: number;
  vatAmount: number;
}

export interface ReportInput {
  shift: ShiftView;
  generatedAt: string;
  orders: readonly ReportOrder[];
  refunds: readonly ReportRefund[];
  cancels: readonly ReportCancel[];
  verification: ReportVerification;
}

const zero = (): Tally => ({ count: 0, amount: 0, vatAmount: 0 });
const add = (t: Tally, amount: number, vat: number): void => {
  t.count += 1;
  t.amount += amount;
  t.vatAmount += vat;
};

/** A basket's lines by VAT code: Σ totalAmount and Σ totalVatAmount in kopecks; null when unreadable. */
export function basketByVat(basket: unknown): Map<string, { amount: number; vatAmount: number }> | null {
  if (!Array.isArray(basket) || basket.length === 0) return null;
  const out = new Map<string, { amount: number; vatAmount: number }>();
  try {
    for (const item of basket as { vatCode?: unknown; totalAmount?: unknown; totalVatAmount?: unknown }[]) {
      if (typeof item?.totalAmount !== 'number') return null;
      const code = isVatCode(item.vatCode) ? item.vatCode : 'unknown';
      const amount = kopecksFromApi(item.totalAmount);
      const vat = typeof item.totalVatAmount === 'number' ? kopecksFromApi(item.totalVatAmount) : 0;
      const cur = out.get(code) ?? { amount: 0, vatAmount: 0 };
      cur.amount += amount;
      cur.vatAmount += vat;
      out.set(code, cur);
    }
  } catch {
    return null;
  }
  return out;
}

/** Documents' baskets grouped by VAT code, in VAT_CODES order (then `unknown`). */
function byVat(docs: readonly { amount: number; vatAmount: number; basket: unknown }[]): VatTally[] {
  const tallies = new Map<string, Tally>();
  for (const doc of docs) {
    const lines =
      basketByVat(doc.basket) ?? new Map([['unknown', { amount: doc.amount, vatAmount: doc.vatAmount }]]);
    for (const [code, sums] of lines) {
      const t = tallies.get(code) ?? zero();
      add(t, sums.amount, sums.vatAmount);
      tallies.set(code, t);
    }
  }
  const order = [...VAT_CODES, 'unknown'] as string[];
  return [...tallies.entries()]
    .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))
    .map(([vatCode, t]) => ({ vatCode, ...t }));
}

export const refundCounts = (status: RefundStatus): boolean => status === 'created' || status === 'completed';

export function paidAfterExpiry(o: Pick<ReportOrder, 'status' | 'paidAt' | 'expirationDate'>): boolean {
  if (o.status !== 'completed' || o.paidAt === null || o.expirationDate === null) return false;
  const paid = Date.parse(o.paidAt);
  const expires = Date.parse(o.expirationDate);
  return Number.isFinite(paid) && Number.isFinite(expires) && paid > expires;
}

export function computeReport(input: ReportInput): ShiftReport {
  const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, zero()])) as Record<OrderStatus, Tally>;
  const total = zero();
  for (const o of input.orders) {
    add(byStatus[o.status], o.amount, o.vatAmount);
    add(total, o.amount, o.vatAmount);
  }
  const paid = input.orders.filter((o) => o.status === 'completed');

  const refundByStatus = Object.fromEntries(REFUND_STATUSES.map((s) => [s, zero()])) as Record<
    RefundStatus,
    Tally
  >;
  const refundTotal = zero();
  for (const r of input.refunds) {
    add(refundByStatus[r.status], r.amount, r.vatAmount);
    add(refundTotal, r.amount, r.vatAmount);
  }
  const counting = input.refunds.filter((r) => refundCounts(r.status));

  const cancels = zero();
  for (const c of input.cancels) add(cancels, c.amount, c.vatAmount);

  const late = input.orders.filter(paidAfterExpiry);
  const sum = (xs: readonly { amount: number }[]) => xs.reduce((s, x) => s + x.amount, 0);
  const sumVat = (xs: readonly { vatAmount: number }[]) => xs.reduce((s, x) => s + x.vatAmount, 0);
  const currencies = [...new Set(input.orders.map((o) => o.currency))];

  return {
    shift: input.shift,
    generatedAt: input.generatedAt,
    currency: currencies.length === 0 ? 'RUB' : currencies.join(','),
    orders: { total, byStatus },
    salesByVat: byVat(paid),
    refunds: { total: refundTotal, byStatus: refundByStatus, byVat: byVat(counting) },
    cancels,
    paidAfterExpiry: {
      count: late.length,
      amount: sum(late),
      orders: late.map((o) => ({
        id: o.id,
        merchantOrderId: o.merchantOrderId,
        amount: o.amount,
        expirationDate: o.expirationDate,
        paidAt: o.paidAt,
      })),
    },
    totals: {
      paid: sum(paid),
      paidVat: sumVat(paid),
      refunded: sum(counting),
      refundedVat: sumVat(counting),
      net: sum(paid) - sum(counting),
      netVat: sumVat(paid) - sumVat(counting),
    },
    verification: input.verification,
  };
}
