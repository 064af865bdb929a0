/**
 * The sandbox gateway as a library: `startSandbox()` → a real HTTP + WebSocket server on loopback emulating the
 * Invoicebox API v3 (`/v3/…`), its WebSocket gate (`/v3/gate/rpc`), a payment page (`/pay/…`) and a control API for
 * tests and demos (`/sandbox/…`). The console embeds it as "training mode"; every test talks to it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SandboxContext, SandboxOptions } from './context.ts';
import { Faults } from './faults.ts';
import { SandboxState } from './state.ts';
import { createApiHandler } from './http-api.ts';
import { createControlHandler } from './control.ts';
import { createPaymentPageHandler } from './payment-page.ts';
import { startExpiry } from './expiry.ts';
import { loadState, createStateSaver } from './persistence.ts';
import { createGate, type Gate } from './gate.ts';
import { requestId, sendJson } from './http-util.ts';

export type { SandboxOptions } from './context.ts';

export interface Sandbox {
  /** `http://127.0.0.1:<port>` — the API origin (the client adds `/v3/…`). */
  url: string;
  /** `ws://127.0.0.1:<port>/v3/gate/rpc` — without the token. */
  gateUrl: string;
  port: number;
  state: SandboxState;
  faults: Faults;
  gate: Gate;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? (() => new Date());
  const state = new SandboxState({
    accounts: (options.accounts ?? []).map((a) => ({ ...a, name: a.name ?? 'Магазин' })),
    now,
  });
  const faults = new Faults(() => now().getTime());
  let base = '';
  const saver = options.stateFile ? createStateSaver(state, options.stateFile) : null;
  if (options.stateFile) loadState(state, options.stateFile);
  const ctx: SandboxContext = {
    state,
    faults,
    options,
    baseUrl: () => base,
    changed: () => saver?.schedule(),
  };

  const mounts = options.mounts ?? [];
  const api = createApiHandler(ctx);
  const control = createControlHandler(ctx);
  const pay = createPaymentPageHandler(ctx);
  const gate = createGate(ctx);
  const stopExpiry = startExpiry(ctx);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const route = async (): Promise<void> => {
      for (const mount of mounts) if (await mount.handleRequest(req, res, url)) return;
      if (url.pathname.startsWith('/v3/') || url.pathname.startsWith('/l3/')) return api(req, res, url);
      if (url.pathname.startsWith('/pay/')) return pay(req, res, url);
      if (url.pathname.startsWith('/sandbox/')) {
        if (await gate.control(req, res, url)) return;
        if (await control(req, res, url)) return;
      }
      if (url.pathname === '/') {
        requestId(res);
        res.writeHead(302, { location: '/sandbox/' }).end();
        return;
      }
      sendJson(res, 404, {
        error: { code: 'not_found', message: `No route for ${req.method} ${url.pathname}` },
      });
    };
    route().catch((err: unknown) => {
      // A bug must never take the server down: answer 500 and keep serving.
      if (!res.headersSent) {
        sendJson(res, 500, { error: { code: 'internal_error', message: 'Internal sandbox error' } });
      } else res.destroy();
      console.error('[sandbox] unhandled', err);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (mounts.some((mount) => mount.handleUpgrade(req, socket, head))) return;
    gate.handleUpgrade(req, socket, head);
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://${host}:${port}`;

  let stopped: Promise<void> | null = null;
  return {
    url: base,
    gateUrl: `ws://${host}:${port}/v3/gate/rpc`,
    port,
    state,
    faults,
    gate,
    stop() {
      stopped ??= (async () => {
        stopExpiry();
        await gate.close();
        for (const mount of mounts) await mount.close();
        saver?.flush();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return stopped;
    },
  };
}
