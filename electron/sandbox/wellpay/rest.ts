/**
 * The REST side as `api.nltrade.in` exposes it:
 *
 *   POST /helpers/getLatestPublicRemoteRsaKey.php   form `access_token=…` → {status, response: {data: {result}}}
 *   POST /method/RemoteInvoiceApi                   JSON {data: base64(RSA(JSON)), access_token} → {status, response?}
 *
 * Failures are non-2xx with `{"status": false, "message": "…"}` (the documented shape for "Your key is too old"; the
 * other messages and codes are the emulator's choice, listed in docs/sandbox-wellpay.md).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { HttpError, readBody, sendJson } from '../http-util.ts';
import type { WellpayContext } from './context.ts';
import { decryptPkcs1v15, publishKey } from './rsa.ts';
import { normaliseIp } from './sockets.ts';
import {
  FINAL_STATUSES,
  INVOICE_COLUMNS,
  PROTECTED_COLUMNS,
  hundredths,
  type InvoiceColumn,
  type InvoiceRow,
} from './state.ts';

export const KEY_PATH = '/helpers/getLatestPublicRemoteRsaKey.php';
export const METHOD_PATH = '/method/RemoteInvoiceApi';
export const VERIFICATION_WORD = 'bandasosamba';
export const KEY_TOO_OLD = 'Your key is too old';

class ApiFailure extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Columns a payer may send in `update` besides `type`, `uid_link`, `log`, `verificationWord`. */
const PAYER_COLUMNS: ReadonlySet<string> = new Set(['status', 'approve_photo']);
/** Statuses a payer may set, and from which status. */
const PAYER_MOVES: Record<string, readonly string[]> = {
  pay: ['send card'],
  notApprove: ['waitPhoto'],
};
/** While a payment is being checked, the merchant cannot take the invoice away. */
const UNREMOVABLE: ReadonlySet<string> = new Set(['pay', 'waitPhoto', 'notApprove', 'success']);

function ok(res: ServerResponse, data?: unknown): void {
  sendJson(res, 200, data === undefined ? { status: true } : { status: true, response: { data } });
}

function fail(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { status: false, message });
}

function send500(res: ServerResponse): void {
  const body =
    '<html><head><title>500 Internal Server Error</title></head><body>Internal Server Error</body></html>';
  res.writeHead(500, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function knownToken(ctx: WellpayContext, token: unknown): token is string {
  return typeof token === 'string' && ctx.state.tokens.has(token);
}

async function serveKey(ctx: WellpayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    throw new ApiFailure(415, 'Content-Type must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(await readBody(req, ctx.options.maxBodyBytes));
  if (!knownToken(ctx, form.get('access_token'))) throw new ApiFailure(401, 'Invalid access token');
  ok(res, { result: publishKey(ctx.keys.current.publicPem) });
}

/** Decrypts `data` with the current key, or tells that an older key was used. */
function decrypt(ctx: WellpayContext, data: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) throw new ApiFailure(400, 'Could not decrypt data');
  const ciphertext = Buffer.from(data, 'base64');
  const open = (pair: typeof ctx.keys.current): Record<string, unknown> | null => {
    const plain = decryptPkcs1v15(pair.privateKey, ciphertext, pair.bits);
    if (!plain) return null;
    try {
      const json: unknown = JSON.parse(plain.toString('utf8'), (key, value: unknown) =>
        key === '__proto__' ? undefined : value,
      );
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
      const payload = json as Record<string, unknown>;
      return payload.verificationWord === VERIFICATION_WORD ? payload : null;
    } catch {
      return null;
    }
  };
  const payload = open(ctx.keys.current);
  if (payload) return payload;
  if (ctx.keys.old.some((pair) => open(pair) !== null)) throw new ApiFailure(400, KEY_TOO_OLD);
  // One answer for every other failure (bad padding, bad JSON, wrong word): no padding oracle.
  throw new ApiFailure(400, 'Could not decrypt data');
}

function requireUid(ctx: WellpayContext, token: string, payload: Record<string, unknown>) {
  const uid = payload.uid_link;
  if (typeof uid !== 'string' || uid.length === 0) throw new ApiFailure(400, 'uid_link is required');
  const invoice = ctx.state.invoice(uid, token);
  if (!invoice) throw new ApiFailure(404, 'Invoice not found');
  return invoice;
}

function create(ctx: WellpayContext, token: string, payload: Record<string, unknown>): string {
  const { title, price } = payload;
  if (typeof title !== 'string' || title.trim().length === 0 || title.length > 255) {
    throw new ApiFailure(400, 'title must be a non-empty string of at most 255 characters');
  }
  if (typeof price !== 'string') throw new ApiFailure(400, 'price must be a string (UAH)');
  const value = hundredths(price.trim());
  if (value === null || value <= 0) {
    throw new ApiFailure(400, 'price must be a positive amount in UAH with at most two decimals');
  }
  return ctx.state.create(token, title, price.trim()).row.uid_link!;
}

function update(
  ctx: WellpayContext,
  req: IncomingMessage,
  token: string,
  payload: Record<string, unknown>,
): void {
  const invoice = requireUid(ctx, token, payload);
  const { row } = invoice;
  if (FINAL_STATUSES.has(row.status ?? '')) throw new ApiFailure(409, `Invoice is closed (${row.status})`);
  const ip = normaliseIp(req.socket.remoteAddress);
  if (row.ip === null || row.ip !== ip) {
    throw new ApiFailure(403, 'Only the IP that joined the invoice first may update it');
  }
  const columns: Partial<InvoiceRow> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (key === 'type' || key === 'uid_link' || key === 'log' || key === 'verificationWord') continue;
    if (!(INVOICE_COLUMNS as readonly string[]).includes(key))
      throw new ApiFailure(400, `Unknown column ${key}`);
    if (!PAYER_COLUMNS.has(key) || PROTECTED_COLUMNS.has(key as InvoiceColumn)) {
      throw new ApiFailure(403, `Column ${key} cannot be updated`);
    }
    if (value !== null && typeof value !== 'string') throw new ApiFailure(400, `${key} must be a string`);
    if (key !== 'status') columns[key as InvoiceColumn] = value;
  }
  const status = payload.status;
  if (status !== undefined) {
    if (typeof status !== 'string' || !PAYER_MOVES[status]?.includes(row.status ?? '')) {
      throw new ApiFailure(409, `Status ${String(status)} cannot be set while the invoice is ${row.status}`);
    }
  }
  if (columns.approve_photo !== undefined) {
    const photo = columns.approve_photo;
    if (row.status !== 'waitPhoto' || photo === null || !/^https?:\/\/\S{1,500}$/.test(photo)) {
      throw new ApiFailure(400, 'approve_photo must be an http(s) URL, sent while the invoice is waitPhoto');
    }
  }
  if (status === 'notApprove' && !(columns.approve_photo ?? row.approve_photo)) {
    throw new ApiFailure(400, 'approve_photo is required to send the invoice to an admin');
  }
  const log =
    typeof payload.log === 'string' && payload.log.length > 0 ? payload.log.slice(0, 500) : undefined;
  ctx.state.change(row.uid_link!, {
    ...(typeof status === 'string' ? { status } : {}),
    columns,
    log: log ?? (status === 'pay' ? 'Заявка оплачена клиентом' : 'Клиент обновил заявку'),
  });
}

async function serveMethod(ctx: WellpayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    throw new ApiFailure(415, 'Content-Type must be application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req, ctx.options.maxBodyBytes));
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new ApiFailure(400, 'Malformed JSON body');
  }
  const { data, access_token: token } = (body ?? {}) as Record<string, unknown>;
  if (!knownToken(ctx, token)) throw new ApiFailure(401, 'Invalid access token');
  if (typeof data !== 'string') throw new ApiFailure(400, 'data is required');
  const payload = decrypt(ctx, data);
  const kind = typeof payload.type === 'string' ? payload.type : '';
  ctx.state.requests.byType[kind] = (ctx.state.requests.byType[kind] ?? 0) + 1;
  switch (kind) {
    case 'create':
      return ok(res, { yourLink: create(ctx, token, payload) });
    case 'get': {
      const row = { ...requireUid(ctx, token, payload).row };
      const malformed = ctx.faults.config.malformedExchangeLog;
      if (malformed && row.exchange_log) {
        ctx.faults.count('malformedExchangeLog');
        row.exchange_log =
          malformed === 'garbage'
            ? row.exchange_log.slice(0, Math.ceil(row.exchange_log.length / 2))
            : row.exchange_log.replace(/\]$/, '');
      }
      return ok(res, { invoice: [row] });
    }
    case 'remove': {
      const invoice = requireUid(ctx, token, payload);
      const status = invoice.row.status ?? '';
      if (UNREMOVABLE.has(status))
        throw new ApiFailure(409, `Invoice cannot be removed while it is ${status}`);
      ctx.state.remove(invoice.row.uid_link!);
      return ok(res);
    }
    case 'update':
      update(ctx, req, token, payload);
      return ok(res);
    default:
      throw new ApiFailure(400, 'Unknown type');
  }
}

/** Serves the REST paths; false when the path is not one of them. */
export async function handleRest(
  ctx: WellpayContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const isKey = url.pathname === KEY_PATH;
  if (!isKey && url.pathname !== METHOD_PATH) return false;
  if (isKey) ctx.state.requests.key += 1;
  else ctx.state.requests.method += 1;
  try {
    if (req.method !== 'POST') throw new ApiFailure(405, 'Method not allowed');
    if (ctx.faults.config.httpDelayMs > 0) await delay(ctx.faults.config.httpDelayMs);
    if (ctx.faults.take500()) {
      req.resume();
      send500(res);
      return true;
    }
    await (isKey ? serveKey(ctx, req, res) : serveMethod(ctx, req, res));
  } catch (err) {
    if (err instanceof ApiFailure) fail(res, err.status, err.message);
    else if (err instanceof HttpError) fail(res, err.status, err.message);
    else throw err;
  }
  return true;
}
