import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkLine,
  checkLineTotal,
  checkTotals,
  computeBasket,
  computeLine,
  ROUND_POLICIES,
  vatOfGross,
  type LineInput,
} from '../../shared/domain/basket.ts';
import { divRound } from '../../shared/domain/rounding.ts';
import { VAT_CODES, vatRate, DEFAULT_VAT_CODE } from '../../shared/domain/vat.ts';

const lineInput = fc.record({
  unitPrice: fc.integer({ min: 1, max: 10_000_000 }),
  quantity: fc.integer({ min: 1, max: 50_000 }),
  vatCode: fc.constantFrom(...VAT_CODES),
});

describe('VAT', () => {
  it('defaults to 22 % since 2026', () => {
    expect(DEFAULT_VAT_CODE).toBe('RUS_VAT22');
    expect(vatRate('RUS_VAT22')).toEqual({ percent: 22, added: false, taxable: true });
    expect(vatRate('RUS_VAT22_ADDED')).toEqual({ percent: 22, added: true, taxable: true });
    expect(vatRate('VATNONE')).toEqual({ percent: 0, added: false, taxable: false });
  });

  it('computes VAT included in a price', () => {
    expect(vatOfGross(12200, 'RUS_VAT22')).toBe(2200);
    expect(vatOfGross(37188, 'RUS_VAT20')).toBe(6198);
    expect(vatOfGross(11000, 'RUS_VAT10')).toBe(1000);
    expect(vatOfGross(10000, 'VATNONE')).toBe(0);
    expect(vatOfGross(10000, 'RUS_VAT0')).toBe(0);
  });

  it('included and added codes differ by at most one kopeck', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.constantFrom(5, 7, 10, 20, 22), (gross, p) => {
        const a = vatOfGross(gross, `RUS_VAT${p}` as never);
        const b = vatOfGross(gross, `RUS_VAT${p}_ADDED` as never);
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('rounding', () => {
  it('rounds exactly in every mode, both signs', () => {
    expect(divRound(25n, 10n, 'halfUp')).toBe(3n);
    expect(divRound(25n, 10n, 'halfDown')).toBe(2n);
    expect(divRound(26n, 10n, 'halfDown')).toBe(3n);
    expect(divRound(21n, 10n, 'ceil')).toBe(3n);
    expect(divRound(29n, 10n, 'floor')).toBe(2n);
    expect(divRound(-21n, 10n, 'floor')).toBe(-3n);
    expect(divRound(-21n, 10n, 'ceil')).toBe(-2n);
    expect(divRound(-25n, 10n, 'halfUp')).toBe(-3n);
    expect(() => divRound(1n, 0n, 'floor')).toThrow();
  });
});

describe('basket arithmetic', () => {
  it('reproduces the documentation example exactly', () => {
    const line = computeLine({ unitPrice: 12396, quantity: 3000, vatCode: 'RUS_VAT20' });
    expect(line).toEqual({ amount: 12396, amountWoVat: 10330, totalAmount: 37188, totalVatAmount: 6198 });
  });

  it('sums lines and groups VAT by code', () => {
    const t = computeBasket([
      { unitPrice: 12200, quantity: 2000, vatCode: 'RUS_VAT22' },
      { unitPrice: 11000, quantity: 1000, vatCode: 'RUS_VAT10' },
      { unitPrice: 5000, quantity: 500, vatCode: 'VATNONE' },
    ]);
    expect(t.amount).toBe(24400 + 11000 + 2500);
    expect(t.vatAmount).toBe(4400 + 1000);
    expect(t.vatByCode).toEqual({ RUS_VAT22: 4400, RUS_VAT10: 1000, VATNONE: 0 });
  });

  it('every basket the console computes passes the gateway checks, under strict policy', () => {
    fc.assert(
      fc.property(fc.array(lineInput, { minLength: 1, maxLength: 20 }), (inputs: LineInput[]) => {
        const totals = computeBasket(inputs);
        totals.lines.forEach((line, i) => {
          expect(
            checkLine({ ...line, quantity: inputs[i]!.quantity, vatCode: inputs[i]!.vatCode }, 'strict'),
          ).toEqual([]);
        });
        expect(checkTotals(totals.lines, totals.amount, totals.vatAmount)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('the strict total is accepted by every rounding policy, and by `none` when not rounded down', () => {
    fc.assert(
      fc.property(lineInput, (input) => {
        const line = { ...computeLine(input), quantity: input.quantity, vatCode: input.vatCode };
        const notBelowExact = line.totalAmount * 1000 >= input.unitPrice * input.quantity;
        for (const policy of ROUND_POLICIES) {
          expect(checkLineTotal(line, policy)).toBe(policy === 'none' ? notBelowExact : true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a line total off by two kopecks or more is refused under strict', () => {
    fc.assert(
      fc.property(lineInput, fc.integer({ min: 2, max: 10_000 }), fc.boolean(), (input, delta, up) => {
        const line = { ...computeLine(input), quantity: input.quantity, vatCode: input.vatCode };
        const total = line.totalAmount + (up ? delta : -delta);
        fc.pre(total >= 0);
        expect(checkLine({ ...line, totalAmount: total }, 'strict')).toContain(
          'wrong_basket_item_total_amount',
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('VAT or net price off by two kopecks or more is refused', () => {
    fc.assert(
      fc.property(lineInput, fc.integer({ min: 2, max: 1000 }), (input, delta) => {
        fc.pre(vatRate(input.vatCode).percent > 0);
        const line = { ...computeLine(input), quantity: input.quantity, vatCode: input.vatCode };
        // Both per-line and per-unit readings must be missed: move VAT far enough from both.
        const perUnit = Number((BigInt(line.amount - line.amountWoVat) * BigInt(line.quantity)) / 1000n);
        const bad = Math.max(line.totalVatAmount, perUnit) + delta + 1;
        expect(checkLine({ ...line, totalVatAmount: bad }, 'strict')).toContain(
          'wrong_basket_item_total_vat_amount',
        );
        expect(checkLine({ ...line, amountWoVat: line.amountWoVat + delta }, 'strict')).toContain(
          'wrong_basket_item_amount_wo_vat',
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('VATNONE and 0 % must carry no VAT', () => {
    const line = {
      amount: 1000,
      amountWoVat: 1000,
      totalAmount: 2000,
      totalVatAmount: 1,
      quantity: 2000,
      vatCode: 'VATNONE' as const,
    };
    expect(checkLine(line, 'strict')).toEqual(['wrong_basket_item_total_vat_amount']);
    expect(checkLine({ ...line, totalVatAmount: 0, amountWoVat: 990 }, 'strict')).toEqual([
      'wrong_basket_item_amount_wo_vat',
    ]);
  });

  it('round policies: none allows a larger total, floor/ceil/halfUp/halfDown round to whole roubles', () => {
    const base = {
      amount: 12396,
      amountWoVat: 10330,
      totalVatAmount: 6198,
      quantity: 3000,
      vatCode: 'RUS_VAT20' as const,
    };
    expect(checkLineTotal({ ...base, totalAmount: 37200 }, 'none')).toBe(true);
    expect(checkLineTotal({ ...base, totalAmount: 37100 }, 'none')).toBe(false);
    expect(checkLineTotal({ ...base, totalAmount: 37100 }, 'floor')).toBe(true);
    expect(checkLineTotal({ ...base, totalAmount: 37200 }, 'ceil')).toBe(true);
    expect(checkLineTotal({ ...base, totalAmount: 37200 }, 'halfUp')).toBe(true);
    expect(checkLineTotal({ ...base, totalAmount: 37200 }, 'floor')).toBe(false);
    expect(checkLineTotal({ ...base, totalAmount: 37200 }, 'strict')).toBe(false);
    // 0.5 rouble exactly: halfUp goes up, halfDown goes down
    const half = { ...base, amount: 150, amountWoVat: 125, totalVatAmount: 25, quantity: 1000 };
    expect(checkLineTotal({ ...half, totalAmount: 200 }, 'halfUp')).toBe(true);
    expect(checkLineTotal({ ...half, totalAmount: 100 }, 'halfDown')).toBe(true);
    expect(checkLineTotal({ ...half, totalAmount: 100 }, 'halfUp')).toBe(false);
  });

  it('order totals must equal the sums exactly', () => {
    const lines = [computeLine({ unitPrice: 100, quantity: 1000, vatCode: 'RUS_VAT22' })];
    expect(checkTotals(lines, 101, lines[0]!.totalVatAmount)).toEqual(['wrong_total_amount']);
    expect(checkTotals(lines, 100, 0)).toEqual(['wrong_total_vat_amount']);
  });
});
