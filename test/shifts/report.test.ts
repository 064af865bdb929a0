/** The report's arithmetic (pure), against a straightforward recount of generated shifts, and the policy tables. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SENIOR_PIN_FOR, type ShiftView } from '../../shared/contract/shifts.ts';
import { resolveConfig } from '../../electron/core/config.ts';
import { computeBasket } from '../../shared/domain/basket.ts';
import { kopecksToApi } from '../../shared/domain/money.ts';
import { ORDER_STATUSES, REFUND_STATUSES } from '../../shared/domain/order-status.ts';
import { VAT_CODES, type VatCode } from '../../shared/domain/vat.ts';
import { requirementFor } from '../../electron/core/shifts/policy.ts';
import {
  computeReport,
  type ReportCancel,
  type ReportOrder,
  type ReportRefund,
} from '../../electron/core/shifts/report.ts';
import { reconcileRows, unverified, type GatewayTruth } from '../../electron/core/shifts/report-verify.ts';

const shift: ShiftView = {
  id: 's1',
  number: 1,
  staffId: 'st1',
  cashierName: 'Иван',
  openedAt: '2026-11-23T09:00:00.000Z',
  closedAt: null,
  status: 'open',
};

const lineArb = fc.record({
  unitPrice: fc.integer({ min: 1, max: 5_000_000 }),
  quantity: fc.integer({ min: 1, max: 20_000 }),
  vatCode: fc.constantFrom(...VAT_CODES),
});

/** A document as the gateway sends it: basket lines in API floats, totals their sums. */
function doc(lines: { unitPrice: number; quantity: number; vatCode: VatCode }[]) {
  const b = computeBasket(lines);
  return {
    amount: b.amount,
    vatAmount: b.vatAmount,
    basket: b.lines.map((l, i) => ({
      sku: `s${i}`,
      vatCode: lines[i]!.vatCode,
      totalAmount: kopecksToApi(l.totalAmount),
      totalVatAmount: kopecksToApi(l.totalVatAmount),
    })),
  };
}

const orderArb = fc
  .record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
    status: fc.constantFrom(...ORDER_STATUSES),
    late: fc.boolean(),
  })
  .map(({ lines, status, late }, i = 0): ReportOrder => {
    const d = doc(lines);
    const paid = status === 'completed';
    return {
      id: `o-${Math.random()}-${i}`,
      merchantOrderId: `PD-${i}`,
      status,
      ...d,
      currency: 'RUB',
      expirationDate: '2026-11-23T10:00:00+00:00',
      paidAt: paid ? (late ? '2026-11-23T10:00:01+00:00' : '2026-11-23T09:59:59+00:00') : null,
    };
  });

const refundArb = fc
  .record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 3 }),
    status: fc.constantFrom(...REFUND_STATUSES),
  })
  .map(({ lines, status }): ReportRefund => ({
    id: `r-${Math.random()}`,
    parentId: 'o',
    merchantOrderId: 'RF',
    status,
    ...doc(lines),
  }));

const noCheck = unverified(null, 0);

describe('report arithmetic', () => {
  it('matches a recount of any shift: by status, by VAT rate, refunds, late payments, net', () => {
    fc.assert(
      fc.property(
        fc.array(orderArb, { maxLength: 25 }),
        fc.array(refundArb, { maxLength: 8 }),
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 10 ** 7 }), vatAmount: fc.nat(10 ** 6) }), {
          maxLength: 5,
        }),
        (orders, refunds, cancelSums) => {
          const cancels: ReportCancel[] = cancelSums.map((c, i) => ({
            id: `c${i}`,
            merchantOrderId: `C${i}`,
            ...c,
          }));
          const r = computeReport({
            shift,
            generatedAt: shift.openedAt,
            orders,
            refunds,
            cancels,
            verification: noCheck,
          });

          // Recount, line by line.
          let paid = 0;
          let paidVat = 0;
          const vat: Record<string, { amount: number; vatAmount: number; orders: Set<string> }> = {};
          for (const o of orders) {
            if (o.status !== 'completed') continue;
            paid += o.amount;
            paidVat += o.vatAmount;
            for (const item of o.basket as {
              vatCode: string;
              totalAmount: number;
              totalVatAmount: number;
            }[]) {
              const v = (vat[item.vatCode] ??= { amount: 0, vatAmount: 0, orders: new Set() });
              v.amount += Math.round(item.totalAmount * 100);
              v.vatAmount += Math.round(item.totalVatAmount * 100);
              v.orders.add(o.id);
            }
          }
          const counted = refunds.filter((x) => x.status === 'created' || x.status === 'completed');
          const refunded = counted.reduce((s, x) => s + x.amount, 0);

          expect(r.totals.paid).toBe(paid);
          expect(r.totals.paidVat).toBe(paidVat);
          expect(r.totals.refunded).toBe(refunded);
          expect(r.totals.net).toBe(paid - refunded);
          expect(r.orders.total.count).toBe(orders.length);
          for (const s of ORDER_STATUSES) {
            const of = orders.filter((o) => o.status === s);
            expect(r.orders.byStatus[s]).toEqual({
              count: of.length,
              amount: of.reduce((a, o) => a + o.amount, 0),
              vatAmount: of.reduce((a, o) => a + o.vatAmount, 0),
            });
          }
          expect(Object.fromEntries(r.salesByVat.map((v) => [v.vatCode, v]))).toEqual(
            Object.fromEntries(
              Object.entries(vat).map(([code, v]) => [
                code,
                { vatCode: code, count: v.orders.size, amount: v.amount, vatAmount: v.vatAmount },
              ]),
            ),
          );
          // The VAT breakdown adds up to the paid total (baskets are consistent).
          expect(r.salesByVat.reduce((s, v) => s + v.amount, 0)).toBe(paid);
          expect(r.refunds.byVat.reduce((s, v) => s + v.amount, 0)).toBe(refunded);
          for (const s of REFUND_STATUSES) {
            expect(r.refunds.byStatus[s].count).toBe(refunds.filter((x) => x.status === s).length);
          }
          const late = orders.filter((o) => o.status === 'completed' && o.paidAt!.endsWith('10:00:01+00:00'));
          expect(r.paidAfterExpiry.count).toBe(late.length);
          expect(r.paidAfterExpiry.amount).toBe(late.reduce((s, o) => s + o.amount, 0));
          expect(r.cancels).toEqual({
            count: cancels.length,
            amount: cancels.reduce((s, c) => s + c.amount, 0),
            vatAmount: cancels.reduce((s, c) => s + c.vatAmount, 0),
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('puts an order without a readable basket under `unknown` with its own totals', () => {
    const r = computeReport({
      shift,
      generatedAt: shift.openedAt,
      orders: [
        {
          id: 'o1',
          merchantOrderId: 'A',
          status: 'completed',
          amount: 12_345,
          vatAmount: 2_226,
          currency: 'RUB',
          expirationDate: null,
          paidAt: null,
          basket: null,
        },
      ],
      refunds: [],
      cancels: [],
      verification: noCheck,
    });
    expect(r.salesByVat).toEqual([{ vatCode: 'unknown', count: 1, amount: 12_345, vatAmount: 2_226 }]);
  });
});

describe('comparison with the gateway (pure)', () => {
  const mine: ReportOrder = {
    id: 'o1',
    merchantOrderId: 'PD-1',
    status: 'created',
    amount: 50_000,
    vatAmount: 9_016,
    currency: 'RUB',
    expirationDate: '2026-11-23T10:00:00+00:00',
    paidAt: null,
    basket: null,
  };
  it('takes the gateway version, lists each difference with its request id, and flags unknown documents', () => {
    const truth: GatewayTruth = {
      orders: new Map([
        [
          'o1',
          { doc: { ...mine, status: 'completed', paidAt: '2026-11-23T09:30:00+00:00' }, requestId: 'req-1' },
        ],
      ]),
      refunds: new Map(),
      requestIds: ['req-1'],
    };
    const lost: ReportOrder = { ...mine, id: 'o2', merchantOrderId: 'PD-2' };
    const out = reconcileRows(
      { orders: [mine, lost], refunds: [], cancels: [] },
      truth,
      '2026-11-23T11:00:00Z',
    );
    expect(out.verification.state).toBe('differences');
    expect(out.orders[0]!.status).toBe('completed');
    expect(out.verification.differences).toEqual([
      expect.objectContaining({
        kind: 'status',
        id: 'o1',
        console: 'created',
        gateway: 'completed',
        requestId: 'req-1',
      }),
      expect.objectContaining({ kind: 'paid_at', id: 'o1', requestId: 'req-1' }),
      expect.objectContaining({ kind: 'missing_on_gateway', id: 'o2', requestId: null }),
    ]);
    const same = reconcileRows(
      { orders: [mine], refunds: [], cancels: [] },
      { orders: new Map([['o1', { doc: mine, requestId: 'r' }]]), refunds: new Map(), requestIds: ['r'] },
      'now',
    );
    expect(same.verification).toMatchObject({ state: 'verified', differences: [], documents: 1 });
  });
});

describe('policy tables', () => {
  const policy = { requireShift: true, seniorPinFor: ['refunds.create', 'settings.update'] as const };
  it('asks for a shift to create, and a senior for what the shop guards, once a senior exists', () => {
    const p = { ...policy, seniorPinFor: [...policy.seniorPinFor] };
    expect(requirementFor('orders.create', {}, p, true)).toEqual({ shift: true, senior: false });
    expect(requirementFor('refunds.create', {}, p, true)).toEqual({ shift: true, senior: true });
    expect(requirementFor('refunds.create', {}, p, false)).toEqual({ shift: true, senior: false });
    expect(requirementFor('orders.search', {}, p, true)).toEqual({ shift: false, senior: false });
    expect(requirementFor('token.remove', {}, p, true)).toEqual({ shift: false, senior: false });
    expect(requirementFor('staff.save', {}, p, true)).toEqual({ shift: false, senior: true });
    expect(requirementFor('staff.save', {}, p, false)).toEqual({ shift: false, senior: false });
    // Changing the PIN policy needs a senior even when settings are not guarded.
    const open = { requireShift: false, seniorPinFor: [] };
    expect(requirementFor('settings.update', { shopName: 'x' }, open, true)).toEqual({
      shift: false,
      senior: false,
    });
    expect(requirementFor('settings.update', { pinPolicy: { requireShift: true } }, open, true).senior).toBe(
      true,
    );
    expect(requirementFor('orders.create', {}, open, true).shift).toBe(false);
    // The display language alone is the cashier's business; with anything else it is guarded.
    expect(requirementFor('settings.update', { language: 'en' }, p, true).senior).toBe(false);
    expect(requirementFor('settings.update', { language: 'en', shopName: 'x' }, p, true).senior).toBe(true);
    expect(requirementFor('settings.update', { language: 'en', pinPolicy: {} }, open, true).senior).toBe(
      true,
    );
  });

  it('a saved policy naming methods this version does not know still loads', () => {
    const config = resolveConfig({
      pinPolicy: { requireShift: false, seniorPinFor: ['refunds.create', 'wellpay.someday'] as never },
    });
    expect(config.pinPolicy).toEqual({
      requireShift: false,
      seniorPinFor: ['refunds.create'],
      maxAttempts: 5,
    });
    expect(resolveConfig({}, { PAYDESK_REQUIRE_SHIFT: '0' }).pinPolicy.requireShift).toBe(false);
    expect(resolveConfig({}, {}).pinPolicy).toMatchObject({
      requireShift: true,
      seniorPinFor: DEFAULT_SENIOR_PIN_FOR,
    });
  });
});
