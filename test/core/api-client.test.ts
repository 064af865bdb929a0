/**
 * The Invoicebox API client against a real sandbox gateway on 127.0.0.1: every endpoint, the headers the server
 * sees, response validation (a deliberately broken raw server), error messages (request id always, token never),
 * retries of GETs across a 500 burst, 429 + Retry-After, time-outs, network errors, call records.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildFilterQuery,
  createApiClient,
  DEFAULT_MAX_PAGE_SIZE,
  type ApiCallRecord,
  type ApiClientOptions,
} from '../../electron/core/api/client.ts';
import { ApiError } from '../../electron/core/api/errors.ts';
import { createRateLimiter } from '../../electron/core/api/rate-limiter.ts';
import { MAX_PAGE_SIZE } from '../../electron/sandbox/filter.ts';
import { DEMO_MERCHANT_ID, DEMO_TOKEN, withSandbox } from '../helpers/sandbox.ts';
import { orderRequest, refundRequest } from '../helpers/api-requests.ts';

const sb = withSandbox({ rateLimit: { requests: 100_000, windowMs: 30_000 } });

afterEach(() => {
  sb.sandbox.faults.reset();
});

function client(overrides: Partial<ApiClientOptions> = {}) {
  return createApiClient({
    baseUrl: sb.url,
    getToken: async () => DEMO_TOKEN,
    appVersion: '0.1.0',
    limiter: createRateLimiter({ limit: 100_000 }),
    backoffBaseMs: 5,
    ...overrides,
  });
}

async function pay(orderId: string): Promise<void> {
  const res = await sb.api('POST', `/sandbox/orders/${orderId}/pay`, {}, null);
  expect(res.status).toBe(200);
}

interface RawRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A tiny raw HTTP server on 127.0.0.1 (only for what the sandbox does not do: record headers, answer garbage). */
async function rawServer(answer: (req: RawRequest, res: ServerResponse) => void) {
  const requests: RawRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(r);
      answer(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'raw-req-1', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const validOrder = {
  id: 'b6a7b9a2-0000-4000-8000-000000000001',
  merchantId: DEMO_MERCHANT_ID,
  merchantOrderId: 'PD-1',
  amount: 100,
  vatAmount: 18.03,
  currencyId: 'RUB',
  status: 'created',
  createdAt: '2026-11-23T10:00:00+00:00',
};

describe('endpoints against the sandbox', () => {
  it('checkToken: the configured token, an explicit token, a wrong one, none', async () => {
    expect(await client().checkToken()).toEqual({ valid: true, userId: DEMO_MERCHANT_ID });
    expect(await client({ getToken: async () => null }).checkToken(DEMO_TOKEN)).toEqual({
      valid: true,
      userId: DEMO_MERCHANT_ID,
    });
    expect(await client().checkToken('0123456789abcdef0123456789abcdef')).toEqual({
      valid: false,
      userId: null,
    });
    expect(await client().checkToken('')).toEqual({ valid: false, userId: null });
    expect(await client({ getToken: async () => null }).checkToken()).toEqual({ valid: false, userId: null });
  });

  it('createOrder → OrderResponse; getOrder; findOrderByMerchantOrderId', async () => {
    const api = client();
    const req = orderRequest();
    const order = await api.createOrder(req);
    expect(order).toMatchObject({
      merchantOrderId: req.merchantOrderId,
      merchantId: DEMO_MERCHANT_ID,
      amount: req.amount,
      vatAmount: req.vatAmount,
      status: 'created',
    });
    expect(order.paymentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\//);
    expect((await api.getOrder(order.id))?.id).toBe(order.id);
    expect(await api.getOrder('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect((await api.findOrderByMerchantOrderId(req.merchantOrderId))?.id).toBe(order.id);
    expect(await api.findOrderByMerchantOrderId(`${req.merchantOrderId}-nope`)).toBeNull();
  });

  it('updateOrder changes an unpaid order', async () => {
    const api = client();
    const order = await api.createOrder(orderRequest());
    const updated = await api.updateOrder(order.id, { description: 'Новое описание' });
    expect(updated).toMatchObject({ id: order.id, description: 'Новое описание', status: 'created' });
  });

  it('cancelOrder is idempotent; a paid order keeps wrong_order_status', async () => {
    const api = client();
    const order = await api.createOrder(orderRequest());
    expect((await api.cancelOrder(order.id)).status).toBe('canceled');
    // Again (a lost answer's retry, a double click): the order is canceled, which is what was asked.
    expect((await api.cancelOrder(order.id)).status).toBe('canceled');

    const paid = await api.createOrder(orderRequest());
    await pay(paid.id);
    const err = await api.cancelOrder(paid.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: 'http', status: 422, code: 'wrong_order_status', retryable: false });
  });

  it('findOrders: sets, operators, sorting and paging through the typed query builder', async () => {
    const api = client();
    const tag = `Q-${Date.now().toString(36)}`;
    const created = [];
    for (const rub of [100, 200, 300]) {
      created.push(
        await api.createOrder(
          orderRequest({
            merchantOrderId: `${tag}-${rub}`,
            lines: [{ sku: 's', name: 'Товар', unitPrice: rub * 100, quantity: 1000, vatCode: 'RUS_VAT22' }],
          }),
        ),
      );
    }
    await api.cancelOrder(created[0]!.id);
    const found = await api.findOrders({
      where: { merchantOrderId: { _start: tag }, status: ['created', 'canceled'], amount: { _ge: 150 } },
      orderBy: [['amount', 'desc']],
    });
    expect(found.map((o) => o.merchantOrderId)).toEqual([`${tag}-300`, `${tag}-200`]);

    const page2 = await api.findOrders({
      where: { merchantOrderId: { _start: tag } },
      orderBy: { amount: 'asc' },
      page: 2,
      pageSize: 2,
    });
    expect(page2.map((o) => o.merchantOrderId)).toEqual([`${tag}-300`]);

    const since = await api.findOrders({
      where: {
        merchantOrderId: { _start: tag },
        createdAt: { _ge: new Date(Date.now() - 3_600_000) },
        status: 'canceled',
      },
    });
    expect(since.map((o) => o.id)).toEqual([created[0]!.id]);
  });

  it('buildFilterQuery writes the documented syntax and refuses what the gateway would misread', () => {
    expect(
      decodeURIComponent(
        buildFilterQuery({
          where: {
            status: ['created', 'completed'],
            createdAt: { _ge: new Date('2021-01-27T00:00:00Z') },
            id: 'x',
          },
          orderBy: [
            ['createdAt', 'desc'],
            ['amount', 'asc'],
          ],
          page: 3,
          pageSize: 30,
        }).toString(),
      ),
    ).toBe(
      'status[]=created&status[]=completed&createdAt[_ge]=2021-01-27T00:00:00+00:00&id=x' +
        '&_order[createdAt]=desc&_order[amount]=asc&page=3&pageSize=30',
    );
    expect(() => buildFilterQuery({ where: { status: [] } })).toThrow(RangeError); // would match everything
    expect(() => buildFilterQuery({ pageSize: DEFAULT_MAX_PAGE_SIZE + 1 })).toThrow(RangeError);
    expect(() => buildFilterQuery({ page: 0 })).toThrow(RangeError);
    // @ts-expect-error -- not an operator
    expect(() => buildFilterQuery({ where: { amount: { _like: 1 } } })).toThrow(RangeError);
    expect(DEFAULT_MAX_PAGE_SIZE).toBe(MAX_PAGE_SIZE); // the batch size is the sandbox's page size cap
  });

  it('findOrdersByIds batches by the page size cap and pages; unknown ids are absent', async () => {
    const urls: string[] = [];
    const api = client({
      maxPageSize: 10,
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    const orders = [];
    for (let i = 0; i < 23; i++) orders.push(await api.createOrder(orderRequest()));
    urls.length = 0;
    const ids = orders.map((o) => o.id);
    const found = await api.findOrdersByIds([
      ...ids,
      ids[0]!,
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
    ]);
    expect(found.map((o) => o.id).sort()).toEqual([...ids].sort());
    const perRequest = urls.map((u) => new URL(u).searchParams.getAll('id[]').length);
    expect(Math.max(...perRequest)).toBeLessThanOrEqual(10);
    expect(perRequest.slice(0, 3)).toEqual([10, 10, 5]);
    // The last chunk holds the two unknown ids: one more (empty) page proves they are not there.
    expect(urls).toHaveLength(4);
    expect(await api.findOrdersByIds([])).toEqual([]);
  });

  it('refundableItems, createRefund, findRefunds on a paid order', async () => {
    const api = client();
    const order = await api.createOrder(orderRequest());
    await pay(order.id);
    const before = await api.refundableItems(order.id);
    expect(before.map((i) => i.sku).sort()).toEqual(['beans', 'coffee']);
    const req = refundRequest(order.id);
    const refund = await api.createRefund(req);
    expect(refund).toMatchObject({
      parentId: order.id,
      merchantOrderId: req.merchantOrderId,
      amount: req.amount,
    });
    expect(['created', 'completed']).toContain(refund.status);
    const after = await api.refundableItems(order.id);
    expect(after.map((i) => i.sku)).toEqual(['beans']);
    expect((await api.findRefunds({ where: { parentId: order.id } })).map((r) => r.id)).toEqual([refund.id]);
    expect((await api.findRefundByMerchantOrderId(req.merchantOrderId))?.id).toBe(refund.id);
    expect(await api.findRefundByMerchantOrderId('nope')).toBeNull();
  });

  it('a refused request: ApiError with code, fields and the request id in the message', async () => {
    const records: ApiCallRecord[] = [];
    const api = client({ onCall: (r) => records.push(r) });
    const err = await api.createOrder({ ...orderRequest(), amount: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e).toMatchObject({ kind: 'http', status: 422, retryable: false });
    expect(e.code).toMatch(/^wrong_/);
    expect(e.fields.length).toBeGreaterThan(0);
    expect(e.requestId).toBeTruthy();
    expect(e.message).toContain(`(X-Request-Id: ${e.requestId})`);
    expect(records.at(-1)).toMatchObject({
      method: 'POST',
      status: 422,
      requestId: e.requestId,
      errorCode: e.code,
    });
    expect(e.message).not.toContain(DEMO_TOKEN);
  });

  it('a wrong token: 401, a message to act on, never the token', async () => {
    const token = 'fedcba9876543210fedcba9876543210';
    const err = (await client({ getToken: async () => token })
      .findOrders()
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({ kind: 'http', status: 401, code: 'unauthorized', retryable: false });
    expect(err.message).toMatch(/token/i);
    expect(err.message).toContain('X-Request-Id: ');
    expect(err.message).not.toContain(token);
    expect(JSON.stringify(err)).not.toContain(token);
  });
});

describe('headers and validation (a raw server)', () => {
  it('sends the headers of the spec: JSON, a real User-Agent with the version, Bearer', async () => {
    const raw = await rawServer((req, res) =>
      req.url.includes('/auth/')
        ? json(res, 200, { data: { userId: 'u1' } })
        : json(res, 200, { data: validOrder, extendedData: [] }),
    );
    try {
      const api = createApiClient({
        baseUrl: `${raw.url}/`,
        prefix: 'l3',
        getToken: async () => '29078-API:b37c4c689295904ed21eee5d9a48d42e',
        appVersion: '1.2.3',
      });
      await api.checkToken();
      await api.createOrder(orderRequest());
      expect(raw.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'GET /l3/security/api/auth/auth',
        'POST /l3/billing/api/order/order',
      ]);
      for (const r of raw.requests) {
        expect(r.headers['user-agent']).toBe(
          `PayDesk/1.2.3 (Invoicebox API v3; Node ${process.versions.node})`,
        );
        expect(r.headers['user-agent']).toMatch(
          /^PayDesk\/1\.2\.3 \(Invoicebox API v3; Node \d+\.\d+\.\d+\)$/,
        );
        expect(r.headers.authorization).toBe('Bearer 29078-API:b37c4c689295904ed21eee5d9a48d42e');
        expect(r.headers.accept).toBe('application/json');
        expect(r.headers['content-type']).toBe('application/json');
      }
      expect(JSON.parse(raw.requests[1]!.body)).toHaveProperty('merchantOrderId');
      expect(api.userAgent).toMatch(/^PayDesk\/1\.2\.3 /);
    } finally {
      await raw.close();
    }
  });

  it('an answer of the wrong shape is invalid_response naming the field, with the request id', async () => {
    const bodies: Record<string, unknown> = {
      '/v3/billing/api/order/order': { data: { ...validOrder, status: 'paid_maybe' } },
      '/v3/filter/api/order/order': { data: [validOrder, { ...validOrder, id: undefined }] },
      '/v3/filter/api/order/refund-order': '<html>502 Bad Gateway</html>',
      '/v3/billing/api/order/order/x/refund-basket-item': { data: null },
    };
    const raw = await rawServer((req, res) => json(res, 200, bodies[req.url.split('?')[0]!] ?? ''));
    try {
      const api = createApiClient({
        baseUrl: raw.url,
        getToken: async () => DEMO_TOKEN,
        appVersion: '0.1.0',
      });
      const errors = await Promise.all([
        api.createOrder(orderRequest()).catch((e: unknown) => e),
        api.findOrders().catch((e: unknown) => e),
        api.findRefunds().catch((e: unknown) => e),
        api.refundableItems('x').catch((e: unknown) => e),
      ]);
      for (const e of errors) {
        expect(e).toBeInstanceOf(ApiError);
        expect(e).toMatchObject({
          kind: 'invalid_response',
          status: 200,
          retryable: false,
          requestId: 'raw-req-1',
        });
        expect((e as ApiError).message).toContain('(X-Request-Id: raw-req-1)');
      }
      expect((errors[0] as ApiError).message).toContain('data.status');
      expect((errors[1] as ApiError).message).toContain('data[1].id');
      expect((errors[2] as ApiError).message).toContain('not JSON');
      expect((errors[3] as ApiError).message).toContain('data');
      // A GET is not repeated for an unusable answer: it would be just as unusable.
      expect(raw.requests.filter((r) => r.url.startsWith('/v3/filter/api/order/order'))).toHaveLength(1);
    } finally {
      await raw.close();
    }
  });

  it('masks the token even when the server echoes it, in the message, the fields and the request id', async () => {
    const token = 'b37c4c689295904ed21eee5d9a48d42e';
    const raw = await rawServer((req, res) =>
      json(
        res,
        422,
        {
          error: {
            code: 'wrong_value',
            message: `bad header ${req.headers.authorization}, token=${token}`,
            fields: [{ name: 'token', code: 'wrong_value', message: `got ${token}` }],
          },
        },
        { 'x-request-id': `rq-${token}` },
      ),
    );
    try {
      const records: ApiCallRecord[] = [];
      const api = createApiClient({
        baseUrl: raw.url,
        getToken: async () => token,
        appVersion: '0.1.0',
        onCall: (r) => records.push(r),
      });
      const err = (await api.createOrder(orderRequest()).catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.message).toContain('bad header');
      for (const text of [
        err.message,
        JSON.stringify(err),
        JSON.stringify(err.fields),
        String(err.requestId),
        JSON.stringify(records),
      ]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(token.slice(0, 16));
      }
      expect(err.message).toContain('X-Request-Id: rq-***');
    } finally {
      await raw.close();
    }
  });
});

describe('retries, rate limits, time-outs', () => {
  it('a GET is retried across a burst of 500s', async () => {
    const records: ApiCallRecord[] = [];
    const api = client({ onCall: (r) => records.push(r) });
    const order = await api.createOrder(orderRequest());
    records.length = 0;
    sb.sandbox.faults.set({ http500: 3 });
    expect((await api.getOrder(order.id))?.id).toBe(order.id);
    expect(records.map((r) => [r.status, r.attempt])).toEqual([
      [500, 1],
      [500, 2],
      [500, 3],
      [200, 4],
    ]);
    expect(records.every((r) => r.requestId)).toBe(true);

    records.length = 0;
    sb.sandbox.faults.set({ http500: 4 });
    const err = await api.getOrder(order.id).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'http', status: 500, retryable: true });
    expect((err as ApiError).message).toContain('X-Request-Id: ');
    expect(records).toHaveLength(4);
  });

  it('a POST is never retried by the client', async () => {
    const records: ApiCallRecord[] = [];
    const api = client({ onCall: (r) => records.push(r) });
    sb.sandbox.faults.set({ http500: 1 });
    const req = orderRequest();
    await expect(api.createOrder(req)).rejects.toMatchObject({ status: 500, retryable: true });
    expect(records.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 500']);
    expect(await api.findOrderByMerchantOrderId(req.merchantOrderId)).toBeNull();
  });

  it('429: the limiter pauses everyone for Retry-After, then the GET goes through', async () => {
    const records: ApiCallRecord[] = [];
    const limiter = createRateLimiter({ limit: 100_000 });
    const api = client({ limiter, onCall: (r) => records.push(r) });
    sb.sandbox.faults.set({ http429: 1 });
    await api.findOrders({ pageSize: 1 });
    expect(records.map((r) => [r.status, r.errorKind ?? null])).toEqual([
      [429, 'rate_limited'],
      [200, null],
    ]);
    expect(limiter.stats().pauses).toBe(1);
    // Retry-After: 1 (second) was honoured: the retry did not start before it.
    expect(Date.parse(records[1]!.at) - Date.parse(records[0]!.at)).toBeGreaterThanOrEqual(990);
  });

  it('a 429 that does not clear: rate_limited, retryable, with the wait in the message', async () => {
    const api = client({ maxAttempts: 1 });
    sb.sandbox.faults.set({ http429: 1 });
    const err = (await api.findOrders().catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      code: 'too_many_requests',
      retryable: true,
      retryAfterMs: 1000,
    });
    expect(err.message).toContain('1 s');
    expect(err.message).toContain('X-Request-Id: ');
  });

  it('every try has a time-out; a time-out is retryable and says the request may have been processed', async () => {
    const records: ApiCallRecord[] = [];
    const api = client({ timeoutMs: 100, maxAttempts: 2, onCall: (r) => records.push(r) });
    sb.sandbox.faults.set({ httpDelayMs: 2_000 });
    const err = (await api.findOrders().catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({
      kind: 'timeout',
      code: 'timeout',
      status: null,
      requestId: null,
      retryable: true,
    });
    expect(err.message).toMatch(/did not answer within 0\.1 s/);
    expect(records.map((r) => [r.status, r.errorKind])).toEqual([
      [null, 'timeout'],
      [null, 'timeout'],
    ]);
  });

  it('no server at all: a network error, retried, then reported', async () => {
    const raw = await rawServer(() => {});
    const url = raw.url;
    await raw.close(); // the port is free now: connection refused
    const records: ApiCallRecord[] = [];
    const api = createApiClient({
      baseUrl: url,
      getToken: async () => DEMO_TOKEN,
      appVersion: '0.1.0',
      backoffBaseMs: 1,
      onCall: (r) => records.push(r),
    });
    const err = (await api.findOrders().catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({ kind: 'network', code: 'network_error', status: null, retryable: true });
    expect(err.message).toMatch(/Could not reach Invoicebox .*ECONNREFUSED/);
    expect(records).toHaveLength(4);
  });
});

describe('call records', () => {
  it('keeps the path and query keys, never query values; the last 200; a throwing onCall is harmless', async () => {
    const api = client({
      onCall: () => {
        throw new Error('logger broke');
      },
    });
    await api.findOrderByMerchantOrderId('Иванов-79001112233');
    const last = api.recentCalls().at(-1)!;
    expect(last).toMatchObject({
      method: 'GET',
      path: '/v3/filter/api/order/order?merchantOrderId&pageSize',
      status: 200,
      attempt: 1,
    });
    expect(last.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(api.recentCalls())).not.toContain('79001112233');
    expect(typeof last.durationMs).toBe('number');
    expect(new Date(last.at).toISOString()).toBe(last.at);

    for (let i = 0; i < 205; i++) await api.findOrders({ pageSize: 1 });
    expect(api.recentCalls()).toHaveLength(200);
  });
});
