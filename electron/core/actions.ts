/**
 * One function per contract method. Inputs arrive validated (core.ts); outputs are contract views. Business rules
 * live elsewhere — arithmetic in shared/domain, idempotency in api/idempotent.ts, status rules in the store — this
 * file only sequences them.
 */
import { computeLine } from '../../shared/domain/basket.ts';
import { kopecksFromApi, kopecksToApi, milliFromApi, milliToApi } from '../../shared/domain/money.ts';
import { isVatCode } from '../../shared/domain/vat.ts';
import type {
  CreateOrderInput,
  MethodInput,
  MethodName,
  MethodOutput,
  OrderView,
  SearchInput,
} from '../../shared/contract/contract.ts';
import { buildCreateOrderRequest } from '../../shared/invoicebox/build-order.ts';
import type { BasketItem, CreateRefundRequest } from '../../shared/invoicebox/schemas.ts';
import type { ApiCallRecord } from './api/client.ts';
import {
  createOrderOnce,
  createRefundOnce,
  newMerchantOrderId,
  type IntentJournal,
} from './api/idempotent.ts';
import type { ResolvedConfig, SettingsPatch } from './config.ts';
import type { ShiftMethodName } from '../../shared/contract/shifts.ts';
import type { Log } from './diagnostics/log.ts';
import { maskDeep, maskSecrets } from './diagnostics/mask.ts';
import { orderSnapshot, refundSnapshot } from './invoicebox/snapshots.ts';
import type { TokenStore } from './secrets/token-store.ts';
import type { Session } from './session.ts';
import type { Store } from './store/store.ts';
import { orderDetail, orderViewFromStore, refundView } from './views.ts';

export type Actions = { [M in MethodName]: (input: MethodInput<M>) => Promise<MethodOutput<M>> };

export interface ActionDeps {
  store: Store;
  log: Log;
  journal: IntentJournal;
  version: string;
  calls: () => readonly ApiCallRecord[];
  config: () => ResolvedConfig;
  session: () => Session;
  tokens: () => TokenStore;
  saveSettings: (patch: SettingsPatch) => Promise<void>;
  reconfigure: () => Promise<void>;
  emitOrder: (view: OrderView) => void;
}

/** Setting: requestKey → merchantOrderId of the cashier's recent order intents (see merchantOrderIdFor). */
const REQUEST_KEYS = 'orders.requestKeys';
const REQUEST_KEYS_KEPT = 500;

class ActionError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** A bounded map of in-flight/finished requests by the renderer's requestKey: a double click gets the same result. */
function onceByKey<T>(limit = 200) {
  const map = new Map<string, Promise<T>>();
  return (key: string, run: () => Promise<T>): Promise<T> => {
    const existing = map.get(key);
    if (existing) return existing;
    const p = run();
    map.set(key, p);
    p.catch(() => map.delete(key)); // a failed attempt may be retried with the same key
    if (map.size > limit) map.delete(map.keys().next().value!);
    return p;
  };
}

/** The shifts' methods are electron/core/shifts/actions.ts's. */
export function createActions(deps: ActionDeps): Omit<Actions, ShiftMethodName> {
  const { store, log } = deps;
  const createOnce = onceByKey<OrderView>();
  const refundOnce = onceByKey<MethodOutput<'refunds.create'>>();

  const view = (id: string): OrderView => {
    const d = store.getOrder(id);
    if (!d) throw new ActionError('order_not_found', `Order ${id} is not in the local store`);
    return orderViewFromStore(store, d.order);
  };

  const storeOrder = (o: Parameters<typeof orderSnapshot>[0], origin?: 'console'): OrderView => {
    const r = store.applyOrderUpdate(orderSnapshot(o), 'api', null, origin ? { origin } : {});
    const v = orderViewFromStore(store, r.order);
    if (r.decision !== 'duplicate') deps.emitOrder(v);
    return v;
  };

  /**
   * The merchantOrderId of a cashier's intent, kept in the store by its requestKey: a create retried with the same
   * key — after an error, a lost answer, a crash or a restart of the console — is the same order (the same journal
   * intent, resumed or found), never a second one. The most recent REQUEST_KEYS_KEPT keys are kept.
   */
  function merchantOrderIdFor(requestKey: string): string {
    const saved = store.getSetting(REQUEST_KEYS);
    const map: Record<string, string> =
      saved !== null && typeof saved === 'object' ? { ...(saved as Record<string, string>) } : {};
    const existing = map[requestKey];
    if (typeof existing === 'string') return existing;
    const merchantOrderId = newMerchantOrderId('PD');
    const entries = Object.entries(map);
    entries.push([requestKey, merchantOrderId]);
    store.setSetting(REQUEST_KEYS, Object.fromEntries(entries.slice(-REQUEST_KEYS_KEPT)));
    return merchantOrderId;
  }

  async function createOrder(input: CreateOrderInput): Promise<OrderView> {
    const session = deps.session();
    const config = deps.config();
    const merchantOrderId = merchantOrderIdFor(input.requestKey);
    // Already done under this key (the answer was lost, or the order was recovered at start-up): that order.
    const stored = store.getOrderByMerchantOrderId(merchantOrderId, session.merchantId);
    if (stored) return orderViewFromStore(store, stored);
    const intent = store.getIntent({ kind: 'create_order', merchantOrderId });
    if (intent?.state === 'failed') {
      throw new ActionError(
        intent.errorCode ?? 'order_refused',
        intent.errorMessage ?? 'The gateway refused the order',
      );
    }
    if (intent?.state === 'done') {
      const found = await session.api.findOrderByMerchantOrderId(merchantOrderId);
      if (found) return storeOrder(found, 'console');
    }
    // New, or pending (a try whose outcome is unknown): createOrderOnce resumes a pending intent as journaled.
    const ttl = input.ttlMinutes ?? config.orderTtlMinutes;
    const req = buildCreateOrderRequest({
      merchantId: session.merchantId,
      merchantOrderId,
      description:
        input.description ??
        input.lines
          .map((l) => l.name)
          .join(', ')
          .slice(0, 1000),
      lines: input.lines,
      ...(input.customer ? { customer: input.customer } : {}),
      expiresAt: new Date(Date.now() + ttl * 60_000),
      languageId: config.language,
    });
    const order = await createOrderOnce(session.api, deps.journal, req);
    log.info('order.created', { orderId: order.id, merchantOrderId: order.merchantOrderId });
    return storeOrder(order, 'console');
  }

  async function refundableItems(orderId: string) {
    const items = await deps.session().api.refundableItems(orderId);
    return items.map((item, index) => ({
      index,
      name: item.name,
      unitPrice: kopecksFromApi(item.amount),
      quantity: milliFromApi(item.quantity),
      vatCode: item.vatCode,
    }));
  }

  async function createRefund(input: MethodInput<'refunds.create'>): Promise<MethodOutput<'refunds.create'>> {
    const session = deps.session();
    const order = store.getOrder(input.orderId);
    if (!order)
      throw new ActionError('order_not_found', 'Refresh the order first: it is not in the local store');
    if (order.order.status !== 'completed')
      throw new ActionError('wrong_order_status', 'Only a paid order can be refunded');
    const items = await session.api.refundableItems(input.orderId);
    const basketItems: BasketItem[] = [];
    let amount = 0;
    let vatAmount = 0;
    for (const chosen of input.lines) {
      const item = items[chosen.index];
      if (!item) throw new ActionError('refund_line_unknown', `Line ${chosen.index + 1} cannot be refunded`);
      if (chosen.quantity > milliFromApi(item.quantity)) {
        throw new ActionError(
          'refund_too_much',
          `Line ${chosen.index + 1}: more than what is left to refund`,
        );
      }
      if (!isVatCode(item.vatCode))
        throw new ActionError('refund_line_unknown', `Line ${chosen.index + 1}: unknown VAT code`);
      const line = computeLine({
        unitPrice: kopecksFromApi(item.amount),
        quantity: chosen.quantity,
        vatCode: item.vatCode,
      });
      amount += line.totalAmount;
      vatAmount += line.totalVatAmount;
      basketItems.push({
        sku: item.sku,
        name: item.name,
        measure: item.measure,
        measureCode: item.measureCode,
        quantity: milliToApi(chosen.quantity),
        amount: kopecksToApi(line.amount),
        amountWoVat: kopecksToApi(line.amountWoVat),
        totalAmount: kopecksToApi(line.totalAmount),
        totalVatAmount: kopecksToApi(line.totalVatAmount),
        vatCode: item.vatCode,
        type: item.type as BasketItem['type'],
        paymentType: item.paymentType as BasketItem['paymentType'],
      });
    }
    const draft: Omit<CreateRefundRequest, 'merchantOrderId'> = {
      parentId: input.orderId,
      merchantId: session.merchantId,
      description: `Возврат по заказу ${order.order.merchantOrderId}`,
      amount: kopecksToApi(amount),
      vatAmount: kopecksToApi(vatAmount),
      currencyId: order.order.currency,
      basketItems,
    };
    const refund = await createRefundOnce(session.api, deps.journal, draft);
    const r = store.applyRefundUpdate(refundSnapshot(refund), 'api');
    log.info('refund.created', { refundId: refund.id, orderId: input.orderId, amount });
    deps.emitOrder(view(input.orderId));
    return refundView(r.refund);
  }

  function settingsView() {
    const c = deps.config();
    const s = deps.session();
    return {
      mode: c.mode,
      merchantId: s.merchantId,
      apiUrl: c.mode === 'sandbox' ? s.apiUrl : c.apiUrl,
      gateUrl: maskSecrets(c.mode === 'sandbox' ? s.gateUrl : c.gateUrl),
      apiPrefix: c.apiPrefix,
      shopName: c.shopName || (c.mode === 'sandbox' ? 'Демо-магазин' : ''),
      language: c.language,
      orderTtlMinutes: c.orderTtlMinutes,
      fromEnv: c.fromEnv,
      pinPolicy: c.pinPolicy,
    };
  }

  function diagnostics(logLines: number) {
    const s = deps.session();
    return {
      version: deps.version,
      log: log.lines(logLines),
      calls: deps.calls().map((c) => ({
        at: c.at,
        method: c.method,
        path: c.path,
        status: c.status,
        requestId: c.requestId,
        durationMs: c.durationMs,
        errorCode: c.errorCode ?? null,
      })),
      connectionHistory: s.connection.history(),
      settings: settingsView() as Record<string, unknown>,
    };
  }

  return {
    'orders.create': (input) => createOnce(input.requestKey, () => createOrder(input)),
    'orders.cancel': async ({ id }) => storeOrder(await deps.session().api.cancelOrder(id)),
    'orders.refresh': async ({ id }) => {
      const order = await deps.session().api.getOrder(id);
      if (!order) throw new ActionError('order_not_found', `The gateway does not know order ${id}`);
      return storeOrder(order);
    },
    'orders.get': async ({ id }) => {
      const d = store.getOrder(id);
      if (!d) throw new ActionError('order_not_found', `Order ${id} is not in the local store`);
      return orderDetail(d);
    },
    'orders.search': async (input: SearchInput) => {
      const result = store.searchOrders({ ...input, status: input.status ?? [], withTotal: true });
      return {
        rows: result.rows.map((o) => orderViewFromStore(store, o)),
        total: result.total ?? result.rows.length,
        nextCursor: result.nextCursor,
      };
    },
    'refunds.items': async ({ orderId }) => refundableItems(orderId),
    'refunds.create': (input) => refundOnce(input.requestKey, () => createRefund(input)),
    'connection.get': async () => deps.session().connection.view(),
    'diagnostics.get': async ({ logLines }) => diagnostics(logLines ?? 200),
    'diagnostics.report': async () => {
      const report = { generatedAt: new Date().toISOString(), ...diagnostics(500) };
      const secrets = [deps.session().currentToken()].filter((t): t is string => Boolean(t));
      return JSON.stringify(maskDeep(report, secrets), null, 2);
    },
    'settings.get': async () => settingsView(),
    'settings.update': async (patch) => {
      await deps.saveSettings(patch);
      return settingsView();
    },
    'token.status': async () => deps.tokens().status(),
    'token.save': async ({ token }) => {
      await deps.tokens().save(token);
      await deps.saveSettings({ mode: 'live' });
      return deps.tokens().status();
    },
    'token.remove': async () => {
      await deps.tokens().remove();
      await deps.reconfigure();
      return deps.tokens().status();
    },
  };
}
