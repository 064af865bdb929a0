/**
 * Requests for the API client and creation-flow tests, on top of test/helpers/sandbox.ts's demoOrder (the console's
 * own basket arithmetic): drafts without a merchantOrderId for createOrderOnce / createRefundOnce, and refunds of
 * whole order lines.
 */
import { computeBasket } from '../../shared/domain/basket.ts';
import { kopecksToApi } from '../../shared/domain/money.ts';
import type { CreateOrderRequest, CreateRefundRequest } from '../../shared/invoicebox/schemas.ts';
import type { OrderDraft, RefundDraft } from '../../electron/core/api/idempotent.ts';
import { basketItems, DEFAULT_LINES, demoOrder, type DemoOrderOverrides, type DemoLine } from './sandbox.ts';

/** A valid order for the demo shop with a unique merchantOrderId, expiring in an hour. */
export function orderRequest(overrides: DemoOrderOverrides = {}): CreateOrderRequest {
  return demoOrder(overrides);
}

/** The same without a merchantOrderId (createOrderOnce assigns one). */
export function orderDraft(overrides: DemoOrderOverrides = {}): OrderDraft {
  const { merchantOrderId: _dropped, ...draft } = demoOrder(overrides);
  return overrides.merchantOrderId ? { ...draft, merchantOrderId: overrides.merchantOrderId } : draft;
}

/** A refund of whole lines of a paid order (by default its first line), without a merchantOrderId. */
export function refundDraft(
  parentId: string,
  lines: readonly DemoLine[] = DEFAULT_LINES.slice(0, 1),
): RefundDraft {
  const basket = computeBasket(lines);
  return {
    parentId,
    description: 'Возврат (тест)',
    amount: kopecksToApi(basket.amount),
    vatAmount: kopecksToApi(basket.vatAmount),
    basketItems: basketItems(lines),
  };
}

let counter = 0;

export function refundRequest(parentId: string, lines?: readonly DemoLine[]): CreateRefundRequest {
  counter += 1;
  return {
    ...refundDraft(parentId, lines),
    merchantOrderId: `TR-${process.pid}-${Date.now().toString(36)}-${counter}`,
  };
}
