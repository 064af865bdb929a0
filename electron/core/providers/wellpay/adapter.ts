/**
 * The WellPay / NL-trade adapter: create and remove invoices through the encrypted REST method, follow them live.
 *
 * Following one invoice (`track(uid)`):
 *  - one socket.io connection per tracked invoice, because WellPay's events carry no UID (`ip:send` is a bare IP,
 *    `invoce:refetch` has no arguments): on a shared socket nobody could tell which invoice they are about;
 *  - on every (re)connect: `invoice:join` with the UID, then a fetch of the whole invoice (whatever changed while
 *    away is seen at once);
 *  - `ip:send` is recorded (the IP WellPay bound to the invoice) and reported in the order's details;
 *  - `invoce:refetch` never carries data: the whole invoice is fetched again (`get`) and an `update` is emitted only
 *    when something in it changed. Fetches of one invoice are serialised, so an older answer never overtakes a newer;
 *  - socket.io's own manager reconnects (with backoff); while an invoice's socket is down, `get` is polled every
 *    `pollIntervalMs` so nothing is missed;
 *  - a final status (success, canceled, rejected, removed) ends the tracking of that invoice.
 *
 * Connection state (`connection` events): `idle` (nothing tracked), `connecting` (before the first connect),
 * `live` (every tracked invoice's socket is up), `degraded`/`polling` (some socket down, polls answer),
 * `offline`/`connection_lost` (socket down and the last poll failed too).
 */
import { EventEmitter } from 'node:events';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type {
  ProviderAdapter,
  ProviderCapabilities,
  ProviderConnection,
  ProviderConnectionState,
  ProviderEvents,
  TrackedOrder,
} from '../types.ts';
import { WellpayClient, WellpayError, type WellpayClientOptions } from './client.ts';
import { fingerprint, parseInvoice, type WellpayInvoice } from './invoice.ts';
import { REMOVED, describeStatus, detectPriceChange, type StatusLabel, type WellpayStage } from './status.ts';

export const DEFAULT_SOCKET_URL = 'https://invoice.wellpay.me';
/** Unconfirmed: the sources never show the payer's page; we assume `https://invoice.wellpay.me/<uid>`. */
export const DEFAULT_PAYER_URL_BASE = 'https://invoice.wellpay.me/';

export interface WellpayAdapterOptions extends WellpayClientOptions {
  /** socket.io origin (default `https://invoice.wellpay.me`). */
  socketUrl?: string;
  /** socket.io path (default `/socket.io`). */
  socketPath?: string;
  /** The payer's link is `<payerUrlBase><uid>` (default `https://invoice.wellpay.me/`; unconfirmed). */
  payerUrlBase?: string;
  /** `get` every this many ms while an invoice's socket is down (default 3 000). */
  pollIntervalMs?: number;
  /** socket.io reconnection backoff (defaults 1 000 and 5 000 ms). */
  reconnectionDelayMs?: number;
  reconnectionDelayMaxMs?: number;
  /** socket.io transports (default `['websocket']`). */
  transports?: ('websocket' | 'polling')[];
  /** More socket.io-client options (e.g. `localAddress`), passed through. */
  socketOptions?: Partial<ManagerOptions & SocketOptions> & Record<string, unknown>;
  /** Zone of WellPay's wall-clock dates (default `Europe/Kyiv`; unconfirmed). */
  timeZone?: string;
  now?: () => Date;
  /** A ready client (tests); otherwise one is made from these options. */
  client?: WellpayClient;
  /**
   * When to join an invoice's socket.io room. `always` (default): at once. `after-payer`: poll until WellPay shows
   * the invoice bound to an IP (the payer's page joined first), then join. WellPay binds an invoice to the first
   * joiner's IP and lets only that IP `update` it (mark it paid): a console that joins first could lock the payer out.
   * Whether the live service binds on a merchant's join too is not documented, so live mode waits for the payer.
   */
  join?: 'always' | 'after-payer';
}

/** What `TrackedOrder.raw` holds for WellPay. */
export interface WellpayOrderDetails {
  provider: 'wellpay';
  /** The invoice as last fetched; null for `removed`. */
  invoice: WellpayInvoice | null;
  stage: WellpayStage;
  label: StatusLabel;
  /** `pay` twice in a row: the trader changed the price. */
  priceChanged: boolean;
  /** The amount before this update, when it differs (kopiykas). */
  previousAmountMinor: number | null;
  /** What `ip:send` said: the IP WellPay bound to the invoice (its first joiner). */
  joinerIp: string | null;
  /** `exchange_log` could not be read even leniently (kept raw in `invoice.exchangeLog.raw`). */
  exchangeLogMalformed: boolean;
}

export function wellpayDetails(order: TrackedOrder): WellpayOrderDetails | null {
  const raw = order.raw as Partial<WellpayOrderDetails> | null;
  return order.provider === 'wellpay' && raw?.provider === 'wellpay' ? (raw as WellpayOrderDetails) : null;
}

type Source = TrackedOrder['source'];

interface Tracker {
  uid: string;
  socket: Socket;
  connected: boolean;
  /** Whether the socket ever connected or failed (before that the state is `connecting`). */
  tried: boolean;
  /** The last fetch failed (network, 5xx, …). */
  failing: boolean;
  lastError: WellpayError | null;
  last: { invoice: WellpayInvoice; fingerprint: string; priceChanged: boolean } | null;
  joinerIp: string | null;
  fetching: Promise<void> | null;
  again: Source | null;
  pollTimer: ReturnType<typeof setTimeout> | null;
  stopped: boolean;
  /** `join: 'after-payer'` and the invoice is not bound to anyone's IP yet: no socket. */
  awaitingPayer: boolean;
}

export class WellpayAdapter implements ProviderAdapter {
  readonly provider = 'wellpay' as const;
  readonly capabilities: ProviderCapabilities = { create: true, cancel: true, refund: false, track: true };
  readonly events = new EventEmitter<ProviderEvents>();
  readonly client: WellpayClient;
  readonly #options: WellpayAdapterOptions;
  readonly #trackers = new Map<string, Tracker>();
  #connection: ProviderConnection;
  #stopped = false;

  constructor(options: WellpayAdapterOptions) {
    this.#options = options;
    this.client = options.client ?? new WellpayClient(options);
    this.#connection = { provider: 'wellpay', state: 'idle', reason: null, at: this.#now() };
  }

  connection(): ProviderConnection {
    return { ...this.#connection };
  }

  payerUrl(uid: string): string {
    const base = this.#options.payerUrlBase ?? DEFAULT_PAYER_URL_BASE;
    return `${base.endsWith('/') ? base : `${base}/`}${encodeURIComponent(uid)}`;
  }

  /** Creates an invoice (price in kopiykas). Not retried: WellPay has no idempotency key. */
  async createInvoice(input: {
    title: string;
    priceMinor: number;
  }): Promise<{ uid: string; payerUrl: string }> {
    const uid = await this.client.create(input.title, input.priceMinor);
    this.#options.log?.info('wellpay.invoice_created', { uid, amountMinor: input.priceMinor });
    return { uid, payerUrl: this.payerUrl(uid) };
  }

  /** Removes (cancels) an invoice; reports it as `removed` (neutral `canceled`) and stops tracking it. */
  async removeInvoice(uid: string): Promise<TrackedOrder> {
    await this.client.remove(uid);
    this.#options.log?.info('wellpay.invoice_removed', { uid });
    const tracker = this.#trackers.get(uid);
    const order = this.#removedOrder(uid, 'api', tracker ?? null);
    if (tracker) this.#close(tracker);
    this.events.emit('update', order);
    this.#updateConnection();
    return order;
  }

  /** One fetch, without tracking. */
  async getInvoice(uid: string): Promise<TrackedOrder> {
    const invoice = parseInvoice(await this.client.get(uid), uid, this.#parseOptions());
    return this.#order(invoice, 'api', { priceChanged: false, previousAmountMinor: null, joinerIp: null });
  }

  /** UIDs being followed. */
  tracked(): string[] {
    return [...this.#trackers.keys()];
  }

  /** The last snapshot of a tracked invoice. */
  current(uid: string): TrackedOrder | null {
    const tracker = this.#trackers.get(uid);
    if (!tracker?.last) return null;
    return this.#order(tracker.last.invoice, 'api', {
      priceChanged: tracker.last.priceChanged,
      previousAmountMinor: null,
      joinerIp: tracker.joinerIp,
    });
  }

  /**
   * Starts following an invoice: resolves after the first fetch with its snapshot (also emitted as an `update`), or
   * null when WellPay could not be reached yet (the tracker keeps trying). An unknown UID throws `not_found`.
   */
  async track(uid: string): Promise<TrackedOrder | null> {
    if (this.#stopped) throw new Error('The WellPay adapter is stopped');
    let tracker = this.#trackers.get(uid);
    if (!tracker) {
      tracker = this.#open(uid);
      this.#trackers.set(uid, tracker);
      this.#updateConnection();
      this.#schedulePoll(tracker);
    }
    await this.#refresh(tracker, 'api');
    if (!tracker.last && tracker.lastError?.code === 'not_found') {
      this.#close(tracker);
      this.#updateConnection();
      throw tracker.lastError;
    }
    // From the tracker itself: a final first snapshot has already ended the tracking.
    if (!tracker.last) return null;
    return this.#order(tracker.last.invoice, 'api', {
      priceChanged: tracker.last.priceChanged,
      previousAmountMinor: null,
      joinerIp: tracker.joinerIp,
    });
  }

  untrack(uid: string): void {
    const tracker = this.#trackers.get(uid);
    if (!tracker) return;
    this.#close(tracker);
    this.#updateConnection();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const pending = [...this.#trackers.values()].map((t) => t.fetching);
    for (const tracker of [...this.#trackers.values()]) this.#close(tracker);
    await Promise.allSettled(pending);
    this.#updateConnection();
  }

  // --- internals ----------------------------------------------------------------------------------------------------

  #now(): string {
    return (this.#options.now?.() ?? new Date()).toISOString();
  }

  #parseOptions() {
    return { timeZone: this.#options.timeZone ?? 'Europe/Kyiv' };
  }

  #open(uid: string): Tracker {
    const o = this.#options;
    const deferred = o.join === 'after-payer';
    const socket = io(o.socketUrl ?? DEFAULT_SOCKET_URL, {
      autoConnect: !deferred,
      path: o.socketPath ?? '/socket.io',
      transports: o.transports ?? ['websocket'],
      reconnection: true,
      reconnectionDelay: o.reconnectionDelayMs ?? 1_000,
      reconnectionDelayMax: o.reconnectionDelayMaxMs ?? 5_000,
      // One manager per invoice: events name no invoice, so sockets must not be shared.
      forceNew: true,
      ...o.socketOptions,
    });
    const tracker: Tracker = {
      uid,
      socket,
      connected: false,
      tried: false,
      failing: false,
      lastError: null,
      last: null,
      joinerIp: null,
      fetching: null,
      again: null,
      pollTimer: null,
      stopped: false,
      awaitingPayer: deferred,
    };
    // Not joining yet: followed by polling (`degraded`, reason `awaiting_payer`) until the payer's page joins.
    if (deferred) tracker.tried = true;
    socket.on('connect', () => {
      if (tracker.stopped) return;
      tracker.connected = true;
      tracker.tried = true;
      socket.emit('invoice:join', uid);
      this.#options.log?.info('wellpay.socket_connected', { uid });
      this.#clearPoll(tracker);
      this.#updateConnection();
      // Whatever changed while the socket was away.
      void this.#refresh(tracker, 'api');
    });
    socket.on('disconnect', (reason) => {
      if (tracker.stopped) return;
      tracker.connected = false;
      this.#options.log?.warn('wellpay.socket_disconnected', { uid, reason });
      // A server-side disconnect is not retried by socket.io itself.
      if (reason === 'io server disconnect') socket.connect();
      this.#schedulePoll(tracker);
      this.#updateConnection();
    });
    socket.on('connect_error', (err: Error) => {
      if (tracker.stopped) return;
      tracker.connected = false;
      tracker.tried = true;
      this.#options.log?.warn('wellpay.socket_error', { uid, error: err.message });
      this.#schedulePoll(tracker);
      this.#updateConnection();
    });
    socket.on('ip:send', (ip: unknown) => {
      if (tracker.stopped) return;
      tracker.joinerIp = typeof ip === 'string' ? ip : ip === null || ip === undefined ? null : String(ip);
      // The documented order is join → ip:send → get. The fetch made on connect may have raced the join; if the
      // snapshot does not show the binding yet, fetch once more.
      if (tracker.last && tracker.last.invoice.ip !== tracker.joinerIp) void this.#refresh(tracker, 'api');
    });
    socket.on('invoce:refetch', () => {
      if (!tracker.stopped) void this.#refresh(tracker, 'push');
    });
    return tracker;
  }

  #close(tracker: Tracker): void {
    tracker.stopped = true;
    this.#clearPoll(tracker);
    tracker.socket.removeAllListeners();
    tracker.socket.disconnect();
    if (this.#trackers.get(tracker.uid) === tracker) this.#trackers.delete(tracker.uid);
  }

  #schedulePoll(tracker: Tracker): void {
    if (tracker.stopped || tracker.connected || tracker.pollTimer) return;
    tracker.pollTimer = setTimeout(() => {
      tracker.pollTimer = null;
      if (tracker.stopped || tracker.connected) return;
      void this.#refresh(tracker, 'poll').finally(() => this.#schedulePoll(tracker));
    }, this.#options.pollIntervalMs ?? 3_000);
  }

  /** One more fetch after the poll interval, whatever the socket's state; then polling resumes if it is down. */
  #scheduleRetry(tracker: Tracker, source: Source): void {
    if (tracker.stopped || tracker.pollTimer) return;
    tracker.pollTimer = setTimeout(() => {
      tracker.pollTimer = null;
      if (tracker.stopped) return;
      void this.#refresh(tracker, source).finally(() => this.#schedulePoll(tracker));
    }, this.#options.pollIntervalMs ?? 3_000);
  }

  #clearPoll(tracker: Tracker): void {
    if (tracker.pollTimer) clearTimeout(tracker.pollTimer);
    tracker.pollTimer = null;
  }

  /** Fetches the whole invoice; one fetch at a time per invoice, a request meanwhile runs once more after it. */
  #refresh(tracker: Tracker, source: Source): Promise<void> {
    if (tracker.fetching) {
      // A push outranks a poll or a resync as the reason shown for what the next fetch finds.
      if (tracker.again !== 'push') tracker.again = source;
      return tracker.fetching;
    }
    tracker.fetching = (async () => {
      try {
        let next: Source | null = source;
        while (next && !tracker.stopped) {
          tracker.again = null;
          await this.#fetchOnce(tracker, next);
          next = tracker.again;
        }
      } finally {
        tracker.fetching = null;
      }
    })();
    return tracker.fetching;
  }

  async #fetchOnce(tracker: Tracker, source: Source): Promise<void> {
    let raw: Record<string, unknown>;
    try {
      raw = await this.client.get(tracker.uid);
    } catch (err) {
      if (tracker.stopped) return;
      const error =
        err instanceof WellpayError ? err : new WellpayError('network', `WellPay get failed: ${String(err)}`);
      tracker.lastError = error;
      if (error.code === 'not_found' && tracker.last) {
        // Removed elsewhere (another console, WellPay itself).
        const order = this.#removedOrder(tracker.uid, source, tracker);
        this.#close(tracker);
        this.events.emit('update', order);
        this.#updateConnection();
        return;
      }
      tracker.failing = error.code !== 'not_found';
      this.#options.log?.warn('wellpay.fetch_failed', { uid: tracker.uid, source, code: error.code });
      this.#updateConnection();
      // The change that prompted this fetch is still unseen: try again even while the socket is up (a refetch
      // push is not repeated).
      this.#scheduleRetry(tracker, source);
      return;
    }
    if (tracker.stopped) return;
    tracker.lastError = null;
    tracker.failing = false;
    this.#updateConnection();
    const invoice = parseInvoice(raw, tracker.uid, this.#parseOptions());
    if (tracker.awaitingPayer && invoice.ip) {
      // The payer's page joined (the invoice is bound to its IP): our join can no longer take the binding.
      tracker.awaitingPayer = false;
      this.#options.log?.info('wellpay.payer_joined', { uid: tracker.uid });
      tracker.socket.connect();
      this.#updateConnection();
    }
    const print = fingerprint(invoice);
    const previous = tracker.last;
    if (previous && previous.fingerprint === print) return;
    const priceChanged = detectPriceChange(previous, invoice, print);
    const before = previous?.invoice.amountMinor ?? null;
    tracker.last = { invoice, fingerprint: print, priceChanged };
    if (invoice.exchangeLog && !invoice.exchangeLog.ok) {
      this.#options.log?.warn('wellpay.exchange_log_malformed', { uid: tracker.uid });
    }
    const order = this.#order(invoice, source, {
      priceChanged,
      previousAmountMinor: before !== invoice.amountMinor ? before : null,
      joinerIp: tracker.joinerIp,
    });
    if (order.final) this.#close(tracker);
    this.events.emit('update', order);
    if (order.final) this.#updateConnection();
  }

  #order(
    invoice: WellpayInvoice,
    source: Source,
    extra: { priceChanged: boolean; previousAmountMinor: number | null; joinerIp: string | null },
  ): TrackedOrder {
    const info = describeStatus(invoice.status, {
      approvePhoto: invoice.approvePhoto,
      priceChanged: extra.priceChanged,
    });
    const details: WellpayOrderDetails = {
      provider: 'wellpay',
      invoice,
      stage: info.stage,
      label: info.label,
      priceChanged: extra.priceChanged,
      previousAmountMinor: extra.previousAmountMinor,
      joinerIp: extra.joinerIp,
      exchangeLogMalformed: invoice.exchangeLog !== null && !invoice.exchangeLog.ok,
    };
    return {
      provider: 'wellpay',
      id: invoice.uid,
      status: info.neutral,
      rawStatus: invoice.status,
      amount: invoice.amountMinor,
      currency: 'UAH',
      paymentUrl: this.payerUrl(invoice.uid),
      final: info.final,
      source,
      at: this.#now(),
      raw: details,
    };
  }

  #removedOrder(uid: string, source: Source, tracker: Tracker | null): TrackedOrder {
    const info = describeStatus(REMOVED);
    const details: WellpayOrderDetails = {
      provider: 'wellpay',
      invoice: null,
      stage: info.stage,
      label: info.label,
      priceChanged: false,
      previousAmountMinor: null,
      joinerIp: tracker?.joinerIp ?? null,
      exchangeLogMalformed: false,
    };
    return {
      provider: 'wellpay',
      id: uid,
      status: info.neutral,
      rawStatus: REMOVED,
      amount: tracker?.last?.invoice.amountMinor ?? null,
      currency: 'UAH',
      paymentUrl: this.payerUrl(uid),
      final: true,
      source,
      at: this.#now(),
      raw: details,
    };
  }

  #updateConnection(): void {
    let state: ProviderConnectionState;
    let reason: string | null = null;
    const trackers = [...this.#trackers.values()];
    if (trackers.length === 0) state = 'idle';
    else if (trackers.every((t) => t.connected)) state = 'live';
    else if (trackers.some((t) => !t.connected && t.failing)) {
      state = 'offline';
      reason = 'connection_lost';
    } else if (trackers.every((t) => t.connected || !t.tried)) state = 'connecting';
    else if (trackers.every((t) => t.connected || t.awaitingPayer)) {
      state = 'degraded';
      reason = 'awaiting_payer';
    } else {
      state = 'degraded';
      reason = 'polling';
    }
    if (state === this.#connection.state && reason === this.#connection.reason) return;
    this.#connection = { provider: 'wellpay', state, reason, at: this.#now() };
    this.events.emit('connection', this.connection());
  }
}

export function createWellpayAdapter(options: WellpayAdapterOptions): WellpayAdapter {
  return new WellpayAdapter(options);
}
