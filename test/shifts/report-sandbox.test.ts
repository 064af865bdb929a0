/**
 * The end-of-shift report of a real shift (a core against the sandbox), checked against figures computed here,
 * independently, from the sandbox's own state (GET /sandbox/state) — not from the console's store. Then a payment the
 * console missed (the gate silenced) shows as a difference with its request id, the figures being the gateway's; and
 * the CSV and the PDF are parsed back.
 */
import { parse } from 'csv-parse/sync';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftReportSchema } from '../../shared/contract/shifts.ts';
import { formatKopecks } from '../../shared/domain/money.ts';
import type { CoreHandle } from '../helpers/core.ts';
import { FAST_TUNING } from '../helpers/core.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { control, line, requestKey, startShiftCore, waitStatus } from './helpers.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read by tests

const kop = (x: number) => Math.round(x * 100);

/** The report's figures from the gateway's state alone. */
function expectedFromGateway(state: Any, orderIds: string[], refundIds: string[], cancelIds: string[]) {
  const orders = state.orders.filter((o: Any) => orderIds.includes(o.id));
  const refunds = state.refunds.filter((r: Any) => refundIds.includes(r.id));
  expect(orders).toHaveLength(orderIds.length);
  expect(refunds).toHaveLength(refundIds.length);
  const byStatus: Any = {};
  for (const o of orders) {
    const t = (byStatus[o.status] ??= { count: 0, amount: 0, vatAmount: 0 });
    t.count += 1;
    t.amount += kop(o.amount);
    t.vatAmount += kop(o.vatAmount);
  }
  const sales: Any = {};
  for (const o of orders.filter((x: Any) => x.status === 'completed')) {
    const codes = new Set<string>();
    for (const item of o.basketItems) {
      const t = (sales[item.vatCode] ??= { count: 0, amount: 0, vatAmount: 0 });
      t.amount += kop(item.totalAmount);
      t.vatAmount += kop(item.totalVatAmount);
      codes.add(item.vatCode);
    }
    for (const c of codes) sales[c].count += 1;
  }
  const paid = orders
    .filter((x: Any) => x.status === 'completed')
    .reduce((s: number, x: Any) => s + kop(x.amount), 0);
  const counting = refunds.filter((r: Any) => r.status === 'created' || r.status === 'completed');
  const refunded = counting.reduce((s: number, r: Any) => s + kop(r.amount), 0);
  const late = orders.filter(
    (o: Any) => o.status === 'completed' && Date.parse(o.paidAt) > Date.parse(o.expirationDate),
  );
  const cancelled = state.orders.filter((o: Any) => cancelIds.includes(o.id) && o.status === 'canceled');
  return { byStatus, sales, paid, refunded, net: paid - refunded, late, cancelled, refunds };
}

describe('the end-of-shift report against the sandbox', () => {
  // The sandbox's clock can be moved ahead, so an order really expires (at its expirationDate) and is paid after it.
  let ahead = 0;
  const sb = withSandbox({
    rateLimit: { requests: 10_000, windowMs: 30_000 },
    refundAutoCompleteMs: null,
    now: () => new Date(Date.now() + ahead),
  });
  let h: CoreHandle;
  const call = (m: string, input: unknown) => h.core.invoke(m as never, input) as Promise<Any>;
  let anna: Any;
  let report: Any;

  beforeAll(async () => {
    h = await startShiftCore(sb.sandbox);
    anna = await call('staff.save', { name: 'Анна', role: 'senior', pin: '2468' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('counts and sums a full shift exactly as the gateway has it', async () => {
    const senior = { staffId: anna.id, pin: '2468' };
    const shift = await call('shift.open', { staffId: anna.id, pin: '2468' });
    const baskets = [
      [line('Кофе', 25_000, 2_000, 'RUS_VAT22'), line('Зерно', 180_000, 350, 'RUS_VAT10')],
      [line('Торт', 99_900, 1_000, 'RUS_VAT22')],
      [line('Книга', 45_000, 1_000, 'RUS_VAT10'), line('Доставка', 30_000, 1_000, 'VATNONE')],
      [line('Чай', 15_050, 3_000, 'RUS_VAT22_ADDED')],
      [line('Сок', 12_000, 1_000, 'RUS_VAT0')],
      [line('Вода', 5_000, 1_000, 'RUS_VAT22')],
    ];
    const orders: Any[] = [];
    for (const [i, lines] of baskets.entries()) {
      orders.push(
        await call('orders.create', {
          lines,
          requestKey: requestKey(),
          ...(i === 2 ? { ttlMinutes: 1 } : {}),
        }),
      );
    }
    const [paid1, paid2, paidLate, open, toCancel, refundedOrder] = orders as [Any, Any, Any, Any, Any, Any];
    for (const o of [paid1, paid2, refundedOrder])
      await control(sb.sandbox, 'POST', `/sandbox/orders/${o.id}/pay`);
    // Two minutes later on the gateway's clock: the one-minute order has expired, and then it is paid.
    ahead = 2 * 60_000;
    await control(sb.sandbox, 'GET', '/sandbox/orders'); // a read: the sandbox expires what is due, on the gate
    await waitStatus(h.core, paidLate.id, 'expired');
    await control(sb.sandbox, 'POST', `/sandbox/orders/${paidLate.id}/pay`, { late: true });
    ahead = 0;
    await call('orders.cancel', { id: toCancel.id });
    for (const o of [paid1, paid2, paidLate, refundedOrder]) await waitStatus(h.core, o.id, 'completed');
    // Two refunds: one settled by the bank, one still in progress.
    const r1 = await call('refunds.create', {
      orderId: refundedOrder.id,
      lines: [{ index: 0, quantity: 1_000 }],
      requestKey: requestKey(),
      approval: senior,
    });
    const r2 = await call('refunds.create', {
      orderId: paid1.id,
      lines: [{ index: 0, quantity: 1_000 }],
      requestKey: requestKey(),
      approval: senior,
    });
    await control(sb.sandbox, 'POST', `/sandbox/refunds/${r1.id}/complete`);
    await call('orders.refresh', { id: refundedOrder.id });
    void open;

    report = await call('shift.close', { pin: '2468' });
    const state = (await control(sb.sandbox, 'GET', '/sandbox/state')) as Any;
    const want = expectedFromGateway(
      state,
      orders.map((o) => o.id),
      [r1.id, r2.id],
      [toCancel.id],
    );

    expect(() => shiftReportSchema.parse(report)).not.toThrow(); // the contract's own schema
    expect(report.shift).toMatchObject({ id: shift.id, status: 'closed' });
    // The console heard of everything (the gate, its own calls): the gateway agrees.
    expect(report.verification.state).toBe('verified');
    expect(report.verification.documents).toBe(8);
    expect(report.verification.requestIds.length).toBeGreaterThan(0);
    for (const [status, t] of Object.entries(report.orders.byStatus) as [string, Any][]) {
      expect(t).toEqual(want.byStatus[status] ?? { count: 0, amount: 0, vatAmount: 0 });
    }
    expect(report.orders.total.count).toBe(6);
    expect(
      Object.fromEntries(
        report.salesByVat.map((v: Any) => [
          v.vatCode,
          { count: v.count, amount: v.amount, vatAmount: v.vatAmount },
        ]),
      ),
    ).toEqual(want.sales);
    expect(report.totals.paid).toBe(want.paid);
    expect(report.totals.refunded).toBe(want.refunded);
    expect(report.totals.net).toBe(want.net);
    expect(report.refunds.byStatus.completed.count).toBe(1);
    expect(report.refunds.byStatus.created.count).toBe(1);
    expect(report.paidAfterExpiry.orders.map((o: Any) => o.id)).toEqual(want.late.map((o: Any) => o.id));
    expect(report.paidAfterExpiry.count).toBe(1);
    expect(report.cancels).toEqual({
      count: want.cancelled.length,
      amount: want.cancelled.reduce((s: number, o: Any) => s + kop(o.amount), 0),
      vatAmount: want.cancelled.reduce((s: number, o: Any) => s + kop(o.vatAmount), 0),
    });
    expect(report.verification.differences).toEqual([]);
    // The closing report is kept with the shift.
    expect(await call('shift.report', { shiftId: shift.id, verify: false })).toEqual(report);
  });

  it('exports CSV that parses back to the same figures', async () => {
    const csv = (await call('shift.exportCsv', { shiftId: report.shift.id })) as unknown as string;
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('\r\n');
    const records = parse(csv, { delimiter: ';', bom: true, columns: true }) as Any[];
    const find = (section: string, item: string): Any => {
      const row = records.find((r) => r.section === section && r.item === item);
      if (!row) throw new Error(`no CSV row ${section};${item}`);
      return row;
    };
    const rub = (s: string) => {
      const [whole, frac] = s.split(',');
      return Number(whole) * 100 + Math.sign(Number(whole) || 1) * Number(frac);
    };
    expect(rub(find('totals', 'net').amount)).toBe(report.totals.net);
    expect(rub(find('totals', 'paid').amount)).toBe(report.totals.paid);
    expect(rub(find('totals', 'refunded').amount)).toBe(report.totals.refunded);
    expect(Number(find('orders', 'completed').count)).toBe(report.orders.byStatus.completed.count);
    for (const v of report.salesByVat) expect(rub(find('sales_by_vat', v.vatCode).vat)).toBe(v.vatAmount);
    expect(find('shift', 'cashier').detail).toBe('Анна');
    expect(find('shift', 'verification').detail).toBe('verified');
    expect(records.every((r) => Object.keys(r).length === 6)).toBe(true);
  });

  it('exports a printable PDF whose text carries the totals in Russian', async () => {
    const base64 = (await call('shift.exportPdf', { shiftId: report.shift.id })) as unknown as string;
    const bytes = Buffer.from(base64, 'base64');
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const pdf = await getDocument({
      data: new Uint8Array(bytes),
      disableFontFace: true,
      useSystemFonts: false,
    }).promise;
    let text = '';
    for (let p = 1; p <= pdf.numPages; p++) {
      const content = await (await pdf.getPage(p)).getTextContent();
      text += content.items.map((i) => ('str' in i ? i.str : '')).join(' ') + '\n';
    }
    await pdf.destroy();
    const norm = text.replace(/[\s\u00a0]+/g, ' ');
    expect(norm).toContain(`Отчёт о закрытии смены № ${report.shift.number}`);
    expect(norm).toContain('Итого за смену');
    expect(norm).toContain(formatKopecks(report.totals.net, 'ru').replace(/\u00a0/g, ' '));
    expect(norm).toContain(formatKopecks(report.totals.paid, 'ru').replace(/\u00a0/g, ' '));
    expect(norm).toContain('Анна');
    expect(norm).toContain('RUS_VAT10');
  });
});

describe('a payment the console missed', () => {
  const sb = withSandbox({ rateLimit: { requests: 10_000, windowMs: 30_000 } });
  let h: CoreHandle;
  const call = (m: string, input: unknown) => h.core.invoke(m as never, input) as Promise<Any>;

  beforeAll(async () => {
    // A slow heartbeat and poll: a silenced gate goes unnoticed for the length of the test.
    h = await startShiftCore(sb.sandbox, {
      ...FAST_TUNING,
      heartbeatMs: 120_000,
      pongTimeoutMs: 120_000,
      pollIntervalMs: 120_000,
    });
  });
  afterAll(async () => {
    await control(sb.sandbox, 'DELETE', '/sandbox/faults').catch(() => undefined);
    await h?.stop();
  });

  it('shows up as a difference with the request id, and the figures are the gateway’s', async () => {
    const anna = await call('staff.save', { name: 'Анна', role: 'senior', pin: '2468' });
    await call('shift.open', { staffId: anna.id, pin: '2468' });
    const order = await call('orders.create', {
      lines: [line('Кофе', 25_000, 1_000, 'RUS_VAT22')],
      requestKey: requestKey(),
    });
    await control(sb.sandbox, 'POST', '/sandbox/faults', { silentUntil: Date.now() + 120_000 });
    await control(sb.sandbox, 'POST', `/sandbox/orders/${order.id}/pay`);
    expect(h.core.store.getOrder(order.id)?.order.status).toBe('created');

    const unchecked = await call('shift.report', { verify: false });
    expect(unchecked.verification.state).toBe('unverified');
    expect(unchecked.totals.paid).toBe(0);

    const report = await call('shift.report', {});
    expect(h.core.store.getOrder(order.id)?.order.status).toBe('created'); // the console still did not hear
    expect(report.verification.state).toBe('differences');
    const diff = report.verification.differences.find((d: Any) => d.field === 'status');
    expect(diff).toMatchObject({ document: 'order', id: order.id, console: 'created', gateway: 'completed' });
    expect(report.verification.requestIds).toContain(diff.requestId);
    expect(report.totals.paid).toBe(25_000);
    expect(report.orders.byStatus.completed.count).toBe(1);
  });

  it('is unverified, with the console’s figures and the error, when the gateway cannot be asked', async () => {
    await control(sb.sandbox, 'POST', '/sandbox/faults', { http500: 1000 });
    const report = await call('shift.report', {});
    await control(sb.sandbox, 'DELETE', '/sandbox/faults');
    expect(report.verification.state).toBe('unverified');
    expect(report.verification.error).toMatchObject({ code: expect.any(String) });
    expect(report.totals.paid).toBe(0);
    expect(report.orders.byStatus.created.count).toBe(1);
  });
});
