import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '../../shared/domain/order-status.ts';
import { VAT_CODES } from '../../shared/domain/vat.ts';
import { base64ToBytes, safeFileName } from '../../renderer/src/lib/files.ts';
import {
  reportFileName,
  sortStatusRows,
  sortVatRows,
  sumTallies,
  toReportModel,
  verificationBanner,
} from '../../renderer/src/lib/report.ts';
import { shiftReportSchema, type ShiftReport } from '../../shared/contract/shifts.ts';

const tally = (count: number, amount: number, vatAmount = 0) => ({ count, amount, vatAmount });

/** A report as the contract defines it (validated by its schema, so the fixture cannot drift from it). */
function sampleReport(over: Partial<ShiftReport['verification']> = {}): ShiftReport {
  return shiftReportSchema.parse({
    shift: {
      id: 'sh1',
      number: 3,
      staffId: 'st1',
      cashierName: 'Борис',
      openedAt: '2026-11-23T09:00:00.000Z',
      closedAt: '2026-11-23T18:00:00.000Z',
      status: 'closed',
    },
    generatedAt: '2026-11-23T18:00:01.000Z',
    currency: 'RUB',
    orders: {
      total: tally(6, 500_00),
      byStatus: {
        created: tally(1, 90_00),
        completed: tally(3, 300_00, 40_00),
        expired: tally(1, 45_00),
        canceled: tally(1, 65_00),
      },
    },
    salesByVat: [
      { vatCode: 'VATNONE', ...tally(1, 30_00) },
      { vatCode: 'RUS_VAT22', ...tally(2, 200_00, 36_07) },
      { vatCode: 'RUS_VAT10', ...tally(1, 70_00, 6_36) },
    ],
    refunds: {
      total: tally(3, 60_00),
      byStatus: {
        draft: tally(0, 0),
        created: tally(1, 10_00),
        completed: tally(1, 32_00),
        canceled: tally(1, 18_00),
      },
      byVat: [],
    },
    cancels: tally(1, 65_00),
    paidAfterExpiry: {
      count: 1,
      amount: 36_25,
      orders: [
        {
          id: 'o5',
          merchantOrderId: 'PD-5',
          amount: 36_25,
          expirationDate: '2026-11-23T10:00:00Z',
          paidAt: '2026-11-23T10:05:00Z',
        },
      ],
    },
    totals: { paid: 300_00, paidVat: 40_00, refunded: 42_00, refundedVat: 0, net: 258_00, netVat: 40_00 },
    verification: {
      state: 'verified',
      checkedAt: '2026-11-23T18:00:01.000Z',
      documents: 9,
      differences: [],
      requestIds: ['r1'],
      error: null,
      ...over,
    },
  });
}

describe('report model', () => {
  it('takes the totals as the core made them and orders the rows', () => {
    const m = toReportModel(sampleReport());
    expect(m).toMatchObject({ shiftId: 'sh1', number: 3, cashier: 'Борис', paid: 300_00, net: 258_00 });
    expect(m.paidCount).toBe(3);
    // Refunds that count: created and completed, not canceled or draft.
    expect(m.refundCount).toBe(2);
    expect(m.refunded).toBe(42_00);
    expect(m.byStatus.map((r) => r.status)).toEqual([...ORDER_STATUSES]);
    expect(m.byVat.map((r) => r.vatCode)).toEqual(['RUS_VAT22', 'RUS_VAT10', 'VATNONE']);
    expect(m.refundsByStatus.map((r) => r.status)).toEqual(['draft', 'created', 'completed', 'canceled']);
    expect(m.late).toEqual([{ id: 'o5', number: 'PD-5', amount: 36_25, at: '2026-11-23T10:05:00Z' }]);
    expect(sumTallies(m.byStatus)).toEqual({ count: 6, amount: 500_00, vatAmount: 40_00 });
  });

  it('orders status rows by the status order, unknown last', () => {
    const rows = ['canceled', 'weird', 'created', 'completed'].map((status) => ({ status, ...tally(1, 1) }));
    expect(sortStatusRows(rows).map((r) => r.status)).toEqual(['created', 'completed', 'canceled', 'weird']);
  });

  it('orders VAT rows by the dictionary order, unknown last', () => {
    const rows = ['VATNONE', 'RUS_VAT10', 'XX', 'RUS_VAT22'].map((vatCode) => ({ vatCode, ...tally(1, 1) }));
    expect(sortVatRows(rows).map((r) => r.vatCode)).toEqual(['RUS_VAT22', 'RUS_VAT10', 'VATNONE', 'XX']);
  });

  it('footers are the exact integer sums of the rows, whatever the order', () => {
    const row = fc.record({
      status: fc.constantFrom(...ORDER_STATUSES),
      vatCode: fc.constantFrom(...VAT_CODES),
      count: fc.nat(10_000),
      amount: fc.nat(1e11),
      vatAmount: fc.nat(1e10),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
        const total = sumTallies(rows);
        expect(total.count).toBe(rows.map((r) => r.count).reduce((a, b) => a + b, 0));
        expect(total.amount).toBe(rows.map((r) => r.amount).reduce((a, b) => a + b, 0));
        expect(total.vatAmount).toBe(rows.map((r) => r.vatAmount).reduce((a, b) => a + b, 0));
        expect(sumTallies(sortStatusRows(rows))).toEqual(total);
        expect(sumTallies(sortVatRows(rows))).toEqual(total);
      }),
    );
  });
});

describe('verification banner', () => {
  const at = '2026-11-23T18:00:01.000Z';
  it('verified at, verified with differences, not verified and why', () => {
    expect(verificationBanner(toReportModel(sampleReport()))).toEqual({
      kind: 'verified',
      at,
      reason: null,
      differences: 0,
    });
    const diff = {
      kind: 'status' as const,
      document: 'order' as const,
      id: 'o1',
      merchantOrderId: 'PD-1',
      field: 'status',
      console: 'created',
      gateway: 'completed',
      requestId: 'r2',
    };
    const withDiff = toReportModel(sampleReport({ state: 'differences', differences: [diff] }));
    expect(verificationBanner(withDiff)).toMatchObject({ kind: 'differences', differences: 1 });
    expect(withDiff.differences[0]).toMatchObject({
      number: 'PD-1',
      console: 'created',
      gateway: 'completed',
    });
    const down = toReportModel(
      sampleReport({
        state: 'unverified',
        checkedAt: null,
        error: { code: 'api_unreachable', message: 'connect ECONNREFUSED', requestId: null },
      }),
    );
    expect(verificationBanner(down)).toEqual({
      kind: 'unverified',
      at: null,
      reason: 'api_unreachable',
      differences: 0,
    });
    const noReason = toReportModel(sampleReport({ state: 'unverified', checkedAt: null }));
    expect(verificationBanner(noReason).reason).toBe('unknown');
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
