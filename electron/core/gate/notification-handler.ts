/**
 * What the console answers to the gateway's calls on the gate.
 *
 * `onOrderStatusChange` is answered only after the change is durably stored; if storing fails the answer is
 * `out_of_service`, so the gateway retries later instead of believing we know. Rules (spec, "Notifications"), decided
 * in the store's transaction: a repeat gets `success` again; an amount that differs from our own record is refused
 * with `order_wrong_amount`; another merchant's order is refused; an order we did not create (another till, the web
 * shop) is accepted and recorded; a status never goes backwards (a stale one is recorded, not applied). The monitoring
 * test notification is answered after checking the merchant id, and stored nowhere but the notification log.
 *
 * Group commit: notifications that arrive together (the frames of one socket read, a burst after a gateway hiccup) are
 * queued and stored in ONE transaction — one fsync instead of one per notification — and each is answered once that
 * transaction has committed. Each notification runs in its own savepoint inside it, so one that fails is refused
 * (`out_of_service`) without taking the others with it; if the commit itself fails, every one of them is refused.
 * A single notification waits for nothing: the queue is flushed on the next turn of the event loop (setImmediate).
 * Order is kept: notifications are applied in the order they arrived.
 *
 * Shown when validated, answered when durable. The change events of a small batch (the cashier waiting at the payment
 * screen) go out once its statements have run — validated, decided, written into the open transaction — and before
 * COMMIT, whose fsync is the slowest step of the path (1.4 ms at the median, up to ~10 ms on a virtual disk): the
 * screen learns what the gateway said while the disk is still syncing. Only the answer to the gateway, which lets it
 * stop retrying, waits for the commit. If the commit fails the screen has shown a status the gateway did state, the
 * gateway is told `out_of_service`, retries, and the store catches up (reconciliation would too). A refused
 * notification (wrong amount, another merchant, a failed savepoint) shows nothing. The events of a burst go out after
 * the commit, on the next turn, after the answers.
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

type Level = 'info' | 'warn' | 'error';
type Log = (level: Level, event: string, fields?: Record<string, unknown>) => void;

export type StoredChange =
  | { kind: 'order'; order: OrderRow; decision: UpdateDecision }
  | { kind: 'refund'; refund: RefundRow; decision: UpdateDecision };

export interface HandlerOptions {
  store: Store;
  merchantId: () => string;
  /**
   * Called for every change decided. Up to `IMMEDIATE_CHANGES` of one batch are passed on inside the transaction,
   * after its statements and before COMMIT (the listener may read the store: it sees the change); a burst of more
   * is passed on the next turn of the event loop, after the commit and the answers.
   */
  onChange?: (change: StoredChange) => void;
  log: Log;
  /** Most notifications stored by one commit (default 256); a longer queue is committed in several. */
  maxBatch?: number;
}

const METHOD = 'onOrderStatusChange';
const paramsSchema = z.union([z.tuple([orderNotificationSchema]), orderNotificationSchema]);
const SUCCESS: NotificationResult = { status: 'success' };
export const DEFAULT_MAX_BATCH = 256;
/** Up to this many changes of one batch go to the screen before COMMIT (see HandlerOptions.onChange). */
export const IMMEDIATE_CHANGES = 8;

function refuse(
  code: 'order_wrong_amount' | 'order_not_found' | 'out_of_service',
  message: string,
): NotificationResult {
  return { status: 'error', code, message };
}

const OUT_OF_SERVICE = (): NotificationResult =>
  refuse('out_of_service', 'The console could not store the change; retry later');

function invalid(message: string, data?: unknown): RpcError {
  return new RpcError(RPC_INVALID_PARAMS, `Invalid params: ${message}`, data);
}

/** What storing one notification decided; its log lines and answer are released only after the commit. */
type Processed =
  | { answer: NotificationResult; change?: StoredChange; logs: [Level, string, Record<string, unknown>][] }
  | { error: RpcError };

interface Queued {
  n: OrderNotification;
  rpcId: RpcId;
  resolve: (answer: NotificationResult) => void;
  reject: (error: unknown) => void;
}

export function createOrderStatusChangeHandler(options: HandlerOptions): MethodHandler {
  const { store, log } = options;
  const maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);

  function handleRefund(n: OrderNotification, rpcId: RpcId): Processed {
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
      return {
        answer: refuse('order_not_found', 'Refund of an order this console does not know yet'),
        logs: [['warn', 'gate.refund_unknown_parent', { refundId: n.id, parentId: snapshot.parentId }]],
      };
    }
    const applied = store.applyRefundUpdate(snapshot, 'gate', rpcId === null ? null : `rpc ${String(rpcId)}`);
    const outcome = applied.decision === 'apply' ? 'success' : applied.decision;
    store.recordNotification({ rpcId, method: METHOD, orderId: n.id, status: n.status, outcome, raw: n });
    return {
      answer: SUCCESS,
      change: { kind: 'refund', refund: applied.refund, decision: applied.decision },
      logs: [['info', 'refund.status', { refundId: n.id, status: n.status, decision: applied.decision }]],
    };
  }

  function handleOrder(n: OrderNotification, rpcId: RpcId): Processed {
    const result = store.applyNotification(
      orderSnapshot(n),
      { rpcId, raw: n },
      { merchantId: options.merchantId() },
    );
    switch (result.outcome) {
      case 'foreign_merchant':
        return {
          answer: refuse('order_not_found', 'Order belongs to another merchant'),
          logs: [['warn', 'gate.foreign_merchant', { orderId: n.id }]],
        };
      case 'order_wrong_amount':
        return {
          answer: refuse('order_wrong_amount', "The amount differs from the console's record of this order"),
          logs: [
            ['warn', 'gate.wrong_amount', { orderId: n.id, ours: result.order?.amount, theirs: n.amount }],
          ],
        };
      default:
        return {
          answer: SUCCESS,
          ...(result.order && result.decision
            ? { change: { kind: 'order' as const, order: result.order, decision: result.decision } }
            : {}),
          logs: [['info', 'order.status', { orderId: n.id, status: n.status, decision: result.decision }]],
        };
    }
  }

  function handleOne(n: OrderNotification, rpcId: RpcId): Processed {
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
      return {
        answer: ours ? SUCCESS : refuse('order_not_found', 'Test notification for another merchant'),
        logs: [['info', 'gate.test_notification', { ours }]],
      };
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
      return {
        answer: refuse('order_not_found', 'Order belongs to another merchant'),
        logs: [['warn', 'gate.foreign_merchant', { orderId: n.id }]],
      };
    }
    return n.subtype === 'refund' ? handleRefund(n, rpcId) : handleOrder(n, rpcId);
  }

  /** One notification in its own savepoint: a failure undoes only its own writes. */
  function processOne(item: Queued): Processed {
    try {
      return store.transaction(() => handleOne(item.n, item.rpcId));
    } catch (err) {
      if (err instanceof SnapshotError) return { error: invalid(err.message) };
      return {
        answer: OUT_OF_SERVICE(),
        logs: [['error', 'store.commit_failed', { orderId: item.n.id, error: String(err) }]],
      };
    }
  }

  function emit(changes: readonly StoredChange[]): void {
    const onChange = options.onChange;
    if (!onChange) return;
    for (const change of changes) {
      try {
        onChange(change);
      } catch (err) {
        log('error', 'gate.change_listener_failed', { error: String(err) });
      }
    }
  }

  const changesOf = (processed: readonly Processed[]): StoredChange[] =>
    processed.flatMap((p) => ('change' in p && p.change ? [p.change] : []));

  function commit(batch: Queued[]): void {
    const processed: Processed[] = [];
    let changes: StoredChange[] = [];
    let shown = 0;
    try {
      store.transaction(() => {
        for (const item of batch) processed.push(processOne(item));
        changes = changesOf(processed);
        if (changes.length <= IMMEDIATE_CHANGES) {
          // Before COMMIT: the screen need not wait for the fsync, the gateway's answer does (see the header).
          emit(changes);
          shown = changes.length;
        }
      });
    } catch (err) {
      // The commit failed: nothing of this batch is stored, so nothing is acknowledged; the gateway retries.
      log('error', 'store.commit_failed', { notifications: batch.length, shown, error: String(err) });
      for (const item of batch) item.resolve(OUT_OF_SERVICE());
      return;
    }
    batch.forEach((item, i) => {
      const p = processed[i]!;
      if ('error' in p) {
        item.reject(p.error);
        return;
      }
      for (const [level, event, fields] of p.logs) log(level, event, fields);
      item.resolve(p.answer);
    });
    // A burst: the answers are written from the promise reactions of this turn, the screen follows on the next.
    if (shown < changes.length) setImmediate(() => emit(changes));
  }

  let queue: Queued[] = [];
  let scheduled = false;
  function flush(): void {
    scheduled = false;
    while (queue.length > 0) {
      const all = queue;
      queue = [];
      for (let i = 0; i < all.length; i += maxBatch) commit(all.slice(i, i + maxBatch));
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
    return new Promise<NotificationResult>((resolve, reject) => {
      queue.push({ n, rpcId, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
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
