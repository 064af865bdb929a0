/**
 * What the console answers to the gateway's calls on the gate.
 *
 * `onOrderStatusChange` is answered only after the change is durably stored (the store commits synchronously inside
 * `applyNotification`); if storing fails the answer is `out_of_service`, so the gateway retries later instead of
 * believing we know. Rules (spec, "Notifications"), decided in the store's single transaction: a repeat gets
 * `success` again; an amount that differs from our own record is refused with `order_wrong_amount`; another
 * merchant's order is refused; an order we did not create (another till, the web shop) is accepted and recorded; a
 * status never goes backwards (a stale one is recorded, not applied). The monitoring test notification is answered
 * after checking the merchant id, and stored nowhere but the notification log.
 */
import { z } from 'zod';
import {
  orderNotificationSchema,
  TEST_NOTIFICATION_ORDER_ID,
  type NotificationResult,
  type OrderNotification,
} from '../../../shared/invoicebox/schemas.ts';
import {
  RPC_INVALID_PARAMS,
  RpcError,
  type MethodHandler,
  type RpcId,
} from '../../../shared/protocol/jsonrpc.ts';
import { orderSnapshot, refundSnapshot, SnapshotError } from '../invoicebox/snapshots.ts';
import type { Store } from '../store/store.ts';
import type { OrderRow, RefundRow, UpdateDecision } from '../store/types.ts';

type Log = (level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) => void;

export type StoredChange =
  | { kind: 'order'; order: OrderRow; decision: UpdateDecision }
  | { kind: 'refund'; refund: RefundRow; decision: UpdateDecision };

export interface HandlerOptions {
  store: Store;
  merchantId: () => string;
  onChange?: (change: StoredChange) => void;
  log: Log;
}

const METHOD = 'onOrderStatusChange';
const paramsSchema = z.union([z.tuple([orderNotificationSchema]), orderNotificationSchema]);
const SUCCESS: NotificationResult = { status: 'success' };

function refuse(
  code: 'order_wrong_amount' | 'order_not_found' | 'out_of_service',
  message: string,
): NotificationResult {
  return { status: 'error', code, message };
}

function invalid(message: string, data?: unknown): RpcError {
  return new RpcError(RPC_INVALID_PARAMS, `Invalid params: ${message}`, data);
}

export function createOrderStatusChangeHandler(options: HandlerOptions): MethodHandler {
  const { store, log } = options;

  function handleRefund(n: OrderNotification, rpcId: RpcId): NotificationResult {
    const snapshot = refundSnapshot(n);
    if (store.getOrder(snapshot.parentId) === null) {
      store.recordNotification({
        rpcId,
        method: METHOD,
        orderId: n.id,
        status: n.status,
        outcome: 'order_not_found',
        raw: n,
      });
      log('warn', 'gate.refund_unknown_parent', { refundId: n.id, parentId: snapshot.parentId });
      return refuse('order_not_found', 'Refund of an order this console does not know yet');
    }
    const result = store.transaction(() => {
      const applied = store.applyRefundUpdate(
        snapshot,
        'gate',
        rpcId === null ? null : `rpc ${String(rpcId)}`,
      );
      const outcome = applied.decision === 'apply' ? 'success' : applied.decision;
      store.recordNotification({ rpcId, method: METHOD, orderId: n.id, status: n.status, outcome, raw: n });
      return applied;
    });
    log('info', 'refund.status', { refundId: n.id, status: n.status, decision: result.decision });
    options.onChange?.({ kind: 'refund', refund: result.refund, decision: result.decision });
    return SUCCESS;
  }

  function handleOrder(n: OrderNotification, rpcId: RpcId): NotificationResult {
    const result = store.applyNotification(
      orderSnapshot(n),
      { rpcId, raw: n },
      { merchantId: options.merchantId() },
    );
    switch (result.outcome) {
      case 'foreign_merchant':
        log('warn', 'gate.foreign_merchant', { orderId: n.id });
        return refuse('order_not_found', 'Order belongs to another merchant');
      case 'order_wrong_amount':
        log('warn', 'gate.wrong_amount', { orderId: n.id, ours: result.order?.amount, theirs: n.amount });
        return refuse('order_wrong_amount', "The amount differs from the console's record of this order");
      default:
        log('info', 'order.status', { orderId: n.id, status: n.status, decision: result.decision });
        if (result.order && result.decision) {
          options.onChange?.({ kind: 'order', order: result.order, decision: result.decision });
        }
        return SUCCESS;
    }
  }

  return (params, { id }) => {
    const rpcId: RpcId = id ?? null;
    const parsed = paramsSchema.safeParse(params);
    if (!parsed.success) {
      throw invalid('expected [OrderNotification]', {
        issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    const n = Array.isArray(parsed.data) ? parsed.data[0] : parsed.data;
    try {
      if (n.id === TEST_NOTIFICATION_ORDER_ID) {
        const ours = n.merchantId === options.merchantId();
        store.recordNotification({
          rpcId,
          method: METHOD,
          orderId: n.id,
          status: n.status,
          outcome: 'test',
          raw: n,
        });
        log('info', 'gate.test_notification', { ours });
        return ours ? SUCCESS : refuse('order_not_found', 'Test notification for another merchant');
      }
      if (n.merchantId !== options.merchantId()) {
        store.recordNotification({
          rpcId,
          method: METHOD,
          orderId: n.id,
          status: n.status,
          outcome: 'foreign_merchant',
          raw: n,
        });
        log('warn', 'gate.foreign_merchant', { orderId: n.id });
        return refuse('order_not_found', 'Order belongs to another merchant');
      }
      return n.subtype === 'refund' ? handleRefund(n, rpcId) : handleOrder(n, rpcId);
    } catch (err) {
      if (err instanceof SnapshotError) throw invalid(err.message);
      log('error', 'store.commit_failed', { orderId: n.id, error: String(err) });
      return refuse('out_of_service', 'The console could not store the change; retry later');
    }
  };
}

export interface StatusInfo {
  version: string;
  settings: () => Record<string, unknown>;
  logLines: (n: number) => string[];
}

const logQuantity = z.object({ logQuantity: z.number().int().min(0).max(1000).optional() });
const getStatusParams = z.union([logQuantity, z.tuple([logQuantity])]);

/** `getStatus`: version, `type: "device"`, non-secret settings and the last `logQuantity` (default 40) log lines. */
export function createGetStatusHandler(info: StatusInfo): MethodHandler {
  return (params) => {
    const parsed = getStatusParams.safeParse(params ?? {});
    if (!parsed.success) throw invalid('logQuantity must be an integer 0…1000');
    const p = Array.isArray(parsed.data) ? parsed.data[0] : parsed.data;
    return {
      version: info.version,
      type: 'device',
      settings: info.settings(),
      log: info.logLines(p.logQuantity ?? 40),
    };
  };
}
