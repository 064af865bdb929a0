import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  formatKopecks,
  kopecksFromApi,
  kopecksToApi,
  milliFromApi,
  MoneyError,
  parseQuantity,
  parseRubles,
} from '../../shared/domain/money.ts';

describe('money at the API edge', () => {
  it('turns the spec example floats into exact kopecks', () => {
    expect(kopecksFromApi(1487.52)).toBe(148752);
    expect(kopecksFromApi(247.92)).toBe(24792);
    expect(kopecksFromApi(0.29)).toBe(29); // 0.29 * 100 = 28.999999999999996
    expect(kopecksFromApi(0)).toBe(0);
    expect(Object.is(kopecksFromApi(-0), 0)).toBe(true);
  });

  it('refuses what is not money', () => {
    expect(() => kopecksFromApi(1.005)).toThrow(MoneyError);
    expect(() => kopecksFromApi(Number.NaN)).toThrow(MoneyError);
    expect(() => kopecksFromApi(Number.POSITIVE_INFINITY)).toThrow(MoneyError);
    expect(() => kopecksFromApi('1' as unknown as number)).toThrow(MoneyError);
    expect(() => kopecksToApi(1.5)).toThrow(MoneyError);
  });

  it('round-trips every kopeck amount up to ten billion roubles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000_000 }), (k) => {
        expect(kopecksFromApi(kopecksToApi(k))).toBe(k);
        // and through JSON, as on the wire
        expect(kopecksFromApi(JSON.parse(JSON.stringify(kopecksToApi(k))) as number)).toBe(k);
      }),
      { numRuns: 5000 },
    );
  });

  it('parses quantities in thousandths', () => {
    expect(milliFromApi(3)).toBe(3000);
    expect(milliFromApi(0.125)).toBe(125);
    expect(() => milliFromApi(0.0001)).toThrow(MoneyError);
  });
});

describe('what a cashier types', () => {
  it('parses prices without floats', () => {
    expect(parseRubles('123')).toBe(12300);
    expect(parseRubles('123,4')).toBe(12340);
    expect(parseRubles('123.45')).toBe(12345);
    expect(parseRubles('1 234,50')).toBe(123450);
    expect(parseRubles('1\u00a0234,50')).toBe(123450);
    expect(parseRubles('0,01')).toBe(1);
    for (const bad of ['', 'abc', '1,234,5', '1.234', '-5', '12.', '1e3']) {
      if (bad === '12.') expect(parseRubles(bad)).toBe(1200);
      else expect(parseRubles(bad)).toBeNull();
    }
  });

  it('parses quantities', () => {
    expect(parseQuantity('2')).toBe(2000);
    expect(parseQuantity('0,5')).toBe(500);
    expect(parseQuantity('1.250')).toBe(1250);
    expect(parseQuantity('0')).toBeNull();
    expect(parseQuantity('1.2345')).toBeNull();
  });

  it('formats for both languages', () => {
    expect(formatKopecks(123450, 'ru')).toBe('1\u00a0234,50');
    expect(formatKopecks(123450, 'en')).toBe('1,234.50');
    expect(formatKopecks(5, 'ru')).toBe('0,05');
    expect(formatKopecks(-100, 'en')).toBe('-1.00');
  });
});
