/**
 * The console's end of the Invoicebox WebSocket gate: one socket to `/v3/gate/rpc?token=…`, on which the GATEWAY is
 * the caller. This file owns the connection only — connect, heartbeat, reconnect with backoff and jitter — and hands
 * every frame to the JSON-RPC dispatcher with the methods it is given. What a notification means is decided in
 * gate/notification-handler.ts.
 *
 * Dead-socket detection: a WebSocket ping every `heartbeatMs`; no pong (or any frame) within `pongTimeoutMs` → the
 * socket is terminated and a reconnect scheduled. A half-open TCP connection is thus noticed in at most
 * heartbeatMs + pongTimeoutMs.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { dispatch, type MethodHandler } from '../../../shared/protocol/jsonrpc.ts';
import { maskSecrets } from '../diagnostics/mask.ts';

const maskUrl = (text: string): string => maskSecrets(text);

export type SocketState = 'idle' | 'connecting' | 'open' | 'closed' | 'stopped';

export interface SocketStateEvent {
  state: SocketState;
  /** Why the socket is not open: `unauthorized`, `refused`, `heartbeat_timeout`, `closed`, `error`, … */
  reason?: string;
  /** ms until the next attempt, when one is scheduled. */
  retryInMs?: number;
  attempt: number;
}

export interface GateListenerOptions {
  /** Gate URL without the token, e.g. `wss://ws-gate.invoicebox.ru/v3/gate/rpc`. */
  url: string;
  getToken: () => Promise<string | null>;
  methods: Readonly<Record<string, MethodHandler>>;
  userAgent: string;
  heartbeatMs?: number;
  pongTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** How long an open socket must last before the backoff is reset. */
  stableAfterMs?: number;
  log?: (level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) => void;
  random?: () => number;
}

export interface GateListenerEvents {
  state: [SocketStateEvent];
}

export interface GateListener {
  readonly events: EventEmitter<GateListenerEvents>;
  start(): void;
  stop(): Promise<void>;
  /** Drop the current socket and reconnect now (after a token change, or on the user's request). */
  reconnect(): void;
  state(): SocketStateEvent;
}

export function createGateListener(options: GateListenerOptions): GateListener {
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const pongTimeoutMs = options.pongTimeoutMs ?? 5_000;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const stableAfterMs = options.stableAfterMs ?? 10_000;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const events = new EventEmitter<GateListenerEvents>();

  let current: SocketStateEvent = { state: 'idle', attempt: 0 };
  let socket: WebSocket | null = null;
  let attempt = 0;
  let stopped = true;
  let retryTimer: NodeJS.Timeout | null = null;
  let heartbeatTimer: NodeJS.Timeout | null = null;
  let deadlineTimer: NodeJS.Timeout | null = null;
  let openedAt = 0;

  function setState(next: SocketStateEvent): void {
    current = next;
    events.emit('state', next);
  }

  function clearTimers(): void {
    if (retryTimer) clearTimeout(retryTimer);
    if (heartbeatTimer) clearInterval(heartbeatTimer);
    if (deadlineTimer) clearTimeout(deadlineTimer);
    retryTimer = heartbeatTimer = deadlineTimer = null;
  }

  /** Exponential backoff with full jitter in [½d, d]: spreads a fleet of consoles after a gateway restart. */
  function nextDelay(): number {
    const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 20));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  function scheduleReconnect(reason: string): void {
    if (stopped) return;
    if (openedAt > 0 && Date.now() - openedAt >= stableAfterMs) attempt = 0;
    openedAt = 0;
    const delay = reason === 'unauthorized' ? Math.max(nextDelay(), 5_000) : nextDelay();
    attempt += 1;
    setState({ state: 'closed', reason, retryInMs: delay, attempt });
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delay);
  }

  function alive(): void {
    if (deadlineTimer) {
      clearTimeout(deadlineTimer);
      deadlineTimer = null;
    }
  }

  function startHeartbeat(ws: WebSocket): void {
    heartbeatTimer = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (!deadlineTimer) {
        deadlineTimer = setTimeout(() => {
          log('warn', 'gate.heartbeat_timeout', { afterMs: heartbeatMs + pongTimeoutMs });
          ws.terminate(); // → 'close' → reconnect
        }, pongTimeoutMs);
      }
      ws.ping();
    }, heartbeatMs);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    setState({ state: 'connecting', attempt });
    let token: string | null;
    try {
      token = await options.getToken();
    } catch {
      token = null;
    }
    if (stopped) return;
    if (!token) {
      log('warn', 'gate.no_token');
      scheduleReconnect('no_token');
      return;
    }
    const url = new URL(options.url);
    url.searchParams.set('token', token);
    log('info', 'gate.connecting', { url: maskUrl(url.toString()), attempt });
    const ws = new WebSocket(url, {
      handshakeTimeout: 10_000,
      maxPayload: 1_048_576,
      headers: { 'User-Agent': options.userAgent },
      perMessageDeflate: false,
    });
    socket = ws;
    let closeReason = 'closed';

    ws.on('unexpected-response', (_req, res) => {
      closeReason =
        res.statusCode === 401 || res.statusCode === 403 ? 'unauthorized' : `http_${res.statusCode}`;
      log('warn', 'gate.refused', { status: res.statusCode });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      openedAt = Date.now();
      log('info', 'gate.open', { url: maskUrl(url.toString()) });
      setState({ state: 'open', attempt });
      startHeartbeat(ws);
    });
    ws.on('pong', alive);
    ws.on('ping', alive);
    ws.on('message', (data, isBinary) => {
      alive();
      if (isBinary) {
        ws.send(
          JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }),
        );
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8');
      void dispatch(text, options.methods, {
        onInternalError: (err, method) => log('error', 'gate.handler_failed', { method, error: String(err) }),
      }).then((reply) => {
        if (reply !== null && ws.readyState === WebSocket.OPEN) ws.send(reply);
      });
    });
    ws.on('error', (err) => {
      if (closeReason === 'closed') closeReason = 'error';
      log('warn', 'gate.error', { error: maskUrl(err.message) });
    });
    ws.on('close', (code) => {
      if (socket === ws) socket = null;
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      if (deadlineTimer) clearTimeout(deadlineTimer);
      heartbeatTimer = deadlineTimer = null;
      if (stopped) return;
      if (closeReason === 'closed' && code === 1006) closeReason = 'connection_lost';
      log('info', 'gate.closed', { code, reason: closeReason });
      scheduleReconnect(closeReason);
    });
  }

  return {
    events,
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      void connect();
    },
    async stop() {
      stopped = true;
      clearTimers();
      const ws = socket;
      socket = null;
      if (ws && ws.readyState !== WebSocket.CLOSED) {
        await new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.terminate();
        });
      }
      setState({ state: 'stopped', attempt: 0 });
    },
    reconnect() {
      if (stopped) return;
      clearTimers();
      attempt = 0;
      if (socket) socket.terminate();
      else void connect();
    },
    state: () => current,
  };
}
