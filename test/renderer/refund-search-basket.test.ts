import { describe, expect, it } from 'vitest';
import { computeBasket } from '../../shared/domain/basket.ts';
import { basketItemsFromLines } from '../../shared/invoicebox/build-order.ts';
import { draftLinesFromBasket } from '../../renderer/src/lib/basket-parse.ts';
import { planRefund, planSignature } from '../../renderer/src/lib/refund.ts';
import { buildSearchInput, emptyFilter, localDayStart } from '../../renderer/src/lib/search-query.ts';
import { parseRoute, routeHref, type Route } from '../../renderer/src/app/routes.ts';
import { effectiveConnection } from '../../renderer/src/lib/connection.ts';
import type { ConnectionView } from '../../shared/contract/contract.ts';

const items = [
  { index: 0, name: 'Капучино', unitPrice: 24900, quantity: 2000, vatCode: 'RUS_VAT22' },
  { index: 1, name: 'Круассан', unitPrice: 18950, quantity: 1000, vatCode: 'RUS_VAT10' },
  { index: 2, name: 'Кофе', unitPrice: 145000, quantity: 250, vatCode: 'RUS_VAT22' },
];

describe('refund plan', () => {
  it('adds up the chosen quantities with the order’s own line arithmetic', () => {
    const plan = planRefund(items, { 0: '1', 2: '0,25' });
    expect(plan.lines).toEqual([
      { index: 0, quantity: 1000 },
      { index: 2, quantity: 250 },
    ]);
    const expected = computeBasket([
      { unitPrice: 24900, quantity: 1000, vatCode: 'RUS_VAT22' },
      { unitPrice: 145000, quantity: 250, vatCode: 'RUS_VAT22' },
    ]);
    expect(plan.amount).toBe(expected.amount);
    expect(plan.vatAmount).toBe(expected.vatAmount);
    expect(planSignature(plan)).toBe('0:1000,2:250');
  });

  it('refunding everything is exactly the order', () => {
    const all = planRefund(items, { 0: '2', 1: '1', 2: '0,25' });
    expect(all.amount).toBe(
      computeBasket(
        items.map((i) => ({
          unitPrice: i.unitPrice,
          quantity: i.quantity,
          vatCode: i.vatCode as 'RUS_VAT22',
        })),
      ).amount,
    );
  });

  it('refuses more than is left and nonsense, per line', () => {
    const plan = planRefund(items, { 0: '3', 1: 'abc', 2: '' });
    expect(plan.errors).toEqual({ 0: 'qty_too_big', 1: 'qty_invalid' });
    expect(plan.lines).toEqual([]);
    expect(plan.amount).toBe(0);
  });
});

describe('orders search form', () => {
  it('turns local days into an inclusive range with the local offset', () => {
    const from = localDayStart('2026-03-01')!;
    expect(from).toMatch(/^2026-03-01T00:00:00[+-]\d{2}:\d{2}$/);
    const { input } = buildSearchInput({ ...emptyFilter(), from: '2026-03-01', to: '2026-03-01' }, 100);
    expect(input!.from).toBe(from);
    expect(input!.to).toBe(localDayStart('2026-03-02'));
  });

  it('parses amounts in rubles and refuses inverted ranges', () => {
    const { input } = buildSearchInput(
      { ...emptyFilter(), text: ' PD-1 ', statuses: ['completed'], minAmount: '100', maxAmount: '1 500,50' },
      300,
    );
    expect(input).toEqual({
      limit: 300,
      text: 'PD-1',
      status: ['completed'],
      minAmount: 10000,
      maxAmount: 150050,
    });
    expect(buildSearchInput({ ...emptyFilter(), minAmount: '10', maxAmount: '5' }, 10).errors).toEqual({
      maxAmount: 'range_inverted',
    });
    expect(buildSearchInput({ ...emptyFilter(), from: '2026-03-05', to: '2026-03-01' }, 10).errors).toEqual({
      to: 'range_inverted',
    });
    expect(buildSearchInput({ ...emptyFilter(), minAmount: 'много' }, 10).errors).toEqual({
      minAmount: 'amount_invalid',
    });
  });
});

describe('re-issuing a stored basket', () => {
  it('reads back the lines the console sent', () => {
    const lines = [
      {
        name: 'Капучино',
        unitPrice: 24900,
        quantity: 2000,
        vatCode: 'RUS_VAT22' as const,
        measure: 'шт',
        measureCode: '796',
        type: 'commodity' as const,
        paymentType: 'full_payment' as const,
      },
      {
        name: 'Кофе',
        unitPrice: 145000,
        quantity: 250,
        vatCode: 'RUS_VAT10_ADDED' as const,
        measure: 'кг',
        measureCode: '166',
        type: 'commodity' as const,
        paymentType: 'prepayment' as const,
      },
    ];
    expect(draftLinesFromBasket(basketItemsFromLines(lines))).toEqual(lines);
    expect(draftLinesFromBasket({ basketItems: basketItemsFromLines(lines) })).toEqual(lines);
  });

  it('gives up on anything it cannot read', () => {
    expect(draftLinesFromBasket(null)).toBeNull();
    expect(draftLinesFromBasket([])).toBeNull();
    expect(
      draftLinesFromBasket([{ name: 'x', amount: 1.234, quantity: 1, vatCode: 'RUS_VAT22' }]),
    ).toBeNull();
    expect(draftLinesFromBasket([{ name: 'x', amount: 1, quantity: 1, vatCode: 'VAT99' }])).toBeNull();
  });
});

describe('routes', () => {
  it('round-trips every route through its hash', () => {
    const routes: Route[] = [
      { name: 'new' },
      { name: 'pay', id: 'a-1' },
      { name: 'orders' },
      { name: 'order', id: '5c30/x' },
      { name: 'refund', id: 'r1' },
      { name: 'diagnostics' },
      { name: 'settings' },
      { name: 'customer' },
    ];
    for (const r of routes) expect(parseRoute(routeHref(r))).toEqual(r);
    expect(parseRoute('')).toEqual({ name: 'new' });
    expect(parseRoute('#/nonsense/1')).toEqual({ name: 'new' });
  });
});

describe('the connection indicator', () => {
  const view = (state: ConnectionView['state']): ConnectionView => ({
    state,
    reason: null,
    since: '2026-01-01T00:00:00.000Z',
    mode: 'live',
    gateUrl: 'wss://x',
    lastReconcileAt: null,
    retryInMs: null,
  });
  it('never shows live when the renderer lost the core, whatever the core said last', () => {
    expect(effectiveConnection(view('live'), 'up').state).toBe('live');
    expect(effectiveConnection(view('live'), 'down')).toMatchObject({
      state: 'offline',
      reason: 'host_link',
    });
    expect(effectiveConnection(view('live'), 'connecting').state).toBe('connecting');
    expect(effectiveConnection(null, 'up').state).toBe('connecting');
    expect(effectiveConnection(view('degraded'), 'up').state).toBe('degraded');
  });
});
