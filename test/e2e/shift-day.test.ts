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
import { chromiumPath, screenshot } from '../helpers/browser.ts';
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

/** Creates an order on the new-order screen; answers its id (from the payment screen). */
async function createOrder(page: Page, lines: LineIn[]): Promise<string> {
  await page.keyboard.press('F2');
  await page.getByTestId('new-order').waitFor(WAIT);
  for (const l of lines) await addLine(page, l);
  await expect.poll(() => page.getByTestId('basket-line').count()).toBe(lines.length);
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

/** A CSV line → cells (quoted cells may hold `;` `,` and doubled quotes). */
function csvCells(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

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
      await createFirstSenior(page, SENIOR);
      await addStaff(page, CASHIER, SENIOR);
      const rows = page.getByTestId('staff-row');
      await expect.poll(() => rows.count()).toBe(2);
      // Nothing typed as a PIN is left on the page.
      expect(await page.getByTestId('pin-input').count()).toBe(0);
      expect(await page.content()).not.toContain(SENIOR.pin);
      expect(await page.content()).not.toContain(CASHIER.pin);
    },
    STEP_MS,
  );

  it(
    'opens the shift as the cashier; the header shows who, which shift and since when',
    async () => {
      await openShift(page, CASHIER);
      const chip = page.locator('[data-testid=shift-status][data-state=open]');
      expect(await chip.textContent()).toContain(CASHIER.name);
      shiftId = (await chip.getAttribute('data-shift-id'))!;
      expect(shiftId).not.toBe('');
    },
    STEP_MS,
  );

  it(
    'takes orders: paid, declined (still waiting), expired, paid after expiry, canceled',
    async () => {
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

      ids.late = await createOrder(page, [
        { name: 'Зёрна, Эфиопия', price: '1450', qty: '0,25', vat: 'RUS_VAT22' },
      ]);
      await rig.control('POST', `/sandbox/orders/${ids.late}/expire`);
      await page.locator('[data-testid=order-status][data-status=expired]').waitFor(WAIT);
      await rig.control('POST', `/sandbox/orders/${ids.late}/pay`, { late: true });
      await page.locator('[data-testid=order-status][data-status=completed]').waitFor(WAIT);

      ids.canceled = await createOrder(page, [{ name: 'Сэндвич', price: '275', qty: '1', vat: 'RUS_VAT10' }]);
      await page.getByTestId('cancel-order').click();
      await page.getByTestId('cancel-dialog-confirm').click();
      await page.locator('[data-testid=order-status][data-status=canceled]').waitFor(WAIT);
    },
    STEP_MS,
  );

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
      await screenshot(page, '30-shift-pin-wrong');
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
      await screenshot(page, '31-shift-report');

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

      expect(await num(page, '[data-testid=report-total]')).toBe(want.paid);
      expect(await num(page, '[data-testid=report-net]')).toBe(want.net);
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
      const csv = (await saved(csvDownload)).toString('utf8').replace(/^\uFEFF/, '');
      const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
      const sep = (lines[0]!.match(/[;,]/) ?? [';'])[0]!;
      const cells = lines.map((l) => csvCells(l, sep));
      const amounts = (x: number): string[] => [(x / 100).toFixed(2), (x / 100).toFixed(2).replace('.', ',')];
      const hasRow = (label: RegExp, kopecks: number): boolean =>
        cells.some(
          (c) => c.some((cell) => label.test(cell)) && c.some((cell) => amounts(kopecks).includes(cell)),
        );
      expect(hasRow(/completed|оплач/i, want.paid), csv).toBe(true);
      for (const [vat, v] of Object.entries(want.byVat))
        expect(
          cells.some((c) => c.includes(vat) && c.some((cell) => amounts(v.amount).includes(cell))),
          `${vat}\n${csv}`,
        ).toBe(true);
      expect(hasRow(/refund|возврат/i, want.refunded), csv).toBe(true);

      // PDF: a real PDF document.
      const [pdfDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('report-export-pdf').click(),
      ]);
      expect(pdfDownload.suggestedFilename()).toMatch(/\.pdf$/);
      const pdf = await saved(pdfDownload);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(500);
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
});
