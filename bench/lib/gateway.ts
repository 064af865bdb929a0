/**
 * The sandbox gateway as the benchmarks use it: started in this process (so its send timestamps and its state are at
 * hand), a shop of our own (a fresh 32-hex token, so a leak of it means something), and orders created straight into
 * the gateway's state when a benchmark needs thousands of them (the public API would be rate-limited to 100 / 30 s).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox/server.ts';
import type { SandboxOrder } from '../../electron/sandbox/state.ts';
import { atom } from '../../shared/invoicebox/atom.ts';
import { buildCreateOrderRequest, type DraftLine } from '../../shared/invoicebox/build-order.ts';
import type { OrderResponse } from '../../shared/invoicebox/schemas.ts';

export interface Shop {
  token: string;
  merchantId: string;
}

export function newShop(): Shop {
  return { token: randomBytes(16).toString('hex'), merchantId: randomUUID() };
}

export async function startGateway(shop: Shop, options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    rateLimit: { requests: 1_000_000, windowMs: 30_000 },
    notifyRetryDelaysMs: [200, 500, 1_000, 2_000, 5_000],
    notifyAnswerTimeoutMs: 5_000,
    ...options,
    accounts: [{ ...shop, name: 'Бенчмарк' }, ...(options.accounts ?? [])],
  });
}

export const LINE: DraftLine = {
  name: 'Капучино',
  sku: 'cappuccino',
  unitPrice: 25_000,
  quantity: 2_000,
  vatCode: 'RUS_VAT22',
  measure: 'шт',
  measureCode: '796',
  type: 'commodity',
  paymentType: 'full_payment',
};

/**
 * `n` orders put straight into the gateway's state, exactly as its API would have created them (same view fields as
 * electron/sandbox/orders.ts), without announcing anything. Returns their OrderResponses.
 */
export function addOrdersDirect(
  sandbox: Sandbox,
  shop: Shop,
  n: number,
  { prefix = 'BENCH', ttlMs = 24 * 3600_000 } = {},
): OrderResponse[] {
  const out: OrderResponse[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const req = buildCreateOrderRequest({
      merchantId: shop.merchantId,
      merchantOrderId: `${prefix}-${randomUUID()}`,
      description: `${prefix} order ${i + 1}`,
      lines: [LINE],
      expiresAt: new Date(now + ttlMs),
    });
    const id = randomUUID();
    const view = {
      ...req,
      expirationDate: atom(new Date(Math.ceil((now + ttlMs) / 1000) * 1000)),
      id,
      orderContainerId: id,
      paymentUrl: `${sandbox.url}/pay/${id}`,
      createdAt: atom(new Date()),
      status: 'created' as const,
      subtype: 'order',
      processingStatus: 'none',
      fileIds: {},
    };
    const order: SandboxOrder = { view, refundedKopecks: 0 };
    sandbox.state.addOrder(order);
    out.push(structuredClone(view) as unknown as OrderResponse);
  }
  return out;
}

/** A JSON answer as the benchmarks read it: any field may be looked at. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field and checked there
export type Json = any;

/** POST to the sandbox's control API (no auth; loopback). */
export async function control(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(sandbox.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed };
}

/** The public API as another client (the baseline poller, "another till") would call it. */
export async function api(
  sandbox: Sandbox,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(sandbox.url + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'user-agent': 'PayDeskBench/1.0',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed };
}
