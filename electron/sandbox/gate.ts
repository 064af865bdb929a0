/**
 * The sandbox's WebSocket gate: the emulator of `wss://ws-gate.invoicebox.ru/v3/gate/rpc?token=…`, where the GATEWAY
 * calls the CONSOLE over JSON-RPC 2.0 (`onOrderStatusChange`, `getStatus`). This file: the upgrade (auth, refusal),
 * wiring of state events to delivery, and the control routes under `/sandbox/` that tests and demos use to poke
 * consoles. Sockets and calls: gate-sockets.ts; delivery and retries: gate-delivery.ts. Described in docs/sandbox-gate.md.
 */
import { EventEmitter } from 'node:events';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { TEST_NOTIFICATION_ORDER_ID } from '../../shared/invoicebox/schemas.ts';
import type { SandboxContext } from './context.ts';
import {
  NotificationDelivery,
  type AnswerLabel,
  type DeliveryRecord,
  type DeliveryTrace,
} from './gate-delivery.ts';
import { GateSockets, type GateConnection } from './gate-sockets.ts';
import { DEFAULT_MAX_BODY_BYTES, HttpError, readJson, sendError, sendJson } from './http-util.ts';
import { atom, refundNotification, type NotifyEvent } from './state.ts';
import { TimerSet } from './timer-set.ts';
import { parseBody } from './validate.ts';

export const GATE_PATH = '/v3/gate/rpc';
const MAX_FRAME_BYTES = 1_048_576;

/** Defaults of the gate's SandboxOptions. */
export const GATE_DEFAULTS = Object.freeze({
  /**
   * Pauses between tries of an unanswered / `out_of_service` notification: the real gateway's "10 times over the next
   * day", compressed to about 49 minutes (11 tries in all).
   */
  notifyRetryDelaysMs: Object.freeze([
    1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000,
  ]),
  /** The console must answer within 20 s, as the HTTP notification rules say. */
  notifyAnswerTimeoutMs: 20_000,
  notifyReorderFlushMs: 1_000,
  /** Under the usual 30–60 s idle timeouts of proxies and NATs; a dead socket is dropped within 25–50 s. */
  gatePingIntervalMs: 25_000,
  gateCallTimeoutMs: 5_000,
  deliveryLogLimit: 500,
});

export interface SocketInfo {
  id: string;
  merchantId: string;
  connectedAt: string;
  remote: string;
}

/** What benchmarks and the chaos run watch: each notification frame sent, each answer judged (see DeliveryTrace). */
export interface GateEvents {
  sent: [DeliveryTrace];
  answered: [DeliveryTrace & { outcome: AnswerLabel }];
}

export interface Gate {
  /** `sent` / `answered` for every notification frame (nothing is computed when nobody listens). */
  readonly events: EventEmitter<GateEvents>;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Serves the gate's control routes; false when the route is not the gate's. */
  control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Terminates every socket, cancels deliveries, clears every timer, unsubscribes from state events. */
  close(): Promise<void>;
  /** Open gate sockets (of one merchant, or all). */
  connections(merchantId?: string): number;
  sockets(merchantId?: string): SocketInfo[];
  /** Terminates sockets (of one merchant, or all); returns how many. */
  drop(merchantId?: string): number;
  /** The delivery log, oldest first (copies). */
  deliveries(filter?: { orderId?: string; merchantId?: string }): DeliveryRecord[];
  /** Announces a notification to a merchant's consoles, as a status change does. */
  announce(merchantId: string, notification: Record<string, unknown>): DeliveryRecord;
  /** Live resources, for leak checks: all zero after close(). */
  stats(): { connections: number; pendingCalls: number; pendingDeliveries: number; timers: number };
}

export function createGate(ctx: SandboxContext): Gate {
  const opts = ctx.options;
  const now = () => ctx.state.now();
  const callTimeoutMs = opts.gateCallTimeoutMs ?? GATE_DEFAULTS.gateCallTimeoutMs;
  const timers = new TimerSet();
  const sockets = new GateSockets({ faults: ctx.faults, timers, now });
  const events = new EventEmitter<GateEvents>();
  const delivery = new NotificationDelivery({
    observer: {
      sent: (t) => {
        if (events.listenerCount('sent') > 0) events.emit('sent', t);
      },
      answered: (t) => {
        if (events.listenerCount('answered') > 0) events.emit('answered', t);
      },
    },
    sockets,
    faults: ctx.faults,
    timers,
    now,
    settings: {
      retryDelaysMs: opts.notifyRetryDelaysMs ?? GATE_DEFAULTS.notifyRetryDelaysMs,
      answerTimeoutMs: opts.notifyAnswerTimeoutMs ?? GATE_DEFAULTS.notifyAnswerTimeoutMs,
      reorderFlushMs: opts.notifyReorderFlushMs ?? GATE_DEFAULTS.notifyReorderFlushMs,
      logLimit: GATE_DEFAULTS.deliveryLogLimit,
    },
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    clientTracking: false,
    autoPong: false, // pongs are sent by gate-sockets.ts, so the silent fault can withhold them
  });
  let closed = false;

  const onNotify = ({ merchantId, notification }: NotifyEvent): void => {
    // Emitted synchronously from inside API requests: a gate problem must never fail the status change itself.
    try {
      delivery.announce(merchantId, notification);
    } catch (err) {
      console.error('[gate] could not announce a notification', err);
    }
  };
  ctx.state.events.on('notify', onNotify);
  sockets.startHeartbeat(opts.gatePingIntervalMs ?? GATE_DEFAULTS.gatePingIntervalMs);

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = URL.parse(req.url ?? '/', 'http://sandbox.invalid');
    if (!url) return rejectUpgrade(socket, 400, 'bad_request', 'Malformed request target');
    if (closed) return rejectUpgrade(socket, 503, 'service_unavailable', 'The gate is shutting down');
    if (url.pathname !== GATE_PATH) {
      return rejectUpgrade(socket, 404, 'not_found', `The gate is at ${GATE_PATH} (API v3 only)`);
    }
    if (ctx.faults.socketsRefused()) {
      ctx.faults.count('refuseSocketsUntil');
      return rejectUpgrade(socket, 503, 'service_unavailable', 'The gate refuses connections for now');
    }
    const token = url.searchParams.get('token');
    const account = token ? ctx.state.accountByToken(token) : undefined;
    if (!account) return rejectUpgrade(socket, 401, 'unauthorized', 'Missing or unknown token');
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (closed) ws.terminate();
      else sockets.add(ws, account.merchantId, remoteOf(req));
    });
  };

  const routes = createControlRoutes(ctx, sockets, delivery, callTimeoutMs);

  return {
    events,
    handleUpgrade,
    control: (req, res, url) => routes(req, res, url),
    async close() {
      if (closed) return;
      closed = true;
      ctx.state.events.off('notify', onNotify);
      delivery.close();
      sockets.close();
      timers.clear();
      events.removeAllListeners();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    connections: (merchantId) => sockets.list(merchantId).length,
    sockets: (merchantId) => sockets.list(merchantId).map(socketInfo),
    drop: (merchantId) => sockets.drop(merchantId),
    deliveries: (filter) => delivery.records(filter),
    announce: (merchantId, notification) => delivery.announce(merchantId, notification),
    stats: () => ({
      connections: sockets.list().length,
      pendingCalls: sockets.pendingCalls,
      pendingDeliveries: delivery.pending,
      timers: timers.size,
    }),
  };
}

/** Answers a refused upgrade with a real HTTP response (JSON error body, as the API's), then closes the socket. */
function rejectUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      'Cache-Control: no-store\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body,
  );
}

function remoteOf(req: IncomingMessage): string {
  const { remoteAddress, remotePort } = req.socket;
  return `${remoteAddress ?? '?'}:${remotePort ?? '?'}`;
}

function socketInfo(conn: GateConnection): SocketInfo {
  return { id: conn.id, merchantId: conn.merchantId, connectedAt: conn.connectedAt, remote: conn.remote };
}

/** The monitoring service's test notification for one merchant: the fixed order id, empty merchantOrderId. */
export function testNotification(merchantId: string, at: Date): Record<string, unknown> {
  return {
    id: TEST_NOTIFICATION_ORDER_ID,
    merchantId,
    merchantOrderId: '',
    description: 'Тестовое уведомление',
    status: 'completed',
    subtype: 'order',
    amount: 1,
    vatAmount: 0,
    currencyId: 'RUB',
    basketItems: [],
    createdAt: atom(at),
    paidAt: atom(at),
  };
}

// ---- control routes (loopback test/demo API; no auth, never under /v3/) ----

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

const merchantIdField = z.string().min(1).max(64).optional();
const timeoutField = z.number().int().min(1).max(60_000).optional();

const dropBody = z.strictObject({
  merchantId: merchantIdField,
  refuseForSeconds: z.number().finite().min(0).max(86_400).optional(),
});
const getStatusBody = z.strictObject({
  logQuantity: z.number().int().min(0).max(10_000).default(40),
  merchantId: merchantIdField,
  timeoutMs: timeoutField,
});
const testBody = z.strictObject({ merchantId: merchantIdField, timeoutMs: timeoutField });
const resendBody = z.strictObject({ orderId: z.string().min(1).max(64) });
const callBody = z
  .strictObject({
    method: z.string().min(1).max(128).optional(),
    params: z.unknown().optional(),
    raw: z.string().max(MAX_FRAME_BYTES).optional(),
    merchantId: merchantIdField,
    timeoutMs: timeoutField,
  })
  .refine((b) => (b.method === undefined) !== (b.raw === undefined), {
    message: 'Give either "method" (with optional "params") or "raw"',
  });

function createControlRoutes(
  ctx: SandboxContext,
  sockets: GateSockets,
  delivery: NotificationDelivery,
  callTimeoutMs: number,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const maxBytes = ctx.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const body = <S extends z.ZodType>(req: IncomingMessage, schema: S) =>
    readControlBody(req, schema, maxBytes);

  const table = new Map<string, Map<string, Route>>([
    ['/sandbox/sockets', new Map([['GET', async (_req, res) => listSockets(res)]])],
    ['/sandbox/sockets/drop', new Map([['POST', dropSockets]])],
    ['/sandbox/gate/get-status', new Map([['POST', getStatus]])],
    ['/sandbox/gate/call', new Map([['POST', callConsoles]])],
    ['/sandbox/notifications', new Map([['GET', async (_req, res, url) => listNotifications(res, url)]])],
    ['/sandbox/notifications/test', new Map([['POST', sendTestNotification]])],
    ['/sandbox/notifications/resend', new Map([['POST', resend]])],
  ]);

  function listSockets(res: ServerResponse): void {
    sendJson(res, 200, { data: sockets.list().map(socketInfo) });
  }

  async function dropSockets(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { merchantId, refuseForSeconds } = await body(req, dropBody);
    let refuseSocketsUntil: string | null = null;
    if (refuseForSeconds !== undefined && refuseForSeconds > 0) {
      // Armed before the drop, so the consoles' immediate reconnects are refused too.
      const until = ctx.faults.now() + Math.round(refuseForSeconds * 1000);
      ctx.faults.set({ refuseSocketsUntil: until });
      refuseSocketsUntil = new Date(until).toISOString();
    }
    sendJson(res, 200, { data: { dropped: sockets.drop(merchantId), refuseSocketsUntil } });
  }

  async function getStatus(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const b = await body(req, getStatusBody);
    const params = { logQuantity: b.logQuantity };
    const answers = await Promise.all(
      sockets
        .list(b.merchantId)
        .map((c) => sockets.call(c, 'getStatus', params, b.timeoutMs ?? callTimeoutMs)),
    );
    sendJson(res, 200, { data: answers });
  }

  async function sendTestNotification(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const b = await body(req, testBody);
    const at = ctx.state.now();
    const answers = await Promise.all(
      sockets
        .list(b.merchantId)
        .map((c) =>
          sockets.call(
            c,
            'onOrderStatusChange',
            [testNotification(c.merchantId, at)],
            b.timeoutMs ?? callTimeoutMs,
          ),
        ),
    );
    sendJson(res, 200, { data: answers });
  }

  async function callConsoles(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const b = await body(req, callBody);
    const timeoutMs = b.timeoutMs ?? callTimeoutMs;
    const targets = sockets.list(b.merchantId);
    const answers = await Promise.all(
      targets.map((c) =>
        b.raw !== undefined
          ? sockets.sendRaw(c, b.raw, timeoutMs)
          : sockets.call(c, b.method ?? '', b.params, timeoutMs),
      ),
    );
    sendJson(res, 200, { data: answers });
  }

  function listNotifications(res: ServerResponse, url: URL): void {
    const orderId = url.searchParams.get('orderId') ?? undefined;
    const merchantId = url.searchParams.get('merchantId') ?? undefined;
    sendJson(res, 200, { data: delivery.records({ orderId, merchantId }) });
  }

  async function resend(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { orderId } = await body(req, resendBody);
    const current = currentNotification(ctx, orderId);
    if (!current) throw new HttpError(404, 'order_not_found', 'No order or refund with this id');
    const record = delivery.announce(current.merchantId, current.notification);
    sendJson(res, 202, { data: { delivery: record.id, orderId, status: record.status } });
  }

  return async (req, res, url) => {
    const byMethod = table.get(url.pathname);
    if (!byMethod) return false;
    const route = byMethod.get(req.method ?? 'GET');
    try {
      if (!route) {
        res.setHeader('allow', [...byMethod.keys()].join(', '));
        throw new HttpError(405, 'method_not_allowed', `Use ${[...byMethod.keys()].join(' or ')}`);
      }
      await route(req, res, url);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      sendError(res, err);
    }
    return true;
  };
}

/** An order's (or refund's) current state as the notification the gateway would send. */
function currentNotification(
  ctx: SandboxContext,
  id: string,
): { merchantId: string; notification: Record<string, unknown> } | null {
  const order = ctx.state.orders.get(id);
  if (order) return { merchantId: order.view.merchantId, notification: structuredClone(order.view) };
  const refund = ctx.state.refunds.get(id);
  if (refund) return { merchantId: refund.view.merchantId, notification: refundNotification(refund) };
  return null;
}

/** A control body: optional (no body = `{}`), JSON, checked like every control body (422 naming the fields). */
async function readControlBody<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  maxBytes: number,
): Promise<ReturnType<S['parse']>> {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  return parseBody(schema, hasBody ? await readJson(req, maxBytes) : {});
}
