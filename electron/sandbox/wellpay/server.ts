/**
 * The WellPay / NL-trade emulator: the REST API of `api.nltrade.in` (RSA-encrypted RemoteInvoiceApi) and the
 * socket.io channel of `invoice.wellpay.me`, on one origin, plus a control API. Documented in
 * docs/sandbox-wellpay.md.
 *
 *   const sb = await startWellpaySandbox({ tokens: ['…'] });   // its own server on 127.0.0.1
 *   sb.url  → http://127.0.0.1:<port>    (REST base and socket.io origin)
 *
 * To share a port with other emulators, create a mount and route to it from the shared server:
 *
 *   const wellpay = await createWellpayMount({ tokens });
 *   server.on('request', async (req, res) => { if (await wellpay.handleRequest(req, res, url)) return; … });
 *   server.on('upgrade', (req, socket, head) => { if (wellpay.handleUpgrade(req, socket, head)) return; … });
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Server as SocketIoServer } from 'socket.io';
import { sendJson } from '../http-util.ts';
import { KeyRing, type WellpayContext, type WellpaySandboxOptions } from './context.ts';
import { handleControl } from './control.ts';
import { WellpayFaults } from './faults.ts';
import { keyPair } from './keys.ts';
import { handleRest } from './rest.ts';
import { SOCKET_PATH, createSockets } from './sockets.ts';
import { WellpayState } from './state.ts';

export type { WellpaySandboxOptions } from './context.ts';

export interface WellpayMount {
  state: WellpayState;
  faults: WellpayFaults;
  keys: KeyRing;
  io: SocketIoServer;
  /** Serves `/socket.io/…`, the REST paths and the control API; false for any other path (nothing written). */
  handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Takes WebSocket upgrades for `/socket.io/`; false (socket untouched) for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes every socket and the socket.io engine; the shared server is not touched. */
  close(): Promise<void>;
}

export interface WellpaySandbox extends WellpayMount {
  /** `http://127.0.0.1:<port>`: the REST base (`/method/RemoteInvoiceApi`) and the socket.io origin. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

function isSocketPath(url: URL): boolean {
  return url.pathname === SOCKET_PATH || url.pathname.startsWith(`${SOCKET_PATH}/`);
}

export async function createWellpayMount(options: WellpaySandboxOptions = {}): Promise<WellpayMount> {
  const now = options.now ?? (() => new Date());
  const bits = options.keyBits ?? 4096;
  const state = new WellpayState({
    now,
    timeZone: options.timeZone ?? 'Europe/Kyiv',
    rate: options.rate ?? '39.81',
    paymentTimeoutSec: options.paymentTimeoutSec ?? 960,
  });
  for (const token of options.tokens ?? []) state.addToken(token);
  const faults = new WellpayFaults(() => now().getTime());
  const keys = new KeyRing(await keyPair(bits, 0), (generation) => keyPair(bits, generation));
  const sockets = createSockets(state, faults);
  const ctx: WellpayContext = {
    state,
    faults,
    keys,
    sockets,
    options,
    controlPrefixes: options.controlPrefixes ?? ['/sandbox/wellpay/'],
  };
  let closed: Promise<void> | null = null;
  return {
    state,
    faults,
    keys,
    io: sockets.io,
    async handleRequest(req, res, url) {
      if (isSocketPath(url)) {
        sockets.handleRequest(req, res);
        return true;
      }
      if (await handleRest(ctx, req, res, url)) return true;
      return handleControl(ctx, req, res, url);
    },
    handleUpgrade(req, socket, head) {
      const url = URL.parse(req.url ?? '/', 'http://sandbox.invalid');
      if (!url || !isSocketPath(url)) return false;
      sockets.handleUpgrade(req, socket, head);
      return true;
    },
    close() {
      closed ??= sockets.close();
      return closed;
    },
  };
}

/** A standalone emulator on its own port (127.0.0.1, any free port by default). */
export async function startWellpaySandbox(options: WellpaySandboxOptions = {}): Promise<WellpaySandbox> {
  const mount = await createWellpayMount({
    ...options,
    controlPrefixes: options.controlPrefixes ?? ['/sandbox/wellpay/', '/sandbox/'],
  });
  const server = createServer((req, res) => {
    const url = URL.parse(req.url ?? '/', 'http://sandbox.invalid') ?? new URL('http://sandbox.invalid/');
    mount
      .handleRequest(req, res, url)
      .then((served) => {
        if (!served) {
          sendJson(res, 404, { status: false, message: `No route for ${req.method} ${url.pathname}` });
        }
      })
      .catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { status: false, message: 'Internal sandbox error' });
        else res.destroy();
        console.error('[wellpay sandbox] unhandled', err);
      });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!mount.handleUpgrade(req, socket, head)) socket.destroy();
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
    ...mount,
    url: `http://${host}:${port}`,
    port,
    stop() {
      stopped ??= (async () => {
        await mount.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return stopped;
    },
  };
}
