/**
 * Three gateways in a real browser: real Chromium → browser host → core in training mode, whose embedded sandbox serves
 * the Invoicebox, WellPay and Xsolla emulators on one loopback port. The cashier issues a WellPay invoice, scans its
 * payer link off the screen, watches the trader move it to paid (the emulator's control API) without a reload, removes
 * an unpaid one, follows an Xsolla order with a user JWT (never echoed back) and a sandbox demo order, filters the
 * orders by gateway, and reads every adapter's connection in the top bar — including a WellPay outage and recovery.
 * Every new screen is scanned with axe-core (no serious or critical violation) and photographed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/core.ts';
import { startWebHost, type WebHost } from '../../electron/web/host.ts';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/contract.ts';
import { chromiumPath, launchChromium, readQr, scanScreen } from '../helpers/browser.ts';
import { ensureRendererBuilt, RENDERER_DIR, sandboxControl } from './harness.ts';
import { SENIOR, enterPin, setupShift } from '../helpers/shift-ui.ts';

const STEP_MS = 90_000;
const WAIT = { timeout: 20_000 };

describe.skipIf(chromiumPath() === null)('three gateways in a real browser', () => {
  let dataDir: string;
  let core: Core;
  let host: WebHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The embedded sandbox: one origin for the three emulators and their control APIs. */
  let origin: string;
  const ids: { wellpayPaid?: string; wellpayRemoved?: string; xsolla?: string; xsollaDemo?: string } = {};

  const invoke = async <M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> =>
    (await core.invoke(method, input)) as MethodOutput<M>;

  const control = (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> =>
    sandboxControl(origin, method, path, body);
  const scan = (name: string): Promise<void> => scanScreen(page, `gateways-${name}`);

  const orderStatus = (attrs: string) => page.locator(`[data-testid=order-status]${attrs}`);

  async function payingOrderId(): Promise<string> {
    const screen = page.getByTestId('payment-screen');
    await screen.waitFor(WAIT);
    return (await screen.getAttribute('data-order-id'))!;
  }

  async function newOrder(gateway: 'invoicebox' | 'wellpay' | 'xsolla'): Promise<void> {
    await page.keyboard.press('F2');
    await page.getByTestId('gateway-select').waitFor(WAIT);
    await page.getByTestId(`gateway-${gateway}`).check();
    await page.locator(`[data-testid=new-order][data-gateway=${gateway}]`).waitFor(WAIT);
  }

  async function issueWellpay(title: string, amount: string): Promise<string> {
    await newOrder('wellpay');
    await page.getByTestId('wellpay-title').fill(title);
    await page.getByTestId('wellpay-amount').fill(amount);
    await page.getByTestId('wellpay-amount').press('Enter');
    return payingOrderId();
  }

  beforeAll(async () => {
    ensureRendererBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'paydesk-gateways-'));
    // No PAYDESK_API_URL and no token: training mode, the core starts the embedded sandbox of all three gateways.
    core = await createCore({
      env: { PAYDESK_DATA_DIR: dataDir },
      dataDir,
      keychainService: 'PayDesk-e2e-gateways',
      logToFile: false,
      tuning: {
        heartbeatMs: 2_000,
        pongTimeoutMs: 2_000,
        pollIntervalMs: 1_000,
        backoff: { initialMs: 200, maxMs: 1_500 },
      },
    });
    expect(core.config().mode).toBe('sandbox');
    origin = core.session().apiUrl;
    host = await startWebHost({ core, rendererDir: RENDERER_DIR, pingMs: 2_000 });
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      locale: 'ru-RU',
      timezoneId: 'Europe/Moscow',
    });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    await page.goto(host.loginUrl);
    // Invoices are issued inside a cashier's shift, as in a shop (the core refuses them otherwise).
    await setupShift(page);
    await page.waitForSelector('[data-testid=new-order]');
    await page.evaluate('window.__noReload = true');
  }, STEP_MS);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await host?.close();
    await core?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, STEP_MS);

  it(
    'shows the connection of every gateway in the top bar, in words, and offers the three gateways',
    async () => {
      await page.locator('[data-testid=provider-state-invoicebox][data-state=live]').waitFor(WAIT);
      // Nothing is followed yet: the other two adapters are ready and idle.
      await page.locator('[data-testid=provider-state-wellpay][data-state=idle]').waitFor(WAIT);
      await page.locator('[data-testid=provider-state-xsolla][data-state=idle]').waitFor(WAIT);
      for (const [p, name] of [
        ['wellpay', 'WellPay'],
        ['xsolla', 'Xsolla'],
      ] as const) {
        const pill = page.getByTestId(`provider-state-${p}`);
        expect(await pill.getAttribute('role')).toBe('status');
        expect(await pill.textContent()).toContain(name);
        expect(await pill.textContent()).toContain('Готов');
      }
      expect(await page.getByTestId('provider-state-invoicebox').textContent()).toContain('Инвойсбокс');
      expect(await page.getByTestId('provider-state-invoicebox').textContent()).toContain('На связи');

      const choice = page.getByTestId('gateway-select');
      await choice.waitFor(WAIT);
      expect(await choice.getAttribute('data-value')).toBe('invoicebox');
      for (const p of ['invoicebox', 'wellpay', 'xsolla']) await page.getByTestId(`gateway-${p}`).waitFor();
      // The Invoicebox order form is the default.
      await page.getByTestId('invoicebox-form').waitFor();
      // Keyboard-first: Alt+2 / Alt+3 / Alt+1 switch the gateway from anywhere, even while typing in a field.
      await page.getByTestId('item-name').focus();
      for (const [key, gateway, form] of [
        ['Alt+2', 'wellpay', 'wellpay-title'],
        ['Alt+3', 'xsolla', 'xsolla-project'],
        ['Alt+1', 'invoicebox', 'item-name'],
      ] as const) {
        await page.keyboard.press(key);
        await page.locator(`[data-testid=new-order][data-gateway=${gateway}]`).waitFor(WAIT);
        // The new form takes the focus: the cashier types straight on.
        await expect.poll(() => page.evaluate('document.activeElement?.dataset?.testid')).toBe(form);
      }
      await scan('01-new-order-choice');
    },
    STEP_MS,
  );

  it(
    'issues a WellPay invoice (title + price in hryvnias) and shows its payer link as a QR',
    async () => {
      await newOrder('wellpay');
      await page.getByTestId('wellpay-form').waitFor();
      // Nothing is sent while a field is wrong; the error is at the field.
      await page.getByTestId('wellpay-create').click();
      await expect.poll(() => page.getByTestId('wellpay-title').getAttribute('aria-invalid')).toBe('true');
      await page.getByTestId('wellpay-title').fill('Кава з собою');
      await page.getByTestId('wellpay-amount').fill('12,345');
      await expect.poll(() => page.getByTestId('wellpay-amount').getAttribute('aria-invalid')).toBe('true');
      await page.getByTestId('wellpay-amount').fill('150,50');
      await scan('02-wellpay-form');
      // Keyboard only: Enter in the amount issues it.
      await page.getByTestId('wellpay-amount').press('Enter');
      ids.wellpayPaid = await payingOrderId();
      expect(ids.wellpayPaid).toMatch(/^wellpay:/);

      const view = await invoke('orders.get', { id: ids.wellpayPaid });
      expect(view.provider).toBe('wellpay');
      expect(view.amount).toBe(15050);
      expect(view.neutralStatus).toBe('created');
      expect(view.paymentUrl).toBeTruthy();

      const screen = page.getByTestId('payment-screen');
      expect(await screen.getByTestId('provider-badge').getAttribute('data-provider')).toBe('wellpay');
      const amount = page.getByTestId('pay-amount');
      expect(await amount.getAttribute('data-currency')).toBe('UAH');
      expect(await amount.getAttribute('data-kopecks')).toBe('15050');
      expect(await amount.textContent()).toBe('150,50\u00a0₴');

      await page.getByTestId('qr').waitFor(WAIT);
      const qr = await readQr(page.getByTestId('qr'));
      expect(qr.fromMarkup).toBe(view.paymentUrl);
      expect(qr.fromScreen).toBe(view.paymentUrl);

      await orderStatus(`[data-raw="${view.rawStatus}"]`).waitFor(WAIT);
      expect(await page.getByTestId('raw-status').textContent()).toContain(
        view.rawStatus === 'not approve exchange' ? 'Заявка ещё не принята трейдером' : '',
      );
      // Following an invoice, the WellPay adapter is live.
      await page.locator('[data-testid=provider-state-wellpay][data-state=live]').waitFor(WAIT);
      await scan('03-wellpay-waiting');
    },
    STEP_MS,
  );

  it(
    'follows the invoice live through the trader’s statuses to paid, without a reload',
    async () => {
      const uid = (await invoke('orders.get', { id: ids.wellpayPaid! })).merchantOrderId;
      const steps: [string, string, Record<string, string>?][] = [
        ['wait card', 'Ожидание карты от трейдера'],
        ['send card', 'Ожидает оплаты на карту', { card_f_pay: '4149-0000-1111-2222' }],
      ];
      for (const [status, text, extra] of steps) {
        await control('POST', `/sandbox/wellpay/invoices/${uid}/status`, { status, ...extra });
        await orderStatus(`[data-raw="${status}"]`).waitFor(WAIT);
        expect(await page.getByTestId('raw-status').textContent()).toContain(text);
        expect(await orderStatus('').getAttribute('data-neutral')).toBe('created');
      }
      // Nobody is paying yet: the invoice can be removed.
      expect(await page.getByTestId('wellpay-remove').isEnabled()).toBe(true);

      await control('POST', `/sandbox/wellpay/invoices/${uid}/status`, { status: 'pay' });
      await orderStatus('[data-raw="pay"]').waitFor(WAIT);
      expect(await page.getByTestId('raw-status').textContent()).toContain('Трейдер проверяет оплату');
      // The payer says they paid: removal is refused, with the reason next to it.
      expect(await page.getByTestId('wellpay-remove').isDisabled()).toBe(true);
      expect(await page.getByTestId('cancel-why').textContent()).toContain('уже оплатил');
      await scan('04-wellpay-checking');

      await control('POST', `/sandbox/wellpay/invoices/${uid}/status`, { status: 'success' });
      await orderStatus('[data-status=completed][data-neutral=paid][data-raw=success]').waitFor(WAIT);
      expect(await page.getByTestId('order-status').textContent()).toContain('Оплачен');
      expect(await page.getByTestId('raw-status').textContent()).toContain('Оплачено');
      expect(await page.getByTestId('qr').count()).toBe(0);
      // WellPay has no refunds: the button says why instead of pretending.
      expect(await page.getByTestId('refund-order').isDisabled()).toBe(true);
      expect(await page.getByTestId('refund-why').textContent()).toContain('Возврат');
      expect(await page.evaluate('window.__noReload === true')).toBe(true);
      expect((await invoke('orders.get', { id: ids.wellpayPaid! })).neutralStatus).toBe('paid');
      await scan('05-wellpay-paid');
    },
    STEP_MS,
  );

  it(
    'shows a WellPay outage and its recovery in the top bar, then removes an unpaid invoice',
    async () => {
      ids.wellpayRemoved = await issueWellpay('Тістечко', '75');
      await page.locator('[data-testid=provider-state-wellpay][data-state=live]').waitFor(WAIT);
      // The emulator drops the adapter's socket and refuses new ones for a while: never live meanwhile.
      await control('POST', '/sandbox/wellpay/sockets/drop', { refuseSeconds: 3 });
      await page.locator('[data-testid=provider-state-wellpay]:not([data-state=live])').waitFor(WAIT);
      const during = await page.getByTestId('provider-state-wellpay').getAttribute('data-state');
      expect(['connecting', 'degraded', 'offline']).toContain(during);
      await page.getByTestId('stale-note').waitFor(WAIT);
      await page
        .locator('[data-testid=provider-state-wellpay][data-state=live]')
        .waitFor({ timeout: 30_000 });
      // Invoicebox was not affected.
      expect(await page.getByTestId('provider-state-invoicebox').getAttribute('data-state')).toBe('live');

      const uid = (await invoke('orders.get', { id: ids.wellpayRemoved })).merchantOrderId;
      await page.getByTestId('wellpay-remove').click();
      await page.getByTestId('cancel-dialog').waitFor();
      await scan('06-wellpay-remove-confirm');
      await page.getByTestId('cancel-dialog-confirm').click();
      await orderStatus('[data-neutral=canceled][data-raw=removed]').waitFor(WAIT);
      expect(await page.getByTestId('raw-status').textContent()).toContain('Счёт удалён');
      await expect(control('GET', `/sandbox/wellpay/invoices/${uid}`)).rejects.toThrow(/404/);
      // R: the same title and amount back in the WellPay form, one Enter from a new invoice.
      await page.keyboard.press('r');
      await page.locator('[data-testid=new-order][data-gateway=wellpay]').waitFor(WAIT);
      expect(await page.getByTestId('wellpay-title').inputValue()).toBe('Тістечко');
      expect(await page.getByTestId('wellpay-amount').inputValue()).toBe('75');
    },
    STEP_MS,
  );

  it(
    'follows an Xsolla order with the user’s JWT, which is never shown back or kept in the page',
    async () => {
      await newOrder('xsolla');
      const form = page.getByTestId('xsolla-track');
      await form.waitFor();
      expect(await page.getByTestId('xsolla-token').getAttribute('type')).toBe('password');
      await scan('07-xsolla-form');

      const made = (await control('POST', '/sandbox/xsolla/orders', { user: 'cashier-e2e' })) as {
        project_id: number;
        order_id: number;
        token: string;
      };
      // A malformed token is refused at its field; nothing is sent.
      await page.getByTestId('xsolla-project').fill(String(made.project_id));
      await page.getByTestId('xsolla-order').fill(String(made.order_id));
      await page.getByTestId('xsolla-token').fill('not-a-token');
      await page.getByTestId('xsolla-token').press('Enter');
      await expect.poll(() => page.getByTestId('xsolla-token').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByTestId('payment-screen').count()).toBe(0);

      // An order Xsolla does not know: refused, in Xsolla's words; the token field is empty again.
      await page.getByTestId('xsolla-order').fill(String(made.order_id + 1000));
      await page.getByTestId('xsolla-token').fill(made.token);
      await page.getByTestId('xsolla-token').press('Enter');
      await form.locator('[data-testid=error-notice][data-code=order_not_found]').waitFor(WAIT);
      expect(await form.getByTestId('error-notice').textContent()).toContain('Xsolla не знает такого заказа');
      expect(await page.getByTestId('xsolla-token').inputValue()).toBe('');

      await page.getByTestId('xsolla-order').fill(String(made.order_id));
      await page.getByTestId('xsolla-token').fill(made.token);
      await page.getByTestId('xsolla-token').press('Enter');
      ids.xsolla = await payingOrderId();
      expect(ids.xsolla).toBe(`xsolla:${made.project_id}:${made.order_id}`);
      const html = await page.content();
      expect(html).not.toContain(made.token);
      const stored = (await page.evaluate(
        'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })',
      )) as string;
      expect(stored).not.toContain(made.token);

      await orderStatus('[data-raw=new][data-neutral=created]').waitFor(WAIT);
      expect(await page.getByTestId('raw-status').textContent()).toContain('Создан, не оплачен');
      expect(
        await page.getByTestId('payment-screen').getByTestId('provider-badge').getAttribute('data-provider'),
      ).toBe('xsolla');
      // Xsolla's orders cannot be canceled from the console: the button is there, disabled, with the reason.
      expect(await page.getByTestId('cancel-order').isDisabled()).toBe(true);
      expect(await page.getByTestId('cancel-why').textContent()).toContain('не позволяет');
      await page.locator('[data-testid=provider-state-xsolla][data-state=live]').waitFor(WAIT);

      await control('POST', `/sandbox/xsolla/orders/${made.order_id}/status`, { status: 'paid' });
      await orderStatus('[data-raw=paid][data-neutral=paid]').waitFor(WAIT);
      await control('POST', `/sandbox/xsolla/orders/${made.order_id}/status`, { status: 'done' });
      await orderStatus('[data-raw=done][data-neutral=delivered]').waitFor(WAIT);
      expect(await page.getByTestId('order-status').textContent()).toContain('Выполнен');
      expect(await page.getByTestId('raw-status').textContent()).toContain('товары выданы');
      await scan('08-xsolla-done');
    },
    STEP_MS,
  );

  it(
    'makes and follows a sandbox demo order in one click',
    async () => {
      await newOrder('xsolla');
      await page.getByTestId('xsolla-demo').click();
      ids.xsollaDemo = await payingOrderId();
      expect(ids.xsollaDemo).toMatch(/^xsolla:/);
      const view = await invoke('orders.get', { id: ids.xsollaDemo });
      await orderStatus('[data-neutral=created]').waitFor(WAIT);
      await control('POST', `/sandbox/xsolla/orders/${view.merchantOrderId}/status`, { status: 'paid' });
      await orderStatus('[data-status=completed][data-neutral=paid]').waitFor(WAIT);
      expect(await page.getByTestId('order-status').textContent()).toContain('Оплачен');
      expect(await page.getByTestId('refund-order').isDisabled()).toBe(true);
    },
    STEP_MS,
  );

  it(
    'filters the orders by gateway and shows each row’s gateway and statuses',
    async () => {
      // One Invoicebox order too, so that the filter has something to leave out.
      await newOrder('invoicebox');
      await page.getByTestId('item-name').fill('Чай');
      await page.getByTestId('item-price').fill('150');
      await page.getByTestId('create-order').click();
      await payingOrderId();

      await page.keyboard.press('F4');
      const list = page.getByTestId('orders-list');
      await list.waitFor(WAIT);
      const providersShown = async (): Promise<string[]> =>
        (await page
          .getByTestId('order-row')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-provider') ?? ''))) as string[];
      await expect.poll(async () => (await providersShown()).length).toBeGreaterThanOrEqual(5);
      expect(new Set(await providersShown())).toEqual(new Set(['invoicebox', 'wellpay', 'xsolla']));

      for (const [p, n] of [
        ['wellpay', 2],
        ['xsolla', 2],
        ['invoicebox', 1],
      ] as const) {
        await page.getByTestId('orders-gateway').selectOption(p);
        await expect.poll(providersShown).toEqual(Array.from({ length: n }, () => p));
        const badges = await page
          .getByTestId('order-row')
          .getByTestId('provider-badge')
          .evaluateAll((b) => b.map((x) => x.getAttribute('data-provider')));
        expect(badges).toEqual(Array.from({ length: n }, () => p));
      }
      await page.getByTestId('orders-gateway').selectOption('wellpay');
      await scan('09-orders-wellpay');
      await page.getByTestId('orders-gateway').selectOption('');
      await expect.poll(async () => new Set(await providersShown()).size).toBe(3);
    },
    STEP_MS,
  );

  it(
    'shows an order’s gateway, its neutral and raw status in the detail, in Russian and English',
    async () => {
      await page.goto(`${host.origin}/#/orders/${encodeURIComponent(ids.xsolla!)}`);
      const detail = page.getByTestId('order-detail');
      await detail.waitFor(WAIT);
      expect(await detail.getByTestId('provider-badge').getAttribute('data-provider')).toBe('xsolla');
      const status = detail.getByTestId('order-status');
      expect(await status.getAttribute('data-neutral')).toBe('delivered');
      expect(await status.textContent()).toContain('Выполнен');
      expect(await status.getByTestId('raw-status').textContent()).toContain('Выполнен: товары выданы');
      expect(await detail.getByTestId('refund-order').isDisabled()).toBe(true);
      // The history tells Xsolla's own steps apart (paid and done are both "completed" to the older model).
      const history = (await detail.getByTestId('status-history').textContent()) ?? '';
      for (const step of ['Создан, не оплачен', 'Оплачен', 'Выполнен: товары выданы'])
        expect(history).toContain(step);
      await scan('10-xsolla-detail');

      await page.getByRole('button', { name: 'EN', exact: true }).click();
      await page.goto(`${host.origin}/#/orders/${encodeURIComponent(ids.wellpayPaid!)}`);
      await page.locator(`[data-testid=order-detail][data-order-id="${ids.wellpayPaid}"]`).waitFor(WAIT);
      const wp = page.getByTestId('order-detail').getByTestId('order-status');
      expect(await wp.textContent()).toContain('Paid');
      expect(await page.getByTestId('provider-state-wellpay').textContent()).toContain('WellPay');
      await page.getByRole('button', { name: 'RU', exact: true }).click();
      await page.getByRole('heading', { name: 'Заказ', level: 1 }).waitFor(WAIT);
    },
    STEP_MS,
  );

  it(
    'keeps the WellPay token like the Invoicebox one: in only, set / not set out',
    async () => {
      await page.keyboard.press('F9');
      const card = page.getByTestId('wellpay-token-card');
      await card.waitFor(WAIT);
      const state = page.getByTestId('wellpay-token-state');
      await expect.poll(() => state.getAttribute('data-state')).not.toBe('unknown');
      const before = await state.getAttribute('data-state');
      expect(['set', 'not_set', 'env', 'unavailable']).toContain(before);
      expect(await page.getByTestId('wellpay-token-input').getAttribute('type')).toBe('password');
      // A malformed token is refused with an explanation; it is not echoed anywhere.
      const bad = 'short token!';
      await page.getByTestId('wellpay-token-input').fill(bad);
      await page.getByTestId('wellpay-token-save').click();
      // Changing a gateway's token is a senior's decision (the default PIN policy).
      await enterPin(page, SENIOR.pin);
      await card.locator('[data-testid=error-notice][data-code=token_format]').waitFor(WAIT);
      // In WellPay's words, not Invoicebox's.
      expect(await card.getByTestId('error-notice').textContent()).toContain(
        'Токен WellPay выглядит неверно',
      );
      expect(await page.getByTestId('wellpay-token-input').inputValue()).toBe('');
      expect(await state.getAttribute('data-state')).toBe(before);
      await scan('11-settings-wellpay-token');
    },
    STEP_MS,
  );
});
