/**
 * Following ONE Xsolla order, as Xsolla recommends (/work/shared/spec/xsolla.md):
 *
 *  - a Centrifuge connection (the official client) with connect data `{user_external_id?, auth, project_id}`; the
 *    order statuses come on a server-side subscription whose channel is taken from the `subscribed` context;
 *  - on every `subscribed` (again after each reconnect) the channel's history is read
 *    (`since: {offset: 0}, limit: -1`) and replayed; duplicates are harmless because a status is applied only when it
 *    moves the order forward (new → paid → done; canceled ends any) — which is also epoch-proof, unlike offsets;
 *  - the socket is closed on a final status (`done`, `canceled`) and after `socketMaxWaitMs` (5 min);
 *  - while the socket is not subscribed (failed, refused, timed out, rejected) Get order is polled every
 *    `pollIntervalMs` (3 s); polling stops on a final status, when the socket is back, or `pollMaxMs` (10 min) after
 *    it first started — then, with the socket gone too, tracking ends as `expired`;
 *  - Get order: 404 ends tracking (`failed`, `not_found`); 401 asks `getToken` (if given) once, else `failed`,
 *    `unauthorized`; 5xx / network errors are retried at the next tick (the connection shows `offline`).
 *
 * A token expiring on the socket (error 109) is renewed the same way: the next connect's data is built after
 * `getToken`; without it the client stops as unauthorized and polling takes over (and fails with 401, ending it).
 */
import { Centrifuge, UnauthorizedError, type Options, type ServerSubscribedContext } from 'centrifuge';
import type { ProviderConnectionState, TrackedOrder } from '../types.ts';
import { getOrder } from './api.ts';
import { isProgress, mapXsollaStatus, type MappedStatus } from './status.ts';
import { parsePublication } from './wire.ts';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type LogFn = (
  level: 'info' | 'warn' | 'error',
  event: string,
  fields?: Record<string, unknown>,
) => void;

export interface XsollaTrackInput {
  projectId: number;
  orderId: number | string;
  /** The user's JWT (connect data `auth`, and Bearer for Get order). */
  token: string;
  /** A fresh JWT when the current one expired (error 109 on the socket, 401 from Get order). */
  getToken?: () => Promise<string>;
  /** Sent as connect data `user_external_id` when given (optional per the docs). */
  userExternalId?: string;
}

export interface TrackerDeps {
  wsUrl: string;
  apiUrl: string;
  clock: () => number;
  timers: Timers;
  pollIntervalMs: number;
  socketMaxWaitMs: number;
  pollMaxMs: number;
  requestTimeoutMs: number;
  fetch: typeof fetch;
  log: LogFn;
  /** WebSocket constructor handed to the Centrifuge client (`ws` in Node). */
  websocket: unknown;
  /** Extra Centrifuge client options (reconnect delays, timeouts), for tests. */
  centrifuge: Partial<Options>;
  onUpdate(order: TrackedOrder): void;
  /** The tracker's connection or phase may have changed. */
  onChange(): void;
}

/** active: following; final: a final status arrived; failed: 404 / unauthorized; expired: out of time; stopped: untracked. */
export type TrackerPhase = 'active' | 'final' | 'failed' | 'expired' | 'stopped';
export type SocketPhase = 'connecting' | 'subscribed' | 'down' | 'closed';

export interface TrackerView {
  orderId: string;
  projectId: number;
  phase: TrackerPhase;
  socket: SocketPhase;
  polling: boolean;
  /** Why the tracker is not live or not active: `not_found`, `unauthorized`, `timeout`, `socket_timeout`, … */
  reason: string | null;
  channel: string | null;
  order: TrackedOrder | null;
}

export interface TrackerConnection {
  state: Exclude<ProviderConnectionState, 'idle'>;
  reason: string | null;
}

export interface OrderTracker {
  readonly orderId: string;
  start(): void;
  /** Replaces the token (a new one from the payment flow). */
  setToken(token: string): void;
  view(): TrackerView;
  /** Null once the tracker is no longer active. */
  connection(): TrackerConnection | null;
  stop(): void;
}

export function createOrderTracker(input: XsollaTrackInput, deps: TrackerDeps): OrderTracker {
  const orderId = String(input.orderId);
  const { clock, timers, log } = deps;
  const at = (): string => new Date(clock()).toISOString();

  let token = input.token;
  let tokenStale = false;
  let refreshing: Promise<void> | null = null;
  let unauthorizedPolls = 0;

  let current: MappedStatus | null = null;
  let order: TrackedOrder | null = null;
  let amount: number | null = null;
  let currency: string | null = null;

  let phase: TrackerPhase = 'active';
  let reason: string | null = null;

  let client: Centrifuge | null = null;
  let socket: SocketPhase = 'connecting';
  let channel: string | null = null;
  let socketTimer: unknown = null;
  let graceTimer: unknown = null;

  let polling = false;
  let pollTimer: unknown = null;
  let pollDeadline: number | null = null;
  let pollFailures = 0;

  /** A listener throwing inside an update must not become an unhandled rejection. */
  const safely = (p: Promise<unknown>): void => {
    p.catch((err: unknown) => log('error', 'xsolla.internal_error', { orderId, error: String(err) }));
  };

  const clear = (handle: unknown): null => {
    if (handle !== null) timers.clearTimeout(handle);
    return null;
  };

  // --- status ------------------------------------------------------------------------------------------------

  function apply(
    rawStatus: string,
    details: { amount: number | null; currency: string | null } | null,
    source: TrackedOrder['source'],
    raw: unknown,
  ): void {
    if (phase !== 'active') return;
    const mapped = mapXsollaStatus(rawStatus);
    if (!mapped) {
      log('warn', 'xsolla.unknown_status', { orderId, rawStatus, source });
      return;
    }
    let changed = false;
    if (isProgress(current, mapped)) {
      current = mapped;
      changed = true;
    } else if (current && mapped.rank !== current.rank) {
      log('info', 'xsolla.stale_status', { orderId, rawStatus, known: current.raw, source });
    }
    if (details && details.amount !== null && (amount !== details.amount || currency !== details.currency)) {
      amount = details.amount;
      currency = details.currency;
      changed ||= current !== null;
    }
    if (!changed || current === null) return;
    order = {
      provider: 'xsolla',
      id: orderId,
      status: current.status,
      rawStatus: current.raw,
      amount,
      currency,
      paymentUrl: null,
      final: current.final,
      source,
      at: at(),
      raw,
    };
    deps.onUpdate(order);
    if (current.final) finish('final', null);
  }

  function onMessage(data: unknown, raw: unknown): void {
    const msg = parsePublication(data);
    if (!msg) {
      log('warn', 'xsolla.unreadable_publication', { orderId });
      return;
    }
    // The user's channel carries every order of the user: only ours counts.
    if (msg.orderId !== orderId) return;
    apply(msg.rawStatus, null, 'push', raw);
  }

  // --- token -------------------------------------------------------------------------------------------------

  function refreshToken(): Promise<void> {
    refreshing ??= (async () => {
      try {
        if (!input.getToken) throw new UnauthorizedError('token expired');
        const next = await input.getToken();
        if (!next) throw new UnauthorizedError('no token');
        token = next;
        tokenStale = false;
        log('info', 'xsolla.token_refreshed', { orderId });
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  // --- socket ------------------------------------------------------------------------------------------------

  function openSocket(): void {
    const c = new Centrifuge(deps.wsUrl, {
      ...deps.centrifuge,
      websocket: deps.websocket,
      // Built for every connect attempt, so a renewed token is used by the next one.
      getData: async () => {
        if (tokenStale) await refreshToken();
        const data: Record<string, unknown> = {};
        if (input.userExternalId !== undefined) data.user_external_id = input.userExternalId;
        data.auth = token;
        data.project_id = input.projectId;
        return data;
      },
    });
    client = c;
    const mine = (): boolean => client === c && phase === 'active';

    c.on('connecting', (ctx) => {
      if (!mine() || ctx.code === 0) return; // code 0: our own connect()
      log('info', 'xsolla.socket_reconnecting', { orderId, code: ctx.code, reason: ctx.reason });
      socketDown();
    });
    c.on('connected', (ctx) => {
      if (mine()) log('info', 'xsolla.socket_connected', { orderId, client: ctx.client });
    });
    c.on('subscribed', (ctx) => {
      if (mine()) onSubscribed(c, ctx);
    });
    c.on('publication', (ctx) => {
      if (mine()) onMessage(ctx.data, { channel: ctx.channel, offset: ctx.offset ?? null, data: ctx.data });
    });
    c.on('unsubscribed', (ctx) => {
      if (mine()) log('warn', 'xsolla.server_unsubscribed', { orderId, channel: ctx.channel });
    });
    c.on('disconnected', (ctx) => {
      if (!mine()) return;
      // The client gave up: unauthorized, or a close code that forbids reconnecting (3500–3999, 4500–4999).
      log('warn', 'xsolla.socket_closed', { orderId, code: ctx.code, reason: ctx.reason });
      socket = 'closed';
      reason = ctx.code === 1 ? (tokenStale ? 'token_expired' : 'unauthorized') : `closed_${ctx.code}`;
      closeSocket();
      ensurePolling(deps.pollIntervalMs);
      deps.onChange();
    });
    c.on('error', (ctx) => {
      if (!mine()) return;
      if (ctx.error.code === 109) {
        // Token expired: the client would look for getToken (we use connect data, not a connection token) and
        // stop. Clearing the token makes its next attempt just call getData, which renews the JWT first.
        tokenStale = true;
        c.setToken('');
      }
      log('warn', 'xsolla.socket_error', {
        orderId,
        type: ctx.type,
        code: ctx.error.code,
        message: ctx.error.message,
      });
      if (socket === 'subscribed') return;
      // The client retries by itself without another `connecting` event: the socket is down meanwhile.
      if (socket === 'connecting') socket = 'down';
      ensurePolling(deps.pollIntervalMs);
      deps.onChange();
    });
    c.connect();
  }

  function onSubscribed(c: Centrifuge, ctx: ServerSubscribedContext): void {
    socket = 'subscribed';
    channel = ctx.channel;
    reason = null;
    stopPolling();
    log('info', 'xsolla.subscribed', {
      orderId,
      channel: ctx.channel,
      recovered: ctx.recovered,
      wasRecovering: ctx.wasRecovering,
    });
    deps.onChange();
    const replay = c.history(ctx.channel, { since: { offset: 0, epoch: '' }, limit: -1 }).then(
      (res) => {
        if (client !== c) return;
        log('info', 'xsolla.history_replayed', { orderId, publications: res.publications.length });
        for (const pub of res.publications) {
          if (phase !== 'active') break;
          onMessage(pub.data, {
            channel: pub.channel,
            offset: pub.offset ?? null,
            data: pub.data,
            history: true,
          });
        }
      },
      (err: unknown) => {
        if (client !== c) return;
        const e = err as { code?: number; message?: string };
        log('warn', 'xsolla.history_failed', {
          orderId,
          code: e.code ?? null,
          message: e.message ?? String(err),
        });
        // The connection went away under the call: the next `subscribed` reads the history again.
        if (e.code === 2 || e.code === 3 || e.code === 11) return;
        // Else catch up through the API (e.g. 112: the history no longer reaches back far enough).
        safely(fetchOrder('api'));
      },
    );
    safely(replay);
  }

  function socketDown(): void {
    if (socket === 'subscribed' || socket === 'connecting') socket = 'down';
    ensurePolling(deps.pollIntervalMs);
    deps.onChange();
  }

  function closeSocket(): void {
    const c = client;
    client = null;
    if (socket !== 'closed') socket = 'closed';
    if (!c) return;
    c.removeAllListeners();
    c.on('error', () => {}); // late errors of a closing client must not throw
    c.disconnect();
  }

  // --- polling -----------------------------------------------------------------------------------------------

  function ensurePolling(firstInMs: number): void {
    if (phase !== 'active' || polling) return;
    const now = clock();
    pollDeadline ??= now + deps.pollMaxMs;
    if (now >= pollDeadline) {
      pollBudgetSpent();
      return;
    }
    polling = true;
    pollFailures = 0;
    log('info', 'xsolla.polling_started', { orderId });
    schedulePoll(firstInMs);
    deps.onChange();
  }

  function stopPolling(): void {
    pollTimer = clear(pollTimer);
    if (polling) log('info', 'xsolla.polling_stopped', { orderId });
    polling = false;
    pollFailures = 0;
  }

  function pollBudgetSpent(): void {
    stopPolling();
    if (socket === 'closed') {
      finish('expired', 'timeout');
    } else if (reason !== 'polling_timeout') {
      log('warn', 'xsolla.polling_budget_spent', { orderId });
      reason = 'polling_timeout';
      deps.onChange();
    }
  }

  function schedulePoll(ms: number): void {
    pollTimer = clear(pollTimer);
    pollTimer = timers.setTimeout(() => {
      pollTimer = null;
      safely(pollTick());
    }, ms);
  }

  async function pollTick(): Promise<void> {
    if (!polling || phase !== 'active') return;
    if (pollDeadline !== null && clock() >= pollDeadline) {
      pollBudgetSpent();
      return;
    }
    await fetchOrder('poll');
    if (polling && phase === 'active' && pollTimer === null) schedulePoll(deps.pollIntervalMs);
  }

  async function fetchOrder(source: 'poll' | 'api'): Promise<void> {
    if (tokenStale && input.getToken) {
      try {
        await refreshToken();
      } catch {
        // reported below by the 401 path
      }
    }
    const result = await getOrder({
      apiUrl: deps.apiUrl,
      projectId: input.projectId,
      orderId,
      token,
      timeoutMs: deps.requestTimeoutMs,
      fetch: deps.fetch,
    });
    if (phase !== 'active') return;
    switch (result.kind) {
      case 'ok':
        pollFailures = 0;
        unauthorizedPolls = 0;
        if (result.order.orderId !== orderId) {
          log('warn', 'xsolla.order_mismatch', { orderId, got: result.order.orderId });
          break;
        }
        apply(result.order.rawStatus, result.order, source, result.raw);
        break;
      case 'not_found':
        log('warn', 'xsolla.order_not_found', { orderId, source });
        finish('failed', 'not_found');
        break;
      case 'unauthorized':
        unauthorizedPolls += 1;
        log('warn', 'xsolla.order_unauthorized', { orderId, source });
        if (input.getToken && unauthorizedPolls < 2) {
          tokenStale = true;
          try {
            await refreshToken();
          } catch {
            finish('failed', 'unauthorized');
          }
        } else finish('failed', tokenStale ? 'token_expired' : 'unauthorized');
        break;
      case 'unavailable':
        pollFailures += 1;
        log('warn', 'xsolla.order_unavailable', {
          orderId,
          source,
          status: result.status,
          message: result.message,
        });
        break;
    }
    deps.onChange();
  }

  // --- lifecycle ---------------------------------------------------------------------------------------------

  function finish(next: Exclude<TrackerPhase, 'active'>, why: string | null): void {
    if (phase !== 'active') return;
    phase = next;
    reason = why;
    stopPolling();
    socketTimer = clear(socketTimer);
    graceTimer = clear(graceTimer);
    closeSocket();
    log('info', 'xsolla.tracking_finished', { orderId, phase: next, reason: why });
    deps.onChange();
  }

  return {
    orderId,
    start() {
      openSocket();
      // The recommended cap on waiting for the socket: then it is closed and polling takes over.
      socketTimer = timers.setTimeout(() => {
        socketTimer = null;
        if (phase !== 'active') return;
        log('info', 'xsolla.socket_timeout', { orderId, afterMs: deps.socketMaxWaitMs });
        closeSocket();
        reason = 'socket_timeout';
        stopPolling(); // restart below with the budget left
        ensurePolling(0);
        deps.onChange();
      }, deps.socketMaxWaitMs);
      // A socket that is neither up nor failed after one poll interval does not hold polling back any longer.
      graceTimer = timers.setTimeout(() => {
        graceTimer = null;
        if (phase === 'active' && socket !== 'subscribed') ensurePolling(0);
      }, deps.pollIntervalMs);
      // The amount and currency come only from Get order: ask once now (also catches an order already final).
      safely(fetchOrder('api'));
    },
    setToken(next) {
      token = next;
      tokenStale = false;
    },
    view: () => ({
      orderId,
      projectId: input.projectId,
      phase,
      socket,
      polling,
      reason,
      channel,
      order,
    }),
    connection() {
      if (phase !== 'active') return null;
      if (socket === 'subscribed') return { state: 'live', reason: null };
      if (polling) {
        return pollFailures > 0
          ? { state: 'offline', reason: 'api_unavailable' }
          : { state: 'degraded', reason: 'polling' };
      }
      if (socket === 'connecting') return { state: 'connecting', reason: null };
      return { state: 'offline', reason: reason ?? 'connection_lost' };
    },
    stop() {
      finish('stopped', 'untracked');
    },
  };
}
