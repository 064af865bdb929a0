/**
 * An order's stored basket (the gateway's BasketItem list, floats) → draft lines again, for "new QR for the same
 * basket" on an order the console did not create in this session. Best effort: anything unreadable gives null, and
 * the cashier re-types the order instead of paying a wrong one.
 */
import { kopecksFromApi, milliFromApi } from '../../../shared/domain/money.ts';
import { isVatCode } from '../../../shared/domain/vat.ts';
import type { DraftLineInput, ItemType, PaymentType } from './draft.ts';
import { PAYMENT_TYPES } from './draft.ts';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function draftLinesFromBasket(basket: unknown): DraftLineInput[] | null {
  const items = Array.isArray(basket)
    ? basket
    : isRecord(basket) && Array.isArray(basket.basketItems)
      ? basket.basketItems
      : null;
  if (!items || items.length === 0) return null;
  const lines: DraftLineInput[] = [];
  try {
    for (const item of items) {
      if (!isRecord(item)) return null;
      const { name, amount, quantity, vatCode, measure, measureCode, type, paymentType } = item;
      if (typeof name !== 'string' || typeof amount !== 'number' || typeof quantity !== 'number') return null;
      if (!isVatCode(vatCode)) return null;
      const lineType: ItemType = type === 'service' ? 'service' : 'commodity';
      const pt: PaymentType = (PAYMENT_TYPES as readonly unknown[]).includes(paymentType)
        ? (paymentType as PaymentType)
        : 'full_payment';
      lines.push({
        name,
        unitPrice: kopecksFromApi(amount),
        quantity: milliFromApi(quantity),
        vatCode,
        measure: typeof measure === 'string' && measure !== '' ? measure : 'шт',
        measureCode: typeof measureCode === 'string' && measureCode !== '' ? measureCode : '796',
        type: lineType,
        paymentType: pt,
      });
    }
  } catch {
    return null;
  }
  return lines;
}
