/**
 * VAT codes Invoicebox accepts and their rates, pure.
 *
 * `RUS_VATnn`: VAT is included in the price, VAT = price × nn / (100 + nn).
 * `RUS_VATnn_ADDED` (inferred, see docs/ARCHITECTURE.md): the same rate, but the net price is the base the VAT is
 * added to, so the console rounds the net first (net = price × 100 / (100 + nn)) and VAT is the remainder. Both ways
 * differ by at most one kopeck per line, which is what the gateway tolerates.
 * Since 1 January 2026 the standard rate in Russia is 22 %: `RUS_VAT22` is the default for new lines.
 */

export const VAT_CODES = [
  'RUS_VAT22',
  'RUS_VAT10',
  'RUS_VAT7',
  'RUS_VAT5',
  'RUS_VAT0',
  'VATNONE',
  'RUS_VAT20',
  'RUS_VAT22_ADDED',
  'RUS_VAT20_ADDED',
  'RUS_VAT10_ADDED',
  'RUS_VAT7_ADDED',
  'RUS_VAT5_ADDED',
] as const;
export type VatCode = (typeof VAT_CODES)[number];

export const DEFAULT_VAT_CODE: VatCode = 'RUS_VAT22';

export interface VatRate {
  /** Percent, integer. 0 for VATNONE and RUS_VAT0. */
  percent: number;
  /** true for `_ADDED` codes: net price rounded first. */
  added: boolean;
  /** false only for VATNONE (not subject to VAT, shown differently on receipts). */
  taxable: boolean;
}

export function isVatCode(value: unknown): value is VatCode {
  return typeof value === 'string' && (VAT_CODES as readonly string[]).includes(value);
}

export function vatRate(code: VatCode): VatRate {
  if (code === 'VATNONE') return { percent: 0, added: false, taxable: false };
  const m = /^RUS_VAT(\d+)(_ADDED)?$/.exec(code);
  if (!m) throw new Error(`unknown VAT code ${code}`);
  return { percent: Number(m[1]), added: m[2] !== undefined, taxable: true };
}
