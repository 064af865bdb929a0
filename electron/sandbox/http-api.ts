/**
 * The Invoicebox API v3 over HTTP (`/v3/…`, and the same paths under `/l3/`): routing, authentication, rate limits
 * and injected faults, then the business in orders.ts / refunds.ts. Every answer carries `X-Request-Id`; success is
 * `{data, extendedData: []}`, failure `{error: {message, code, fields?}}`.
 *
 * Per request, in this order: injected delay → injected fault (500 / 429) → per-IP limit → route (404 / 405) →
 * token (401) → per-account limit → handler (body: 415 / 400 / 413, then 422 / 403 / 404).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxContext } from './context.ts';
import type { Account } from './state.ts';
import { HttpError, readJson, requestId, sendError, sendJson } from './http-util.ts';
import { DEFAULT_RATE_LIMIT, IP_LIMIT_FACTOR, SlidingWindowLimiter, TooManyRequests } from './rate-limit.ts';
import { FilterError } from './filter.ts';
import { validationError } from './validate.ts';
import { cancelOrder, createOrder, listOrders, updateOrder } from './orders.ts';
import { createRefund, listRefunds, refundableItems } from './refunds.ts';

interface Call {
  ctx: SandboxContext;
  req: IncomingMessage;
  url: URL;
  params: string[];
  /** null only on the public route (the auth check without a token). */
  account: Account | null;
}

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: RegExp;
  /** Answers without a token too. */
  public?: true;
  handle(call: Call): unknown;
}

const ID = '([0-9A-Za-z-]{1,64})';

const ROUTES: readonly Route[] = [
  { method: 'GET', path: /^\/security\/api\/auth\/auth$/, public: true, handle: (c) => authInfo(c.account) },
  {
    method: 'POST',
    path: /^\/billing\/api\/order\/order$/,
    handle: async (c) => createOrder(c.ctx, own(c), await body(c)),
  },
  {
    method: 'PUT',
    path: new RegExp(`^/billing/api/order/order/${ID}$`),
    handle: async (c) => updateOrder(c.ctx, own(c), c.params[0]!, await body(c)),
  },
  {
    method: 'DELETE',
    path: new RegExp(`^/billing/api/order/order/${ID}$`),
    handle: (c) => cancelOrder(c.ctx, own(c), c.params[0]!),
  },
  {
    method: 'GET',
    path: new RegExp(`^/billing/api/order/order/${ID}/refund-basket-item$`),
    handle: (c) => refundableItems(c.ctx, own(c), c.params[0]!),
  },
  {
    method: 'POST',
    path: /^\/billing\/api\/order\/refund-order$/,
    handle: async (c) => createRefund(c.ctx, own(c), await body(c)),
  },
  {
    method: 'GET',
    path: /^\/filter\/api\/order\/order$/,
    handle: (c) => listOrders(c.ctx, own(c), c.url.searchParams),
  },
  {
    method: 'GET',
    path: /^\/filter\/api\/order\/refund-order$/,
    handle: (c) => listRefunds(c.ctx, own(c), c.url.searchParams),
  },
];

function own(call: Call): Account {
  if (!call.account) throw new HttpError(401, 'unauthorized', 'Authorization required');
  return call.account;
}

function body(call: Call): Promise<unknown> {
  return readJson(call.req, call.ctx.options.maxBodyBytes);
}

/** The auth check: who the token is. The token itself is never echoed, only its last four characters. */
function authInfo(account: Account | null): unknown {
  if (!account) return { userId: null, profile: null, accessToken: null };
  return {
    userId: account.merchantId,
    profile: { merchantId: account.merchantId, name: account.name },
    accessToken: { type: 'Bearer', masked: `…${account.token.slice(-4)}`, expiresAt: null },
  };
}

function findRoute(method: string | undefined, path: string): { route: Route; params: string[] } {
  let pathMatched = false;
  for (const r of ROUTES) {
    const m = r.path.exec(path);
    if (!m) continue;
    if (r.method === method) return { route: r, params: m.slice(1) };
    pathMatched = true;
  }
  if (pathMatched) throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here`);
  throw new HttpError(404, 'not_found', `No API method at ${path}`);
}

/** The account of `Authorization: Bearer <token>`; null when there is no header and the route is public. */
function authenticate(ctx: SandboxContext, req: IncomingMessage, isPublic: boolean): Account | null {
  const header = req.headers.authorization;
  if (header === undefined && isPublic) return null;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  const account = token === undefined ? undefined : ctx.state.accountByToken(token);
  if (!account) throw new HttpError(401, 'unauthorized', header ? 'Invalid token' : 'Authorization required');
  return account;
}

function injectFault(ctx: SandboxContext): void {
  const fault = ctx.faults.takeHttpFault();
  if (fault === 500) throw new HttpError(500, 'internal_error', 'Internal server error (injected fault)');
  if (fault === 429) throw new TooManyRequests(1, 'Too many requests (injected fault)');
}

export function createApiHandler(
  ctx: SandboxContext,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const perAccount = new SlidingWindowLimiter(ctx.options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const perIp = new SlidingWindowLimiter({
    requests: perAccount.limit.requests * IP_LIMIT_FACTOR,
    windowMs: perAccount.limit.windowMs,
  });
  const now = (): number => ctx.state.now().getTime();

  return async (req, res, url) => {
    requestId(res);
    try {
      const delay = ctx.faults.config.httpDelayMs;
      if (delay > 0) await sleep(delay, undefined, { ref: false }); // never holds a stopping process
      injectFault(ctx);
      perIp.take(req.socket.remoteAddress ?? 'unknown', now());
      const { route, params } = findRoute(req.method, url.pathname.replace(/^\/[lv]3(?=\/)/, ''));
      const account = authenticate(ctx, req, route.public === true);
      if (account) perAccount.take(account.token, now());
      const data = await route.handle({ ctx, req, url, params, account });
      req.resume(); // a body nobody asked for must not stall the connection
      sendJson(res, 200, { data, extendedData: [] });
    } catch (err) {
      req.resume();
      sendError(res, asHttpError(err, res));
    }
  };
}

/** Known failures become their HTTP error; anything else is a bug, answered 500 and logged. */
function asHttpError(err: unknown, res: ServerResponse): HttpError {
  if (err instanceof TooManyRequests) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  if (err instanceof HttpError) return err;
  if (err instanceof FilterError) return validationError(err.fields);
  console.error('[sandbox] API handler failed', err);
  return new HttpError(500, 'internal_error', 'Internal sandbox error');
}
