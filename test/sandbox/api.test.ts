/**
 * The sandbox's Invoicebox API v3 over real HTTP: every endpoint, every error code, rate limits, faults, expiry,
 * refunds and persistence.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../electron/sandbox/server.ts';
import type { NotifyEvent } from '../../electron/sandbox/state.ts';
import { kopecksFromApi, kopecksToApi } from '../../shared/domain/money.ts';
import {
  callApi,
  DEMO_MERCHANT_ID,
  DEMO_TOKEN,
  demoOrder,
  withSandbox,
  type ApiResponse,
  type Json,
  type SandboxHandle,
} from '../helpers/sandbox.ts';

const ORDERS = '/v3/billing/api/order/order';
const FILTER = '/v3/filter/api/order/order';
const REFUNDS = '/v3/billing/api/order/refund-order';
const REFUND_FILTER = '/v3/filter/api/order/refund-order';
const AUTH = '/v3/security/api/auth/auth';

const OTHER = {
  token: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
  merchantId: '0badf00d-0000-4000-8000-000000000001',
};
const PLENTY = { requests: 100_000, windowMs: 30_000 };
const seedExample = JSON.parse(
  readFileSync(new URL('../fixtures/invoicebox-create-order-example.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

function inAnHour(): string {
  return new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function expectError(res: ApiResponse, status: number, code: string, field?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  if (field !== undefined)
    expect(res.body.error.fields.map((f: { name: string }) => f.name)).toContain(field);
}

async function created(sb: SandboxHandle, overrides = {}): Promise<Record<string, Json>> {
  const res = await sb.api('POST', ORDERS, demoOrder(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

async function paid(sb: SandboxHandle, overrides = {}): Promise<Record<string, Json>> {
  const order = await created(sb, overrides);
  const res = await fetch(`${sb.url}/sandbox/orders/${order.id}/pay`, { method: 'POST' });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Record<string, Json> }).data;
}

describe('auth check', () => {
  const sb = withSandbox({ accounts: [OTHER] });

  it('answers who a valid token is, without echoing the token', async () => {
    const res = await sb.api('GET', AUTH);
    expect(res.status).toBe(200);
    expect(res.body.data.userId).toBe(DEMO_MERCHANT_ID);
    expect(res.body.data.profile.name).toBe('Демо-магазин');
    expect(JSON.stringify(res.body)).not.toContain(DEMO_TOKEN);
    expect(res.body.extendedData).toEqual([]);
  });

  it('gives userId null without a token and 401 for a bad one', async () => {
    const anonymous = await sb.api('GET', AUTH, undefined, null);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.data.userId).toBeNull();
    expectError(
      await sb.api('GET', AUTH, undefined, 'ffffffffffffffffffffffffffffffff'),
      401,
      'unauthorized',
    );
  });

  it('serves the same paths under /l3/', async () => {
    const res = await sb.api('GET', AUTH.replace('/v3/', '/l3/'), undefined, OTHER.token);
    expect(res.status).toBe(200);
    expect(res.body.data.userId).toBe(OTHER.merchantId);
  });
});

describe('create order', () => {
  const sb = withSandbox({ accounts: [OTHER], rateLimit: PLENTY });

  it('accepts the documentation example as it stands', async () => {
    const res = await sb.api('POST', ORDERS, {
      ...seedExample,
      merchantId: DEMO_MERCHANT_ID,
      expirationDate: inAnHour(),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const order = res.body.data;
    expect(order).toMatchObject({
      merchantOrderId: 'm-1608560079',
      amount: 371.88,
      vatAmount: 61.98,
      status: 'created',
      subtype: 'order',
      metaData: seedExample.metaData,
      customer: seedExample.customer,
    });
    expect(order.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(order.orderContainerId).toBe(order.id);
    expect(order.paymentUrl).toBe(`${sb.url}/pay/${order.id}`);
    expect(order.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(order.fileIds).toEqual({});
    expect(order.paidAt).toBeUndefined();
  });

  it('refuses a repeated merchantOrderId (the idempotency key)', async () => {
    const body = demoOrder();
    expect((await sb.api('POST', ORDERS, body)).status).toBe(200);
    expectError(await sb.api('POST', ORDERS, body), 422, 'merchant_order_id_duplicate', 'merchantOrderId');
  });

  it('lets two merchants use the same merchantOrderId', async () => {
    const body = demoOrder();
    expect((await sb.api('POST', ORDERS, body)).status).toBe(200);
    const other = await sb.api('POST', ORDERS, { ...body, merchantId: OTHER.merchantId }, OTHER.token);
    expect(other.status).toBe(200);
  });

  it('needs a known token (401) and the token’s own merchantId (403)', async () => {
    expectError(await sb.api('POST', ORDERS, demoOrder(), null), 401, 'unauthorized');
    expectError(await sb.api('POST', ORDERS, demoOrder(), 'nope'), 401, 'unauthorized');
    expectError(await sb.api('POST', ORDERS, demoOrder({ merchantId: OTHER.merchantId })), 403, 'forbidden');
  });

  it('answers 415 for a non-JSON body, 400 for malformed JSON, 413 over 1 MiB', async () => {
    const post = (type: string, body: string) =>
      fetch(sb.url + ORDERS, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': type },
        body,
      }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.json() }));
    expectError(await post('text/plain', JSON.stringify(demoOrder())), 415, 'unsupported_media_type');
    expectError(await post('application/json', '{"merchantId": '), 400, 'bad_request');
    const huge = JSON.stringify(demoOrder({ description: 'x'.repeat(1_100_000) }));
    expectError(await post('application/json', huge), 413, 'payload_too_large');
  });

  it('names unknown, missing and wrongly typed fields (validation_error)', async () => {
    const { customer: _customer, ...noCustomer } = demoOrder();
    const missing = await sb.api('POST', ORDERS, noCustomer);
    expectError(missing, 422, 'validation_error');
    expect(missing.body.error.fields).toContainEqual(
      expect.objectContaining({ name: 'customer', code: 'required' }),
    );

    const order = demoOrder();
    const unknown = await sb.api('POST', ORDERS, {
      ...order,
      color: 'red',
      basketItems: [{ ...order.basketItems[0], discount: 1 }],
    });
    expectError(unknown, 422, 'validation_error');
    expect(unknown.body.error.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'color', code: 'unknown_field' }),
        expect.objectContaining({ name: 'basketItems.0.discount', code: 'unknown_field' }),
      ]),
    );

    const wrong = await sb.api('POST', ORDERS, { ...demoOrder(), amount: 'много' });
    expect(wrong.body.error.fields).toContainEqual(
      expect.objectContaining({ name: 'amount', code: 'wrong_value' }),
    );
  });

  it('refuses a body that is not an object, naming it', async () => {
    for (const body of [null, [demoOrder()], 'order', 42]) {
      const res = await sb.api('POST', ORDERS, body);
      expectError(res, 422, 'validation_error', 'body');
    }
  });

  it('creates under /l3/ as under /v3/', async () => {
    const res = await sb.api('POST', ORDERS.replace('/v3/', '/l3/'), demoOrder());
    expect(res.status).toBe(200);
    const found = await sb.api('GET', `${FILTER.replace('/v3/', '/l3/')}?id=${res.body.data.id}`);
    expect(found.body.data).toHaveLength(1);
  });

  it('refuses money with more than two decimals and quantities with more than three', async () => {
    const order = demoOrder();
    const item = order.basketItems[0]!;
    const res = await sb.api('POST', ORDERS, {
      ...order,
      basketItems: [{ ...item, amount: 250.001, quantity: 2.0001 }, ...order.basketItems.slice(1)],
    });
    expectError(res, 422, 'validation_error');
    expect(res.body.error.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'basketItems.0.amount', code: 'wrong_value' }),
        expect.objectContaining({ name: 'basketItems.0.quantity', code: 'wrong_value' }),
      ]),
    );
  });

  it.each([
    [
      'wrong_basket_item_total_amount',
      'basketItems.0.totalAmount',
      (i: Json) => ({ ...i, totalAmount: i.totalAmount + 0.05 }),
    ],
    [
      'wrong_basket_item_total_vat_amount',
      'basketItems.0.totalVatAmount',
      (i: Json) => ({ ...i, totalVatAmount: i.totalVatAmount + 0.05 }),
    ],
    [
      'wrong_basket_item_amount_wo_vat',
      'basketItems.0.amountWoVat',
      (i: Json) => ({ ...i, amountWoVat: i.amountWoVat - 0.05 }),
    ],
  ])('refuses a basket line with %s', async (code, field, spoil) => {
    const order = demoOrder({ lines: [{ unitPrice: 25_000, quantity: 2_000, vatCode: 'RUS_VAT22' }] });
    const item = spoil(order.basketItems[0]);
    const amount = item.totalAmount;
    const vatAmount = item.totalVatAmount;
    expectError(
      await sb.api('POST', ORDERS, { ...order, basketItems: [item], amount, vatAmount }),
      422,
      code,
      field,
    );
  });

  it('refuses order totals that are not the sums of the lines', async () => {
    const order = demoOrder();
    expectError(
      await sb.api('POST', ORDERS, { ...order, amount: order.amount + 0.01 }),
      422,
      'wrong_total_amount',
      'amount',
    );
    expectError(
      await sb.api('POST', ORDERS, { ...order, vatAmount: order.vatAmount - 0.01 }),
      422,
      'wrong_total_vat_amount',
      'vatAmount',
    );
  });

  it('honours orderSetting.roundPolicy (default strict)', async () => {
    // 3 × 33.33 = 99.99: "none" accepts 100.00 (more than the product); strict does not; ceil accepts 100.00.
    const order = demoOrder({ lines: [{ unitPrice: 3_333, quantity: 3_000, vatCode: 'VATNONE' }] });
    const rounded = { ...order, amount: 100, basketItems: [{ ...order.basketItems[0]!, totalAmount: 100 }] };
    expectError(await sb.api('POST', ORDERS, rounded), 422, 'wrong_basket_item_total_amount');
    for (const roundPolicy of ['none', 'ceil', 'halfUp'] as const) {
      const res = await sb.api('POST', ORDERS, {
        ...rounded,
        merchantOrderId: `rp-${roundPolicy}-${Date.now()}`,
        orderSetting: { roundPolicy },
      });
      expect(res.status, `${roundPolicy}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    const floor = await sb.api('POST', ORDERS, {
      ...rounded,
      merchantOrderId: `rp-floor-${Date.now()}`,
      orderSetting: { roundPolicy: 'floor' },
    });
    expectError(floor, 422, 'wrong_basket_item_total_amount');
  });

  it('refuses an expiration date in the past or more than a year ahead', async () => {
    const past = new Date(Date.now() - 1000).toISOString();
    expectError(
      await sb.api('POST', ORDERS, demoOrder({ expirationDate: past })),
      422,
      'wrong_expiration_date',
      'expirationDate',
    );
    const far = new Date(Date.now() + 400 * 86_400_000).toISOString();
    expectError(
      await sb.api('POST', ORDERS, demoOrder({ expirationDate: far })),
      422,
      'wrong_expiration_date',
    );
  });

  it('refuses an unknown currency and language', async () => {
    expectError(
      await sb.api('POST', ORDERS, demoOrder({ currencyId: 'XYZ' })),
      422,
      'wrong_currency',
      'currencyId',
    );
    expectError(
      await sb.api('POST', ORDERS, demoOrder({ languageId: 'de' })),
      422,
      'language_not_found',
      'languageId',
    );
  });

  it('stores times in UTC', async () => {
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 7_200_000);
    const moscow = new Date(at.getTime() + 3 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+03:00');
    const stored = await created(sb, { expirationDate: moscow });
    expect(stored.expirationDate).toBe(at.toISOString().replace(/\.\d{3}Z$/, '+00:00'));
  });
});

describe('update and cancel', () => {
  const sb = withSandbox({ accounts: [OTHER], rateLimit: PLENTY });

  it('updates a created order and checks the merged order like a new one', async () => {
    const order = await created(sb);
    const res = await sb.api('PUT', `${ORDERS}/${order.id}`, { description: 'Новое описание' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: order.id, description: 'Новое описание', status: 'created' });
    expect(res.body.data.paymentUrl).toBe(order.paymentUrl);

    const lines = [{ unitPrice: 99_900, quantity: 1_000, vatCode: 'RUS_VAT22' as const }];
    const rebasket = demoOrder({ lines });
    const res2 = await sb.api('PUT', `${ORDERS}/${order.id}`, {
      basketItems: rebasket.basketItems,
      amount: rebasket.amount,
      vatAmount: rebasket.vatAmount,
    });
    expect(res2.status, JSON.stringify(res2.body)).toBe(200);
    expect(res2.body.data.amount).toBe(999);

    expectError(await sb.api('PUT', `${ORDERS}/${order.id}`, { amount: 1 }), 422, 'wrong_total_amount');
    expectError(
      await sb.api('PUT', `${ORDERS}/${order.id}`, { colour: 'red' }),
      422,
      'validation_error',
      'colour',
    );
    expectError(
      await sb.api('PUT', `${ORDERS}/${order.id}`, { merchantOrderId: 'other' }),
      422,
      'validation_error',
      'merchantOrderId',
    );
    expectError(
      await sb.api('PUT', `${ORDERS}/${order.id}`, { merchantId: OTHER.merchantId }),
      403,
      'forbidden',
    );
  });

  it('refuses to update or cancel a paid order (wrong_order_status)', async () => {
    const order = await paid(sb);
    expectError(
      await sb.api('PUT', `${ORDERS}/${order.id}`, { description: 'x' }),
      422,
      'wrong_order_status',
    );
    expectError(await sb.api('DELETE', `${ORDERS}/${order.id}`), 422, 'wrong_order_status');
  });

  it('cancels a created order once', async () => {
    const order = await created(sb);
    const res = await sb.api('DELETE', `${ORDERS}/${order.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('canceled');
    expectError(await sb.api('DELETE', `${ORDERS}/${order.id}`), 422, 'wrong_order_status');
    expectError(
      await sb.api('PUT', `${ORDERS}/${order.id}`, { description: 'x' }),
      422,
      'wrong_order_status',
    );
  });

  it('answers 404 for unknown ids and for another merchant’s order', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectError(await sb.api('DELETE', `${ORDERS}/${unknown}`), 404, 'not_found');
    expectError(await sb.api('PUT', `${ORDERS}/${unknown}`, { description: 'x' }), 404, 'not_found');
    const order = await created(sb);
    expectError(await sb.api('DELETE', `${ORDERS}/${order.id}`, undefined, OTHER.token), 404, 'not_found');
    expectError(
      await sb.api('GET', `${ORDERS}/${order.id}/refund-basket-item`, undefined, OTHER.token),
      404,
      'not_found',
    );
  });

  it('answers 404 for unknown API paths and 405 for a wrong method', async () => {
    expectError(await sb.api('GET', '/v3/billing/api/nothing'), 404, 'not_found');
    expectError(await sb.api('PATCH', ORDERS), 405, 'method_not_allowed');
  });
});

describe('refunds', () => {
  const sb = withSandbox({ accounts: [OTHER], rateLimit: PLENTY });
  const lines = [
    { sku: 'tea', name: 'Чай', unitPrice: 15_000, quantity: 4_000, vatCode: 'RUS_VAT22' as const },
    { sku: 'cake', name: 'Торт, кг', unitPrice: 120_000, quantity: 1_250, vatCode: 'RUS_VAT10' as const },
  ];

  function refund(order: Record<string, Json>, refundLines: typeof lines, extra = {}) {
    const body = demoOrder({ lines: refundLines });
    return {
      parentId: order.id,
      merchantOrderId: `refund-${Math.random().toString(36).slice(2)}`,
      description: 'Возврат',
      amount: body.amount,
      vatAmount: body.vatAmount,
      basketItems: body.basketItems,
      ...extra,
    };
  }

  const refundable = async (order: Record<string, Json>) =>
    (await sb.api('GET', `${ORDERS}/${order.id}/refund-basket-item`)).body.data as Record<string, Json>[];

  it('refuses a refund of an unpaid order', async () => {
    const order = await created(sb, { lines });
    expectError(await sb.api('POST', REFUNDS, refund(order, lines)), 422, 'wrong_order_status');
    expectError(await sb.api('GET', `${ORDERS}/${order.id}/refund-basket-item`), 422, 'wrong_order_status');
  });

  it('refunds part, shrinks the refundable items, then refunds the rest', async () => {
    const order = await paid(sb, { lines });
    expect(await refundable(order)).toEqual(order.basketItems);

    const first = await sb.api('POST', REFUNDS, refund(order, [{ ...lines[0]!, quantity: 1_000 }]));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data).toMatchObject({
      parentId: order.id,
      status: 'created',
      merchantId: DEMO_MERCHANT_ID,
      currencyId: 'RUB',
    });

    const left = await refundable(order);
    expect(left.map((i) => [i.sku, i.quantity])).toEqual([
      ['tea', 3],
      ['cake', 1.25],
    ]);
    expect(left[0]!.totalAmount).toBe(450);

    // Sending back exactly what is left is always accepted.
    const rest = await sb.api('POST', REFUNDS, {
      ...refund(order, lines),
      basketItems: left,
      amount: kopecksToApi(left.reduce((sum, i) => sum + kopecksFromApi(i.totalAmount), 0)),
      vatAmount: kopecksToApi(left.reduce((sum, i) => sum + kopecksFromApi(i.totalVatAmount), 0)),
    });
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    expect(await refundable(order)).toEqual([]);
    expectError(
      await sb.api('POST', REFUNDS, refund(order, [{ ...lines[0]!, quantity: 1_000 }])),
      422,
      'refund_quantity_exceeded',
      'basketItems.0.quantity',
    );
  });

  it('never refunds more than was paid, per line and in total', async () => {
    const order = await paid(sb, { lines });
    const tooMany = await sb.api('POST', REFUNDS, refund(order, [{ ...lines[0]!, quantity: 5_000 }]));
    expectError(tooMany, 422, 'refund_quantity_exceeded', 'basketItems.0.quantity');
    expect(tooMany.body.error.fields).toContainEqual(
      expect.objectContaining({ name: 'basketItems.0.totalAmount', code: 'refund_amount_exceeded' }),
    );
    const pricier = await sb.api(
      'POST',
      REFUNDS,
      refund(order, [{ ...lines[0]!, unitPrice: 100_000, quantity: 1_000 }]),
    );
    expectError(pricier, 422, 'refund_amount_exceeded', 'basketItems.0.totalAmount');
    expectError(
      await sb.api('POST', REFUNDS, refund(order, [{ ...lines[0]!, sku: 'nope' }])),
      422,
      'refund_item_not_found',
      'basketItems.0.sku',
    );
    const wrongTotal = refund(order, [{ ...lines[0]!, quantity: 1_000 }]);
    expectError(
      await sb.api('POST', REFUNDS, { ...wrongTotal, amount: wrongTotal.amount + 1 }),
      422,
      'wrong_total_amount',
    );
    expectError(await sb.api('POST', REFUNDS, { ...wrongTotal, currencyId: 'USD' }), 422, 'wrong_currency');
  });

  it('needs a new unique merchantOrderId for each refund', async () => {
    const order = await paid(sb, { lines });
    const body = refund(order, [{ ...lines[0]!, quantity: 1_000 }]);
    expect((await sb.api('POST', REFUNDS, body)).status).toBe(200);
    expectError(await sb.api('POST', REFUNDS, body), 422, 'merchant_order_id_duplicate');
    expectError(
      await sb.api('POST', REFUNDS, { ...body, merchantOrderId: order.merchantOrderId }),
      422,
      'merchant_order_id_duplicate',
    );
  });

  it('keeps a draft as a draft, which takes nothing', async () => {
    const order = await paid(sb, { lines });
    const res = await sb.api('POST', REFUNDS, refund(order, lines, { status: 'draft' }));
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('draft');
    expect(await refundable(order)).toEqual(order.basketItems);
  });

  it('completes a created refund shortly after, announcing it', async () => {
    const order = await paid(sb, { lines });
    const completed = new Promise<NotifyEvent>((resolve) => {
      const listener = (e: NotifyEvent) => {
        if (e.notification.parentId === order.id && e.notification.status === 'completed') {
          sb.sandbox.state.events.off('notify', listener);
          resolve(e);
        }
      };
      sb.sandbox.state.events.on('notify', listener);
    });
    const res = await sb.api('POST', REFUNDS, refund(order, lines));
    expect(res.body.data.status).toBe('created');
    const event = await completed;
    expect(event.notification).toMatchObject({
      id: res.body.data.id,
      subtype: 'refund',
      status: 'completed',
    });
    const listed = await sb.api('GET', `${REFUND_FILTER}?id=${res.body.data.id}`);
    expect(listed.body.data[0].status).toBe('completed');
  });

  it('lists only the merchant’s own refunds, with filters', async () => {
    const order = await paid(sb, { lines });
    const body = refund(order, [{ ...lines[0]!, quantity: 1_000 }]);
    await sb.api('POST', REFUNDS, body);
    const mine = await sb.api('GET', `${REFUND_FILTER}?parentId=${order.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((r: Json) => r.merchantOrderId)).toEqual([body.merchantOrderId]);
    const byMoid = await sb.api('GET', `${REFUND_FILTER}?merchantOrderId[]=${body.merchantOrderId}`);
    expect(byMoid.body.data).toHaveLength(1);
    const theirs = await sb.api('GET', `${REFUND_FILTER}?parentId=${order.id}`, undefined, OTHER.token);
    expect(theirs.body.data).toEqual([]);
    expectError(await sb.api('POST', REFUNDS, body, OTHER.token), 404, 'not_found');
    expectError(await sb.api('POST', REFUNDS, { ...body, merchantId: OTHER.merchantId }), 403, 'forbidden');
    expectError(await sb.api('GET', `${REFUND_FILTER}?expirationDate=2020-01-01`), 422, 'validation_error');
  });

  it('answers 404 for a refund of an unknown order', async () => {
    const order = await paid(sb, { lines });
    expectError(
      await sb.api('POST', REFUNDS, refund({ ...order, id: '00000000-0000-4000-8000-000000000000' }, lines)),
      404,
      'not_found',
    );
  });
});

describe('rate limits', () => {
  describe('with a small limit', () => {
    const sb = withSandbox({ accounts: [OTHER], rateLimit: { requests: 5, windowMs: 60_000 } });

    it('answers 429 with Retry-After over the per-account limit, per account', async () => {
      for (let i = 0; i < 5; i++) expect((await sb.api('GET', FILTER)).status).toBe(200);
      const over = await sb.api('GET', FILTER);
      expectError(over, 429, 'too_many_requests');
      const retryAfter = Number(over.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await sb.api('GET', FILTER, undefined, OTHER.token)).status).toBe(200);
    });

    it('limits per IP at five times the account limit', async () => {
      // 25 per IP: the 5 + 1 above, 5 of OTHER's, and anonymous requests (401) count too.
      let last: ApiResponse | null = null;
      for (let i = 0; i < 30 && last?.status !== 429; i++)
        last = await sb.api('GET', FILTER, undefined, null);
      expectError(last!, 429, 'too_many_requests');
    });
  });

  describe('by default', () => {
    const sb = withSandbox();

    it('allows 100 requests per 30 s per account, as the real gateway', async () => {
      for (let i = 0; i < 100; i++) {
        const res = await sb.api('GET', FILTER);
        expect(res.status, `request ${i + 1}`).toBe(200);
      }
      const over = await sb.api('GET', FILTER);
      expectError(over, 429, 'too_many_requests');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    });
  });
});

describe('HTTP faults', () => {
  const sb = withSandbox({ rateLimit: PLENTY });
  const setFaults = (patch: object) =>
    fetch(`${sb.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    });

  it('answers 500 internal_error for the next N calls', async () => {
    await setFaults({ http500: 2 });
    expectError(await sb.api('GET', FILTER), 500, 'internal_error');
    expectError(await sb.api('POST', ORDERS, demoOrder()), 500, 'internal_error');
    expect((await sb.api('GET', FILTER)).status).toBe(200);
    expect(sb.sandbox.faults.fired.http500).toBe(2);
  });

  it('answers 429 with Retry-After: 1 for the next N calls', async () => {
    await setFaults({ http429: 1 });
    const res = await sb.api('GET', AUTH);
    expectError(res, 429, 'too_many_requests');
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await sb.api('GET', AUTH)).status).toBe(200);
  });

  it('delays every response by httpDelayMs', async () => {
    await setFaults({ httpDelayMs: 150 });
    const started = performance.now();
    const res = await sb.api('GET', FILTER);
    const elapsed = performance.now() - started;
    await fetch(`${sb.url}/sandbox/faults`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(140); // a lower bound only: a delay cannot make it faster
  });
});

describe('X-Request-Id', () => {
  const sb = withSandbox({ rateLimit: PLENTY });

  it('is on every response, success and error alike, and differs between requests', async () => {
    const responses = await Promise.all([
      sb.api('GET', AUTH),
      sb.api('GET', AUTH, undefined, 'bad'),
      sb.api('POST', ORDERS, { nonsense: true }),
      sb.api('GET', FILTER),
      sb.api('GET', '/v3/nowhere'),
      fetch(`${sb.url}/pay/unknown`).then((r) => ({ headers: r.headers })),
      fetch(`${sb.url}/sandbox/state`).then((r) => ({ headers: r.headers })),
    ]);
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('expiry', () => {
  describe('with an injected clock', () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    const sb = withSandbox({ now: () => new Date(now), rateLimit: PLENTY });

    it('expires a created order once its expirationDate has passed (checked on read)', async () => {
      const order = await created(sb, { expirationDate: '2026-11-20T10:01:00+00:00' });
      const expiredEvents: NotifyEvent[] = [];
      sb.sandbox.state.events.on(
        'notify',
        (e) => void (e.notification.id === order.id && expiredEvents.push(e)),
      );
      now += 61_000;
      const res = await sb.api('GET', `${FILTER}?id=${order.id}`);
      expect(res.body.data[0].status).toBe('expired');
      expect(expiredEvents.map((e) => e.notification.status)).toEqual(['expired']);
      expectError(await sb.api('DELETE', `${ORDERS}/${order.id}`), 422, 'wrong_order_status');
    });

    it('does not expire a paid order', async () => {
      const order = await paid(sb, { expirationDate: new Date(now + 60_000).toISOString() });
      now += 120_000;
      expect((await sb.api('GET', `${FILTER}?id=${order.id}`)).body.data[0].status).toBe('completed');
    });
  });

  describe('with the real clock', () => {
    const sb = withSandbox({ rateLimit: PLENTY });

    it('expires the order by itself at its deadline and announces it', async () => {
      const order = await created(sb, { expirationDate: new Date(Date.now() + 1_200).toISOString() });
      const [event] = await once(sb.sandbox.state.events, 'notify');
      expect((event as NotifyEvent).notification).toMatchObject({ id: order.id, status: 'expired' });
    });
  });
});

describe('persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-sandbox-'));
  const stateFile = join(dir, 'nested', 'state.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps orders, refunds and accounts across a restart', async () => {
    const first = await startSandbox({ stateFile, refundAutoCompleteMs: null });
    const order = demoOrder();
    const createdRes = await callApi(first.url, 'POST', ORDERS, order);
    const id = createdRes.body.data.id;
    await fetch(`${first.url}/sandbox/orders/${id}/pay`, { method: 'POST' });
    const refundRes = await callApi(first.url, 'POST', REFUNDS, {
      parentId: id,
      merchantOrderId: `${order.merchantOrderId}-r1`,
      description: 'Возврат',
      amount: order.basketItems[0]!.totalAmount,
      vatAmount: order.basketItems[0]!.totalVatAmount,
      basketItems: [order.basketItems[0]],
    });
    expect(refundRes.status, JSON.stringify(refundRes.body)).toBe(200);
    await fetch(`${first.url}/sandbox/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: OTHER.token, merchantId: OTHER.merchantId, name: 'Другой' }),
    });
    await first.stop();

    const second = await startSandbox({ stateFile, refundAutoCompleteMs: null });
    try {
      const found = await callApi(second.url, 'GET', `${FILTER}?merchantOrderId=${order.merchantOrderId}`);
      expect(found.body.data).toHaveLength(1);
      expect(found.body.data[0]).toMatchObject({ id, status: 'completed' });
      const refunds = await callApi(second.url, 'GET', `${REFUND_FILTER}?parentId=${id}`);
      expect(refunds.body.data.map((r: Json) => r.status)).toEqual(['created']);
      const left = await callApi(second.url, 'GET', `${ORDERS}/${id}/refund-basket-item`);
      expect(left.body.data.map((i: Json) => i.sku)).toEqual([order.basketItems[1]!.sku]);
      expectError(await callApi(second.url, 'POST', ORDERS, order), 422, 'merchant_order_id_duplicate');
      expect((await callApi(second.url, 'GET', AUTH, undefined, OTHER.token)).body.data.userId).toBe(
        OTHER.merchantId,
      );
    } finally {
      await second.stop();
    }
  });

  it('refuses to start on a corrupt state file rather than lose it', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version": 1, "orders": 7}');
    await expect(startSandbox({ stateFile: bad })).rejects.toThrow(/not a valid snapshot/);
  });
});
