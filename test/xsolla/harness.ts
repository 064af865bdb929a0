/**
 * Test harness for the Xsolla emulator: start one per test (`startXs()`, stopped after each test), poke it through
 * its control API, and talk raw Centrifuge JSON frames with `ws` (`RawClient`).
 */
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import {
  startXsollaSandbox,
  type XsollaSandbox,
  type XsollaSandboxOptions,
} from '../../electron/sandbox/xsolla/index.ts';
import { waitFor } from '../helpers/wait.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response fields
export type Json = any;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  const all = cleanups.splice(0).reverse();
  for (const fn of all) await fn();
});

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

export interface Xs {
  sandbox: XsollaSandbox;
  url: string;
  wsUrl: string;
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** `POST /sandbox/orders` → its data. */
  createOrder(
    body?: unknown,
  ): Promise<{ project_id: number; order_id: number; token: string; user: string; channel: string }>;
  setStatus(orderId: number, status: string, publish?: boolean): Promise<Json>;
  faults(patch: unknown): Promise<Json>;
  getOrder(projectId: number, orderId: number, token: string | null): Promise<{ status: number; body: Json }>;
}

export async function startXs(options: XsollaSandboxOptions = {}): Promise<Xs> {
  const sandbox = await startXsollaSandbox(options);
  onCleanup(() => sandbox.stop());
  const control: Xs['control'] = async (method, path, body) => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Json = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed };
  };
  const ok = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await control(method, path, body);
    if (res.status !== 200) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  return {
    sandbox,
    url: sandbox.url,
    wsUrl: sandbox.wsUrl,
    control,
    createOrder: (body) => ok('POST', '/sandbox/orders', body),
    setStatus: (orderId, status, publish) =>
      ok(
        'POST',
        `/sandbox/orders/${orderId}/status`,
        publish === undefined ? { status } : { status, publish },
      ),
    faults: (patch) => ok('POST', '/sandbox/faults', patch),
    async getOrder(projectId, orderId, token) {
      const res = await fetch(`${sandbox.url}/api/v2/project/${projectId}/order/${orderId}`, {
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });
      return { status: res.status, body: await res.json() };
    },
  };
}

/** A bare WebSocket speaking Centrifuge JSON frames; records every frame and the close. */
export class RawClient {
  readonly ws: WebSocket;
  readonly frames: string[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly opened: Promise<void>;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => this.frames.push(data.toString()));
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    onCleanup(() => {
      if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    });
  }

  static async open(url: string): Promise<RawClient> {
    const client = new RawClient(url);
    await client.opened;
    return client;
  }

  send(...commands: unknown[]): void {
    this.ws.send(commands.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))).join('\n'));
  }

  /** Every JSON object received so far, frames split into lines. */
  messages(): Json[] {
    return this.frames.flatMap((f) => f.split('\n').map((line) => JSON.parse(line) as Json));
  }

  /** Waits for the reply to command `id`. */
  async reply(id: number): Promise<Json> {
    return waitFor(() => this.messages().find((m) => m.id === id), { what: `reply ${id}`, timeoutMs: 5_000 });
  }

  async waitClosed(): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closed, { what: 'socket close', timeoutMs: 5_000 });
  }

  /** Sends connect and waits for its reply. */
  async connect(data: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Json> {
    this.send({ id: 1, connect: { data, name: 'js', ...extra } });
    return this.reply(1);
  }
}
