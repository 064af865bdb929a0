/**
 * The end-of-shift report as the screen shows it (pure: no DOM, no bridge). The core computes the figures and checks
 * them against the gateway; this file only orders, totals and labels them: rows by status in the status order, VAT
 * rates in the law's order, the table footers (sums of the rows, in kopecks), the verification banner, the file
 * names. `toReportModel` is the one place that knows the contract's report shape.
 */
import { ORDER_STATUSES } from '../../../shared/domain/order-status.ts';
import { VAT_CODES } from '../../../shared/domain/vat.ts';
import { safeFileName } from './files.ts';

export interface StatusRow {
  status: string;
  count: number;
  amount: number;
}

export interface VatRow {
  vatCode: string;
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
  number: string;
  what: string;
  console: string;
  gateway: string;
}

export interface ReportModel {
  shiftId: string;
  number: number;
  cashier: string;
  openedAt: string;
  closedAt: string | null;
  /** Paid (completed) during the shift, kopecks, and how many orders. */
  paid: number;
  paidCount: number;
  refunded: number;
  refundCount: number;
  /** Paid minus refunded. */
  net: number;
  orderCount: number;
  byStatus: StatusRow[];
  byVat: VatRow[];
  refunds: OrderLine[];
  late: OrderLine[];
  differences: DifferenceRow[];
  verification: { verified: boolean; at: string | null; reason: string | null };
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

export function sumStatus(rows: readonly StatusRow[]): { count: number; amount: number } {
  return rows.reduce((acc, r) => ({ count: acc.count + r.count, amount: acc.amount + r.amount }), {
    count: 0,
    amount: 0,
  });
}

export function sumVat(rows: readonly VatRow[]): { amount: number; vatAmount: number } {
  return rows.reduce(
    (acc, r) => ({ amount: acc.amount + r.amount, vatAmount: acc.vatAmount + r.vatAmount }),
    {
      amount: 0,
      vatAmount: 0,
    },
  );
}

export type BannerKind = 'verified' | 'differences' | 'unverified';

/** What the verification banner says: verified at HH:MM, verified with differences, or not verified and why. */
export function verificationBanner(model: Pick<ReportModel, 'verification' | 'differences'>): {
  kind: BannerKind;
  at: string | null;
  reason: string | null;
  differences: number;
} {
  const { verified, at, reason } = model.verification;
  const differences = model.differences.length;
  if (!verified) return { kind: 'unverified', at, reason: reason ?? 'unknown', differences };
  return { kind: differences > 0 ? 'differences' : 'verified', at, reason: null, differences };
}

/** `paydesk-shift-12-2026-11-23.csv`: the shift's number and the day it opened (local date). */
export function reportFileName(model: Pick<ReportModel, 'number' | 'openedAt'>, ext: 'csv' | 'pdf'): string {
  const d = new Date(model.openedAt);
  const day = Number.isNaN(d.getTime())
    ? 'unknown'
    : `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return safeFileName(`paydesk-shift-${model.number}-${day}.${ext}`);
}
