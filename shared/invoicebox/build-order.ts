/**
 * The cashier's draft (integers only) → the API's CreateOrderRequest (floats at this edge only). The totals are always
 * recomputed here from the lines: whatever a renderer shows, the request carries the arithmetic of
 * shared/domain/basket.ts, which is the arithmetic the gateway checks.
 */
import { computeBasket } from '../domain/basket.ts';
import { kopecksToApi, milliToApi, type Kopecks, type Milli } from '../domain/money.ts';
import type { VatCode } from '../domain/vat.ts';
import { atom } from './atom.ts';
import type { BasketItem, CreateOrderRequest, Customer } from './schemas.ts';

export interface DraftLine {
  name: string;
  sku?: string;
  unitPrice: Kopecks;
  quantity: Milli;
  vatCode: VatCode;
  measure: string; // OKEI symbol, e.g. `шт`
  measureCode: string; // OKEI code, e.g. `796`
  type: 'service' | 'commodity';
  paymentType: 'full_prepayment' | 'prepayment' | 'advance' | 'full_payment';
}

export interface OrderDraft {
  merchantId: string;
  merchantOrderId: string;
  description: string;
  lines: DraftLine[];
  customer?: Customer;
  expiresAt: Date;
  currencyId?: 'RUB';
  languageId?: 'ru' | 'en';
}

export function basketItemsFromLines(lines: readonly DraftLine[]): BasketItem[] {
  const totals = computeBasket(lines);
  return lines.map((line, i) => {
    const t = totals.lines[i]!;
    return {
      sku: line.sku ?? `L${i + 1}`,
      name: line.name,
      measure: line.measure,
      measureCode: line.measureCode,
      quantity: milliToApi(line.quantity),
      amount: kopecksToApi(t.amount),
      amountWoVat: kopecksToApi(t.amountWoVat),
      totalAmount: kopecksToApi(t.totalAmount),
      totalVatAmount: kopecksToApi(t.totalVatAmount),
      vatCode: line.vatCode,
      type: line.type,
      paymentType: line.paymentType,
    };
  });
}

export function buildCreateOrderRequest(draft: OrderDraft): CreateOrderRequest {
  const totals = computeBasket(draft.lines);
  return {
    merchantId: draft.merchantId,
    merchantOrderId: draft.merchantOrderId,
    description: draft.description,
    amount: kopecksToApi(totals.amount),
    vatAmount: kopecksToApi(totals.vatAmount),
    currencyId: draft.currencyId ?? 'RUB',
    languageId: draft.languageId ?? 'ru',
    expirationDate: atom(draft.expiresAt),
    basketItems: basketItemsFromLines(draft.lines),
    customer: draft.customer ?? {},
    orderSetting: { roundPolicy: 'strict' },
  };
}
