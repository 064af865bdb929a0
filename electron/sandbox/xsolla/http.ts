/**
 * The Xsolla emulator's HTTP side: the Store API's Get order (`GET /api/v2/project/{project_id}/order/{order_id}`,
 * Bearer user JWT) and the control API for tests and demos (`<prefix>/orders`, `<prefix>/faults`, …; JSON, answers
 * `{data}`, errors `{error: {message, code, fields?}}` as the Invoicebox sandbox's). Documented in
 * docs/sandbox-xsolla.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { HttpError, readJson, requestId, sendError, sendJson } from '../http-util.ts';
import { parseBody } from '../validate.ts';
import type { CentrifugeServer } from './centrifuge-server.ts';
import { CLOSE } from './centrifuge-server.ts';
import type { XsollaFaults } from './faults.ts';
import {
  orderView,
  parseMajor,
  userChannel,
  XSOLLA_STATUSES,
  XsollaStateError,
  type XsollaItem,
  type XsollaOrder,
  type XsollaState,
} from './state.ts';

const ORDER_PATH = /^\/api\/v2\/project\/([^/]+)\/order\/([^/]+)$/;

export interface HttpDeps {
  state: XsollaState;
  faults: XsollaFaults;
  ws: CentrifugeServer;
  /** Control API mount points, e.g. `['/sandbox/xsolla', '/sandbox']`. */
  controlPrefixes: readonly string[];
  maxBodyBytes?: number;
}

/** An error as the Store API sends it. The exact codes and messages are unconfirmed (the seed shows none). */
function storeError(res: ServerResponse, statusCode: number, errorCode: number, message: string): void {
  sendJson(res, statusCode, {
    statusCode,
    errorCode,
    errorMessage: `[0401-${errorCode}]: ${message}`,
  });
}

export function handleStoreApi(deps: HttpDeps, req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (!url.pathname.startsWith('/api/v2/')) return false;
  req.resume();
  const match = ORDER_PATH.exec(url.pathname);
  if (!match) {
    storeError(res, 404, 404, 'Not found');
    return true;
  }
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    storeError(res, 405, 405, 'Method not allowed');
    return true;
  }
  deps.state.counters.getOrder += 1;
  if (deps.faults.take('http500')) {
    storeError(res, 500, 500, 'Internal server error');
    return true;
  }
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const check = bearer ? deps.state.checkToken(bearer) : null;
  if (!check?.ok) {
    const expired = check?.reason === 'expired';
    storeError(
      res,
      401,
      1501,
      expired ? 'Authorization failed: Token expired' : 'Authorization failed: Invalid token',
    );
    return true;
  }
  const projectId = Number(match[1]);
  const orderId = Number(match[2]);
  const order = Number.isSafeInteger(orderId) ? deps.state.orders.get(orderId) : undefined;
  // Another user's or another project's order is never revealed: 404 as for an unknown id.
  if (
    !order ||
    order.projectId !== projectId ||
    check.projectId !== projectId ||
    order.userId !== check.userId
  ) {
    storeError(res, 404, 9001, `Order not found`);
    return true;
  }
  sendJson(res, 200, orderView(order));
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Control API

const decimal = z.union([z.string().regex(/^\d{1,12}(\.\d+)?$/), z.number().nonnegative()]);
const createSchema = z.strictObject({
  project_id: z.number().int().positive().optional(),
  user: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  amount: decimal.optional(),
  items: z
    .array(
      z.strictObject({
        sku: z.string().min(1).max(255),
        quantity: z.number().int().positive().max(1_000_000).optional(),
        price: decimal.optional(),
      }),
    )
    .min(1)
    .max(100)
    .optional(),
});
const statusSchema = z.strictObject({ status: z.enum(XSOLLA_STATUSES), publish: z.boolean().optional() });
const tokenSchema = z.strictObject({ ttl_seconds: z.number().int().min(-86_400).max(2_592_000).optional() });
const count = z.number().int().min(0).max(1_000_000);
const ms = z.number().int().min(0).max(86_400_000);
const faultSchema = z.strictObject({
  refuseConnectsForMs: ms.optional(),
  silencePingsForMs: ms.optional(),
  http500: count.optional(),
  publishDelayMs: z.number().int().min(0).max(600_000).optional(),
  historyErrors: count.optional(),
  dropSockets: z.literal(true).optional(),
  closeSockets: z
    .strictObject({ code: z.number().int().min(3000).max(4999), reason: z.string().max(120).optional() })
    .optional(),
  expireTokens: z.literal(true).optional(),
  resetStreams: z.literal(true).optional(),
});
const emptySchema = z.strictObject({});

interface Call {
  deps: HttpDeps;
  req: IncomingMessage;
  params: string[];
}

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: RegExp;
  handle(call: Call): unknown;
}

function withBody<S extends z.ZodType>(
  schema: S,
  handle: (call: Call, body: ReturnType<S['parse']>) => unknown,
): (call: Call) => Promise<unknown> {
  return async (call) => {
    const { headers } = call.req;
    const bodyless =
      headers['transfer-encoding'] === undefined && Number(headers['content-length'] ?? 0) === 0;
    const json = bodyless ? {} : await readJson(call.req, call.deps.maxBodyBytes);
    return handle(call, parseBody(schema, json));
  };
}

const ID = '(\\d{1,15})';

const ROUTES: readonly Route[] = [
  { method: 'GET', path: /^\/state$/, handle: (c) => wholeState(c.deps) },
  { method: 'GET', path: /^\/orders$/, handle: (c) => [...c.deps.state.orders.values()].map(controlView) },
  {
    method: 'POST',
    path: /^\/orders$/,
    handle: withBody(createSchema, (c, body) => createOrder(c.deps, body)),
  },
  {
    method: 'GET',
    path: new RegExp(`^/orders/${ID}$`),
    handle: (c) => controlView(c.deps.state.order(Number(c.params[0]))),
  },
  {
    method: 'POST',
    path: new RegExp(`^/orders/${ID}/status$`),
    handle: withBody(statusSchema, (c, body) =>
      controlView(c.deps.state.setStatus(Number(c.params[0]), body.status, body.publish ?? true)),
    ),
  },
  {
    method: 'POST',
    path: new RegExp(`^/orders/${ID}/token$`),
    handle: withBody(tokenSchema, (c, body) => {
      const order = c.deps.state.order(Number(c.params[0]));
      return { token: c.deps.state.issueToken(order.userId, order.projectId, body.ttl_seconds) };
    }),
  },
  { method: 'GET', path: /^\/faults$/, handle: (c) => faultsView(c.deps) },
  {
    method: 'POST',
    path: /^\/faults$/,
    handle: withBody(faultSchema, (c, body) => applyFaults(c.deps, body)),
  },
  {
    method: 'DELETE',
    path: /^\/faults$/,
    handle: (c) => {
      c.deps.faults.reset();
      return faultsView(c.deps);
    },
  },
  {
    method: 'POST',
    path: /^\/reset$/,
    handle: withBody(emptySchema, (c) => {
      c.deps.faults.reset();
      c.deps.state.reset();
      return wholeState(c.deps);
    }),
  },
];

export async function handleControl(
  deps: HttpDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const prefix = deps.controlPrefixes.find((p) => url.pathname.startsWith(`${p}/`));
  if (prefix === undefined) return false;
  const rest = url.pathname.slice(prefix.length);
  let wrongMethod = false;
  let found: { route: Route; params: string[] } | null = null;
  for (const route of ROUTES) {
    const m = route.path.exec(rest);
    if (!m) continue;
    if (route.method !== req.method) {
      wrongMethod = true;
      continue;
    }
    found = { route, params: m.slice(1) };
    break;
  }
  if (!found && !wrongMethod) return false;
  requestId(res);
  try {
    if (!found) throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed here`);
    const data = await found.route.handle({ deps, req, params: found.params });
    req.resume();
    sendJson(res, 200, { data });
  } catch (err) {
    req.resume();
    if (err instanceof XsollaStateError) sendError(res, new HttpError(err.status, err.code, err.message));
    else if (err instanceof HttpError) sendError(res, err);
    else throw err;
  }
  return true;
}

function createOrder(deps: HttpDeps, body: z.infer<typeof createSchema>): unknown {
  const currency = body.currency ?? 'USD';
  const money = (value: string | number, field: string): number => {
    const minor = parseMajor(value, currency);
    if (minor === null) {
      throw new HttpError(422, 'validation_error', 'Request validation failed', [
        { name: field, code: 'wrong_value', message: `Not an amount in ${currency}` },
      ]);
    }
    return minor;
  };
  let items: XsollaItem[] | undefined;
  if (body.items) {
    const amountMinor = body.amount === undefined ? undefined : money(body.amount, 'amount');
    items = body.items.map((item, i) => ({
      sku: item.sku,
      quantity: item.quantity ?? 1,
      unitMinor:
        item.price !== undefined
          ? money(item.price, `items.${i}.price`)
          : // No item prices: the order amount (or 9.99) split over the first line.
            i === 0
            ? (amountMinor ?? 999)
            : 0,
    }));
  }
  const { order, token } = deps.state.createOrder({
    projectId: body.project_id,
    userId: body.user,
    currency,
    amountMinor: body.amount === undefined ? undefined : money(body.amount, 'amount'),
    items,
  });
  return {
    project_id: order.projectId,
    order_id: order.orderId,
    token,
    user: order.userId,
    channel: userChannel(order.projectId, order.userId),
    status: order.status,
  };
}

function applyFaults(deps: HttpDeps, body: z.infer<typeof faultSchema>): unknown {
  const { faults, state, ws } = deps;
  const now = state.now().getTime();
  const actions: Record<string, number | boolean> = {};
  if (body.refuseConnectsForMs !== undefined)
    faults.set({ refuseConnectsUntil: now + body.refuseConnectsForMs });
  if (body.silencePingsForMs !== undefined) faults.set({ silentUntil: now + body.silencePingsForMs });
  if (body.http500 !== undefined) faults.set({ http500: body.http500 });
  if (body.publishDelayMs !== undefined) faults.set({ publishDelayMs: body.publishDelayMs });
  if (body.historyErrors !== undefined) faults.set({ historyErrors: body.historyErrors });
  if (body.resetStreams) {
    state.resetStreams();
    actions.streamsReset = true;
  }
  if (body.expireTokens) {
    actions.expiredTokens = state.expireAllTokens();
    // Open sessions end as a server does when a connection's credentials expire: reconnect, then 109.
    actions.closed = ws.closeAll(CLOSE.expired.code, CLOSE.expired.reason);
  }
  if (body.closeSockets) {
    actions.closed = ws.closeAll(body.closeSockets.code, body.closeSockets.reason ?? 'closed by the sandbox');
  }
  if (body.dropSockets) actions.dropped = ws.drop();
  return { ...(faultsView(deps) as object), actions };
}

function faultsView(deps: HttpDeps): unknown {
  const { config, fired } = deps.faults;
  const now = deps.state.now().getTime();
  return {
    config: { ...config },
    active: {
      refuseConnects: config.refuseConnectsUntil > now,
      silentPings: config.silentUntil > now,
    },
    fired: { ...fired },
  };
}

function controlView(order: XsollaOrder): unknown {
  return {
    ...(orderView(order) as object),
    project_id: order.projectId,
    user: order.userId,
    channel: userChannel(order.projectId, order.userId),
    created_at: order.createdAt,
    status_history: order.statusHistory,
  };
}

function wholeState(deps: HttpDeps): unknown {
  const { state } = deps;
  return {
    now: state.now().toISOString(),
    orders: [...state.orders.values()].map(controlView),
    streams: [...state.streams.values()].map((s) => ({
      channel: s.channel,
      epoch: s.epoch,
      offset: s.offset,
      publications: s.publications,
    })),
    sessions: deps.ws.sessions(),
    counters: { ...state.counters },
    faults: faultsView(deps),
  };
}
