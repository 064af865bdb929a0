/**
 * The end-of-shift report as the screen shows it (pure: no DOM, no bridge). The core computes the figures and checks
 * them against the gateway; this file only orders, totals and labels them: rows by status in the status order, VAT
 * rates in the law's order, the table footers (sums of the rows, in kopecks), the verification banner, the file
 * names. `toReportModel` is the one place that knows the contract's report shape (shared/contract/shifts.ts).
 */
import type { ShiftReport } from '../../../shared/contract/shifts.ts';
import { ORDER_STATUSES, REFUND_STATUSES } from '../../../shared/domain/order-status.ts';
import { VAT_CODES } from '../../../shared/domain/vat.ts';
import { safeFileName } from './files.ts';

export interface StatusRow {
  status: string;
  count: number;
  amount: number;
  vatAmount: number;
}

export interface VatRow {
  vatCode: string;
  count: number;
  amount: number;
  vatAmount: number;
}

export interface OrderLine {
  id: string;
  number: string;
  amount: number;
  at: string | null;
}

export interface DifferenceRow {
  id: string;
  document: string;
  number: string;
  kind: string;
  field: string;
  console: string;
  gateway: string;
  requestId: string | null;
}

export interface ReportModel {
  shiftId: string;
  number: number;
  cashier: string;
  openedAt: string;
  closedAt: string | null;
  /** Paid (completed) orders of the shift: kopecks and how many. */
  paid: number;
  paidCount: number;
  /** Refunds that count (created, completed). */
  refunded: number;
  refundCount: number;
  /** Paid minus refunded: the report's total. */
  net: number;
  netVat: number;
  orderCount: number;
  cancels: number;
  byStatus: StatusRow[];
  byVat: VatRow[];
  refundsByStatus: StatusRow[];
  late: OrderLine[];
  lateAmount: number;
  differences: DifferenceRow[];
  verification: {
    state: 'verified' | 'differences' | 'unverified';
    at: string | null;
    documents: number;
    reason: string | null;
    requestId: string | null;
  };
}

/** The contract's report → what the screen shows (rows sorted, every status present, refunds that count). */
export function toReportModel(r: ShiftReport): ReportModel {
  const statusRows = (
    by: Record<string, { count: number; amount: number; vatAmount: number }>,
  ): StatusRow[] => sortStatusRows(Object.entries(by).map(([status, t]) => ({ status, ...t })));
  const refundsByStatus = sortRefundRows(
    Object.entries(r.refunds.byStatus).map(([status, t]) => ({ status, ...t })),
  );
  const counting = refundsByStatus.filter((x) => x.status === 'created' || x.status === 'completed');
  return {
    shiftId: r.shift.id,
    number: r.shift.number,
    cashier: r.shift.cashierName,
    openedAt: r.shift.openedAt,
    closedAt: r.shift.closedAt,
    paid: r.totals.paid,
    paidCount: r.orders.byStatus.completed.count,
    refunded: r.totals.refunded,
    refundCount: counting.reduce((n, x) => n + x.count, 0),
    net: r.totals.net,
    netVat: r.totals.netVat,
    orderCount: r.orders.total.count,
    cancels: r.cancels.count,
    byStatus: statusRows(r.orders.byStatus),
    byVat: sortVatRows(r.salesByVat),
    refundsByStatus,
    late: r.paidAfterExpiry.orders.map((o) => ({
      id: o.id,
      number: o.merchantOrderId,
      amount: o.amount,
      at: o.paidAt,
    })),
    lateAmount: r.paidAfterExpiry.amount,
    differences: r.verification.differences.map((d) => ({
      id: d.id,
      document: d.document,
      number: d.merchantOrderId || d.id,
      kind: d.kind,
      field: d.field,
      console: d.console ?? '—',
      gateway: d.gateway ?? '—',
      requestId: d.requestId,
    })),
    verification: {
      state: r.verification.state,
      at: r.verification.checkedAt,
      documents: r.verification.documents,
      reason: r.verification.error?.code ?? null,
      requestId: r.verification.error?.requestId ?? null,
    },
  };
}

function sortRefundRows(rows: StatusRow[]): StatusRow[] {
  const rank = (s: string): number => {
    const i = (REFUND_STATUSES as readonly string[]).indexOf(s);
    return i === -1 ? REFUND_STATUSES.length : i;
  };
  return [...rows].sort((a, b) => rank(a.status) - rank(b.status) || a.status.localeCompare(b.status));
}

/** Rows in the order statuses progress (created → completed → expired → canceled), unknown ones last. */
export function sortStatusRows(rows: readonly StatusRow[]): StatusRow[] {
  const rank = (s: string): number => {
    const i = (ORDER_STATUSES as readonly string[]).indexOf(s);
    return i === -1 ? ORDER_STATUSES.length : i;
  };
  return [...rows].sort((a, b) => rank(a.status) - rank(b.status) || a.status.localeCompare(b.status));
}

/** VAT rows in VAT_CODES order (the dictionary's), unknown codes last. */
export function sortVatRows(rows: readonly VatRow[]): VatRow[] {
  const rank = (c: string): number => {
    const i = (VAT_CODES as readonly string[]).indexOf(c);
    return i === -1 ? VAT_CODES.length : i;
  };
  return [...rows].sort((a, b) => rank(a.vatCode) - rank(b.vatCode) || a.vatCode.localeCompare(b.vatCode));
}

export interface Tally {
  count: number;
  amount: number;
  vatAmount: number;
}

/** A table's footer: the exact integer sums of its rows. */
export function sumTallies(rows: readonly Tally[]): Tally {
  return rows.reduce(
    (acc, r) => ({
      count: acc.count + r.count,
      amount: acc.amount + r.amount,
      vatAmount: acc.vatAmount + r.vatAmount,
    }),
    { count: 0, amount: 0, vatAmount: 0 },
  );
}

export type BannerKind = ReportModel['verification']['state'];

/** What the verification banner says: verified at HH:MM, verified with differences, or not verified and why. */
export function verificationBanner(model: Pick<ReportModel, 'verification' | 'differences'>): {
  kind: BannerKind;
  at: string | null;
  reason: string | null;
  differences: number;
} {
  const { state, at, reason } = model.verification;
  const differences = model.differences.length;
  if (state === 'unverified') return { kind: 'unverified', at, reason: reason ?? 'unknown', differences };
  // The core says "verified" only when nothing differs; a difference listed anyway is never hidden.
  return {
    kind: state === 'differences' || differences > 0 ? 'differences' : 'verified',
    at,
    reason: null,
    differences,
  };
}

/** `paydesk-shift-12-2026-11-23.csv`: the shift's number and the day it opened (local date). */
export function reportFileName(model: Pick<ReportModel, 'number' | 'openedAt'>, ext: 'csv' | 'pdf'): string {
  const d = new Date(model.openedAt);
  const day = Number.isNaN(d.getTime())
    ? 'unknown'
    : `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return safeFileName(`paydesk-shift-${model.number}-${day}.${ext}`);
}
