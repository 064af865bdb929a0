/** The payment page at `paymentUrl`: content, escaping, security headers, pay / decline by form POST. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { demoOrder, withSandbox } from '../helpers/sandbox.ts';

const ORDERS = '/v3/billing/api/order/order';
const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

describe('payment page', () => {
  const sb = withSandbox({ rateLimit: { requests: 10_000, windowMs: 30_000 } });

  const newOrder = async (overrides = {}) => {
    const res = await sb.api('POST', ORDERS, demoOrder(overrides));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  };
  const page = async (id: string) => {
    const res = await fetch(`${sb.url}/pay/${id}`);
    return { status: res.status, headers: res.headers, html: await res.text() };
  };
  const post = (id: string, action: 'pay' | 'decline', headers: Record<string, string> = {}) =>
    fetch(`${sb.url}/pay/${id}/${action}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: '',
    });

  it('shows the shop, order number, description, basket, amount and status', async () => {
    const order = await newOrder({
      merchantOrderIdVisible: 'Чек 42',
      description: 'Капучино и зерно\nнавынос',
    });
    const res = await page(order.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const { html } = res;
    expect(html).toContain('lang="ru"');
    expect(html).toContain('Демо-магазин');
    expect(html).toContain('Заказ №&nbsp;Чек 42');
    expect(html).toContain('Капучино и зерно<br>навынос');
    expect(html).toContain('Кофе капучино');
    expect(html).toContain('Зерно, кг');
    expect(html).toContain('1\u00a0130,00\u00a0₽'); // 2 × 250,00 + 0,35 × 1 800,00
    expect(html).toMatch(/data-testid="pay-status"\s+data-status="created"[^>]*>\s*Ожидает оплаты\s*</);
    expect(html).toContain('data-testid="pay-button"');
    expect(html).toContain('data-testid="decline-button"');
  });

  it('sends a strict CSP and no external resource or script', async () => {
    const order = await newOrder();
    const { headers, html } = await page(order.id);
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    // The hash in the CSP must be the one of the page's stylesheet exactly, or browsers drop the styles.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(html).not.toMatch(/<script|https?:\/\/(?!merchant)/i);
  });

  it('escapes everything the merchant sent', async () => {
    const lines = [{ sku: 'x', name: HOSTILE, unitPrice: 100, quantity: 1_000, vatCode: 'VATNONE' as const }];
    const order = await newOrder({ description: HOSTILE, merchantOrderIdVisible: '"><b>', lines });
    const { html } = await page(order.id);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('"><b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('pays by form POST, redirects back and shows «Оплачено» without buttons', async () => {
    const order = await newOrder({ successUrl: 'https://merchant.example/ok' });
    const res = await post(order.id, 'pay');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/pay/${order.id}`);
    const { html } = await page(order.id);
    expect(html).toMatch(/data-status="completed"[^>]*>\s*Оплачено\s*</);
    expect(html).not.toContain('data-testid="pay-button"');
    expect(html).toContain('href="https://merchant.example/ok"');
    const [listed] = (await sb.api('GET', `/v3/filter/api/order/order?id=${order.id}`)).body.data;
    expect(listed.status).toBe('completed');
    // Paying again (a double click) just shows the paid order.
    expect((await post(order.id, 'pay')).status).toBe(303);
  });

  it('declines: the order stays payable and the page says the payment was declined', async () => {
    const order = await newOrder();
    expect((await post(order.id, 'decline')).status).toBe(303);
    const { html } = await page(order.id);
    expect(html).toMatch(/data-status="created"/);
    expect(html).toContain('Платёж отклонён');
    expect(html).toContain('data-testid="pay-button"');
  });

  it('says an expired or canceled order cannot be paid, with no pay button', async () => {
    const expired = await newOrder();
    await fetch(`${sb.url}/sandbox/orders/${expired.id}/expire`, { method: 'POST' });
    const e = await page(expired.id);
    expect(e.html).toMatch(/data-status="expired"[^>]*>\s*Срок оплаты истёк\s*</);
    expect(e.html).not.toContain('pay-button');
    expect((await post(expired.id, 'pay')).status).toBe(303);
    expect((await page(expired.id)).html).toMatch(/data-status="expired"/);

    const canceled = await newOrder();
    await sb.api('DELETE', `${ORDERS}/${canceled.id}`);
    const c = await page(canceled.id);
    expect(c.html).toMatch(/data-status="canceled"[^>]*>\s*Заказ отменён/);
    expect(c.html).not.toContain('pay-button');
  });

  it('never links a non-http successUrl', async () => {
    const order = await newOrder({ successUrl: 'javascript:alert(1)' });
    await post(order.id, 'pay');
    expect((await page(order.id)).html).not.toContain('javascript:');
  });

  it('answers 404 for an unknown order, 405 for a wrong method, 403 for a cross-origin form', async () => {
    const missing = await page('00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('Заказ не найден');
    expect((await page('not a valid id')).status).toBe(404);
    const order = await newOrder();
    expect((await fetch(`${sb.url}/pay/${order.id}/pay`)).status).toBe(405);
    expect((await post(order.id, 'pay', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(order.id, 'pay', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await page(order.id)).html).toMatch(/data-status="created"/);
  });
});
