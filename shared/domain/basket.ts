/**
 * Basket arithmetic, pure and exact: what the console computes for a new order, and the checks the gateway (and our
 * sandbox) applies to a basket it receives. Keeping both sides in one file is what guarantees that an order the form
 * accepts is never refused for its arithmetic; a property test holds them together.
 *
 * The rules, written down (the Invoicebox docs leave the rounding method open):
 *  - Line total: `totalAmount` ≈ `amount × quantity`. roundPolicy `strict` (the sandbox's default; the docs contradict
 *    themselves between strict and none): within one kopeck of the exact product, i.e. the product rounded to the
 *    kopeck either way. `none`: any `totalAmount ≥ amount × quantity`. `floor|ceil|halfUp|halfDown`: the product
 *    rounded to whole roubles by that method, or the kopeck-exact value.
 *  - Unit price without VAT: `amountWoVat` within one kopeck of `amount × 100 / (100 + rate)`.
 *  - Line VAT: `totalVatAmount` within one kopeck of the per-line VAT (`totalAmount × rate / (100 + rate)`) or of the
 *    per-unit VAT times quantity (`(amount − amountWoVat) × quantity`). VATNONE and RUS_VAT0: exactly 0.
 *  - Order: `amount` = Σ `totalAmount` and `vatAmount` = Σ `totalVatAmount`, exactly, in kopecks.
 * The console itself always produces the per-line, half-up values, which satisfy every rule above.
 */
import type { Kopecks, Milli } from './money.ts';
import { divRound, type RoundMode } from './rounding.ts';
import { vatRate, type VatCode } from './vat.ts';

export const ROUND_POLICIES = ['strict', 'none', 'floor', 'ceil', 'halfUp', 'halfDown'] as const;
export type RoundPolicy = (typeof ROUND_POLICIES)[number];

export interface LineInput {
  /** Unit price including VAT. */
  unitPrice: Kopecks;
  quantity: Milli;
  vatCode: VatCode;
}

export interface LineAmounts {
  amount: Kopecks; // unit price incl. VAT
  amountWoVat: Kopecks; // unit price without VAT
  totalAmount: Kopecks; // line total incl. VAT
  totalVatAmount: Kopecks; // line VAT
}

const b = (n: number): bigint => BigInt(n);
const n = (v: bigint): number => Number(v);

/** VAT contained in a gross amount. */
export function vatOfGross(gross: Kopecks, code: VatCode): Kopecks {
  const { percent, added } = vatRate(code);
  if (percent === 0) return 0;
  if (added) return gross - n(divRound(b(gross) * 100n, b(100 + percent), 'halfUp'));
  return n(divRound(b(gross) * b(percent), b(100 + percent), 'halfUp'));
}

export function computeLine(input: LineInput): LineAmounts {
  const totalAmount = n(divRound(b(input.unitPrice) * b(input.quantity), 1000n, 'halfUp'));
  return {
    amount: input.unitPrice,
    amountWoVat: input.unitPrice - vatOfGross(input.unitPrice, input.vatCode),
    totalAmount,
    totalVatAmount: vatOfGross(totalAmount, input.vatCode),
  };
}

export interface BasketTotals {
  lines: LineAmounts[];
  amount: Kopecks;
  vatAmount: Kopecks;
  /** VAT per code, for the summary under the basket and the end-of-day report. */
  vatByCode: Partial<Record<VatCode, Kopecks>>;
}

export function computeBasket(inputs: readonly LineInput[]): BasketTotals {
  const lines = inputs.map(computeLine);
  const vatByCode: Partial<Record<VatCode, Kopecks>> = {};
  let amount = 0;
  let vatAmount = 0;
  lines.forEach((line, i) => {
    amount += line.totalAmount;
    vatAmount += line.totalVatAmount;
    const code = inputs[i]!.vatCode;
    vatByCode[code] = (vatByCode[code] ?? 0) + line.totalVatAmount;
  });
  return { lines, amount, vatAmount, vatByCode };
}

/** A line as the gateway receives it, already in integer units. */
export interface LineToCheck extends LineAmounts {
  quantity: Milli;
  vatCode: VatCode;
}

export type LineError =
  'wrong_basket_item_total_amount' | 'wrong_basket_item_amount_wo_vat' | 'wrong_basket_item_total_vat_amount';

export type TotalsError = 'wrong_total_amount' | 'wrong_total_vat_amount';

/** |x − p/q| < 1, i.e. x is the exact rational rounded to the unit either way. */
function withinOne(x: bigint, p: bigint, q: bigint): boolean {
  const diff = x * q - p;
  return (diff < 0n ? -diff : diff) < q;
}

/** |x − p/q| ≤ 1. */
function withinOneInclusive(x: bigint, p: bigint, q: bigint): boolean {
  const diff = x * q - p;
  return (diff < 0n ? -diff : diff) <= q;
}

export function checkLineTotal(line: LineToCheck, policy: RoundPolicy): boolean {
  const exact = b(line.amount) * b(line.quantity); // kopecks × 1000
  const total = b(line.totalAmount);
  if (policy === 'none') return total * 1000n >= exact;
  if (withinOne(total, exact, 1000n)) return true;
  if (policy === 'strict') return false;
  const rubles = divRound(exact, 100_000n, policy satisfies RoundMode);
  return total === rubles * 100n;
}

export function checkLine(line: LineToCheck, policy: RoundPolicy): LineError[] {
  const errors: LineError[] = [];
  const { percent } = vatRate(line.vatCode);
  if (!checkLineTotal(line, policy)) errors.push('wrong_basket_item_total_amount');
  if (percent === 0) {
    if (line.amountWoVat !== line.amount) errors.push('wrong_basket_item_amount_wo_vat');
    if (line.totalVatAmount !== 0) errors.push('wrong_basket_item_total_vat_amount');
    return errors;
  }
  const den = b(100 + percent);
  if (!withinOne(b(line.amountWoVat), b(line.amount) * 100n, den))
    errors.push('wrong_basket_item_amount_wo_vat');
  const v = b(line.totalVatAmount);
  const perLine = withinOneInclusive(v, b(line.totalAmount) * b(percent), den);
  const perUnit = withinOneInclusive(v, (b(line.amount) - b(line.amountWoVat)) * b(line.quantity), 1000n);
  if (!perLine && !perUnit) errors.push('wrong_basket_item_total_vat_amount');
  return errors;
}

export function checkTotals(
  lines: readonly LineAmounts[],
  amount: Kopecks,
  vatAmount: Kopecks,
): TotalsError[] {
  const errors: TotalsError[] = [];
  let sum = 0;
  let vat = 0;
  for (const line of lines) {
    sum += line.totalAmount;
    vat += line.totalVatAmount;
  }
  if (sum !== amount) errors.push('wrong_total_amount');
  if (vat !== vatAmount) errors.push('wrong_total_vat_amount');
  return errors;
}
