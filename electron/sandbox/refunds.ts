/**
 * Refunds in the sandbox gateway. Only a `completed` order can be refunded, never beyond what was paid: per line (by
 * quantity, amount and VAT) and in total, counting every earlier refund that is `created` or `completed` (a `draft`
 * or `canceled` one takes nothing).
 *
 * Bookkeeping: a refund line refers to the order's line with the same `sku` (lines sharing a sku are pooled). The
 * last refund of a line takes exactly what is left — the remainder's totals, as `refund-basket-item` reports them,
 * are accepted even where rounding makes them differ by a kopeck from amount × quantity; every other refund line
 * must pass the same arithmetic as an order line (checkLine, the order's roundPolicy).
 *
 * Lifecycle: `created` (or `draft` on request) → `completed` after `refundAutoCompleteMs` (see expiry.ts), or through
 * the control API: complete / cancel.
 */
import type { SandboxContext } from './context.ts';
import { atom, type Account, type SandboxOrder, type SandboxRefund } from './state.ts';
import { HttpError } from './http-util.ts';
import { scheduleRefundCompletion } from './expiry.ts';
import { assertOwnMerchant, findOrder, requireStatus, roundPolicyOf } from './orders.ts';
import { lookupValues, parseFilterQuery, REFUND_FILTER_FIELDS, runFilter } from './filter.ts';
import {
  duplicateError,
  lineErrors,
  parseBody,
  rejectIfAny,
  toFigures,
  totalsErrors,
  type FieldError,
  type Figures,
} from './validate.ts';
import { createRefundRequestSchema, type BasketItem } from '../../shared/invoicebox/schemas.ts';
import {
  kopecksFromApi,
  kopecksToApi,
  milliToApi,
  type Kopecks,
  type Milli,
} from '../../shared/domain/money.ts';
import type { LineToCheck, RoundPolicy } from '../../shared/domain/basket.ts';
import type { RefundStatus } from '../../shared/domain/order-status.ts';

export type RefundView = SandboxRefund['view'];

/** Refund statuses that take money from the order. */
const TAKING: readonly RefundStatus[] = ['created', 'completed'];

/** What is left to refund of the order's lines with one sku. */
interface Remainder {
  /** The order's first line with this sku: name, unit price, VAT code… of what is reported as refundable. */
  template: BasketItem;
  quantity: Milli;
  totalAmount: Kopecks;
  totalVatAmount: Kopecks;
}

function refundsOf(ctx: SandboxContext, orderId: string, except?: string): SandboxRefund[] {
  return [...ctx.state.refunds.values()].filter(
    (r) => r.view.parentId === orderId && r.view.id !== except && TAKING.includes(r.view.status),
  );
}

function basketOf(doc: Readonly<Record<string, unknown>>): BasketItem[] {
  return (doc.basketItems ?? []) as BasketItem[];
}

function takeFrom(pools: Map<string, Remainder>, items: readonly BasketItem[], sign: 1 | -1): void {
  const { lines } = toFigures({ amount: 0, vatAmount: 0, basketItems: items });
  items.forEach((item, i) => {
    const line = lines[i]!;
    const pool = pools.get(item.sku) ?? { template: item, quantity: 0, totalAmount: 0, totalVatAmount: 0 };
    pool.quantity += sign * line.quantity;
    pool.totalAmount += sign * line.totalAmount;
    pool.totalVatAmount += sign * line.totalVatAmount;
    pools.set(item.sku, pool);
  });
}

/** What is left to refund, per sku, after the refunds that take money (except `except`). */
function remainders(ctx: SandboxContext, order: SandboxOrder, except?: string): Map<string, Remainder> {
  const pools = new Map<string, Remainder>();
  takeFrom(pools, basketOf(order.view), 1);
  for (const refund of refundsOf(ctx, order.view.id, except)) takeFrom(pools, basketOf(refund.view), -1);
  return pools;
}

/** The money taken from the order by its refunds (except `except`). */
function refundedKopecks(ctx: SandboxContext, order: SandboxOrder, except?: string): Kopecks {
  return refundsOf(ctx, order.view.id, except).reduce(
    (sum, r) => sum + kopecksFromApi(r.view.amount as number),
    0,
  );
}

/** Keeps `order.refundedKopecks` in step with the refunds. */
function syncRefunded(ctx: SandboxContext, order: SandboxOrder): void {
  order.refundedKopecks = refundedKopecks(ctx, order);
}

// ---- the API ----

/** GET …/order/:id/refund-basket-item: the lines still refundable, with the remaining quantities and totals. */
export function refundableItems(ctx: SandboxContext, account: Account, orderId: string): BasketItem[] {
  const order = findOrder(ctx, account, orderId);
  requireStatus(order, ['completed'], 422);
  return [...remainders(ctx, order).values()]
    .filter((r) => r.quantity > 0)
    .map((r) => ({
      ...r.template,
      quantity: milliToApi(r.quantity),
      totalAmount: kopecksToApi(r.totalAmount),
      totalVatAmount: kopecksToApi(r.totalVatAmount),
    }));
}

export function createRefund(ctx: SandboxContext, account: Account, body: unknown): RefundView {
  const req = parseBody(createRefundRequestSchema, body);
  assertOwnMerchant(account, req.merchantId);
  const order = findOrder(ctx, account, req.parentId);
  if (ctx.state.isMerchantOrderIdTaken(account.merchantId, req.merchantOrderId)) throw duplicateError();
  requireStatus(order, ['completed'], 422);
  const currencyId = String(order.view.currencyId);
  const figures = toFigures(req);
  rejectIfAny([
    req.currencyId === undefined || req.currencyId === currencyId
      ? null
      : {
          name: 'currencyId',
          code: 'wrong_currency',
          message: `A refund is in the order's currency, ${currencyId}`,
        },
    ...refundErrors(ctx, order, req.basketItems, figures),
  ]);
  const refund: SandboxRefund = {
    view: {
      id: ctx.state.newId(),
      parentId: order.view.id,
      description: req.description,
      merchantOrderId: req.merchantOrderId,
      merchantId: account.merchantId,
      amount: req.amount,
      vatAmount: req.vatAmount,
      currencyId,
      basketItems: req.basketItems,
      createdAt: atom(ctx.state.now()),
      status: req.status ?? 'created',
    },
  };
  ctx.state.addRefund(refund);
  syncRefunded(ctx, order);
  if (refund.view.status === 'created') scheduleRefundCompletion(ctx, refund.view.id);
  ctx.changed();
  return refund.view;
}

/** Every reason the refund cannot be taken from what is left of the order (arithmetic included). */
function refundErrors(
  ctx: SandboxContext,
  order: SandboxOrder,
  items: readonly BasketItem[],
  figures: Figures,
  except?: string,
): FieldError[] {
  const policy = roundPolicyOf(order.view);
  const pools = remainders(ctx, order, except);
  const lineErrors = figures.lines.flatMap((line, i) =>
    refundLineErrors(line, i, pools.get(items[i]!.sku), policy),
  );
  const left = kopecksFromApi(order.view.amount as number) - refundedKopecks(ctx, order, except);
  return [
    ...lineErrors,
    ...(figures.amount > left ? [overLimit('amount', 'refund_amount_exceeded', kopecksToApi(left))] : []),
    ...totalsErrors(figures),
  ];
}

/** Why refund line `i` cannot be taken from what is left of its sku; takes it from `pool` for the next lines. */
function refundLineErrors(
  line: LineToCheck,
  i: number,
  pool: Remainder | undefined,
  policy: RoundPolicy,
): FieldError[] {
  const at = (field: string): string => `basketItems.${i}.${field}`;
  if (!pool) return [{ name: at('sku'), code: 'refund_item_not_found', message: 'No such sku in the order' }];
  // The rest of a line is accepted with the totals refund-basket-item reports, even a kopeck off amount × quantity.
  const takesRest =
    line.quantity === pool.quantity &&
    line.totalAmount === pool.totalAmount &&
    line.totalVatAmount === pool.totalVatAmount;
  const errors = lineErrors(line, i, policy).filter(
    (e) => !takesRest || e.code === 'wrong_basket_item_amount_wo_vat',
  );
  if (line.quantity > pool.quantity) {
    errors.push(overLimit(at('quantity'), 'refund_quantity_exceeded', milliToApi(pool.quantity)));
  }
  if (line.totalAmount > pool.totalAmount) {
    errors.push(overLimit(at('totalAmount'), 'refund_amount_exceeded', kopecksToApi(pool.totalAmount)));
  }
  if (line.totalVatAmount > pool.totalVatAmount) {
    errors.push(overLimit(at('totalVatAmount'), 'refund_amount_exceeded', kopecksToApi(pool.totalVatAmount)));
  }
  pool.quantity -= line.quantity;
  pool.totalAmount -= line.totalAmount;
  pool.totalVatAmount -= line.totalVatAmount;
  return errors;
}

function overLimit(name: string, code: string, left: number): FieldError {
  return { name, code, message: `More than is left to refund: ${left}` };
}

export function listRefunds(ctx: SandboxContext, account: Account, params: URLSearchParams): RefundView[] {
  const query = parseFilterQuery(params, REFUND_FILTER_FIELDS);
  const ids =
    lookupValues(query, 'id') ??
    lookupValues(query, 'merchantOrderId')?.map(
      (v) => ctx.state.merchantOrderIds.get(`${account.merchantId}\n${v}`) ?? '',
    );
  const candidates = ids
    ? [...new Set(ids)].map((id) => ctx.state.refunds.get(id))
    : ctx.state.refunds.values();
  return runFilter(query, own(account, candidates));
}

function* own(account: Account, refunds: Iterable<SandboxRefund | undefined>): Iterable<RefundView> {
  for (const refund of refunds)
    if (refund && refund.view.merchantId === account.merchantId) yield refund.view;
}

// ---- control API ----

export function findRefund(ctx: SandboxContext, id: string): SandboxRefund {
  const refund = ctx.state.refunds.get(id);
  if (!refund) throw new HttpError(404, 'not_found', 'Refund not found');
  return refund;
}

/** `draft` | `created` → `completed`. A draft did not take money yet: it must still fit what is left (else 409). */
export function completeRefund(ctx: SandboxContext, id: string): RefundView {
  const refund = findRefund(ctx, id);
  requireStatus(refund, ['draft', 'created'], 409);
  const order = findOrder(ctx, null, refund.view.parentId);
  if (refund.view.status === 'draft') {
    const items = basketOf(refund.view);
    const figures = toFigures({
      amount: refund.view.amount as number,
      vatAmount: refund.view.vatAmount as number,
      basketItems: items,
    });
    const errors = refundErrors(ctx, order, items, figures, refund.view.id);
    if (errors.length > 0)
      throw new HttpError(409, errors[0]!.code, 'The draft no longer fits the order', errors);
  }
  return settle(ctx, refund, order, 'completed');
}

/** `draft` | `created` → `canceled`: what it took becomes refundable again. */
export function cancelRefund(ctx: SandboxContext, id: string): RefundView {
  const refund = findRefund(ctx, id);
  requireStatus(refund, ['draft', 'created'], 409);
  return settle(ctx, refund, findOrder(ctx, null, refund.view.parentId), 'canceled');
}

function settle(
  ctx: SandboxContext,
  refund: SandboxRefund,
  order: SandboxOrder,
  status: RefundStatus,
): RefundView {
  ctx.state.setRefundStatus(refund.view.id, status);
  syncRefunded(ctx, order);
  ctx.changed();
  return refund.view;
}
