/**
 * Orders in the sandbox gateway: create, update, cancel, list (the API), and the payment outcomes (pay, decline,
 * expire) shared by the control API and the payment page. Rules are checked here; status changes go through
 * `state.setOrderStatus`, which announces them. Everything throws HttpError; nothing here speaks HTTP.
 */
import type { SandboxContext } from './context.ts';
import { atom, type Account, type SandboxOrder } from './state.ts';
import { HttpError } from './http-util.ts';
import { expireIfDue, orderDeadlineChanged } from './expiry.ts';
import { lookupValues, ORDER_FILTER_FIELDS, parseFilterQuery, runFilter } from './filter.ts';
import {
  basketErrors,
  currencyError,
  duplicateError,
  expirationError,
  languageError,
  parseBody,
  rejectIfAny,
  toFigures,
  validationError,
} from './validate.ts';
import {
  createOrderRequestSchema,
  updateOrderRequestSchema,
  type CreateOrderRequest,
} from '../../shared/invoicebox/schemas.ts';
import type { OrderStatus } from '../../shared/domain/order-status.ts';
import type { RoundPolicy } from '../../shared/domain/basket.ts';

export type OrderView = SandboxOrder['view'];

/** OrderResponse fields the gateway sets; never taken from a request. */
const SERVER_FIELDS = [
  'id',
  'paymentUrl',
  'createdAt',
  'status',
  'paidAt',
  'subtype',
  'processingStatus',
  'fileIds',
  'lastAttempt',
] as const;

/** The outcome of the last payment attempt on the payment page (sandbox-only field of the order view). */
export type PaymentAttempt = 'paid' | 'declined';

// ---- lookups and guards ----

/** The order, if it exists and (when `account` is given) belongs to that merchant: else 404 — never reveal others'. */
export function findOrder(ctx: SandboxContext, account: Account | null, id: string): SandboxOrder {
  const order = ctx.state.orders.get(id);
  if (!order || (account && order.view.merchantId !== account.merchantId)) {
    throw new HttpError(404, 'not_found', 'Order not found');
  }
  expireIfDue(ctx, order);
  return order;
}

export function assertOwnMerchant(account: Account, merchantId: string | undefined): void {
  if (merchantId !== undefined && merchantId !== account.merchantId) {
    throw new HttpError(403, 'forbidden', 'merchantId does not belong to this token');
  }
}

export function requireStatus(
  order: { view: { status: string } },
  allowed: readonly string[],
  httpStatus: 409 | 422,
): void {
  if (allowed.includes(order.view.status)) return;
  throw new HttpError(
    httpStatus,
    'wrong_order_status',
    `Not allowed in status ${order.view.status} (needs ${allowed.join(' or ')})`,
    [{ name: 'status', code: 'wrong_order_status', message: `status is ${order.view.status}` }],
  );
}

// ---- the API ----

/** The order's round policy; `strict` when it names none (the docs contradict themselves; strict is safer). */
export function roundPolicyOf(order: Readonly<Record<string, unknown>>): RoundPolicy {
  return (order.orderSetting as { roundPolicy?: RoundPolicy } | undefined)?.roundPolicy ?? 'strict';
}

/** Every business rule of an order request (the schema already passed); 422 naming the broken ones. */
function checkOrderRules(ctx: SandboxContext, req: CreateOrderRequest): void {
  const figures = toFigures(req);
  rejectIfAny([
    ...basketErrors(figures, roundPolicyOf(req)),
    currencyError(req.currencyId),
    languageError(req.languageId),
    expirationError(req.expirationDate, ctx.state.now()),
  ]);
}

/** The request as stored: times in UTC ATOM, as the gateway stores them (whole seconds, rounded up: never earlier). */
function normalized(req: CreateOrderRequest): CreateOrderRequest {
  const seconds = Math.ceil(Date.parse(req.expirationDate) / 1000);
  return { ...req, expirationDate: atom(new Date(seconds * 1000)) };
}

export function createOrder(ctx: SandboxContext, account: Account, body: unknown): OrderView {
  const req = parseBody(createOrderRequestSchema, body);
  assertOwnMerchant(account, req.merchantId);
  // Before the other rules: a retried create is recognised as such even if, say, its expiration has passed since.
  if (ctx.state.isMerchantOrderIdTaken(req.merchantId, req.merchantOrderId)) throw duplicateError();
  checkOrderRules(ctx, req);
  const id = ctx.state.newId();
  const order: SandboxOrder = {
    view: {
      ...normalized(req),
      id,
      orderContainerId: req.orderContainerId ?? id,
      paymentUrl: `${ctx.baseUrl()}/pay/${id}`,
      createdAt: atom(ctx.state.now()),
      status: 'created',
      subtype: 'order',
      processingStatus: 'none',
      fileIds: {},
    },
    refundedKopecks: 0,
  };
  ctx.state.addOrder(order);
  orderDeadlineChanged(ctx, order);
  ctx.changed();
  return order.view;
}

function requestFields(view: OrderView): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...view };
  for (const field of SERVER_FIELDS) delete copy[field];
  return copy;
}

function serverFields(view: OrderView): Record<string, unknown> {
  return Object.fromEntries(SERVER_FIELDS.filter((f) => f in view).map((f) => [f, view[f]]));
}

/** PUT: only while `created`; the merged order must pass every rule of a new one. merchantOrderId cannot change. */
export function updateOrder(ctx: SandboxContext, account: Account, id: string, body: unknown): OrderView {
  const order = findOrder(ctx, account, id);
  requireStatus(order, ['created'], 422);
  const patch = parseBody(updateOrderRequestSchema, body);
  assertOwnMerchant(account, patch.merchantId);
  if (patch.merchantOrderId !== undefined && patch.merchantOrderId !== order.view.merchantOrderId) {
    throw validationError([
      { name: 'merchantOrderId', code: 'wrong_value', message: 'merchantOrderId cannot be changed' },
    ]);
  }
  const req = parseBody(createOrderRequestSchema, { ...requestFields(order.view), ...patch });
  checkOrderRules(ctx, req);
  const { id: orderId, status } = order.view;
  order.view = { ...normalized(req), ...serverFields(order.view), id: orderId, status };
  orderDeadlineChanged(ctx, order);
  ctx.changed();
  return order.view;
}

/** DELETE: `created` → `canceled`; anything else is 422 `wrong_order_status`. */
export function cancelOrder(ctx: SandboxContext, account: Account, id: string): OrderView {
  const order = findOrder(ctx, account, id);
  requireStatus(order, ['created'], 422);
  return transition(ctx, order, 'canceled');
}

export function listOrders(ctx: SandboxContext, account: Account, params: URLSearchParams): OrderView[] {
  const query = parseFilterQuery(params, ORDER_FILTER_FIELDS);
  const ids = lookupValues(query, 'id');
  const merchantOrderIds = lookupValues(query, 'merchantOrderId');
  let candidates: Iterable<SandboxOrder>;
  if (ids) candidates = pick(ids.map((v) => ctx.state.orders.get(v)));
  else if (merchantOrderIds) {
    const byKey = (v: string) => ctx.state.merchantOrderIds.get(`${account.merchantId}\n${v}`);
    candidates = pick(merchantOrderIds.map((v) => ctx.state.orders.get(byKey(v) ?? '')));
  } else candidates = ctx.state.orders.values();
  return runFilter(query, ownFresh(ctx, account, candidates));
}

/** Present, distinct. */
function pick(orders: (SandboxOrder | undefined)[]): SandboxOrder[] {
  return [...new Set(orders.filter((o): o is SandboxOrder => o !== undefined))];
}

/** The merchant's orders among `orders`, each expired first if due (lazy expiry on read). */
function* ownFresh(
  ctx: SandboxContext,
  account: Account,
  orders: Iterable<SandboxOrder>,
): Iterable<OrderView> {
  for (const order of orders) {
    if (order.view.merchantId !== account.merchantId) continue;
    expireIfDue(ctx, order);
    yield order.view;
  }
}

// ---- payment outcomes (control API, payment page) ----

function transition(ctx: SandboxContext, order: SandboxOrder, status: OrderStatus): OrderView {
  ctx.state.setOrderStatus(order.view.id, status);
  ctx.changed();
  return order.view;
}

/** A successful payment: from `created`, or from `expired` when `late` (a payment that completed after expiry). */
export function payOrder(ctx: SandboxContext, id: string, options: { late?: boolean } = {}): OrderView {
  const order = findOrder(ctx, null, id);
  requireStatus(order, options.late ? ['created', 'expired'] : ['created'], 409);
  order.view.lastAttempt = 'paid' satisfies PaymentAttempt;
  return transition(ctx, order, 'completed');
}

/** A declined payment: the order stays `created` (still payable, as on the real gateway); the attempt is recorded. */
export function declineOrder(ctx: SandboxContext, id: string): OrderView {
  const order = findOrder(ctx, null, id);
  requireStatus(order, ['created'], 409);
  order.view.lastAttempt = 'declined' satisfies PaymentAttempt;
  ctx.changed();
  return order.view;
}

export function expireOrder(ctx: SandboxContext, id: string): OrderView {
  const order = findOrder(ctx, null, id);
  requireStatus(order, ['created'], 409);
  return transition(ctx, order, 'expired');
}
