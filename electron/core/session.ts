/**
 * The networked half of the core, for one configuration: the embedded sandbox (in training mode), the API client, the
 * gate listener and the reconciliation loop, plus the connection state they add up to. Rebuilt whenever the
 * configuration or the token changes; the store, the log and the keychain outlive it.
 */
import { EventEmitter } from 'node:events';
import type { ConnectionView } from '../../shared/contract/contract.ts';
import type { OrderResponse, RefundOrderResponse } from '../../shared/invoicebox/schemas.ts';
import { startAllSandboxes, type AllSandboxes } from '../sandbox/all.ts';
import type { Sandbox } from '../sandbox/server.ts';
import { DEMO_ACCOUNT } from '../sandbox/state.ts';
import { createApiClient, type ApiCallRecord, type ApiClient } from './api/client.ts';
import { resolvePendingIntents, type IntentJournal } from './api/idempotent.ts';
import type { ResolvedConfig } from './config.ts';
import { createConnectionTracker, type ConnectionTracker } from './connection.ts';
import type { Log } from './diagnostics/log.ts';
import { maskSecrets } from './diagnostics/mask.ts';
import { createGateListener, type GateListener } from './gate/listener.ts';
import {
  createGetStatusHandler,
  createOrderStatusChangeHandler,
  type StoredChange,
} from './gate/notification-handler.ts';
import { orderSnapshot, refundSnapshot } from './invoicebox/snapshots.ts';
import type { Store } from './store/store.ts';
import type { ApplyOrderResult } from './store/types.ts';
import { createReconciler, type ReconcileApi, type Reconciler } from './sync/reconciler.ts';

/** Setting under which the reconciler keeps its `paidAt` watermarks (per mode, gateway and shop) across restarts. */
const WATERMARK_KEY = 'reconcile.watermark';

export interface SessionEvents {
  connection: [ConnectionView];
  change: [StoredChange];
}

export interface SessionOptions {
  config: ResolvedConfig;
  store: Store;
  log: Log;
  journal: IntentJournal;
  appVersion: string;
  /** The token for live mode (keychain or PAYDESK_TOKEN); sandbox mode uses the demo shop's. */
  getToken: () => Promise<string | null>;
  onCall: (record: ApiCallRecord) => void;
  /** Tunables for tests and benchmarks. */
  tuning?: SessionTuning;
}

export interface SessionTuning {
  heartbeatMs?: number;
  pongTimeoutMs?: number;
  pollIntervalMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  apiTimeoutMs?: number;
}

export interface Session {
  readonly events: EventEmitter<SessionEvents>;
  readonly api: ApiClient;
  readonly merchantId: string;
  readonly apiUrl: string;
  readonly gateUrl: string;
  readonly sandbox: Sandbox | null;
  /** Sandbox mode: the three emulators on one port (Invoicebox's is `sandbox`); the provider layer uses the others. */
  readonly sandboxes: AllSandboxes | null;
  readonly connection: ConnectionTracker;
  readonly reconciler: Reconciler;
  readonly listener: GateListener;
  /** Token currently in use, for masking only. */
  currentToken(): string | null;
  stop(): Promise<void>;
}

export async function startSession(options: SessionOptions): Promise<Session> {
  const { config, store, log } = options;
  const tuning = options.tuning ?? {};
  const events = new EventEmitter<SessionEvents>();
  const logFn = (level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) =>
    log[level](event, fields);

  let sandbox: Sandbox | null = null;
  let sandboxes: AllSandboxes | null = null;
  let apiUrl = config.apiUrl;
  let gateUrl = config.gateUrl;
  let merchantId = config.merchantId;
  let getToken = options.getToken;
  if (config.mode === 'sandbox') {
    sandboxes = await startAllSandboxes({ port: 0, stateFile: `${config.dataDir}/sandbox-state.json` });
    sandbox = sandboxes.invoicebox;
    apiUrl = sandbox.url;
    gateUrl = sandbox.gateUrl;
    merchantId = DEMO_ACCOUNT.merchantId;
    getToken = () => Promise.resolve(DEMO_ACCOUNT.token);
    log.info('sandbox.started', { url: apiUrl });
  }
  let token: string | null = null;
  const tokenNow = async () => {
    token = await getToken();
    return token;
  };

  const api = createApiClient({
    baseUrl: apiUrl,
    prefix: config.apiPrefix,
    getToken: tokenNow,
    appVersion: options.appVersion,
    onCall: options.onCall,
    ...(tuning.apiTimeoutMs ? { timeoutMs: tuning.apiTimeoutMs } : {}),
  });
  let requests = 0;
  const countingApi: ReconcileApi = {
    async findOrdersByIds(ids: string[]): Promise<OrderResponse[]> {
      requests += Math.ceil(ids.length / api.maxPageSize);
      return api.findOrdersByIds(ids);
    },
    async findOrdersPaidSince(since: string, maxPages: number) {
      const orders: OrderResponse[] = [];
      for (let page = 1; page <= maxPages; page++) {
        requests += 1;
        const rows = await api.findOrders({
          where: { paidAt: { _ge: since } },
          orderBy: [['paidAt', 'asc']],
          page,
          pageSize: api.maxPageSize,
        });
        orders.push(...rows);
        if (rows.length < api.maxPageSize) return { orders, complete: true };
      }
      return { orders, complete: false };
    },
    async findRefundsByIds(ids: string[]): Promise<RefundOrderResponse[]> {
      const out: RefundOrderResponse[] = [];
      for (let i = 0; i < ids.length; i += api.maxPageSize) {
        requests += 1;
        out.push(
          ...(await api.findRefunds({
            where: { id: ids.slice(i, i + api.maxPageSize) },
            pageSize: api.maxPageSize,
          })),
        );
      }
      return out;
    },
  };

  const connection = createConnectionTracker({ mode: config.mode, gateUrl: maskSecrets(gateUrl) });
  const publish = (view: ConnectionView | null) => {
    if (view) events.emit('connection', view);
  };

  const emitChange = (change: StoredChange) => events.emit('change', change);
  /** Stores a page of the gateway's answers in one transaction (one fsync); one bad document is stored alone. */
  const applyOrders = (orders: OrderResponse[]): number => {
    if (orders.length === 0) return 0;
    let results: ApplyOrderResult[];
    try {
      results = store.applyOrderUpdates(orders.map(orderSnapshot), 'reconcile');
    } catch {
      results = [];
      for (const o of orders) {
        try {
          results.push(store.applyOrderUpdate(orderSnapshot(o), 'reconcile'));
        } catch (err) {
          log.warn('reconcile.order_rejected', { orderId: o.id, error: String(err) });
        }
      }
    }
    let applied = 0;
    for (const r of results) {
      if (r.decision !== 'apply') continue;
      applied += 1;
      emitChange({ kind: 'order', order: r.order, decision: 'apply' });
    }
    return applied;
  };
  const watermarkFor = `${config.mode} ${config.apiUrl} ${merchantId}`; // stable: not the embedded sandbox's port
  const watermarks = (): Record<string, unknown> => {
    const saved = store.getSetting(WATERMARK_KEY);
    return saved !== null && typeof saved === 'object' ? (saved as Record<string, unknown>) : {};
  };
  const reconciler = createReconciler({
    api: countingApi,
    intervalMs: tuning.pollIntervalMs ?? 3_000,
    countRequests: () => requests,
    log: logFn,
    port: {
      openOrdersAfter: (after, limit) => store.openOrdersAfter(after, limit),
      dueOrderIds: (at, limit) => store.dueOpenOrderIds(at.toISOString(), limit),
      openRefundIds: () => store.openRefunds().map((r) => r.id),
      applyOrders,
      applyRefund: (o) => {
        const r = store.applyRefundUpdate(refundSnapshot(o), 'reconcile');
        if (r.decision === 'apply') emitChange({ kind: 'refund', refund: r.refund, decision: r.decision });
        return r.decision;
      },
      // Per gateway and shop: another configuration's watermark says nothing about this one.
      loadWatermark: () => {
        const saved = watermarks()[watermarkFor];
        return typeof saved === 'string' ? saved : null;
      },
      saveWatermark: (iso) => store.setSetting(WATERMARK_KEY, { ...watermarks(), [watermarkFor]: iso }),
    },
    onCycle: (report) =>
      publish(connection.update({ lastReconcile: { ok: report.ok, at: report.startedAt } })),
  });

  const listener = createGateListener({
    url: gateUrl,
    getToken: tokenNow,
    userAgent: `PayDesk/${options.appVersion} (Invoicebox gate; Node ${process.versions.node})`,
    log: logFn,
    ...(tuning.heartbeatMs ? { heartbeatMs: tuning.heartbeatMs } : {}),
    ...(tuning.pongTimeoutMs ? { pongTimeoutMs: tuning.pongTimeoutMs } : {}),
    ...(tuning.backoff ? { backoff: tuning.backoff } : {}),
    methods: {
      onOrderStatusChange: createOrderStatusChangeHandler({
        store,
        merchantId: () => merchantId,
        log: logFn,
        onChange: emitChange,
      }),
      getStatus: createGetStatusHandler({
        version: options.appVersion,
        logLines: (n) => log.lines(n),
        settings: () => ({
          mode: config.mode,
          merchantId,
          apiUrl,
          apiPrefix: config.apiPrefix,
          gateUrl: maskSecrets(gateUrl),
          language: config.language,
          platform: process.platform,
          node: process.versions.node,
        }),
      }),
    },
  });

  let wasOpen = false;
  listener.events.on('state', (socket) => {
    publish(connection.update({ socket }));
    if (socket.state === 'open') {
      wasOpen = true;
      reconciler.stopPolling();
      // Catch up on whatever changed while we were away, now that new changes arrive live.
      reconciler.catchUp();
    } else if (socket.state === 'closed') {
      if (wasOpen) log.warn('gate.lost', { reason: socket.reason });
      wasOpen = false;
      reconciler.startPolling();
    }
  });

  // Start-up: settle what a crash left half-done (and store what it turned out to have created), catch up, listen.
  async function recoverIntents(): Promise<void> {
    const summary = await resolvePendingIntents(api, options.journal);
    if (summary.checked === 0) return;
    log.info('intents.resolved', {
      checked: summary.checked,
      completed: summary.completed.length,
      resent: summary.resent.length,
      failed: summary.failed.length,
      unresolved: summary.unresolved.length,
    });
    for (const merchantOrderId of [...summary.completed, ...summary.resent]) {
      const order = await api.findOrderByMerchantOrderId(merchantOrderId);
      if (order) {
        const r = store.applyOrderUpdate(orderSnapshot(order), 'api', 'recovered after restart', {
          origin: 'console',
        });
        emitChange({ kind: 'order', order: r.order, decision: r.decision });
        continue;
      }
      const refund = await api.findRefundByMerchantOrderId(merchantOrderId);
      if (refund) {
        const r = store.applyRefundUpdate(refundSnapshot(refund), 'api', 'recovered after restart');
        emitChange({ kind: 'refund', refund: r.refund, decision: r.decision });
      }
    }
  }
  void recoverIntents()
    .catch((err: unknown) => log.warn('intents.unresolved', { error: String(err) }))
    .then(() => reconciler.catchUp());
  listener.start();

  return {
    events,
    api,
    merchantId,
    apiUrl,
    gateUrl,
    sandbox,
    sandboxes,
    connection,
    reconciler,
    listener,
    currentToken: () => token,
    async stop() {
      await listener.stop();
      await reconciler.stop();
      await (sandboxes ?? sandbox)?.stop();
      events.removeAllListeners();
    },
  };
}
