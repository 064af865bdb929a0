/**
 * Test helpers around a real sandbox gateway on loopback.
 *
 *   const sb = withSandbox({ rateLimit: { requests: 10_000, windowMs: 30_000 } }); // started before, stopped after
 *   const res = await sb.api('POST', '/v3/billing/api/order/order', demoOrder());
 *   expect(res.status).toBe(200); res.body.data.id …
 *
 * `demoOrder()` builds a valid CreateOrderRequest for the demo shop from shared/domain/basket.ts's computeBasket —
 * the console's own arithmetic — so what the tests send is what the console would send.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox/server.ts';
import { DEMO_ACCOUNT } from '../../electron/sandbox/state.ts';
import { computeBasket, type LineInput } from '../../shared/domain/basket.ts';
import { kopecksToApi } from '../../shared/domain/money.ts';
import { basketItemsFromLines } from '../../shared/invoicebox/build-order.ts';
import type { BasketItem, CreateOrderRequest } from '../../shared/invoicebox/schemas.ts';

export const DEMO_TOKEN = DEMO_ACCOUNT.token;
export const DEMO_MERCHANT_ID = DEMO_ACCOUNT.merchantId;

/** A JSON value read by a test: any field may be looked at (the assertions check it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response fields
export type Json = any;

/** What `api()` resolves to: the status, the headers and the parsed JSON body (text when it is not JSON). */
export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Json;
}

export interface SandboxHandle {
  /** The API origin, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly sandbox: Sandbox;
  /** fetch with `Authorization: Bearer <token>` (demo shop by default; `null`: no header) and a JSON body. */
  api(method: string, path: string, body?: unknown, token?: string | null): Promise<ApiResponse>;
}

/** Starts a sandbox before the tests of the enclosing suite and stops it after them. */
export function withSandbox(options: SandboxOptions = {}): SandboxHandle {
  let running: Sandbox | null = null;
  beforeAll(async () => {
    running = await startSandbox(options);
  });
  afterAll(async () => {
    await running?.stop();
    running = null;
  });
  const sandbox = (): Sandbox => {
    if (!running)
      throw new Error('the sandbox runs only inside the tests of the suite that called withSandbox()');
    return running;
  };
  return {
    get url() {
      return sandbox().url;
    },
    get sandbox() {
      return sandbox();
    },
    api: (method, path, body, token = DEMO_TOKEN) => callApi(sandbox().url, method, path, body, token),
  };
}

export async function callApi(
  origin: string,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = DEMO_TOKEN,
): Promise<ApiResponse> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'PayDeskTests/1.0 (sandbox)',
  };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(origin + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A basket line for the tests: the console's LineInput plus what a BasketItem names. */
export interface DemoLine extends LineInput {
  sku?: string;
  name?: string;
}

export const DEFAULT_LINES: readonly DemoLine[] = [
  { sku: 'coffee', name: 'Кофе капучино', unitPrice: 25_000, quantity: 2_000, vatCode: 'RUS_VAT22' },
  { sku: 'beans', name: 'Зерно, кг', unitPrice: 180_000, quantity: 350, vatCode: 'RUS_VAT10' },
];

/** BasketItems for `lines`, computed exactly as the console computes them (shared/invoicebox/build-order.ts). */
export function basketItems(lines: readonly DemoLine[]): BasketItem[] {
  return basketItemsFromLines(
    lines.map((line, i) => ({
      ...line,
      sku: line.sku ?? `sku-${i + 1}`,
      name: line.name ?? `Позиция ${i + 1}`,
      measure: 'шт.',
      measureCode: '796',
      type: 'commodity' as const,
      paymentType: 'full_payment' as const,
    })),
  );
}

export type DemoOrderOverrides = Partial<CreateOrderRequest> & { lines?: readonly DemoLine[] };

/** A valid CreateOrderRequest for the demo shop: unique merchantOrderId, expiring in an hour, totals from the lines. */
export function demoOrder(overrides: DemoOrderOverrides = {}): CreateOrderRequest {
  const { lines = DEFAULT_LINES, ...fields } = overrides;
  const basket = computeBasket(lines);
  return {
    merchantId: DEMO_MERCHANT_ID,
    merchantOrderId: `test-${randomUUID()}`,
    description: 'Заказ из тестов PayDesk',
    amount: kopecksToApi(basket.amount),
    vatAmount: kopecksToApi(basket.vatAmount),
    currencyId: 'RUB',
    languageId: 'ru',
    expirationDate: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
    basketItems: basketItems(lines),
    customer: { type: 'private', name: 'Иван Петров', phone: '79001112233' },
    ...fields,
  };
}
