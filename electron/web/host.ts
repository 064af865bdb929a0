/**
 * The browser host: the same renderer the Electron window shows, served to a real browser on 127.0.0.1, with the
 * contract bridged over loopback HTTP instead of IPC.
 *
 *   POST /bridge/<method>   JSON input → core.invoke → {ok:true,data} | {ok:false,error:{code,message,requestId,fields}}
 *   GET  /bridge/events     server-sent events: `connection`, `order`, `log` (+ `ping` every 10 s)
 *   GET  /, /assets/…       the built renderer (out/renderer)
 *
 * Who may talk to it: whoever holds the one-time secret printed at start (`/?k=<secret>`). Opening that link trades
 * the secret for an HttpOnly, SameSite=Strict session cookie and redirects to `/`; the secret is then spent. Every
 * other request needs that cookie. Around that:
 *  - binds 127.0.0.1 only, and refuses any Host header other than `127.0.0.1:<port>` (DNS rebinding: a page at
 *    evil.example resolving to 127.0.0.1 would send `Host: evil.example`);
 *  - bridge calls must be same-origin (Origin / Sec-Fetch-Site checked when the browser sends them) and JSON;
 *  - strict CSP and friends on every response, no-referrer so the secret never leaks through a Referer.
 * Secrets and session ids are compared by their SHA-256, never stored in clear.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ProviderView } from '../../shared/contract/providers.ts';
import type { EventEmitter } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import {
  METHOD_NAMES,
  type ConnectionView,
  type MethodName,
  type OrderView,
} from '../../shared/contract/contract.ts';

/** What the host needs of the core (createCore's Core satisfies it). */
export interface BridgeCore {
  invoke(method: MethodName, input: unknown): Promise<unknown>;
  readonly events: EventEmitter<{
    connection: [ConnectionView];
    order: [OrderView];
    log: [string];
    provider: [ProviderView];
  }>;
}

export interface WebHostOptions {
  core: BridgeCore;
  /** Directory of the built renderer (index.html + assets/). */
  rendererDir: string;
  /** 0 (default): any free port. */
  port?: number;
  /** Largest bridge request body, bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Heartbeat on the event stream, ms (default 10 000). */
  pingMs?: number;
}

export interface WebHost {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** The first one-time login link (`<origin>/?k=<secret>`). */
  readonly loginUrl: string;
  /** Another one-time login link (a second browser profile, a test's second context). */
  newLoginUrl(): string;
  close(): Promise<void>;
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const METHODS = new Set<string>(METHOD_NAMES);
const digest = (value: string): string => createHash('sha256').update(value).digest('hex');
const token = (): string => randomBytes(32).toString('base64url');

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store', ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function page(title: string, text: string): string {
  const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body style="font:18px/1.5 system-ui,sans-serif;max-width:640px;margin:15vh auto;padding:0 24px;color:#0c1526"><h1 style="font-size:26px">${esc(title)}</h1><p>${esc(text)}</p></body></html>`;
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw new HttpError(413, 'payload_too_large', `body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new HttpError(413, 'payload_too_large', `body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The contract error of anything the core threw: a code, a message, the request id; never a stack. */
function contractError(err: unknown): {
  code: string;
  message: string;
  requestId: string | null;
  fields?: { name: string; code: string }[];
} {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; requestId?: unknown; fields?: unknown };
  if (typeof e.code !== 'string') {
    return {
      code: 'internal_error',
      message: 'Unexpected error in the console; see the log',
      requestId: null,
    };
  }
  const out: {
    code: string;
    message: string;
    requestId: string | null;
    fields?: { name: string; code: string }[];
  } = {
    code: e.code,
    message: typeof e.message === 'string' ? e.message : e.code,
    requestId: typeof e.requestId === 'string' ? e.requestId : null,
  };
  if (Array.isArray(e.fields)) out.fields = e.fields as { name: string; code: string }[];
  return out;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core } = options;
  const root = resolve(options.rendererDir);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const pingMs = options.pingMs ?? 10_000;
  const secrets = new Set<string>(); // digests of unspent login secrets
  const sessions = new Set<string>(); // digests of session ids
  const streams = new Set<ServerResponse>();
  let port = 0;
  let origin = '';
  let cookieName = 'paydesk_session';

  const isSession = (req: IncomingMessage): boolean => {
    const value = parseCookies(req.headers.cookie).get(cookieName);
    return value !== undefined && sessions.has(digest(value));
  };

  const newLoginUrl = (): string => {
    const secret = token();
    secrets.add(digest(secret));
    return `${origin}/?k=${secret}`;
  };

  /**
   * Hashed assets (assets/<name>-<hash>.js) never change content under their name: read once, then served from
   * memory (no stat and read on the thread pool for each of a cold start's requests). The page itself is always
   * re-read, so a rebuild is picked up.
   */
  const assetCache = new Map<string, Buffer>();
  let assetCacheBytes = 0;
  const ASSET_CACHE_MAX = 32 * 1024 * 1024;

  async function readStatic(file: string, immutable: boolean): Promise<Buffer> {
    const cached = immutable ? assetCache.get(file) : undefined;
    if (cached) return cached;
    let info;
    try {
      info = await stat(file);
    } catch {
      throw new HttpError(404, 'not_found', 'not found');
    }
    if (!info.isFile()) throw new HttpError(404, 'not_found', 'not found');
    const body = await readFile(file);
    if (immutable && assetCacheBytes + body.length <= ASSET_CACHE_MAX) {
      assetCache.set(file, body);
      assetCacheBytes += body.length;
    }
    return body;
  }

  async function serveStatic(res: ServerResponse, pathname: string, head: boolean): Promise<void> {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = resolve(join(root, normalize(rel)));
    if (file !== root && !file.startsWith(root + sep)) throw new HttpError(404, 'not_found', 'not found');
    // Hashed asset names never change content; the page itself is always re-read.
    const immutable = rel.startsWith('assets/');
    const body = await readStatic(file, immutable);
    const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const cache = immutable ? 'public, max-age=31536000, immutable' : 'no-store';
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': type,
      'content-length': String(body.length),
      'cache-control': cache,
    });
    res.end(head ? undefined : body);
  }

  async function bridgeCall(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    // Same-origin only: a cross-site page cannot send the SameSite=Strict cookie anyway; refuse it outright.
    const fetchSite = req.headers['sec-fetch-site'];
    if (fetchSite !== undefined && fetchSite !== 'same-origin')
      throw new HttpError(403, 'cross_origin', 'cross-origin call');
    if (req.headers.origin !== undefined && req.headers.origin !== origin)
      throw new HttpError(403, 'cross_origin', 'cross-origin call');
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      throw new HttpError(415, 'unsupported_media_type', 'JSON only');
    }
    if (!METHODS.has(method))
      throw new HttpError(404, 'unknown_method', `unknown method ${method.slice(0, 64)}`);
    const raw = await readBody(req, maxBody);
    let input: unknown;
    try {
      input = raw === '' ? {} : JSON.parse(raw);
    } catch {
      throw new HttpError(400, 'invalid_json', 'the body is not JSON');
    }
    try {
      const data = await core.invoke(method as MethodName, input);
      sendJson(res, 200, { ok: true, data });
    } catch (err) {
      sendJson(res, 200, { ok: false, error: contractError(err) });
    }
  }

  function eventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    (req.socket as Socket).setNoDelay(true);
    (req.socket as Socket).setKeepAlive(true, 15_000);
    streams.add(res);
    const write = (event: string, data: unknown): void => {
      if (res.writableEnded) return;
      // A client that stopped reading is dropped rather than buffered without end; it reconnects and resyncs.
      if (res.writableLength > 4 * 1024 * 1024) {
        res.destroy();
        return;
      }
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      // Node corks a response's socket until the next tick; an event must leave now, even when the event loop is
      // about to block (a status is sent just before its COMMIT's fsync). Measured: 50 ms → 1 ms behind a 50 ms block.
      res.socket?.uncork();
    };
    const onConnection = (v: ConnectionView): void => write('connection', v);
    const onOrder = (v: OrderView): void => write('order', v);
    const onLog = (line: string): void => write('log', line);
    const onProvider = (v: ProviderView): void => write('provider', v);
    core.events.on('provider', onProvider);
    core.events.on('connection', onConnection);
    core.events.on('order', onOrder);
    core.events.on('log', onLog);
    res.write('retry: 1000\n\n');
    write('ping', Date.now());
    const timer = setInterval(() => write('ping', Date.now()), pingMs);
    const cleanup = (): void => {
      clearInterval(timer);
      core.events.off('connection', onConnection);
      core.events.off('order', onOrder);
      core.events.off('log', onLog);
      core.events.off('provider', onProvider);
      streams.delete(res);
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: only our own literal address is a valid Host.
    if (req.headers.host !== `127.0.0.1:${port}`) {
      send(
        res,
        421,
        page('Misdirected request', 'Use the address printed by PayDesk.'),
        'text/html; charset=utf-8',
      );
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';

    // The one-time secret → a session cookie. A spent secret is refused (a leaked, used link is worthless), unless
    // the browser already holds a session: then it is just sent on to the app.
    const secret = url.searchParams.get('k');
    if (url.pathname === '/' && secret !== null && (method === 'GET' || method === 'HEAD')) {
      const d = digest(secret);
      if (!secrets.has(d)) {
        if (isSession(req)) {
          res.writeHead(303, { ...SECURITY_HEADERS, location: '/', 'cache-control': 'no-store' }).end();
          return;
        }
        send(
          res,
          403,
          page(
            'Ссылка уже использована',
            'Эта ссылка для входа одноразовая. Перезапустите PayDesk (npm run web), чтобы получить новую.',
          ),
          'text/html; charset=utf-8',
        );
        return;
      }
      secrets.delete(d);
      const session = token();
      sessions.add(digest(session));
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        location: '/',
        'cache-control': 'no-store',
        'set-cookie': `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`,
      });
      res.end();
      return;
    }

    if (!isSession(req)) {
      if (url.pathname.startsWith('/bridge/')) {
        sendJson(res, 401, {
          ok: false,
          error: { code: 'host_unauthorized', message: 'no session', requestId: null },
        });
      } else {
        send(
          res,
          401,
          page(
            'PayDesk',
            'Откройте ссылку, которую напечатала консоль при запуске (npm run web). Open the link PayDesk printed at start.',
          ),
          'text/html; charset=utf-8',
        );
      }
      return;
    }

    if (url.pathname === '/bridge/events') {
      if (method !== 'GET') throw new HttpError(405, 'method_not_allowed', 'GET only');
      eventStream(req, res);
      return;
    }
    if (url.pathname.startsWith('/bridge/')) {
      if (method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'POST only');
      await bridgeCall(req, res, url.pathname.slice('/bridge/'.length));
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', 'GET only');
    await serveStatic(res, url.pathname, method === 'HEAD');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        if (req.url?.startsWith('/bridge/')) {
          sendJson(res, err.status, {
            ok: false,
            error: { code: err.code, message: err.message, requestId: null },
          });
        } else send(res, err.status, page(String(err.status), err.message), 'text/html; charset=utf-8');
        return;
      }
      console.error('[web-host] unhandled', err);
      sendJson(res, 500, {
        ok: false,
        error: { code: 'internal_error', message: 'browser host error', requestId: null },
      });
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  // Cookies are not port-scoped: a per-port name keeps two hosts on one machine from overwriting each other.
  cookieName = `paydesk_${port}`;
  const loginUrl = newLoginUrl();

  let closed: Promise<void> | null = null;
  return {
    origin,
    port,
    loginUrl,
    newLoginUrl,
    close() {
      closed ??= (async () => {
        for (const s of streams) s.end();
        streams.clear();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      })();
      return closed;
    },
  };
}
