import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '../../shared/domain/order-status.ts';
import { VAT_CODES } from '../../shared/domain/vat.ts';
import { base64ToBytes, safeFileName } from '../../renderer/src/lib/files.ts';
import {
  reportFileName,
  sortStatusRows,
  sortVatRows,
  sumStatus,
  sumVat,
  verificationBanner,
} from '../../renderer/src/lib/report.ts';

describe('report rows and totals', () => {
  it('orders status rows by the status order, unknown last', () => {
    const rows = [
      { status: 'canceled', count: 1, amount: 100 },
      { status: 'weird', count: 1, amount: 1 },
      { status: 'created', count: 2, amount: 300 },
      { status: 'completed', count: 3, amount: 900 },
    ];
    expect(sortStatusRows(rows).map((r) => r.status)).toEqual(['created', 'completed', 'canceled', 'weird']);
  });

  it('orders VAT rows by the dictionary order, unknown last', () => {
    const rows = ['VATNONE', 'RUS_VAT10', 'XX', 'RUS_VAT22'].map((vatCode) => ({
      vatCode,
      amount: 1,
      vatAmount: 0,
    }));
    expect(sortVatRows(rows).map((r) => r.vatCode)).toEqual(['RUS_VAT22', 'RUS_VAT10', 'VATNONE', 'XX']);
  });

  it('footers are the exact integer sums of the rows, whatever the order', () => {
    const statusRow = fc.record({
      status: fc.constantFrom(...ORDER_STATUSES),
      count: fc.nat(10_000),
      amount: fc.nat(1e11),
    });
    const vatRow = fc.record({
      vatCode: fc.constantFrom(...VAT_CODES),
      amount: fc.nat(1e11),
      vatAmount: fc.nat(1e10),
    });
    fc.assert(
      fc.property(fc.array(statusRow, { maxLength: 20 }), fc.array(vatRow, { maxLength: 20 }), (s, v) => {
        const total = sumStatus(s);
        expect(total.count).toBe(s.map((r) => r.count).reduce((a, b) => a + b, 0));
        expect(total.amount).toBe(s.map((r) => r.amount).reduce((a, b) => a + b, 0));
        expect(sumStatus(sortStatusRows(s))).toEqual(total);
        const vt = sumVat(v);
        expect(Number.isInteger(vt.amount) && Number.isInteger(vt.vatAmount)).toBe(true);
        expect(sumVat(sortVatRows(v))).toEqual(vt);
      }),
    );
  });
});

describe('verification banner', () => {
  const at = '2026-11-23T15:04:00Z';
  it('verified, verified with differences, not verified with the reason', () => {
    expect(
      verificationBanner({ verification: { verified: true, at, reason: null }, differences: [] }),
    ).toEqual({
      kind: 'verified',
      at,
      reason: null,
      differences: 0,
    });
    const diff = { id: 'o1', number: 'PD-1', what: 'status', console: 'created', gateway: 'completed' };
    expect(
      verificationBanner({ verification: { verified: true, at, reason: null }, differences: [diff] }).kind,
    ).toBe('differences');
    expect(
      verificationBanner({
        verification: { verified: false, at: null, reason: 'api_unreachable' },
        differences: [],
      }),
    ).toEqual({ kind: 'unverified', at: null, reason: 'api_unreachable', differences: 0 });
    expect(
      verificationBanner({ verification: { verified: false, at: null, reason: null }, differences: [] })
        .reason,
    ).toBe('unknown');
  });
});

describe('files', () => {
  it('names report files by shift number and opening day', () => {
    const openedAt = new Date(2026, 10, 3, 9, 30).toISOString();
    expect(reportFileName({ number: 12, openedAt }, 'csv')).toBe('paydesk-shift-12-2026-11-03.csv');
    expect(reportFileName({ number: 7, openedAt: 'nonsense' }, 'pdf')).toBe('paydesk-shift-7-unknown.pdf');
    expect(safeFileName('a/b:c*?.csv')).toBe('a-b-c-.csv');
    expect(safeFileName('   ')).toBe('file');
  });

  it('decodes base64 to the exact bytes and refuses what is not base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const b64 = Buffer.from(bytes).toString('base64');
        expect(Buffer.from(base64ToBytes(b64)).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
    expect(new TextDecoder().decode(base64ToBytes('JVBERi0x\nLjQ='))).toBe('%PDF-1.4');
    expect(() => base64ToBytes('%PDF-1.4')).toThrow(/base64/);
    expect(() => base64ToBytes('abcde')).toThrow(/base64/);
  });
});
