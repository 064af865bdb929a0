/**
 * The sandbox's control API (`/sandbox/…`) for tests, demos and the chaos run: what a customer or the bank would do
 * (pay, decline, expire, settle refunds), the gateway's whole truth (`/sandbox/state`), fault switches, extra
 * accounts and reset. JSON in and out (`{data}`; errors as the API's `{error: {message, code, fields?}}`), plus an HTML
 * index at `GET /sandbox/`. No authentication: the sandbox listens on loopback. Documented in docs/sandbox.md.
 * `/sandbox/sockets/*`, `/sandbox/gate/*`, `/sandbox/notifications/*` belong to the gate (gate.ts), asked first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SandboxContext } from './context.ts';
import type { Account } from './state.ts';
import type { FaultConfig } from './faults.ts';
import { HttpError, readJson, requestId, sendError, sendJson } from './http-util.ts';
import { formatMoney, html, sendPage } from './html.ts';
import { parseBody } from './validate.ts';
import { expireIfDue } from './expiry.ts';
import { declineOrder, expireOrder, payOrder } from './orders.ts';
import { cancelRefund, completeRefund } from './refunds.ts';

interface ControlCall {
  ctx: SandboxContext;
  req: IncomingMessage;
  res: ServerResponse;
  params: string[];
}

interface ControlRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: RegExp;
  /** Returns the `data` to send, or undefined when it answered itself (HTML). */
  handle(call: ControlCall): unknown;
}

const ID = '([0-9A-Za-z-]{1,64})';

const paySchema = z.strictObject({ late: z.boolean().optional() });
const emptySchema = z.strictObject({});
const accountSchema = z.strictObject({
  token: z.string().min(8).max(200).regex(/^\S+$/),
  merchantId: z.string().min(1).max(36),
  name: z.string().min(1).max(200).optional(),
});

const count = z.number().int().min(0).max(1_000_000);
const epochMs = z.number().int().min(0);
const FAULT_FIELDS: { [K in keyof FaultConfig]: z.ZodType<FaultConfig[K]> } = {
  http500: count,
  http429: count,
  httpDelayMs: z.number().int().min(0).max(120_000),
  refuseSocketsUntil: epochMs,
  notifyDelayMs: z.number().int().min(0).max(600_000),
  notifyDuplicate: z.boolean(),
  notifyReorderWindow: z.number().int().min(0).max(100),
  silentUntil: epochMs,
};
const faultPatchSchema = z.strictObject(FAULT_FIELDS).partial();

/** A handler whose JSON body (optional: none at all reads as `{}`) is checked against `schema` first. */
function withBody<S extends z.ZodType>(
  schema: S,
  handle: (call: ControlCall, body: ReturnType<S['parse']>) => unknown,
): (call: ControlCall) => Promise<unknown> {
  return async (call) => {
    const { headers } = call.req;
    const bodyless =
      headers['transfer-encoding'] === undefined && Number(headers['content-length'] ?? 0) === 0;
    const json = bodyless ? {} : await readJson(call.req, call.ctx.options.maxBodyBytes);
    return handle(call, parseBody(schema, json));
  };
}

const ROUTES: readonly ControlRoute[] = [
  {
    method: 'GET',
    path: /^\/sandbox\/$/,
    handle: (c) => sendPage(c.res, 200, 'Песочница Инвойсбокс', indexPage(c.ctx)),
  },
  { method: 'GET', path: /^\/sandbox\/orders$/, handle: (c) => allOrders(c.ctx) },
  { method: 'GET', path: /^\/sandbox\/state$/, handle: (c) => wholeState(c.ctx) },
  {
    method: 'POST',
    path: new RegExp(`^/sandbox/orders/${ID}/pay$`),
    handle: withBody(paySchema, (c, body) => payOrder(c.ctx, c.params[0]!, body)),
  },
  {
    method: 'POST',
    path: new RegExp(`^/sandbox/orders/${ID}/decline$`),
    handle: withBody(emptySchema, (c) => declineOrder(c.ctx, c.params[0]!)),
  },
  {
    method: 'POST',
    path: new RegExp(`^/sandbox/orders/${ID}/expire$`),
    handle: withBody(emptySchema, (c) => expireOrder(c.ctx, c.params[0]!)),
  },
  {
    method: 'POST',
    path: new RegExp(`^/sandbox/refunds/${ID}/complete$`),
    handle: withBody(emptySchema, (c) => completeRefund(c.ctx, c.params[0]!)),
  },
  {
    method: 'POST',
    path: new RegExp(`^/sandbox/refunds/${ID}/cancel$`),
    handle: withBody(emptySchema, (c) => cancelRefund(c.ctx, c.params[0]!)),
  },
  { method: 'GET', path: /^\/sandbox\/faults$/, handle: (c) => faultsView(c.ctx) },
  {
    method: 'POST',
    path: /^\/sandbox\/faults$/,
    handle: withBody(faultPatchSchema, (c, patch) => {
      c.ctx.faults.set(patch);
      return faultsView(c.ctx);
    }),
  },
  {
    method: 'DELETE',
    path: /^\/sandbox\/faults$/,
    handle: (c) => {
      c.ctx.faults.reset();
      return faultsView(c.ctx);
    },
  },
  {
    method: 'POST',
    path: /^\/sandbox\/accounts$/,
    handle: withBody(accountSchema, (c, account) => addAccount(c.ctx, account)),
  },
  {
    method: 'POST',
    path: /^\/sandbox\/reset$/,
    handle: withBody(emptySchema, (c) => {
      c.ctx.state.reset();
      c.ctx.faults.reset();
      c.ctx.changed();
      return wholeState(c.ctx);
    }),
  },
];

/** What an account looks like from outside: never the whole token. */
function publicAccount(account: Account): Record<string, string> {
  return { merchantId: account.merchantId, name: account.name, token: `…${account.token.slice(-4)}` };
}

function addAccount(ctx: SandboxContext, input: z.infer<typeof accountSchema>): Record<string, string> {
  const existing = ctx.state.accountByToken(input.token);
  if (existing && existing.merchantId !== input.merchantId) {
    throw new HttpError(409, 'conflict', 'This token already belongs to another merchant');
  }
  const account: Account = {
    token: input.token,
    merchantId: input.merchantId,
    name: input.name ?? 'Магазин',
  };
  ctx.state.accounts.set(account.token, account);
  ctx.changed();
  return publicAccount(account);
}

/** Every order, any merchant, each checked for expiry first. */
function allOrders(ctx: SandboxContext): unknown[] {
  return [...ctx.state.orders.values()].map((order) => (expireIfDue(ctx, order), order.view));
}

function faultsView(ctx: SandboxContext): unknown {
  return { config: ctx.faults.config, fired: ctx.faults.fired };
}

function wholeState(ctx: SandboxContext): unknown {
  return {
    now: ctx.state.now().toISOString(),
    accounts: [...ctx.state.accounts.values()].map(publicAccount),
    orders: allOrders(ctx),
    refunds: [...ctx.state.refunds.values()].map((r) => r.view),
    faults: faultsView(ctx),
  };
}

/** The last orders first, with their payment pages, and the control routes: for demos in a browser. */
function indexPage(ctx: SandboxContext) {
  const orders = allOrders(ctx).slice(-200).reverse() as Record<string, unknown>[];
  const rows = orders.map(
    (o) =>
      html`<tr>
        <td><code>${o.createdAt}</code></td>
        <td>${o.merchantOrderId}</td>
        <td>${o.description}</td>
        <td class="num">${formatMoney(o.amount, o.currencyId)}</td>
        <td>${o.status}</td>
        <td><a href="/pay/${o.id}">платёжная страница</a></td>
      </tr>`,
  );
  const routes = [
    'GET /sandbox/state',
    'GET /sandbox/orders',
    'POST /sandbox/orders/{id}/pay  {"late": true}?',
    'POST /sandbox/orders/{id}/decline',
    'POST /sandbox/orders/{id}/expire',
    'POST /sandbox/refunds/{id}/complete',
    'POST /sandbox/refunds/{id}/cancel',
    'GET|POST|DELETE /sandbox/faults',
    'POST /sandbox/accounts  {"token", "merchantId", "name"?}',
    'POST /sandbox/reset',
  ].map((r) => html`<li><code>${r}</code></li>`);
  return html`<main class="wide">
    <header>
      <div class="shop">Песочница Инвойсбокс API v3</div>
      <div class="brand">PayDesk</div>
    </header>
    <h1>Заказы (${orders.length})</h1>
    ${
      orders.length === 0
        ? html`<p class="muted">Заказов пока нет. Создайте заказ через API или в консоли PayDesk.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Создан</th>
                <th>Номер</th>
                <th>Описание</th>
                <th class="num">Сумма</th>
                <th>Статус</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`
    }
    <h2>Управление</h2>
    <ul>
      ${routes}
    </ul>
    <p class="muted">Описание: docs/sandbox.md</p>
  </main>`;
}

function findRoute(
  method: string | undefined,
  path: string,
): { route: ControlRoute; params: string[] } | 'wrong-method' | null {
  let pathMatched = false;
  for (const route of ROUTES) {
    const m = route.path.exec(path);
    if (!m) continue;
    if (route.method === method) return { route, params: m.slice(1) };
    pathMatched = true;
  }
  return pathMatched ? 'wrong-method' : null;
}

export function createControlHandler(
  ctx: SandboxContext,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  return async (req, res, url) => {
    const found = findRoute(req.method, url.pathname);
    if (found === null) return false;
    requestId(res);
    try {
      if (found === 'wrong-method')
        throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed here`);
      const data = await found.route.handle({ ctx, req, res, params: found.params });
      req.resume();
      if (!res.headersSent) sendJson(res, 200, { data });
    } catch (err) {
      req.resume();
      if (!(err instanceof HttpError)) throw err;
      sendError(res, err);
    }
    return true;
  };
}
