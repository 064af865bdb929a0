/**
 * The Xsolla emulator: order statuses over Centrifuge (`/connection/websocket`, as `wss://ws-store.xsolla.com`), the
 * Store API's Get order (`/api/v2/project/{project_id}/order/{order_id}`, as `https://store.xsolla.com`) and a
 * control API (`/sandbox/…`). Two ways to run it:
 *
 *   const xs = await startXsollaSandbox();              // its own HTTP + WebSocket server on 127.0.0.1
 *   const h = createXsollaHandlers({ controlPrefixes: ['/sandbox/xsolla'] });  // on a shared server:
 *   server.on('request', async (req, res) => { if (await h.handleRequest(req, res, url)) return; … });
 *   server.on('upgrade', (req, socket, head) => { if (h.handleUpgrade(req, socket, head)) return; … });
 *
 * Documented in docs/sandbox-xsolla.md; the protocol facts are in /work/shared/spec/xsolla.md.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { sendJson } from '../http-util.ts';
import { createCentrifugeServer, WS_PATH, type CentrifugeServer } from './centrifuge-server.ts';
import { XsollaFaults } from './faults.ts';
import { handleControl, handleStoreApi, type HttpDeps } from './http.ts';
import { XsollaState } from './state.ts';

export { WS_PATH } from './centrifuge-server.ts';
export { XsollaState, userChannel, XSOLLA_STATUSES, type XsollaStatus, type XsollaOrder } from './state.ts';
export { XsollaFaults, type XsollaFaultConfig } from './faults.ts';

export interface XsollaSandboxOptions {
  /** 0 = any free port (standalone only). */
  port?: number;
  host?: string;
  /** HS256 secret of the user JWTs the emulator issues and accepts (default: random per start). */
  secret?: string;
  /** `project_id` of orders created without one (default 44056). */
  projectId?: number;
  /** The first order id handed out (default 59614241, the seed's example). */
  firstOrderId?: number;
  /** Lifetime of issued tokens (default 3600 s). */
  tokenTtlSeconds?: number;
  /** Server ping period (default 25 000 ms, as Centrifugo; 0 = none). */
  pingIntervalMs?: number;
  /** No pong this long after a ping → close 3012 (default 10 000 ms). */
  pongTimeoutMs?: number;
  /** Publications kept per channel (default 100); also the cap of history's `limit: -1`. */
  historySize?: number;
  /** A bad JWT at connect: error 101 (default) or close 3500. */
  invalidTokenAs?: 'error' | 'close';
  /** Where the control API answers (default: `/sandbox/xsolla`, plus `/sandbox` when standalone). */
  controlPrefixes?: string[];
  maxBodyBytes?: number;
  /** Clock, for tests (tokens' iat/exp, fault deadlines, timestamps). */
  now?: () => Date;
}

export interface XsollaHandlers {
  readonly state: XsollaState;
  readonly faults: XsollaFaults;
  readonly ws: CentrifugeServer;
  /** Serves the Store API and the control API; false when the path is not the emulator's. */
  handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Takes WebSocket upgrades of `/connection/websocket`; false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

export function createXsollaHandlers(options: XsollaSandboxOptions = {}): XsollaHandlers {
  const now = options.now ?? (() => new Date());
  const historySize = options.historySize ?? 100;
  const state = new XsollaState({
    secret: options.secret ?? randomBytes(32).toString('hex'),
    defaultProjectId: options.projectId ?? 44056,
    historySize,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    firstOrderId: options.firstOrderId ?? 59614241,
    now,
  });
  const faults = new XsollaFaults(() => now().getTime());
  const ws = createCentrifugeServer(state, faults, {
    pingIntervalMs: options.pingIntervalMs ?? 25_000,
    pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
    invalidTokenAs: options.invalidTokenAs ?? 'error',
    version: '0.0.0-paydesk-sandbox',
    historyMaxLimit: historySize,
  });
  const deps: HttpDeps = {
    state,
    faults,
    ws,
    controlPrefixes: options.controlPrefixes ?? ['/sandbox/xsolla'],
    maxBodyBytes: options.maxBodyBytes,
  };
  return {
    state,
    faults,
    ws,
    async handleRequest(req, res, url) {
      if (handleStoreApi(deps, req, res, url)) return true;
      return handleControl(deps, req, res, url);
    },
    handleUpgrade: (req, socket, head) => ws.handleUpgrade(req, socket, head),
    close: () => ws.close(),
  };
}

export interface XsollaSandbox {
  /** `http://127.0.0.1:<port>`: the Store API origin (the adapter's `apiUrl`) and the control API's. */
  url: string;
  /** `ws://127.0.0.1:<port>/connection/websocket` (the adapter's `wsUrl`). */
  wsUrl: string;
  port: number;
  state: XsollaState;
  faults: XsollaFaults;
  handlers: XsollaHandlers;
  stop(): Promise<void>;
}

export async function startXsollaSandbox(options: XsollaSandboxOptions = {}): Promise<XsollaSandbox> {
  const handlers = createXsollaHandlers({
    ...options,
    controlPrefixes: options.controlPrefixes ?? ['/sandbox/xsolla', '/sandbox'],
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    handlers
      .handleRequest(req, res, url)
      .then((handled) => {
        if (handled) return;
        req.resume();
        sendJson(res, 404, {
          error: { code: 'not_found', message: `No route for ${req.method} ${url.pathname}` },
        });
      })
      .catch((err: unknown) => {
        if (!res.headersSent) {
          sendJson(res, 500, { error: { code: 'internal_error', message: 'Internal sandbox error' } });
        } else res.destroy();
        console.error('[xsolla sandbox] unhandled', err);
      });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!handlers.handleUpgrade(req, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}${WS_PATH}`,
    port,
    state: handlers.state,
    faults: handlers.faults,
    handlers,
    stop() {
      stopped ??= (async () => {
        await handlers.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return stopped;
    },
  };
}
