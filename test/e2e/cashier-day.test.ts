/**
 * A cashier's day, end to end: real Chromium → browser host → core → sandbox gateway (HTTP API + WebSocket gate +
 * payment page), all real, on loopback. Once with a steady connection, once with the gateway dropping the console's
 * sockets mid-way (and refusing reconnects for a while), where statuses must still arrive, by polling, and the
 * indicator must never claim `live` while the socket is down.
 *
 * Along the way: every screen scanned with axe-core (no serious or critical violation) and photographed at 1366×768
 * into test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { computeBasket } from '../../shared/domain/basket.ts';
import type { VatCode } from '../../shared/domain/vat.ts';
import { chromiumPath, domChangesDuring, payOnPaymentPage, readQr, scanScreen } from '../helpers/browser.ts';
import { enterPin, SENIOR } from '../helpers/shift-ui.ts';
import { DEMO_TOKEN, startRig, type Rig } from './harness.ts';

const STEP_MS = 90_000;
const WAIT = { timeout: 20_000 };

interface Line {
  name: string;
  price: string;
  qty: string;
  vat: VatCode;
  kopecks: number;
  milli: number;
}

const DAY_BASKET: Line[] = [
  { name: 'Капучино 0,3 л', price: '249', qty: '2', vat: 'RUS_VAT22', kopecks: 24900, milli: 2000 },
  { name: 'Круассан миндальный', price: '189,50', qty: '1', vat: 'RUS_VAT10', kopecks: 18950, milli: 1000 },
  {
    name: 'Кофе в зёрнах, Эфиопия',
    price: '1450',
    qty: '0,25',
    vat: 'RUS_VAT22',
    kopecks: 145000,
    milli: 250,
  },
  { name: 'Открытка', price: '99,90', qty: '3', vat: 'VATNONE', kopecks: 9990, milli: 3000 },
  { name: 'Доставка по городу', price: '300', qty: '1', vat: 'RUS_VAT22_ADDED', kopecks: 30000, milli: 1000 },
];

const status = (page: Page, s: string) => page.locator(`[data-testid=order-status][data-status=${s}]`);

async function addLine(page: Page, line: Pick<Line, 'name' | 'price' | 'qty' | 'vat'>): Promise<void> {
  await page.getByTestId('item-name').fill(line.name);
  await page.getByTestId('item-price').fill(line.price);
  await page.getByTestId('item-qty').fill(line.qty);
  await page.getByTestId('item-vat').selectOption(line.vat);
  await page.getByTestId('add-item').click();
}

async function goNewOrder(page: Page): Promise<void> {
  await page.keyboard.press('F2');
  await page.getByTestId('new-order').waitFor();
}

/** The id of the order on the payment screen. */
async function payingOrderId(page: Page): Promise<string> {
  const screen = page.getByTestId('payment-screen');
  await screen.waitFor(WAIT);
  return (await screen.getAttribute('data-order-id'))!;
}

function cashierDay(mode: 'steady' | 'chaos'): void {
  const shots = mode === 'steady';
  const tag = (n: string): string => (mode === 'steady' ? n : `chaos-${n}`);
  let rig: Rig;
  let page: Page;
  let customer: Page;
  const ids: { paid?: string; canceled?: string; expired?: string; reissued?: string } = {};
  const numbers: string[] = [];
  /** Every connection state the cashier's indicator showed, sampled in the page. */
  let indicatorLog: () => Promise<string[]>;

  beforeAll(async () => {
    rig = await startRig();
    page = rig.page;
    await page.locator('[data-testid=connection-state][data-state=live]').waitFor(WAIT);
    // Record every state the indicator takes, from inside the page (a MutationObserver, not sampling).
    await page.evaluate(`(() => {
      window.__states = [];
      const el = document.querySelector('[data-testid=connection-state]');
      window.__states.push(el.getAttribute('data-state'));
      new MutationObserver(() => {
        const cur = document.querySelector('[data-testid=connection-state]');
        const s = cur && cur.getAttribute('data-state');
        if (s && window.__states[window.__states.length - 1] !== s) window.__states.push(s);
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true });
      window.__noReload = true;
    })()`);
    indicatorLog = async () => (await page.evaluate('window.__states')) as string[];
  }, STEP_MS);

  afterAll(async () => {
    await rig?.stop();
  }, STEP_MS);

  it(
    'creates an order of several lines at mixed VAT rates, totals computed live',
    async () => {
      await scanScreen(page, tag('01-new-order-empty'), shots);
      for (const line of DAY_BASKET) await addLine(page, line);
      await expect.poll(() => page.getByTestId('basket-line').count()).toBe(DAY_BASKET.length);

      const expected = computeBasket(
        DAY_BASKET.map((l) => ({ unitPrice: l.kopecks, quantity: l.milli, vatCode: l.vat })),
      );
      expect(Number(await page.getByTestId('order-total').getAttribute('data-kopecks'))).toBe(
        expected.amount,
      );
      expect(Number(await page.getByTestId('order-vat-total').getAttribute('data-kopecks'))).toBe(
        expected.vatAmount,
      );
      expect(await page.getByTestId('order-total').textContent()).toContain('1\u00a0649,70');

      // Invalid input is refused at the field, before anything is sent.
      await page.getByTestId('item-name').fill('Ошибка');
      await page.getByTestId('item-price').fill('12,345');
      await page.getByTestId('add-item').click();
      await expect.poll(() => page.getByTestId('item-price').getAttribute('aria-invalid')).toBe('true');
      await expect.poll(() => page.getByTestId('basket-line').count()).toBe(DAY_BASKET.length);
      await page.getByTestId('item-name').fill('');
      await page.getByTestId('item-price').fill('');

      await scanScreen(page, tag('02-new-order-basket'), shots);
      await page.getByTestId('create-order').click();
      ids.paid = await payingOrderId(page);
      numbers.push((await page.getByTestId('order-number').textContent())!.trim());
      await status(page, 'created').waitFor(WAIT);
      const view = await rig.invoke('orders.get', { id: ids.paid });
      expect(view.amount).toBe(expected.amount);
      expect(view.vatAmount).toBe(expected.vatAmount);
    },
    STEP_MS,
  );

  it(
    'shows the payment link as a QR that decodes to exactly the paymentUrl, on both displays',
    async () => {
      const view = await rig.invoke('orders.get', { id: ids.paid! });
      expect(view.paymentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\//);
      await page.getByTestId('qr').waitFor(WAIT);
      const qr = await readQr(page.getByTestId('qr'));
      expect(qr.fromMarkup).toBe(view.paymentUrl);
      expect(qr.fromScreen).toBe(view.paymentUrl);
      expect(await page.getByTestId('payment-url').getAttribute('href')).toBe(view.paymentUrl);
      await scanScreen(page, tag('03-payment-waiting'), shots);

      customer = await rig.context.newPage();
      await customer.goto(`${rig.host.origin}/#/customer`);
      await customer.locator(`[data-testid=customer-display][data-order-id="${ids.paid}"]`).waitFor(WAIT);
      await customer.getByTestId('qr').waitFor(WAIT);
      const cq = await readQr(customer.getByTestId('qr'));
      expect(cq.fromScreen).toBe(view.paymentUrl);
      // Nothing to press on the customer's side.
      expect(await customer.locator('button, input, select, a[href]').count()).toBe(0);
      // Waiting for the customer costs nothing: with minutes left, neither display changes a thing for seconds (the
      // time left changes once a minute), so no frame is drawn in vain and "paid" never waits behind one.
      if (mode === 'steady') {
        // Not across a minute: the time left is allowed to change there ("15 мин" → "14 мин").
        const left = Date.parse(view.expirationDate!) - Date.now();
        const toNextMinute = left % 60_000;
        if (toNextMinute < 4_000) await new Promise((r) => setTimeout(r, toNextMinute + 500));
        const [cashierChanges, customerChanges] = await Promise.all([
          domChangesDuring(page, '[data-testid=payment-screen]', 2_500),
          domChangesDuring(customer, '[data-testid=customer-display]', 2_500),
        ]);
        expect(cashierChanges).toEqual([]);
        expect(customerChanges).toEqual([]);
      }
      await scanScreen(customer, tag('04-customer-waiting'), shots);
    },
    STEP_MS,
  );

  it(
    'sees the payment live on the cashier and customer displays, without a reload',
    async () => {
      const view = await rig.invoke('orders.get', { id: ids.paid! });
      if (mode === 'chaos') {
        // The gateway drops the console's socket and refuses reconnects for a while: the payment happens then.
        await rig.control('POST', '/sandbox/sockets/drop', { refuseForSeconds: 4 });
        await page.locator('[data-testid=connection-state]:not([data-state=live])').waitFor(WAIT);
        await page.getByTestId('stale-note').waitFor(WAIT);
      }
      await payOnPaymentPage(rig.context, view.paymentUrl!);

      await status(page, 'completed').waitFor(WAIT);
      await status(customer, 'completed').waitFor(WAIT);
      expect(await page.evaluate('window.__noReload === true')).toBe(true);
      expect(await page.getByTestId('order-status').textContent()).toContain('Оплачено');
      // The paid order no longer offers its QR to be scanned again.
      expect(await page.getByTestId('qr').count()).toBe(0);
      if (mode === 'chaos') {
        await page.locator('[data-testid=connection-state][data-state=live]').waitFor({ timeout: 30_000 });
        const states = await indicatorLog();
        // It went somewhere other than live and came back; at no point between was it live.
        expect(states[0]).toBe('live');
        expect(states.slice(1, -1).every((s) => s !== 'live')).toBe(true);
        expect(states.at(-1)).toBe('live');
      }
      await scanScreen(page, tag('05-payment-paid'), shots);
      await scanScreen(customer, tag('06-customer-paid'), shots);
    },
    STEP_MS,
  );

  it(
    'cancels an unpaid order',
    async () => {
      await goNewOrder(page);
      await addLine(page, { name: 'Чай чёрный', price: '150', qty: '1', vat: 'RUS_VAT22' });
      await page.getByTestId('create-order').click();
      ids.canceled = await payingOrderId(page);
      numbers.push((await page.getByTestId('order-number').textContent())!.trim());
      await page.getByTestId('cancel-order').click();
      await page.getByTestId('cancel-dialog').waitFor();
      await scanScreen(page, tag('07-cancel-confirm'), shots);
      await page.getByTestId('cancel-dialog-confirm').click();
      await status(page, 'canceled').waitFor(WAIT);
      expect((await rig.invoke('orders.get', { id: ids.canceled })).status).toBe('canceled');
      // The customer display follows the cashier to the new order and shows it canceled.
      await customer.locator(`[data-testid=customer-display][data-order-id="${ids.canceled}"]`).waitFor(WAIT);
      await status(customer, 'canceled').waitFor(WAIT);
    },
    STEP_MS,
  );

  it(
    'lets an order expire, then re-issues the same basket as a new QR with one key (R)',
    async () => {
      await goNewOrder(page);
      await addLine(page, { name: 'Сэндвич с индейкой', price: '320', qty: '1', vat: 'RUS_VAT10' });
      await addLine(page, { name: 'Морс клюквенный', price: '140', qty: '2', vat: 'RUS_VAT22' });
      await page.getByTestId('order-ttl').fill('1');
      await page.getByTestId('create-order').click();
      ids.expired = await payingOrderId(page);
      numbers.push((await page.getByTestId('order-number').textContent())!.trim());
      await rig.control('POST', `/sandbox/orders/${ids.expired}/expire`);
      await status(page, 'expired').waitFor(WAIT);
      await page.getByTestId('reissue-order').waitFor();
      await scanScreen(page, tag('08-payment-expired'), shots);

      const before = new Set((await rig.invoke('orders.search', { limit: 500 })).rows.map((r) => r.id));
      // Pressed twice in a row: one new order, not two.
      await page.keyboard.press('KeyR');
      await page.keyboard.press('KeyR');
      await page.locator(`[data-testid=payment-screen]:not([data-order-id="${ids.expired}"])`).waitFor(WAIT);
      ids.reissued = await payingOrderId(page);
      numbers.push((await page.getByTestId('order-number').textContent())!.trim());
      await status(page, 'created').waitFor(WAIT);
      await page.waitForTimeout(500);
      const added = (await rig.invoke('orders.search', { limit: 500 })).rows.filter((r) => !before.has(r.id));
      expect(added.map((r) => `${r.merchantOrderId} ${r.status} ${r.amount} ${r.createdAt}`)).toHaveLength(1);
      const [old, fresh] = await Promise.all([
        rig.invoke('orders.get', { id: ids.expired }),
        rig.invoke('orders.get', { id: ids.reissued }),
      ]);
      expect(fresh.amount).toBe(old.amount);
      expect(fresh.vatAmount).toBe(old.vatAmount);
      expect(fresh.paymentUrl).not.toBe(old.paymentUrl);
      const qr = await readQr(page.getByTestId('qr'));
      expect(qr.fromScreen).toBe(fresh.paymentUrl);
    },
    STEP_MS,
  );

  it(
    'creates exactly one order from a double Enter',
    async () => {
      await goNewOrder(page);
      const before = (await rig.invoke('orders.search', { limit: 500 })).total;
      await page.getByTestId('item-name').fill('Вода без газа 0,5 л');
      await page.getByTestId('item-price').fill('90');
      await page.getByTestId('item-name').press('Enter'); // adds the line
      await expect.poll(() => page.getByTestId('basket-line').count()).toBe(1);
      await page.getByTestId('item-name').press('Enter'); // empty entry row: creates the order…
      await page.keyboard.press('Enter'); // …and a second, impatient Enter
      const id = await payingOrderId(page);
      numbers.push((await page.getByTestId('order-number').textContent())!.trim());
      await page.waitForTimeout(700);
      expect((await rig.invoke('orders.search', { limit: 500 })).total).toBe(before + 1);
      await page.keyboard.press('Delete');
      await page.getByTestId('cancel-dialog-confirm').click();
      await status(page, 'canceled').waitFor(WAIT);
      expect((await rig.invoke('orders.get', { id })).status).toBe('canceled');
    },
    STEP_MS,
  );

  it(
    'refunds part of the paid order; a double click refunds once; follows the refund status',
    async () => {
      await page.goto(`${rig.host.origin}/#/orders/${ids.paid}`);
      await page.getByTestId('order-detail').waitFor(WAIT);
      await page.getByTestId('refund-order').click();
      await page.getByTestId('refund-screen').waitFor(WAIT);
      await expect.poll(() => page.getByTestId('refund-line').count()).toBe(DAY_BASKET.length);
      // One of the two cappuccinos.
      await page.getByTestId('refund-qty-0').fill('1');
      await expect
        .poll(async () => Number(await page.getByTestId('refund-amount').getAttribute('data-kopecks')))
        .toBe(24900);
      // More than is left is refused at the field.
      await page.getByTestId('refund-qty-1').fill('5');
      await expect.poll(() => page.getByTestId('refund-qty-1').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByTestId('refund-submit').isDisabled()).toBe(true);
      await page.getByTestId('refund-qty-1').fill('');
      await scanScreen(page, tag('09-refund-choose'), shots);
      await page.getByTestId('refund-submit').click();
      await page.getByTestId('refund-dialog').waitFor();
      await page.getByTestId('refund-dialog-confirm').dblclick();
      // Refunds take a senior's PIN when the console is set to ask (the default): the senior of the rig approves.
      await page.locator('[data-testid=refund-result], [data-testid=pin-dialog][open]').first().waitFor(WAIT);
      if (await page.locator('[data-testid=pin-dialog][open]').count()) await enterPin(page, SENIOR.pin);
      await page.getByTestId('refund-result').waitFor(WAIT);
      await page.waitForTimeout(500);
      const detail = await rig.invoke('orders.get', { id: ids.paid! });
      expect(detail.refunds).toHaveLength(1);
      expect(detail.refunds[0]!.amount).toBe(24900);
      // The bank settles it (unless the sandbox already did); the screen follows.
      await rig.control('POST', `/sandbox/refunds/${detail.refunds[0]!.id}/complete`).catch((err: Error) => {
        if (!/409/.test(err.message)) throw err; // 409: the sandbox had settled it already
      });
      await page.locator('[data-testid=refund-status][data-status=completed]').waitFor({ timeout: 30_000 });
      await scanScreen(page, tag('10-refund-done'), shots);
    },
    STEP_MS,
  );

  it(
    'finds every order of the day in the list, by number and by status, and opens one',
    async () => {
      await page.keyboard.press('F4');
      const list = page.getByTestId('orders-list');
      await list.waitFor(WAIT);
      await expect
        .poll(async () => Number(await list.getAttribute('data-count')))
        .toBeGreaterThanOrEqual(numbers.length);
      await scanScreen(page, tag('11-orders'), shots);
      for (const number of numbers) {
        await page.getByTestId('orders-search').fill(number);
        // The search is debounced: wait for the list to show this number, and only it.
        await expect
          .poll(() => page.getByTestId('order-row').first().textContent(), { timeout: 10_000 })
          .toContain(number);
        await expect.poll(() => page.getByTestId('order-row').count(), { timeout: 10_000 }).toBe(1);
      }
      await page.getByTestId('orders-search').fill('');
      await page.getByTestId('filter-canceled').click();
      await expect
        .poll(() => page.locator('[data-testid=order-row]:not([data-status=canceled])').count(), {
          timeout: 10_000,
        })
        .toBe(0);
      await expect
        .poll(() => page.locator('[data-testid=order-row][data-status=canceled]').count(), {
          timeout: 10_000,
        })
        .toBe(2);
      await page.getByTestId('filter-canceled').click();
      await page.getByTestId('orders-search').fill(numbers[0]!);
      await expect
        .poll(() => page.getByTestId('order-row').first().textContent(), { timeout: 10_000 })
        .toContain(numbers[0]!);
      await expect.poll(() => page.getByTestId('order-row').count(), { timeout: 10_000 }).toBe(1);
      await page.getByTestId('order-row').first().click();
      await page.getByTestId('order-detail').waitFor(WAIT);
      await page.locator('[data-testid=refund-row][data-status=completed]').waitFor(WAIT);
      const history = await page.getByTestId('status-history').textContent();
      expect(history).toContain('Ожидает оплаты');
      expect(history).toContain('Оплачен');
      await scanScreen(page, tag('12-order-detail'), shots);
      await page.getByTestId('refresh-order').click();
      await page.waitForTimeout(300);
      expect(await page.getByTestId('error-notice').count()).toBe(0);
    },
    STEP_MS,
  );

  it(
    'reads the diagnostics: connection, live log, API calls with request ids, support report without the token',
    async () => {
      await page.keyboard.press('F8');
      const log = page.getByTestId('diagnostics-log');
      await log.waitFor(WAIT);
      await expect.poll(async () => (await log.textContent()) ?? '').toContain('order.created');
      await expect.poll(() => page.locator('[data-testid=api-calls] tbody tr').count()).toBeGreaterThan(3);
      const calls = (await page.getByTestId('api-calls').textContent()) ?? '';
      expect(calls).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // X-Request-Id values
      if (mode === 'chaos')
        expect(await page.getByTestId('connection-history').textContent()).toMatch(
          /Переподключение|Подключение|Нет связи/,
        );
      await scanScreen(page, tag('13-diagnostics'), shots);
      await page.getByTestId('copy-report').click();
      const report = page.getByTestId('support-report');
      await report.waitFor(WAIT);
      const text = await report.inputValue();
      expect(text.length).toBeGreaterThan(50);
      expect(text).not.toContain(DEMO_TOKEN);
      expect(await log.textContent()).not.toContain(DEMO_TOKEN);
      await scanScreen(page, tag('14-diagnostics-report'), shots);
    },
    STEP_MS,
  );

  it(
    'shows the settings (the token only as set / not set) and switches to English',
    async () => {
      await page.keyboard.press('F9');
      await page.getByTestId('token-state').waitFor(WAIT);
      expect(await page.getByTestId('token-state').getAttribute('data-state')).toBe('env');
      expect(await page.content()).not.toContain(DEMO_TOKEN);
      await scanScreen(page, tag('15-settings'), shots);
      await page.getByRole('button', { name: 'EN', exact: true }).click();
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor(WAIT);
      await page.keyboard.press('F2');
      await page.getByTestId('new-order').waitFor();
      await scanScreen(page, tag('16-new-order-en'), shots);
      await page.getByRole('button', { name: 'RU', exact: true }).click();
      await page.getByRole('heading', { name: 'Новый заказ', level: 1 }).waitFor(WAIT);
    },
    STEP_MS,
  );
}

describe.skipIf(chromiumPath() === null)('cashier day in a real browser (steady connection)', () =>
  cashierDay('steady'),
);
describe.skipIf(chromiumPath() === null)('cashier day with the gateway dropping sockets mid-way', () =>
  cashierDay('chaos'),
);
