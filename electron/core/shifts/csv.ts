/**
 * The report as CSV (RFC 4180), pure. Choices, for the shop's accountant opening it in Excel with a Russian locale:
 *  - `;` as the separator: with the decimal comma of ru-RU, Excel's list separator is `;`, so a `;` file opens in
 *    columns on a double click (a `,` file lands in one column);
 *  - a UTF-8 byte-order mark: without it Excel reads the file as cp1251 and the Cyrillic is garbled;
 *  - CRLF line ends and `"`-quoting of any field holding `;`, `"`, CR or LF, quotes doubled (RFC 4180);
 *  - amounts in roubles with a decimal comma and no grouping (`1234,50`): a number for Excel, exact (from kopecks);
 *  - a text field that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` (CSV formula injection).
 * Fixed six columns on every line: section; item; count; amount; VAT; detail.
 * Writing this is a few lines; a library would add more than it saves (tests parse it back with csv-parse).
 */
import type { ShiftReport } from '../../../shared/contract/shifts.ts';

export const CSV_SEPARATOR = ';';
export const CSV_BOM = '\uFEFF';
export const CSV_HEADER = ['section', 'item', 'count', 'amount', 'vat', 'detail'] as const;

/** Kopecks → `1234,50` / `-12,05`. */
export function csvMoney(kopecks: number): string {
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[;"\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

type Line = [string, string, number | null, number | null, number | null, string | null];

export function reportCsv(r: ShiftReport): string {
  const lines: Line[] = [];
  const info = (item: string, detail: string | null) => lines.push(['shift', item, null, null, null, detail]);
  const tally = (section: string, item: string, t: { count: number; amount: number; vatAmount: number }) =>
    lines.push([section, item, t.count, t.amount, t.vatAmount, null]);

  info('number', String(r.shift.number));
  info('cashier', r.shift.cashierName);
  info('opened_at', r.shift.openedAt);
  info('closed_at', r.shift.closedAt);
  info('generated_at', r.generatedAt);
  info('currency', r.currency);
  info('verification', r.verification.state);
  tally('orders', 'total', r.orders.total);
  for (const [status, t] of Object.entries(r.orders.byStatus)) tally('orders', status, t);
  for (const v of r.salesByVat) tally('sales_by_vat', v.vatCode, v);
  tally('refunds', 'total', r.refunds.total);
  for (const [status, t] of Object.entries(r.refunds.byStatus)) tally('refunds', status, t);
  for (const v of r.refunds.byVat) tally('refunds_by_vat', v.vatCode, v);
  tally('cancels', 'total', r.cancels);
  lines.push(['paid_after_expiry', 'total', r.paidAfterExpiry.count, r.paidAfterExpiry.amount, null, null]);
  for (const o of r.paidAfterExpiry.orders) {
    lines.push([
      'paid_after_expiry',
      o.merchantOrderId,
      1,
      o.amount,
      null,
      `paid ${o.paidAt} after ${o.expirationDate}`,
    ]);
  }
  lines.push(['totals', 'paid', null, r.totals.paid, r.totals.paidVat, null]);
  lines.push(['totals', 'refunded', null, r.totals.refunded, r.totals.refundedVat, null]);
  lines.push(['totals', 'net', null, r.totals.net, r.totals.netVat, null]);
  for (const d of r.verification.differences) {
    lines.push([
      'difference',
      d.kind,
      null,
      null,
      null,
      `${d.document} ${d.merchantOrderId || d.id} ${d.field}: console ${d.console ?? '—'}, gateway ${d.gateway ?? '—'}` +
        (d.requestId ? `, request ${d.requestId}` : ''),
    ]);
  }
  if (r.verification.error) {
    lines.push([
      'verification_error',
      r.verification.error.code,
      null,
      null,
      null,
      r.verification.error.message +
        (r.verification.error.requestId ? `, request ${r.verification.error.requestId}` : ''),
    ]);
  }

  const row = (l: Line) =>
    [
      csvField(l[0]),
      csvField(l[1]),
      l[2] === null ? '' : String(l[2]),
      l[3] === null ? '' : csvMoney(l[3]),
      l[4] === null ? '' : csvMoney(l[4]),
      csvField(l[5]),
    ].join(CSV_SEPARATOR);
  return CSV_BOM + [CSV_HEADER.join(CSV_SEPARATOR), ...lines.map(row)].join('\r\n') + '\r\n';
}
