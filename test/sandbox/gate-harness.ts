/**
 * Test harness for the sandbox gate alone: a SandboxContext, the gate, and a bare HTTP server on 127.0.0.1 that routes
 * the upgrade and the gate's control routes (no HTTP API). Plus a scriptable fake console speaking JSON-RPC over `ws`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterEach, beforeEach } from 'vitest';
import { dispatch, type MethodHandler } from '../../shared/protocol/jsonrpc.ts';
import type { SandboxContext, SandboxOptions } from '../../electron/sandbox/context.ts';
import { Faults } from '../../electron/sandbox/faults.ts';
import { createGate, type Gate } from '../../electron/sandbox/gate.ts';
import { sendJson } from '../../electron/sandbox/http-util.ts';
import { DEMO_ACCOUNT, SandboxState, atom, type SandboxOrder } from '../../electron/sandbox/state.ts';

/** JSON as the tests read it: loosely typed on purpose, the assertions check the shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const OTHER_ACCOUNT = {
  token: '0123456789abcdef0123456789abcdef',
  merchantId: '11111111-2222-3333-4444-555555555555',
  name: 'Другой магазин',
};

export interface GateHarness {
  ctx: SandboxContext;
  state: SandboxState;
  faults: Faults;
  gate: Gate;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `ws://127.0.0.1:<port>/v3/gate/rpc` (no token) */
  gateUrl: string;
  post(path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  get(path: string): Promise<{ status: number; body: Json }>;
  stop(): Promise<void>;
}

/** Tests run with tiny timers; the heartbeat is off unless a test asks for it. */
export const FAST: SandboxOptions = {
  notifyRetryDelaysMs: [50, 100],
  notifyAnswerTimeoutMs: 200,
  notifyReorderFlushMs: 50,
  gateCallTimeoutMs: 500,
  gatePingIntervalMs: 0,
};

export async function startGateHarness(options: SandboxOptions = {}): Promise<GateHarness> {
  const opts = { ...FAST, ...options };
  const state = new SandboxState({ accounts: [OTHER_ACCOUNT] });
  const faults = new Faults();
  let base = '';
  const ctx: SandboxContext = { state, faults, options: opts, baseUrl: () => base, changed: () => {} };
  const gate = createGate(ctx);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    gate
      .control(req, res, url)
      .then((handled) => {
        if (!handled) sendJson(res, 404, { error: { code: 'not_found', message: 'no route' } });
      })
      .catch(() => res.destroy());
  });
  server.on('upgrade', (req, socket, head) => gate.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const res = await fetch(base + path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  return {
    ctx,
    state,
    faults,
    gate,
    url: base,
    gateUrl: `ws://127.0.0.1:${port}/v3/gate/rpc`,
    post: (path, body) => call('POST', path, body),
    get: (path) => call('GET', path),
    async stop() {
      await gate.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- orders ----

let orderSeq = 0;

/** Adds a `created` order for a merchant straight into the state (no HTTP API needed). */
/** One gate per test, plus the fake consoles a test opened, all closed after it. */
export interface GateTest {
  /** This test's harness (throws outside a test). */
  readonly h: GateHarness;
  /** Connects a fake console that is closed after the test. */
  open(token?: string, options?: FakeConsoleOptions): Promise<FakeConsole>;
  /** Replaces this test's harness with one started with other options (e.g. a heartbeat). */
  restart(options: SandboxOptions): Promise<GateHarness>;
}

/** Registers the per-test setup and teardown the gate test files share. */
export function useGateHarness(options: SandboxOptions = {}): GateTest {
  let current: GateHarness | null = null;
  const consoles: FakeConsole[] = [];
  beforeEach(async () => {
    current = await startGateHarness(options);
  });
  afterEach(async () => {
    await Promise.all(consoles.splice(0).map((c) => c.close()));
    await current?.stop();
    current = null;
  });
  return {
    get h() {
      if (!current) throw new Error('the gate harness exists only inside a test');
      return current;
    },
    async open(token = DEMO_ACCOUNT.token, consoleOptions) {
      const c = await connectConsole(this.h.gateUrl, token, consoleOptions);
      consoles.push(c);
      return c;
    },
    async restart(next) {
      await current?.stop();
      current = null;
      current = await startGateHarness(next);
      return current;
    },
  };
}

export function addOrder(
  state: SandboxState,
  merchantId = DEMO_ACCOUNT.merchantId,
  amount = 100,
): SandboxOrder {
  orderSeq += 1;
  const order: SandboxOrder = {
    view: {
      id: state.newId(),
      merchantId,
      merchantOrderId: `T-${orderSeq}-${Date.now()}`,
      description: 'Тестовый заказ',
      amount,
      vatAmount: 0,
      currencyId: 'RUB',
      status: 'created',
      subtype: 'order',
      createdAt: atom(state.now()),
      basketItems: [],
    },
    refundedKopecks: 0,
  };
  state.addOrder(order);
  return order;
}

/** Adds an order and marks it paid: one `onOrderStatusChange` announced. */
export function payNewOrder(state: SandboxState, merchantId = DEMO_ACCOUNT.merchantId): string {
  const order = addOrder(state, merchantId);
  state.setOrderStatus(order.view.id, 'completed');
  return order.view.id;
}

// ---- a fake console ----

export interface Frame {
  jsonrpc?: string;
  id?: unknown;
  method?: string;
  params?: Json;
  result?: Json;
  error?: Json;
}

export interface FakeConsole {
  ws: WebSocket;
  /** Every frame received, parsed (unparseable ones as `{ raw }`). */
  received: Frame[];
  /** The next frame not yet taken by next(); waits for it. */
  next(timeoutMs?: number): Promise<Frame>;
  /** Resolves with `false` if a frame arrives within `ms`, `true` otherwise (for "nothing is sent" checks). */
  quietFor(ms: number): Promise<boolean>;
  send(value: unknown): void;
  close(): Promise<void>;
  closed: Promise<{ code: number }>;
}

export interface FakeConsoleOptions {
  /** JSON-RPC methods served (through the shared dispatcher, like the real console). Default: success to all. */
  methods?: Record<string, MethodHandler>;
  /** Answer nothing at all (the frames are still recorded). */
  mute?: boolean;
  autoPong?: boolean;
}

export const SUCCESS_METHODS: Record<string, MethodHandler> = {
  onOrderStatusChange: () => ({ status: 'success' }),
};

export async function connectConsole(
  gateUrl: string,
  token: string = DEMO_ACCOUNT.token,
  options: FakeConsoleOptions = {},
): Promise<FakeConsole> {
  const ws = new WebSocket(`${gateUrl}?token=${token}`, { autoPong: options.autoPong ?? true });
  const received: Frame[] = [];
  let taken = 0;
  let wake: (() => void) | null = null;
  const methods = options.methods ?? SUCCESS_METHODS;

  ws.on('message', (data) => {
    const text = String(data);
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      frame = { raw: text } as Frame;
    }
    received.push(frame);
    wake?.();
    if (!options.mute) {
      void dispatch(text, methods).then((reply) => {
        if (reply !== null && ws.readyState === WebSocket.OPEN) ws.send(reply);
      });
    }
  });
  const closed = new Promise<{ code: number }>((resolve) => ws.on('close', (code) => resolve({ code })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });

  const waitForFrame = (timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (taken < received.length) return resolve(true);
      const timer = setTimeout(() => {
        wake = null;
        resolve(false);
      }, timeoutMs);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve(true);
      };
    });

  return {
    ws,
    received,
    closed,
    async next(timeoutMs = 5_000) {
      if (!(await waitForFrame(timeoutMs))) throw new Error(`no frame within ${timeoutMs} ms`);
      return received[taken++]!;
    },
    async quietFor(ms) {
      return !(await waitForFrame(ms));
    },
    send(value) {
      ws.send(typeof value === 'string' ? value : JSON.stringify(value));
    },
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) {
        ws.terminate();
        await closed;
      }
    },
  };
}

/** The HTTP status of a refused upgrade (and its body), or 101 when it opened. */
export function upgradeStatus(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => {
      ws.terminate();
      resolve({ status: 101, body: '' });
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5_000,
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
