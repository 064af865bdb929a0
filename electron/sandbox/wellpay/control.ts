/**
 * The WellPay emulator's control API, for tests and demos: JSON in and out (`{data}`; errors `{error: {code,
 * message, fields?}}` as the Invoicebox sandbox's control API). Under each of `ctx.controlPrefixes`
 * (`/sandbox/wellpay/` always; standalone also `/sandbox/`). No authentication: the sandbox listens on loopback.
 *
 *   GET    state                      everything: invoices (with status history), tokens (masked), key, faults, sockets
 *   POST   tokens                     {token?} → {token}: a new access token (random unless given)
 *   POST   invoices                   {title, price, token?} → the invoice row (no encryption; for demos)
 *   GET    invoices/{uid}             the row, its log and status history
 *   POST   invoices/{uid}/status      {status, log?, ...columns} → the row: what a trader or an admin does
 *   POST   key/rotate                 → {generation}: a new key pair; calls with the old key get "Your key is too old"
 *   POST   sockets/drop               {refuseSeconds?} → {dropped}: closes every socket (clients reconnect)
 *   GET    faults | POST faults {…} | DELETE faults
 *   POST   reset                      no invoices, no faults (tokens and key stay)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { HttpError, readJson, sendError, sendJson } from '../http-util.ts';
import { parseBody } from '../validate.ts';
import type { WellpayContext } from './context.ts';
import {
  FINAL_STATUSES,
  INVOICE_COLUMNS,
  PROTECTED_COLUMNS,
  WELLPAY_STATUSES,
  hundredths,
  type InvoiceRow,
  type StoredInvoice,
} from './state.ts';

const column = z.string().max(2000).nullable().optional();
const statusSchema = z.strictObject({
  status: z.enum(WELLPAY_STATUSES),
  log: z.string().min(1).max(500).optional(),
  ...Object.fromEntries(
    INVOICE_COLUMNS.filter((c) => c !== 'status' && !PROTECTED_COLUMNS.has(c)).map((c) => [c, column]),
  ),
});
const tokenSchema = z.strictObject({ token: z.string().min(8).max(200).regex(/^\S+$/).optional() });
const invoiceSchema = z.strictObject({
  title: z.string().min(1).max(255),
  price: z.string().refine((p) => (hundredths(p) ?? 0) > 0, 'a positive UAH amount, at most two decimals'),
  token: z.string().optional(),
});
const faultSchema = z.strictObject({
  http500: z.number().int().min(0).max(1_000_000).optional(),
  httpDelayMs: z.number().int().min(0).max(120_000).optional(),
  refuseSocketsSeconds: z.number().min(0).max(86_400).optional(),
  // true = 'truncated'
  malformedExchangeLog: z
    .union([z.boolean(), z.enum(['truncated', 'garbage'])])
    .transform((v) => (v === true ? ('truncated' as const) : v))
    .optional(),
});
const dropSchema = z.strictObject({ refuseSeconds: z.number().min(0).max(86_400).optional() });
const emptySchema = z.strictObject({});

async function body<S extends z.ZodType>(
  ctx: WellpayContext,
  req: IncomingMessage,
  schema: S,
): Promise<ReturnType<S['parse']>> {
  const { headers } = req;
  const bodyless = headers['transfer-encoding'] === undefined && Number(headers['content-length'] ?? 0) === 0;
  const json = bodyless ? {} : await readJson(req, ctx.options.maxBodyBytes);
  return parseBody(schema, json);
}

function maskToken(token: string): string {
  return `…${token.slice(-4)}`;
}

function invoiceView(invoice: StoredInvoice) {
  return {
    row: { ...invoice.row },
    token: maskToken(invoice.token),
    log: invoice.log.map((e) => ({ ...e })),
    history: invoice.history.map((h) => ({ ...h })),
  };
}

function faultsView(ctx: WellpayContext) {
  return { config: { ...ctx.faults.config }, fired: { ...ctx.faults.fired } };
}

function wholeState(ctx: WellpayContext) {
  return {
    invoices: [...ctx.state.invoices.values()].map(invoiceView),
    tokens: [...ctx.state.tokens].map(maskToken),
    key: {
      generation: ctx.keys.current.generation,
      bits: ctx.keys.current.bits,
      oldGenerations: ctx.keys.old.map((k) => k.generation),
    },
    requests: { ...ctx.state.requests, byType: { ...ctx.state.requests.byType } },
    sockets: ctx.sockets.sockets(),
    faults: faultsView(ctx),
  };
}

function lookup(ctx: WellpayContext, uid: string): StoredInvoice {
  const invoice = ctx.state.invoice(uid);
  if (!invoice) throw new HttpError(404, 'not_found', `No invoice ${uid}`);
  return invoice;
}

type Route = {
  method: 'GET' | 'POST' | 'DELETE';
  path: RegExp;
  handle(ctx: WellpayContext, req: IncomingMessage, params: string[]): unknown;
};

const UID = '([0-9A-Za-z_-]{1,200})';

const ROUTES: readonly Route[] = [
  { method: 'GET', path: /^state$/, handle: (ctx) => wholeState(ctx) },
  {
    method: 'POST',
    path: /^tokens$/,
    handle: async (ctx, req) => ({ token: ctx.state.addToken((await body(ctx, req, tokenSchema)).token) }),
  },
  {
    method: 'POST',
    path: /^invoices$/,
    handle: async (ctx, req) => {
      const input = await body(ctx, req, invoiceSchema);
      const token = input.token ?? [...ctx.state.tokens][0] ?? ctx.state.addToken();
      if (!ctx.state.tokens.has(token)) throw new HttpError(404, 'not_found', 'Unknown token');
      return invoiceView(ctx.state.create(token, input.title, input.price));
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^invoices/${UID}$`),
    handle: (ctx, _req, p) => invoiceView(lookup(ctx, p[0]!)),
  },
  {
    method: 'POST',
    path: new RegExp(`^invoices/${UID}/status$`),
    handle: async (ctx, req, p) => {
      const invoice = lookup(ctx, p[0]!);
      const { status, log, ...columns } = await body(ctx, req, statusSchema);
      if (FINAL_STATUSES.has(invoice.row.status ?? '')) {
        throw new HttpError(409, 'wrong_status', `The invoice is ${invoice.row.status} already (final)`);
      }
      ctx.state.change(p[0]!, { status, columns: columns as Partial<InvoiceRow>, log });
      return invoiceView(invoice);
    },
  },
  {
    method: 'POST',
    path: /^key\/rotate$/,
    handle: async (ctx, req) => {
      await body(ctx, req, emptySchema);
      const fresh = await ctx.keys.rotate();
      return { generation: fresh.generation, bits: fresh.bits };
    },
  },
  {
    method: 'POST',
    path: /^sockets\/drop$/,
    handle: async (ctx, req) => {
      const { refuseSeconds } = await body(ctx, req, dropSchema);
      if (refuseSeconds !== undefined) {
        ctx.faults.set({ refuseSocketsUntil: ctx.faults.now() + Math.round(refuseSeconds * 1000) });
      }
      return { dropped: ctx.sockets.drop() };
    },
  },
  { method: 'GET', path: /^faults$/, handle: (ctx) => faultsView(ctx) },
  {
    method: 'POST',
    path: /^faults$/,
    handle: async (ctx, req) => {
      const { refuseSocketsSeconds, ...rest } = await body(ctx, req, faultSchema);
      ctx.faults.set(rest);
      if (refuseSocketsSeconds !== undefined) {
        ctx.faults.set({ refuseSocketsUntil: ctx.faults.now() + Math.round(refuseSocketsSeconds * 1000) });
      }
      return faultsView(ctx);
    },
  },
  {
    method: 'DELETE',
    path: /^faults$/,
    handle: (ctx) => {
      ctx.faults.reset();
      return faultsView(ctx);
    },
  },
  {
    method: 'POST',
    path: /^reset$/,
    handle: async (ctx, req) => {
      await body(ctx, req, emptySchema);
      ctx.faults.reset();
      ctx.state.reset();
      return wholeState(ctx);
    },
  },
];

/** Serves the control routes; false when the path is under none of the control prefixes or matches no route. */
export async function handleControl(
  ctx: WellpayContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const prefix = ctx.controlPrefixes.find((p) => url.pathname.startsWith(p));
  if (prefix === undefined) return false;
  const rest = url.pathname.slice(prefix.length);
  const matching = ROUTES.filter((r) => r.path.test(rest));
  if (matching.length === 0) return false;
  try {
    const route = matching.find((r) => r.method === req.method);
    if (!route) throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed here`);
    const params = route.path.exec(rest)!.slice(1);
    sendJson(res, 200, { data: await route.handle(ctx, req, params) });
  } catch (err) {
    if (err instanceof HttpError) sendError(res, err);
    else throw err;
  }
  return true;
}
