/**
 * Refund selection, pure: which lines of a paid order and how much of each (thousandths), and what that comes to.
 * The amounts use the same line arithmetic as the order (shared/domain/basket.ts), so a refund of a whole line is
 * exactly that line's total, and a refund of the whole order is exactly the order.
 */
import { computeBasket, type LineInput } from '../../../shared/domain/basket.ts';
import { parseQuantity } from '../../../shared/domain/money.ts';
import { isVatCode } from '../../../shared/domain/vat.ts';

export interface RefundableItem {
  index: number;
  name: string;
  unitPrice: number;
  /** Thousandths still refundable. */
  quantity: number;
  vatCode: string;
}

/** index → quantity to refund (thousandths), as typed. */
export type RefundSelection = Record<number, string>;

export type RefundLineError = 'qty_invalid' | 'qty_too_big';

export interface RefundPlan {
  lines: { index: number; quantity: number }[];
  amount: number;
  vatAmount: number;
  errors: Record<number, RefundLineError>;
}

export function planRefund(items: readonly RefundableItem[], selection: RefundSelection): RefundPlan {
  const lines: { index: number; quantity: number }[] = [];
  const errors: Record<number, RefundLineError> = {};
  const toCompute: LineInput[] = [];
  for (const item of items) {
    const typed = selection[item.index];
    if (typed === undefined || typed.trim() === '' || typed.trim() === '0') continue;
    const quantity = parseQuantity(typed);
    if (quantity === null) {
      errors[item.index] = 'qty_invalid';
      continue;
    }
    if (quantity > item.quantity) {
      errors[item.index] = 'qty_too_big';
      continue;
    }
    lines.push({ index: item.index, quantity });
    toCompute.push({
      unitPrice: item.unitPrice,
      quantity,
      vatCode: isVatCode(item.vatCode) ? item.vatCode : 'VATNONE',
    });
  }
  const totals = computeBasket(toCompute);
  return { lines, amount: totals.amount, vatAmount: totals.vatAmount, errors };
}

/** A stable text of a plan: the refund's idempotency key is kept while this stays the same. */
export function planSignature(plan: RefundPlan): string {
  return plan.lines.map((l) => `${l.index}:${l.quantity}`).join(',');
}
