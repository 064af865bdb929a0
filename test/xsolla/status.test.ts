/** The adapter's pure parts: status mapping, progress rule, wire parsing and money. */
import { describe, expect, it } from 'vitest';
import { isProgress, mapXsollaStatus } from '../../electron/core/providers/xsolla/status.ts';
import { parseGetOrder, parsePublication, toMinorUnits } from '../../electron/core/providers/xsolla/wire.ts';

const m = (raw: string) => mapXsollaStatus(raw)!;

describe('mapXsollaStatus', () => {
  it('maps the four documented statuses', () => {
    expect(mapXsollaStatus('new')).toEqual({ raw: 'new', status: 'created', final: false, rank: 0 });
    expect(mapXsollaStatus('paid')).toEqual({ raw: 'paid', status: 'paid', final: false, rank: 1 });
    expect(mapXsollaStatus('done')).toEqual({ raw: 'done', status: 'delivered', final: true, rank: 2 });
    expect(mapXsollaStatus('canceled')).toEqual({
      raw: 'canceled',
      status: 'canceled',
      final: true,
      rank: 3,
    });
  });

  it('reads the docs spelling ("Paid") too, and nothing else', () => {
    expect(mapXsollaStatus('Paid')?.status).toBe('paid');
    expect(mapXsollaStatus(' DONE ')?.status).toBe('delivered');
    for (const other of ['cancelled', 'refunded', '', 'created', 'toString', '__proto__']) {
      expect(mapXsollaStatus(other), other).toBeNull();
    }
    expect(mapXsollaStatus(1)).toBeNull();
    expect(mapXsollaStatus(null)).toBeNull();
  });
});

describe('isProgress', () => {
  it('moves forward only; canceled ends any non-final status; nothing leaves a final one', () => {
    expect(isProgress(null, m('paid'))).toBe(true);
    expect(isProgress(m('new'), m('paid'))).toBe(true);
    expect(isProgress(m('new'), m('done'))).toBe(true);
    expect(isProgress(m('paid'), m('canceled'))).toBe(true);
    expect(isProgress(m('paid'), m('paid'))).toBe(false);
    expect(isProgress(m('paid'), m('new'))).toBe(false);
    expect(isProgress(m('done'), m('canceled'))).toBe(false);
    expect(isProgress(m('canceled'), m('done'))).toBe(false);
  });
});

describe('wire', () => {
  it('parses publication data with numeric or string order ids', () => {
    expect(parsePublication({ order_id: 59614241, status: 'new' })).toEqual({
      orderId: '59614241',
      rawStatus: 'new',
    });
    expect(parsePublication({ order_id: '42', status: 'paid', extra: 1 })).toEqual({
      orderId: '42',
      rawStatus: 'paid',
    });
    expect(parsePublication({ status: 'paid' })).toBeNull();
    expect(parsePublication('paid')).toBeNull();
    expect(parsePublication({ order_id: -1, status: 'paid' })).toBeNull();
  });

  it('parses Get order: amount to minor units in the currency exponent', () => {
    const body = {
      order_id: 7,
      status: 'done',
      content: {
        price: { amount: '2049.5000', amount_without_discount: '2049.5000', currency: 'USD' },
        virtual_price: null,
        is_free: 'false',
        items: [],
      },
    };
    expect(parseGetOrder(body)).toEqual({ orderId: '7', rawStatus: 'done', amount: 204950, currency: 'USD' });
    expect(parseGetOrder({ order_id: 7, status: 'new' })).toEqual({
      orderId: '7',
      rawStatus: 'new',
      amount: null,
      currency: null,
    });
    expect(parseGetOrder({ order_id: 7, status: 'new', content: { price: null } })?.amount).toBeNull();
    expect(parseGetOrder({ status: 'new' })).toBeNull();
  });

  it('toMinorUnits is exact and refuses what it cannot show exactly', () => {
    expect(toMinorUnits('9.99', 'USD')).toBe(999);
    expect(toMinorUnits(9.99, 'USD')).toBe(999);
    expect(toMinorUnits('0.1', 'USD')).toBe(10);
    expect(toMinorUnits('100', 'JPY')).toBe(100);
    expect(toMinorUnits('1.500', 'KWD')).toBe(1500);
    expect(toMinorUnits('1.005', 'USD')).toBeNull();
    expect(toMinorUnits('-1', 'USD')).toBeNull();
    expect(toMinorUnits('1e3', 'USD')).toBeNull();
    expect(toMinorUnits(Number.NaN, 'USD')).toBeNull();
  });
});
