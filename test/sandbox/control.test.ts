/** The control API (`/sandbox/…`): payment outcomes, refunds, state, faults, accounts, reset, and its errors. */
import { afterEach, describe, expect, it } from 'vitest';
import type { NotifyEvent } from '../../electron/sandbox/state.ts';
import { callApi, demoOrder, withSandbox, type ApiResponse } from '../helpers/sandbox.ts';

const ORDERS = '/v3/billing/api/order/order';
const REFUNDS = '/v3/billing/api/order/refund-order';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('control API', () => {
  const sb = withSandbox({ rateLimit: { requests: 10_000, windowMs: 30_000 }, refundAutoCompleteMs: null });

  /** A control call: JSON body when given, none at all otherwise (as `curl -X POST` sends). */
  const control = (method: string, path: string, body?: unknown): Promise<ApiResponse> =>
    callApi(sb.url, method, `/sandbox/${path}`, body, null);

  const newOrder = async (overrides = {}) => (await sb.api('POST', ORDERS, demoOrder(overrides))).body.data;

  const listeners: ((e: NotifyEvent) => void)[] = [];
  afterEach(() => {
    for (const l of listeners.splice(0)) sb.sandbox.state.events.off('notify', l);
  });

  /** The notifications announced for `id` from now on (until the end of the test). */
  function announced(id: string): NotifyEvent[] {
    const seen: NotifyEvent[] = [];
    const listener = (e: NotifyEvent) => void (e.notification.id === id && seen.push(e));
    listeners.push(listener);
    sb.sandbox.state.events.on('notify', listener);
    return seen;
  }

  function expectError(res: ApiResponse, status: number, code: string): void {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  }

  it('pays a created order once and announces it', async () => {
    const order = await newOrder();
    const events = announced(order.id);
    const res = await control('POST', `orders/${order.id}/pay`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: order.id, status: 'completed', lastAttempt: 'paid' });
    expect(res.body.data.paidAt).toMatch(/\+00:00$/);
    expect(events.map((e) => e.notification.status)).toEqual(['completed']);
    expectError(await control('POST', `orders/${order.id}/pay`), 409, 'wrong_order_status');
  });

  it('declines without changing the status: the order stays payable', async () => {
    const order = await newOrder();
    const events = announced(order.id);
    const res = await control('POST', `orders/${order.id}/decline`);
    expect(res.body.data).toMatchObject({ status: 'created', lastAttempt: 'declined' });
    expect(events).toEqual([]);
    expect((await control('POST', `orders/${order.id}/pay`)).body.data.status).toBe('completed');
    expectError(await control('POST', `orders/${order.id}/decline`), 409, 'wrong_order_status');
  });

  it('expires an order; pays an expired one only when asked for a late payment', async () => {
    const order = await newOrder();
    expect((await control('POST', `orders/${order.id}/expire`)).body.data.status).toBe('expired');
    expectError(await control('POST', `orders/${order.id}/expire`), 409, 'wrong_order_status');
    expectError(await control('POST', `orders/${order.id}/pay`), 409, 'wrong_order_status');
    const late = await control('POST', `orders/${order.id}/pay`, { late: true });
    expect(late.body.data.status).toBe('completed');
  });

  it('refuses to pay a canceled order, even late', async () => {
    const order = await newOrder();
    await sb.api('DELETE', `${ORDERS}/${order.id}`);
    expectError(await control('POST', `orders/${order.id}/pay`, { late: true }), 409, 'wrong_order_status');
  });

  it('answers 404 for unknown ids, 422 for unknown body fields, 405 for a wrong method', async () => {
    expectError(await control('POST', `orders/${UNKNOWN}/pay`), 404, 'not_found');
    expectError(await control('POST', `refunds/${UNKNOWN}/complete`), 404, 'not_found');
    const order = await newOrder();
    const res = await control('POST', `orders/${order.id}/pay`, { lately: true });
    expectError(res, 422, 'validation_error');
    expect(res.body.error.fields).toEqual([
      expect.objectContaining({ name: 'lately', code: 'unknown_field' }),
    ]);
    expectError(await control('GET', `orders/${order.id}/pay`), 405, 'method_not_allowed');
    expectError(await control('GET', 'no-such-route'), 404, 'not_found');
  });

  describe('refunds', () => {
    async function refundOf(status?: 'draft') {
      const order = await newOrder();
      await control('POST', `orders/${order.id}/pay`);
      const res = await sb.api('POST', REFUNDS, {
        parentId: order.id,
        merchantOrderId: `${order.merchantOrderId}-r`,
        description: 'Возврат',
        amount: order.amount,
        vatAmount: order.vatAmount,
        basketItems: order.basketItems,
        ...(status ? { status } : {}),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return { order, refund: res.body.data };
    }
    const refundable = async (orderId: string) =>
      (await sb.api('GET', `${ORDERS}/${orderId}/refund-basket-item`)).body.data;

    it('completes a created refund, announcing it as a refund', async () => {
      const { refund } = await refundOf();
      const events = announced(refund.id);
      const res = await control('POST', `refunds/${refund.id}/complete`);
      expect(res.body.data.status).toBe('completed');
      expect(events.map((e) => [e.notification.status, e.notification.subtype])).toEqual([
        ['completed', 'refund'],
      ]);
      expectError(await control('POST', `refunds/${refund.id}/cancel`), 409, 'wrong_order_status');
    });

    it('cancels a refund: what it took is refundable again', async () => {
      const { order, refund } = await refundOf();
      expect(await refundable(order.id)).toEqual([]);
      expect((await control('POST', `refunds/${refund.id}/cancel`)).body.data.status).toBe('canceled');
      expect(await refundable(order.id)).toEqual(order.basketItems);
    });

    it('completes a draft only while it still fits what is left', async () => {
      const { order, refund: draft } = await refundOf('draft');
      const other = await sb.api('POST', REFUNDS, {
        parentId: order.id,
        merchantOrderId: `${order.merchantOrderId}-r2`,
        description: 'Возврат первой позиции',
        amount: order.basketItems[0].totalAmount,
        vatAmount: order.basketItems[0].totalVatAmount,
        basketItems: [order.basketItems[0]],
      });
      expect(other.status).toBe(200);
      expectError(await control('POST', `refunds/${draft.id}/complete`), 409, 'refund_quantity_exceeded');
      await control('POST', `refunds/${other.body.data.id}/cancel`);
      expect((await control('POST', `refunds/${draft.id}/complete`)).body.data.status).toBe('completed');
    });
  });

  it('lists every order of every merchant, and the whole state', async () => {
    await control('POST', 'accounts', {
      token: 'feedfacefeedfacefeedfacefeedface',
      merchantId: 'm-2',
      name: 'Второй',
    });
    const theirs = (
      await sb.api('POST', ORDERS, demoOrder({ merchantId: 'm-2' }), 'feedfacefeedfacefeedfacefeedface')
    ).body.data;
    const mine = await newOrder();
    const orders = (await control('GET', 'orders')).body.data.map((o: { id: string }) => o.id);
    expect(orders).toEqual(expect.arrayContaining([theirs.id, mine.id]));
    const state = (await control('GET', 'state')).body.data;
    expect(state.orders.map((o: { id: string }) => o.id)).toEqual(orders);
    expect(Array.isArray(state.refunds)).toBe(true);
    expect(state.accounts).toContainEqual({ merchantId: 'm-2', name: 'Второй', token: '…face' });
    expect(JSON.stringify(state)).not.toContain('feedfacefeedface');
    expect(state.faults.config.http500).toBe(0);
  });

  it('adds accounts: same pair again is fine, a token of another merchant is a conflict', async () => {
    const account = { token: 'abcdefabcdefabcdefabcdefabcdef01', merchantId: 'm-3' };
    expect((await control('POST', 'accounts', account)).status).toBe(200);
    expect((await control('POST', 'accounts', account)).status).toBe(200);
    expectError(await control('POST', 'accounts', { ...account, merchantId: 'm-4' }), 409, 'conflict');
    expectError(
      await control('POST', 'accounts', { token: 'short', merchantId: 'm-5' }),
      422,
      'validation_error',
    );
    expect(
      (await sb.api('GET', '/v3/security/api/auth/auth', undefined, account.token)).body.data.userId,
    ).toBe('m-3');
  });

  it('sets, shows and clears faults, refusing unknown switches', async () => {
    const set = await control('POST', 'faults', { http500: 1, notifyDuplicate: true });
    expect(set.body.data.config).toMatchObject({ http500: 1, notifyDuplicate: true, http429: 0 });
    expect((await control('GET', 'faults')).body.data.config.http500).toBe(1);
    await sb.api('GET', '/v3/filter/api/order/order');
    const after = (await control('GET', 'faults')).body.data;
    expect(after.config.http500).toBe(0);
    expect(after.fired.http500).toBeGreaterThanOrEqual(1);
    const bad = await control('POST', 'faults', { http503: 1, httpDelayMs: -5 });
    expectError(bad, 422, 'validation_error');
    expect(bad.body.error.fields.map((f: { name: string }) => f.name).sort()).toEqual([
      'http503',
      'httpDelayMs',
    ]);
    expect((await control('DELETE', 'faults')).body.data.config.notifyDuplicate).toBe(false);
  });

  it('needs JSON for bodies it reads', async () => {
    const res = await fetch(`${sb.url}/sandbox/faults`, { method: 'POST', body: 'http500=1' });
    expect(res.status).toBe(415);
    const bad = await fetch(`${sb.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(bad.status).toBe(400);
  });

  it('serves an HTML index linking the payment pages', async () => {
    const order = await newOrder({ description: '<b>жирный</b> заказ' });
    const res = await fetch(`${sb.url}/sandbox/`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).toContain(`href="/pay/${order.id}"`);
    expect(page).toContain('&lt;b&gt;жирный&lt;/b&gt;');
    expect(page).toContain('POST /sandbox/orders/{id}/pay');
    const root = await fetch(`${sb.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/sandbox/');
  });

  it('resets to an empty gateway with only the initial accounts', async () => {
    await control('POST', 'faults', { http429: 3 });
    const res = await control('POST', 'reset');
    expect(res.status).toBe(200);
    expect(res.body.data.orders).toEqual([]);
    expect(res.body.data.refunds).toEqual([]);
    expect(res.body.data.faults.config.http429).toBe(0);
    expect(res.body.data.accounts.map((a: { merchantId: string }) => a.merchantId)).toEqual([
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    ]);
    expect((await sb.api('GET', '/v3/filter/api/order/order')).body.data).toEqual([]);
  });
});
