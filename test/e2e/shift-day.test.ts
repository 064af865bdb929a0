/**
 * A whole shift, end to end in the browser host (real Chromium → host → core → sandbox gateway): the first run's
 * senior, a cashier added in the settings (the senior approves), the cashier's shift, orders paid, declined,
 * expired, paid after expiry and canceled, a refund that takes the senior's PIN (a wrong PIN first: attempts left),
 * closing the shift, and the report — whose figures must equal an independent computation from the sandbox's own
 * state (`GET /sandbox/state`), on screen, in the CSV and (as a document) in the PDF.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { formatKopecks } from '../../shared/domain/money.ts';
import { chromiumPath, scanScreen } from '../helpers/browser.ts';
import { addStaff, CASHIER, createFirstSenior, enterPin, openShift, SENIOR } from '../helpers/shift-ui.ts';
import { startRig, type Rig } from './harness.ts';

const STEP_MS = 90_000;
const WAIT = { timeout: 20_000 };

interface LineIn {
  name: string;
  price: string;
  qty: string;
  vat: string;
}

/** What the gateway holds, as `/sandbox/state` shows it (the API's floats and ATOM dates). */
interface GatewayOrder {
  id: string;
  merchantOrderId: string;
  status: string;
  amount: number;
  vatAmount: number;
  expirationDate: string;
  paidAt?: string | null;
  basketItems: { vatCode: string; totalAmount: number; totalVatAmount: number }[];
}
interface GatewayRefund {
  id: string;
  parentId: string;
  status: string;
  amount: number;
  vatAmount: number;
}

const kop = (x: number): number => Math.round(x * 100);

/** The report's figures computed from the gateway's state alone, for the given orders (the shift's). */
function independent(orders: GatewayOrder[], refunds: GatewayRefund[]) {
  const byStatus: Record<string, { count: number; amount: number }> = {};
  const byVat: Record<string, { amount: number; vatAmount: number }> = {};
  let paidCount = 0;
  let paid = 0;
  const late: string[] = [];
  for (const o of orders) {
    const s = (byStatus[o.status] ??= { count: 0, amount: 0 });
    s.count += 1;
    s.amount += kop(o.amount);
    if (o.status !== 'completed') continue;
    paidCount += 1;
    paid += kop(o.amount);
    for (const item of o.basketItems) {
      const v = (byVat[item.vatCode] ??= { amount: 0, vatAmount: 0 });
      v.amount += kop(item.totalAmount);
      v.vatAmount += kop(item.totalVatAmount);
    }
    if (o.paidAt && Date.parse(o.paidAt) > Date.parse(o.expirationDate)) late.push(o.id);
  }
  const ids = new Set(orders.map((o) => o.id));
  const done = refunds.filter((r) => ids.has(r.parentId) && r.status === 'completed');
  const refunded = done.reduce((sum, r) => sum + kop(r.amount), 0);
  return { byStatus, byVat, paidCount, paid, refundCount: done.length, refunded, net: paid - refunded, late };
}

async function addLine(page: Page, line: LineIn): Promise<void> {
  await page.getByTestId('item-name').fill(line.name);
  await page.getByTestId('item-price').fill(line.price);
  await page.getByTestId('item-qty').fill(line.qty);
  await page.getByTestId('item-vat').selectOption(line.vat);
  await page.getByTestId('add-item').click();
}

/** Creates an order on the new-order screen (optionally with its own expiry); answers its id. */
async function createOrder(page: Page, lines: LineIn[], ttlMinutes?: number): Promise<string> {
  await page.keyboard.press('F2');
  await page.getByTestId('new-order').waitFor(WAIT);
  for (const l of lines) await addLine(page, l);
  await expect.poll(() => page.getByTestId('basket-line').count()).toBe(lines.length);
  if (ttlMinutes !== undefined) await page.getByTestId('order-ttl').fill(String(ttlMinutes));
  await page.getByTestId('create-order').click();
  const screen = page.locator('[data-testid=payment-screen][data-order-id]');
  await screen.waitFor(WAIT);
  return (await screen.getAttribute('data-order-id'))!;
}

const num = async (page: Page, selector: string, attr = 'data-kopecks'): Promise<number> =>
  Number(await page.locator(selector).first().getAttribute(attr));

async function saved(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFileSync(path);
}

/** No serious or critical accessibility violation on the screen, then a photograph of it. */
describe.skipIf(chromiumPath() === null)('a shift in the browser host, checked against the gateway', () => {
  let rig: Rig;
  let page: Page;
  const ids: Record<'paid' | 'refunded' | 'declined' | 'expired' | 'late' | 'canceled', string> = {
    paid: '',
    refunded: '',
    declined: '',
    expired: '',
    late: '',
    canceled: '',
  };
  let shiftId = '';

  beforeAll(async () => {
    rig = await startRig({ shift: false });
    page = rig.page;
  }, STEP_MS);

  afterAll(async () => {
    await rig?.stop();
  }, STEP_MS);

  it(
    'first run: asks for a shift, creates the senior, who adds a cashier with their PIN',
    async () => {
      // Without a shift there is no basket: a call to action instead.
      await page.getByTestId('shift-required').waitFor(WAIT);
      expect(await page.getByTestId('new-order').count()).toBe(0);
      await scanScreen(page, '30-shift-required');
      await createFirstSenior(page, SENIOR);
      await addStaff(page, CASHIER, SENIOR);
      const rows = page.getByTestId('staff-row');
      await expect.poll(() => rows.count()).toBe(2);
      // Nothing typed as a PIN is left on the page.
      expect(await page.getByTestId('pin-input').count()).toBe(0);
      const html = await page.locator('#root').evaluate((el) => el.outerHTML);
      expect(html.includes(SENIOR.pin), 'senior PIN on the page').toBe(false);
      expect(html.includes(CASHIER.pin), 'cashier PIN on the page').toBe(false);
    },
    STEP_MS,
  );

  it(
    'opens the shift as the cashier; the header shows who, which shift and since when',
    async () => {
      await page.keyboard.press('F6');
      await page.getByTestId('shift-open').waitFor(WAIT);
      await scanScreen(page, '31-shift-open');
      await openShift(page, CASHIER);
      const chip = page.locator('[data-testid=shift-status][data-state=open]');
      expect(await chip.textContent()).toContain(CASHIER.name);
      shiftId = (await chip.getAttribute('data-shift-id'))!;
      expect(shiftId).not.toBe('');
    },
    STEP_MS,
  );

  it('takes orders: paid, declined (still waiting), expired, paid after its deadline, canceled', async () => {
    // A one-minute order that really runs out (the gateway's own timer), to be paid late at the end.
    ids.late = await createOrder(
      page,
      [{ name: 'Зёрна, Эфиопия', price: '1450', qty: '0,25', vat: 'RUS_VAT22' }],
      1,
    );

    ids.paid = await createOrder(page, [
      { name: 'Капучино', price: '249', qty: '2', vat: 'RUS_VAT22' },
      { name: 'Круассан', price: '189,50', qty: '1', vat: 'RUS_VAT10' },
    ]);
    await rig.control('POST', `/sandbox/orders/${ids.paid}/pay`);
    await page.locator('[data-testid=order-status][data-status=completed]').waitFor(WAIT);

    ids.refunded = await createOrder(page, [
      { name: 'Чай улун', price: '320', qty: '1', vat: 'RUS_VAT22' },
      { name: 'Открытка', price: '99,90', qty: '3', vat: 'VATNONE' },
    ]);
    await rig.control('POST', `/sandbox/orders/${ids.refunded}/pay`);
    await page.locator('[data-testid=order-status][data-status=completed]').waitFor(WAIT);

    ids.declined = await createOrder(page, [{ name: 'Вода', price: '90', qty: '1', vat: 'RUS_VAT22' }]);
    await rig.control('POST', `/sandbox/orders/${ids.declined}/decline`);

    ids.expired = await createOrder(page, [{ name: 'Пирог', price: '450', qty: '1', vat: 'RUS_VAT10' }]);
    await rig.control('POST', `/sandbox/orders/${ids.expired}/expire`);
    await page.locator('[data-testid=order-status][data-status=expired]').waitFor(WAIT);

    ids.canceled = await createOrder(page, [{ name: 'Сэндвич', price: '275', qty: '1', vat: 'RUS_VAT10' }]);
    await page.getByTestId('cancel-order').click();
    await page.getByTestId('cancel-dialog-confirm').click();
    await page.locator('[data-testid=order-status][data-status=canceled]').waitFor(WAIT);

    // The one-minute order's deadline passes at the gateway (its clock, its timer)…
    const gatewayStatus = async (id: string): Promise<string | undefined> =>
      ((await rig.control('GET', '/sandbox/state')) as { orders: GatewayOrder[] }).orders.find(
        (o) => o.id === id,
      )?.status;
    await expect.poll(() => gatewayStatus(ids.late), { timeout: 80_000, interval: 500 }).toBe('expired');
    // …then the customer's payment completes anyway. The gateway's times have whole seconds: pay in a later second
    // than the deadline's, so that the payment is visibly late.
    await new Promise((r) => setTimeout(r, 1_100));
    await rig.control('POST', `/sandbox/orders/${ids.late}/pay`, { late: true });
    await expect
      .poll(async () => (await rig.invoke('orders.get', { id: ids.late })).status, WAIT)
      .toBe('completed');
  }, 150_000);

  it(
    'a refund takes the senior PIN: a wrong one shows the attempts left, the right one refunds',
    async () => {
      await page.goto(`${rig.host.origin}/#/orders/${ids.refunded}`);
      await page.getByTestId('order-detail').waitFor(WAIT);
      await page.getByTestId('refund-order').click();
      await page.getByTestId('refund-screen').waitFor(WAIT);
      await page.getByTestId('refund-qty-0').fill('1');
      await page.getByTestId('refund-submit').click();
      await page.getByTestId('refund-dialog-confirm').click();

      const dialog = page.locator('[data-testid=pin-dialog][open]');
      await dialog.waitFor(WAIT);
      // The cashier on shift cannot approve: only the senior is offered.
      expect(await dialog.getByTestId('pin-approver').textContent()).toContain(SENIOR.name);
      await enterPin(page, '0000');
      const status = dialog.locator('[data-testid=pin-status][data-error=pin_wrong]');
      await status.waitFor(WAIT);
      expect(await status.textContent()).toMatch(/\d/);
      expect(await dialog.getByTestId('pin-input').inputValue()).toBe('');
      await scanScreen(page, '32-shift-pin-wrong');
      await enterPin(page, SENIOR.pin);
      await page.getByTestId('refund-result').waitFor(WAIT);
      await page.locator('[data-testid=pin-dialog][open]').waitFor({ state: 'detached', ...WAIT });
      await page.locator('[data-testid=refund-status][data-status=completed]').waitFor({ timeout: 30_000 });
      const detail = await rig.invoke('orders.get', { id: ids.refunded });
      expect(detail.refunds).toHaveLength(1);
      expect(detail.refunds[0]!.amount).toBe(32000);
    },
    STEP_MS,
  );

  it(
    'closes the shift with the cashier PIN; the report equals the gateway’s own figures',
    async () => {
      await page.keyboard.press('F6');
      await page.getByTestId('close-shift').click();
      await enterPin(page, CASHIER.pin, CASHIER.name);
      const report = page.getByTestId('shift-report');
      await report.waitFor(WAIT);
      await page
        .locator('[data-testid=report-verification][data-verified=true]')
        .waitFor({ timeout: 30_000 });
      await scanScreen(page, '34-shift-report');

      const state = (await rig.control('GET', '/sandbox/state')) as {
        orders: GatewayOrder[];
        refunds: GatewayRefund[];
      };
      const mine = new Set(Object.values(ids));
      const orders = state.orders.filter((o) => mine.has(o.id));
      expect(orders).toHaveLength(mine.size);
      const want = independent(orders, state.refunds);
      // The scenario is what it claims to be.
      expect(want.byStatus).toMatchObject({
        completed: { count: 3 },
        created: { count: 1 },
        expired: { count: 1 },
        canceled: { count: 1 },
      });
      expect(want.late).toEqual([ids.late]);
      expect(want.refundCount).toBe(1);

      // The report's total is what the shift took: paid minus refunded.
      expect(await num(page, '[data-testid=report-total]')).toBe(want.net);
      expect(await num(page, '[data-testid=report-paid]')).toBe(want.paid);
      expect(await num(page, '[data-testid=report-paid]', 'data-count')).toBe(want.paidCount);
      expect(await num(page, '[data-testid=report-orders]', 'data-count')).toBe(orders.length);
      for (const [status, s] of Object.entries(want.byStatus)) {
        const row = `[data-testid=report-status-row][data-status=${status}]`;
        expect(await num(page, row, 'data-count'), status).toBe(s.count);
        expect(await num(page, row), status).toBe(s.amount);
      }
      expect(await page.getByTestId('report-status-row').count()).toBe(Object.keys(want.byStatus).length);
      for (const [vat, v] of Object.entries(want.byVat)) {
        const row = `[data-testid=report-vat-row][data-vat=${vat}]`;
        expect(await num(page, row), vat).toBe(v.amount);
        expect(await num(page, row, 'data-vat-kopecks'), vat).toBe(v.vatAmount);
      }
      expect(await page.getByTestId('report-vat-row').count()).toBe(Object.keys(want.byVat).length);
      expect(await num(page, '[data-testid=report-refunds]', 'data-count')).toBe(want.refundCount);
      expect(await num(page, '[data-testid=report-refunds]')).toBe(want.refunded);
      expect(await num(page, '[data-testid=report-late]', 'data-count')).toBe(want.late.length);
      expect(await page.getByTestId('report-diff-row').count()).toBe(0);

      // CSV: the same figures, downloaded as a file.
      const [csvDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('report-export-csv').click(),
      ]);
      expect(csvDownload.suggestedFilename()).toMatch(/\.csv$/);
      const csv = (await saved(csvDownload)).toString('utf8');
      // section;item;count;amount;vat;detail — amounts in roubles with a decimal comma (the core's CSV format).
      const rows = parse(csv, { bom: true, delimiter: ';', relax_column_count: true }) as string[][];
      const rub = (k: number): string => `${Math.floor(k / 100)},${String(k % 100).padStart(2, '0')}`;
      const cell = (section: string, item: string) => rows.find((r) => r[0] === section && r[1] === item);
      expect(cell('totals', 'paid')?.[3], csv).toBe(rub(want.paid));
      expect(cell('totals', 'refunded')?.[3], csv).toBe(rub(want.refunded));
      expect(cell('totals', 'net')?.[3], csv).toBe(rub(want.net));
      for (const [status, x] of Object.entries(want.byStatus))
        expect(cell('orders', status)?.slice(2, 4), csv).toEqual([String(x.count), rub(x.amount)]);
      for (const [vat, v] of Object.entries(want.byVat))
        expect(cell('sales_by_vat', vat)?.slice(3, 5), csv).toEqual([rub(v.amount), rub(v.vatAmount)]);
      expect(cell('paid_after_expiry', 'total')?.[2], csv).toBe(String(want.late.length));
      expect(cell('shift', 'verification')?.[5], csv).toBe('verified');

      // PDF: a real PDF document.
      const [pdfDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('report-export-pdf').click(),
      ]);
      expect(pdfDownload.suggestedFilename()).toMatch(/\.pdf$/);
      const pdf = await saved(pdfDownload);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // …whose text carries the same figures as the screen (the gateway's).
      const doc = await getDocument({
        data: new Uint8Array(pdf),
        disableFontFace: true,
        useSystemFonts: false,
      }).promise;
      let text = '';
      for (let p = 1; p <= doc.numPages; p++) {
        const content = await (await doc.getPage(p)).getTextContent();
        text += content.items.map((i) => ('str' in i ? i.str : '')).join(' ') + '\n';
      }
      await doc.destroy();
      const norm = text.replace(/[\s\u00a0]+/g, ' ');
      expect(norm).toContain(CASHIER.name);
      expect(norm).toContain(formatKopecks(want.net, 'ru').replace(/\u00a0/g, ' '));
      expect(norm).toContain(formatKopecks(want.paid, 'ru').replace(/\u00a0/g, ' '));
    },
    STEP_MS,
  );

  it(
    'after closing: no basket until the next shift; the report is in the history',
    async () => {
      await page.keyboard.press('F2');
      await page.getByTestId('shift-required').waitFor(WAIT);
      await page.locator('[data-testid=shift-status][data-state=closed]').waitFor(WAIT);
      await page.goto(`${rig.host.origin}/#/reports`);
      const row = page.locator(`[data-testid=report-row][data-shift-id="${shiftId}"]`);
      await row.waitFor(WAIT);
      await row.click();
      await page.getByTestId('shift-report').waitFor(WAIT);
      await page.getByTestId('report-total').waitFor(WAIT);
    },
    STEP_MS,
  );

  it(
    'the senior changes the cashier’s PIN, then deactivates them: they can no longer open a shift',
    async () => {
      await page.keyboard.press('F9');
      const section = page.getByTestId('staff-section');
      const cashierRow = section.locator('[data-testid=staff-row]', { hasText: CASHIER.name });
      await cashierRow.getByTestId('staff-edit').click();
      const form = section.getByTestId('staff-form');
      await form.getByTestId('staff-pin').fill('4826');
      await form.getByTestId('staff-pin2').fill('4826');
      await form.getByTestId('staff-save').click();
      await enterPin(page, SENIOR.pin, SENIOR.name);
      await form.waitFor({ state: 'detached', ...WAIT });

      await cashierRow.getByTestId('staff-deactivate').click();
      await page.getByTestId('staff-remove-dialog-confirm').click();
      await enterPin(page, SENIOR.pin, SENIOR.name);
      await expect.poll(() => cashierRow.getByTestId('staff-edit').count(), WAIT).toBe(0);
      const staff = await rig.invoke('staff.list', {});
      expect(staff.find((x) => x.name === CASHIER.name)?.active).toBe(false);

      // The shop also wants a senior to approve cancellations: the policy itself takes the senior's PIN.
      const policy = page.getByTestId('pin-policy');
      await policy.getByTestId('policy-orders.cancel').check();
      await policy.getByTestId('policy-save').click();
      await enterPin(page, SENIOR.pin, SENIOR.name);
      await expect
        .poll(async () => (await rig.invoke('settings.get', {})).pinPolicy.seniorPinFor, WAIT)
        .toContain('orders.cancel');
      await scanScreen(page, '35-settings-staff');

      // The confirmation closes just after the list updates; a modal open swallows the screen's shortcuts.
      await expect.poll(() => page.locator('dialog[open]').count(), WAIT).toBe(0);
      await page.keyboard.press('F6');
      const options = page.getByTestId('shift-open').locator('[data-testid=open-shift-staff] option');
      await expect
        .poll(() => options.allTextContents(), WAIT)
        .toEqual([expect.stringContaining(SENIOR.name)]);
    },
    STEP_MS,
  );

  it(
    'too many wrong PINs lock PIN entry, and the dialog says until when',
    async () => {
      const { pinPolicy } = await rig.invoke('settings.get', {});
      await page.getByTestId('open-shift').click();
      const dialog = page.locator('[data-testid=pin-dialog][open]');
      const locked = dialog.locator('[data-testid=pin-status][data-error=pin_locked]');
      for (let i = 0; i < pinPolicy.maxAttempts + 1 && (await locked.count()) === 0; i++) {
        await enterPin(page, '0000');
        await dialog.locator('[data-testid=pin-status][data-error^=pin_]').waitFor(WAIT);
        await expect.poll(() => dialog.getAttribute('data-phase'), WAIT).not.toBe('checking');
      }
      await locked.waitFor(WAIT);
      expect(await locked.textContent()).toMatch(/\d{2}:\d{2}/);
      expect(await dialog.getByTestId('pin-input').isDisabled()).toBe(true);
      await scanScreen(page, '33-shift-pin-locked');
      await page.keyboard.press('Escape');
      await page.locator('[data-testid=pin-dialog][open]').waitFor({ state: 'detached', ...WAIT });
      expect((await rig.invoke('shift.current', {})) ?? null).toBeNull();
    },
    STEP_MS,
  );
});
