/**
 * The provider layer: the three adapters (Invoicebox, Xsolla, WellPay) behind one registry, their connection states
 * side by side, and one store path for what they report.
 *
 * - Every update an adapter reports is stored (store.applyProviderUpdate: one transaction, history, duplicates
 *   ignored, never backwards) BEFORE it is emitted to the renderer. Invoicebox keeps its own path (gate handler,
 *   reconciler, API answers), unchanged.
 * - Sandbox mode: the session's one sandbox port serves all three emulators; the WellPay access token is a fresh one
 *   from the emulator (`POST /sandbox/wellpay/tokens`), held in memory. Live mode: Xsolla's public URLs, WellPay's
 *   token from the OS keychain (or PAYDESK_WELLPAY_TOKEN), never stored elsewhere.
 * - Xsolla user JWTs are per-order credentials: held in memory by the tracker only (never in SQLite, logs or
 *   views). After a restart an open Xsolla order stays as last stored and is not followed until the cashier tracks it
 *   again with a token (sandbox mode asks the emulator for a fresh one and resumes by itself).
 * - Non-final WellPay invoices resume tracking at start-up (their UIDs are in the store; the token is not).
 */
import { EventEmitter } from 'node:events';
import type { ProviderView } from '../../../shared/contract/providers.ts';
import { CAPABILITIES, PROVIDERS, type ProviderId } from '../../../shared/domain/providers.ts';
import type { Log } from '../diagnostics/log.ts';
import type { Session } from '../session.ts';
import type { Store } from '../store/store.ts';
import type { OrderRow, ProviderOrderSnapshot, StatusSource } from '../store/types.ts';
import { createInvoiceboxAdapter, type InvoiceboxAdapter } from './invoicebox/adapter.ts';
import type { ProviderConnection, TrackedOrder } from './types.ts';
import { createWellpayAdapter, wellpayDetails, WellpayError, type WellpayAdapter } from './wellpay/index.ts';
import { describeStatus } from './wellpay/status.ts';
import { createXsollaAdapter, type XsollaAdapter } from './xsolla/adapter.ts';

export class ProviderError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface ProviderEndpoints {
  xsollaApiUrl: string;
  xsollaWsUrl: string;
  /** Undefined: the adapter's defaults (WellPay's public URLs). */
  wellpayApiUrl?: string;
  wellpaySocketUrl?: string;
  wellpayPayerUrl?: string;
  /** When to join an invoice's room (see WellpayAdapterOptions.join). */
  wellpayJoin: 'always' | 'after-payer';
  /** Sandbox mode: the origin whose `/sandbox/xsolla/…` and `/sandbox/wellpay/…` control APIs we may call. */
  sandboxOrigin: string | null;
}

export interface ProviderTuning {
  pollIntervalMs?: number;
  backoff?: { initialMs: number; maxMs: number };
}

export interface ProviderRegistryOptions {
  session: Session;
  store: Store;
  log: Log;
  endpoints: ProviderEndpoints;
  /** WellPay's access token in live mode (keychain / env); null when none is configured. */
  wellpayToken: () => Promise<string | null>;
  tuning?: ProviderTuning;
  /** Xsolla orders the previous registry followed (a reconfiguration): their JWTs carried over in memory. */
  resumeXsolla?: readonly XsollaCredentials[];
}

export interface XsollaCredentials {
  projectId: number;
  orderId: string;
  token: string;
}

export interface ProviderRegistryEvents {
  provider: [ProviderView];
  /** A stored order whose row changed (apply, or a duplicate that filled something in). */
  order: [OrderRow];
}

export interface WellpayCreate {
  title: string;
  amount: number;
  requestKey: string;
}

export interface ProviderRegistry {
  readonly invoicebox: InvoiceboxAdapter;
  readonly xsolla: XsollaAdapter;
  readonly wellpay: WellpayAdapter;
  readonly events: EventEmitter<ProviderRegistryEvents>;
  list(): ProviderView[];
  wellpayCreate(input: WellpayCreate): Promise<OrderRow>;
  xsollaTrack(input: { projectId: number; orderId: number; token: string }): Promise<OrderRow>;
  /** Sandbox mode only: an order made in the Xsolla emulator, then tracked. */
  xsollaDemo(input: { amount?: number | undefined }): Promise<OrderRow>;
  /** WellPay: removes the invoice. Other adapters: ProviderError('not_supported'). */
  cancel(row: OrderRow): Promise<OrderRow>;
  /** Asks the gateway now and stores the answer. */
  refresh(row: OrderRow): Promise<OrderRow>;
  /** Secrets to mask in logs: the WellPay token in use, the Xsolla JWTs in memory. */
  secrets(): string[];
  /** The Xsolla orders being followed, with their JWTs (memory to memory, for the next registry). */
  xsollaCredentials(): XsollaCredentials[];
  stop(): Promise<void>;
}

/** Settings key: requestKey → WellPay uid (or `pending`) for `wellpay.create`. */
const WELLPAY_KEYS = 'wellpay.requestKeys';
const KEYS_KEPT = 500;

const SOURCE: Record<TrackedOrder['source'], StatusSource> = { push: 'gate', poll: 'reconcile', api: 'api' };

export const wellpayOrderId = (uid: string): string => `wellpay:${uid}`;
export const xsollaOrderId = (projectId: number, orderId: number | string): string =>
  `xsolla:${projectId}:${orderId}`;

export async function createProviderRegistry(options: ProviderRegistryOptions): Promise<ProviderRegistry> {
  const { session, store, log, endpoints } = options;
  const tuning = options.tuning ?? {};
  const events = new EventEmitter<ProviderRegistryEvents>();
  events.setMaxListeners(50);
  const logFn = (level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) =>
    log[level](event, fields);

  // ── WellPay's token: the sandbox's own, or the keychain's ─────────────────────────────────────────────────────
  let wellpayToken: string | null = null;
  if (endpoints.sandboxOrigin !== null) {
    wellpayToken = await sandboxWellpayToken(endpoints.sandboxOrigin);
  }
  const tokenNow = async (): Promise<string> => {
    if (endpoints.sandboxOrigin === null) wellpayToken = await options.wellpayToken();
    if (!wellpayToken)
      throw new ProviderError('no_token', 'No WellPay access token: save one in Settings → WellPay');
    return wellpayToken;
  };

  const invoicebox = createInvoiceboxAdapter(session);
  const xsolla = createXsollaAdapter({
    wsUrl: endpoints.xsollaWsUrl,
    apiUrl: endpoints.xsollaApiUrl,
    log: logFn,
    ...(tuning.pollIntervalMs ? { pollIntervalMs: tuning.pollIntervalMs } : {}),
    ...(tuning.backoff
      ? {
          centrifuge: {
            minReconnectDelay: tuning.backoff.initialMs,
            maxReconnectDelay: tuning.backoff.maxMs,
          },
        }
      : {}),
  });
  const wellpay = createWellpayAdapter({
    token: tokenNow,
    log,
    ...(endpoints.wellpayApiUrl ? { apiUrl: endpoints.wellpayApiUrl } : {}),
    ...(endpoints.wellpaySocketUrl ? { socketUrl: endpoints.wellpaySocketUrl } : {}),
    ...(endpoints.wellpayPayerUrl ? { payerUrlBase: endpoints.wellpayPayerUrl } : {}),
    join: endpoints.wellpayJoin,
    ...(tuning.pollIntervalMs ? { pollIntervalMs: tuning.pollIntervalMs } : {}),
    ...(tuning.backoff
      ? { reconnectionDelayMs: tuning.backoff.initialMs, reconnectionDelayMaxMs: tuning.backoff.maxMs }
      : {}),
  });

  /** Xsolla order id → project id and the JWT in use (memory only). */
  const xsollaOrders = new Map<string, { projectId: number; token: string }>();

  // ── one store path for Xsolla and WellPay updates ──────────────────────────────────────────────────────────────
  function snapshotOf(order: TrackedOrder): ProviderOrderSnapshot | null {
    if (order.provider === 'wellpay') {
      const d = wellpayDetails(order);
      return {
        provider: 'wellpay',
        id: wellpayOrderId(order.id),
        merchantId: 'wellpay',
        merchantOrderId: order.id,
        neutralStatus: order.status,
        rawStatus: order.rawStatus,
        statusStage: d?.stage ?? null,
        statusLabel: d ? { ru: d.label.ru, en: d.label.en } : null,
        amount: order.amount,
        currency: order.currency ?? 'UAH',
        description: d?.invoice?.nameEx ?? null,
        paymentUrl: order.paymentUrl,
        createdAt: d?.invoice?.createdAt ?? null,
        paidAt: order.status === 'paid' ? (d?.invoice?.paidAt ?? null) : null,
        providerRef: { uid: order.id },
        raw: d?.invoice ?? { uid: order.id, status: order.rawStatus },
      };
    }
    if (order.provider === 'xsolla') {
      const known = xsollaOrders.get(order.id);
      if (!known) return null;
      return {
        provider: 'xsolla',
        id: xsollaOrderId(known.projectId, order.id),
        merchantId: `xsolla:${known.projectId}`,
        merchantOrderId: order.id,
        neutralStatus: order.status,
        rawStatus: order.rawStatus,
        amount: order.amount,
        currency: order.currency,
        description: `Xsolla ${known.projectId} / ${order.id}`,
        providerRef: { projectId: known.projectId, orderId: order.id },
        raw: order.raw ?? null,
      };
    }
    return null;
  }

  function storeUpdate(order: TrackedOrder, detail: string | null = null): OrderRow | null {
    const snapshot = snapshotOf(order);
    if (!snapshot) return null;
    try {
      const r = store.applyProviderUpdate(snapshot, SOURCE[order.source], detail);
      if (r.changed) events.emit('order', r.order);
      publish(order.provider); // tracking may have started or ended
      if (r.decision === 'stale')
        log.info('provider.stale', { provider: order.provider, id: snapshot.id, raw: order.rawStatus });
      return r.order;
    } catch (err) {
      log.warn('provider.update_rejected', { provider: order.provider, id: order.id, error: String(err) });
      return null;
    }
  }

  wellpay.events.on('update', (o) => storeUpdate(o));
  xsolla.events.on('update', (o) => storeUpdate(o));

  // ── connection views ───────────────────────────────────────────────────────────────────────────────────────────
  function tracking(provider: ProviderId): number {
    if (provider === 'invoicebox') return store.countOpenOrders('invoicebox');
    if (provider === 'xsolla') return xsolla.trackedAll().filter((v) => v.phase === 'active').length;
    return wellpay.tracked().length;
  }
  function connectionOf(provider: ProviderId): ProviderConnection {
    if (provider === 'invoicebox') return invoicebox.connection();
    if (provider === 'xsolla') return xsolla.connection();
    const c = wellpay.connection();
    if (c.state === 'idle' && endpoints.sandboxOrigin === null && !wellpayToken)
      return { ...c, reason: 'no_token' };
    return c;
  }
  function view(provider: ProviderId): ProviderView {
    const c = connectionOf(provider);
    return {
      provider,
      capabilities: { ...CAPABILITIES[provider] },
      state: c.state,
      reason: c.reason,
      since: c.at,
      tracking: tracking(provider),
    };
  }
  const lastPublished = new Map<ProviderId, string>();
  /** Emits a gateway's view when something in it changed (its state, or how many orders it follows). */
  const publish = (provider: ProviderId) => {
    const v = view(provider);
    const key = `${v.state} ${v.reason} ${v.tracking}`;
    if (lastPublished.get(provider) === key) return;
    lastPublished.set(provider, key);
    events.emit('provider', v);
  };
  invoicebox.events.on('connection', () => publish('invoicebox'));
  xsolla.events.on('connection', () => publish('xsolla'));
  wellpay.events.on('connection', () => publish('wellpay'));

  // ── resume after a restart ─────────────────────────────────────────────────────────────────────────────────────
  if (endpoints.sandboxOrigin === null) wellpayToken = await options.wellpayToken().catch(() => null);
  const resumeWellpay = store.openProviderOrders('wellpay');
  if (resumeWellpay.length > 0 && (wellpayToken || endpoints.sandboxOrigin !== null)) {
    log.info('wellpay.resume', { invoices: resumeWellpay.length });
    for (const row of resumeWellpay) {
      wellpay.track(row.merchantOrderId).catch((err: unknown) => {
        if (err instanceof WellpayError && err.code === 'not_found') {
          // Gone while we were away: WellPay deletes removed invoices.
          storeUpdate(removedWellpay(row), 'not found after restart');
        } else log.warn('wellpay.resume_failed', { uid: row.merchantOrderId, error: String(err) });
      });
    }
  }
  const resumeXsolla = store.openProviderOrders('xsolla');
  if (resumeXsolla.length > 0) {
    if (endpoints.sandboxOrigin !== null) {
      for (const row of resumeXsolla) {
        const ref = row.providerRef as { projectId?: number; orderId?: string } | null;
        if (!ref?.projectId || !ref.orderId) continue;
        void sandboxXsollaToken(endpoints.sandboxOrigin, ref.orderId)
          .then((token) => trackXsolla(ref.projectId!, ref.orderId!, token))
          .catch((err: unknown) =>
            log.warn('xsolla.resume_failed', { orderId: ref.orderId, error: String(err) }),
          );
      }
    } else {
      // The user JWTs were in memory only: these wait for the cashier to track them again.
      log.info('xsolla.awaiting_token', { orders: resumeXsolla.length });
    }
  }
  for (const c of options.resumeXsolla ?? []) trackXsolla(c.projectId, c.orderId, c.token);

  function removedWellpay(row: OrderRow): TrackedOrder {
    const info = describeStatus('removed');
    return {
      provider: 'wellpay',
      id: row.merchantOrderId,
      status: info.neutral,
      rawStatus: 'removed',
      amount: null,
      currency: null,
      paymentUrl: null,
      final: true,
      source: 'api',
      at: new Date().toISOString(),
      raw: {
        provider: 'wellpay',
        invoice: null,
        stage: info.stage,
        label: info.label,
        priceChanged: false,
        previousAmountMinor: null,
        joinerIp: null,
        exchangeLogMalformed: false,
      },
    };
  }

  function trackXsolla(projectId: number, orderId: number | string, token: string) {
    const id = String(orderId);
    xsollaOrders.set(id, { projectId, token });
    return xsolla.track({ projectId, orderId: id, token });
  }

  /** Waits for the tracker's first snapshot (stored by the update handler), or its failure. */
  async function firstXsollaRow(projectId: number, orderId: string): Promise<OrderRow> {
    const id = xsollaOrderId(projectId, orderId);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const stored = store.getOrder(id);
      if (stored) return stored.order;
      const v = xsolla.tracked(orderId);
      if (v?.order) {
        const row = storeUpdate(v.order);
        if (row) return row;
      }
      if (!v || v.phase === 'failed' || v.phase === 'stopped') {
        const reason = v?.reason ?? 'failed';
        xsolla.untrack(orderId);
        xsollaOrders.delete(orderId);
        if (reason === 'not_found')
          throw new ProviderError(
            'order_not_found',
            `Xsolla does not know order ${orderId} in project ${projectId}`,
          );
        if (reason === 'unauthorized' || reason === 'token_expired')
          throw new ProviderError(
            'xsolla_token_rejected',
            'Xsolla refused this user token (expired or not this order)',
          );
        throw new ProviderError('xsolla_unavailable', `Xsolla could not be reached (${reason})`);
      }
      if (Date.now() > deadline)
        throw new ProviderError(
          'xsolla_unavailable',
          'Xsolla has not answered yet; the order keeps being followed and appears when it does',
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  // ── WellPay create, idempotent per requestKey as far as WellPay allows ─────────────────────────────────────────
  const wellpayKeys = (): Record<string, string> => {
    const saved = store.getSetting(WELLPAY_KEYS);
    return saved !== null && typeof saved === 'object' ? { ...(saved as Record<string, string>) } : {};
  };
  const saveWellpayKey = (key: string, value: string) => {
    const entries = Object.entries(wellpayKeys()).filter(([k]) => k !== key);
    entries.push([key, value]);
    store.setSetting(WELLPAY_KEYS, Object.fromEntries(entries.slice(-KEYS_KEPT)));
  };
  const creating = new Map<string, Promise<OrderRow>>();

  async function wellpayCreateOnce(input: WellpayCreate): Promise<OrderRow> {
    const known = wellpayKeys()[input.requestKey];
    if (known === 'pending')
      throw new ProviderError(
        'create_outcome_unknown',
        'An earlier attempt with this invoice was interrupted; WellPay has no way to look it up — check the ' +
          'WellPay cabinet before creating it again',
      );
    if (known) {
      const row = store.getOrder(wellpayOrderId(known));
      if (row) return row.order;
    }
    // Whatever can fail before the POST (no token, the key fetch) fails here, with nothing sent.
    await wellpay.client.prepare();
    // Journal first: a crash between here and the answer leaves `pending`, never a silent second invoice.
    saveWellpayKey(input.requestKey, 'pending');
    let created: { uid: string; payerUrl: string };
    try {
      created = await wellpay.createInvoice({ title: input.title, priceMinor: input.amount });
    } catch (err) {
      // Refused (or never sent): nothing was created, the key may be used again.
      if (err instanceof WellpayError && err.httpStatus !== null && err.httpStatus < 500) {
        const entries = Object.entries(wellpayKeys()).filter(([k]) => k !== input.requestKey);
        store.setSetting(WELLPAY_KEYS, Object.fromEntries(entries));
      }
      throw err;
    }
    saveWellpayKey(input.requestKey, created.uid);
    const info = describeStatus('not approve exchange');
    // Stored before anything else happens with it: the invoice exists at WellPay now.
    const r = store.applyProviderUpdate(
      {
        provider: 'wellpay',
        id: wellpayOrderId(created.uid),
        merchantId: 'wellpay',
        merchantOrderId: created.uid,
        neutralStatus: info.neutral,
        rawStatus: info.raw,
        statusStage: info.stage,
        statusLabel: { ru: info.label.ru, en: info.label.en },
        amount: input.amount,
        currency: 'UAH',
        description: input.title,
        paymentUrl: created.payerUrl,
        providerRef: { uid: created.uid },
        raw: { uid: created.uid, status: info.raw, title: input.title },
      },
      'api',
      'created by the console',
    );
    events.emit('order', r.order);
    try {
      await wellpay.track(created.uid);
    } catch (err) {
      log.warn('wellpay.track_failed', { uid: created.uid, error: String(err) });
    }
    return store.getOrder(r.order.id)?.order ?? r.order;
  }

  return {
    invoicebox,
    xsolla,
    wellpay,
    events,
    list: () => PROVIDERS.map(view),
    wellpayCreate(input) {
      const running = creating.get(input.requestKey);
      if (running) return running;
      const p = wellpayCreateOnce(input).finally(() => creating.delete(input.requestKey));
      creating.set(input.requestKey, p);
      return p;
    },
    async xsollaTrack(input) {
      const orderId = String(input.orderId);
      trackXsolla(input.projectId, orderId, input.token);
      return firstXsollaRow(input.projectId, orderId);
    },
    async xsollaDemo(input) {
      if (endpoints.sandboxOrigin === null)
        throw new ProviderError('sandbox_only', 'Demo orders exist only in training mode');
      const demo = await sandboxXsollaOrder(endpoints.sandboxOrigin, input.amount);
      trackXsolla(demo.projectId, demo.orderId, demo.token);
      return firstXsollaRow(demo.projectId, String(demo.orderId));
    },
    async cancel(row) {
      if (row.provider !== 'wellpay')
        throw new ProviderError(
          'not_supported',
          `${row.provider} orders cannot be canceled from the console`,
        );
      const removed = await wellpay.removeInvoice(row.merchantOrderId);
      storeUpdate(removed, 'removed by the console');
      return store.getOrder(row.id)?.order ?? row;
    },
    async refresh(row) {
      if (row.provider === 'wellpay') {
        try {
          const order = await wellpay.getInvoice(row.merchantOrderId);
          // Keep the stage the tracker computed (price changes) when it follows the invoice.
          storeUpdate(wellpay.current(row.merchantOrderId) ?? order);
        } catch (err) {
          if (!(err instanceof WellpayError && err.code === 'not_found')) throw err;
          storeUpdate(removedWellpay(row), 'not found at WellPay');
        }
        return store.getOrder(row.id)?.order ?? row;
      }
      if (row.provider === 'xsolla') {
        const v = xsolla.tracked(row.merchantOrderId);
        if (!v)
          throw new ProviderError(
            'xsolla_token_required',
            'This Xsolla order is not followed right now: track it again with the user token',
          );
        if (v.order) storeUpdate(v.order);
        return store.getOrder(row.id)?.order ?? row;
      }
      throw new ProviderError('not_supported', 'Invoicebox orders are refreshed by the session');
    },
    xsollaCredentials: () =>
      xsolla
        .trackedAll()
        .filter((v) => v.phase === 'active')
        .flatMap((v) => {
          const known = xsollaOrders.get(v.orderId);
          return known ? [{ projectId: known.projectId, orderId: v.orderId, token: known.token }] : [];
        }),
    secrets: () => [
      ...(wellpayToken ? [wellpayToken] : []),
      ...[...xsollaOrders.values()].map((o) => o.token),
    ],
    async stop() {
      await Promise.allSettled([xsolla.stop(), wellpay.stop()]);
      await invoicebox.stop();
      events.removeAllListeners();
    },
  };
}

// ── the emulators' control APIs (sandbox mode only) ────────────────────────────────────────────────────────────────

async function control(origin: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(new URL(path, origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await res.json().catch(() => null)) as { data?: Record<string, unknown> } | null;
  if (!res.ok || !json?.data)
    throw new ProviderError('sandbox_failed', `sandbox ${path}: HTTP ${res.status}`);
  return json.data;
}

async function sandboxWellpayToken(origin: string): Promise<string> {
  const data = await control(origin, '/sandbox/wellpay/tokens', {});
  if (typeof data.token !== 'string') throw new ProviderError('sandbox_failed', 'no WellPay sandbox token');
  return data.token;
}

async function sandboxXsollaToken(origin: string, orderId: string): Promise<string> {
  const data = await control(origin, `/sandbox/xsolla/orders/${encodeURIComponent(orderId)}/token`, {
    ttl_seconds: 3600,
  });
  if (typeof data.token !== 'string') throw new ProviderError('sandbox_failed', 'no Xsolla sandbox token');
  return data.token;
}

async function sandboxXsollaOrder(
  origin: string,
  amountMinor: number | undefined,
): Promise<{ projectId: number; orderId: number; token: string }> {
  const data = await control(
    origin,
    '/sandbox/xsolla/orders',
    amountMinor === undefined ? {} : { amount: (amountMinor / 100).toFixed(2) },
  );
  return {
    projectId: Number(data.project_id),
    orderId: Number(data.order_id),
    token: String(data.token),
  };
}
