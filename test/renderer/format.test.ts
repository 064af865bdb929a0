import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuantity, parseRubles } from '../../shared/domain/money.ts';
import { VAT_CODES } from '../../shared/domain/vat.ts';
import {
  formatCount,
  formatCountdown,
  formatTimeLeft,
  timeLeftChangesInMs,
  formatMoney,
  formatQuantity,
  kopecksToInput,
  pluralRu,
  quantityToInput,
  vatLabel,
  vatShort,
} from '../../renderer/src/lib/format.ts';

describe('money and quantities on screen', () => {
  it('formats kopecks with the ruble sign, Russian and English', () => {
    expect(formatMoney(123450, 'ru')).toBe('1\u00a0234,50\u00a0₽');
    expect(formatMoney(123450, 'en')).toBe('₽1,234.50');
    expect(formatMoney(5, 'ru')).toBe('0,05\u00a0₽');
    expect(formatMoney(1e13, 'ru')).toBe('100\u00a0000\u00a0000\u00a0000,00\u00a0₽');
  });

  it('formats thousandths without trailing zeros', () => {
    expect(formatQuantity(2000, 'ru')).toBe('2');
    expect(formatQuantity(250, 'ru')).toBe('0,25');
    expect(formatQuantity(1500, 'en')).toBe('1.5');
    expect(formatQuantity(1_234_005, 'ru')).toBe('1\u00a0234,005');
  });

  it('gives back, for editing, exactly what parses to the same integers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e13 }),
        fc.constantFrom('ru' as const, 'en' as const),
        (k, lang) => {
          expect(parseRubles(kopecksToInput(k, lang))).toBe(k);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.constantFrom('ru' as const, 'en' as const),
        (q, lang) => {
          expect(parseQuantity(quantityToInput(q, lang))).toBe(q);
        },
      ),
    );
  });
});

describe('labels and times', () => {
  it('names every VAT code of the spec, 22 % first', () => {
    expect(vatLabel('RUS_VAT22', 'ru')).toBe('НДС 22\u00a0%');
    expect(vatLabel('RUS_VAT22_ADDED', 'ru')).toBe('НДС 22\u00a0% сверху');
    expect(vatLabel('VATNONE', 'ru')).toBe('Без НДС');
    expect(vatLabel('RUS_VAT0', 'en')).toBe('VAT 0\u00a0%');
    expect(vatShort('RUS_VAT10', 'ru')).toBe('10\u00a0%');
    for (const code of VAT_CODES) expect(vatLabel(code, 'ru').length).toBeGreaterThan(0);
  });

  it('shows whole minutes (rounded up) while more than two are left, then mm:ss', () => {
    expect(formatTimeLeft(15 * 60_000, 'ru')).toBe('15\u00a0мин');
    expect(formatTimeLeft(14 * 60_000 + 1, 'en')).toBe('15\u00a0min');
    expect(formatTimeLeft(120_001, 'ru')).toBe('3\u00a0мин');
    expect(formatTimeLeft(120_000, 'ru')).toBe('02:00');
    expect(formatTimeLeft(1, 'ru')).toBe('00:01');
    expect(formatTimeLeft(-1, 'ru')).toBe('00:00');
  });

  it('knows when the time left will show something else, and nothing changes in between', () => {
    expect(timeLeftChangesInMs(15 * 60_000)).toBe(60_000);
    expect(timeLeftChangesInMs(150_000)).toBe(30_000); // 3 мин → 02:00 at 120 s
    expect(timeLeftChangesInMs(120_000)).toBe(1000);
    expect(timeLeftChangesInMs(1500)).toBe(500);
    expect(timeLeftChangesInMs(0)).toBeNull();
    // The property a re-render schedule relies on: the text is the same until `wait`, and differs at it.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 * 3600_000 }), (ms) => {
        const wait = timeLeftChangesInMs(ms)!;
        expect(wait).toBeGreaterThanOrEqual(1);
        const shown = formatTimeLeft(ms, 'ru');
        expect(formatTimeLeft(ms - wait + 1, 'ru')).toBe(shown);
        expect(formatTimeLeft(ms - wait, 'ru')).not.toBe(shown);
      }),
    );
  });

  it('counts down in mm:ss, never below zero', () => {
    expect(formatCountdown(15 * 60_000)).toBe('15:00');
    expect(formatCountdown(59_001)).toBe('01:00');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(formatCountdown(-5000)).toBe('00:00');
  });

  it('picks Russian plural forms', () => {
    const f = (n: number) => pluralRu(n, 'заказ', 'заказа', 'заказов');
    expect([1, 2, 5, 11, 12, 21, 22, 25, 111, 1001].map(f)).toEqual([
      'заказ',
      'заказа',
      'заказов',
      'заказов',
      'заказов',
      'заказ',
      'заказа',
      'заказов',
      'заказов',
      'заказ',
    ]);
    expect(formatCount(100000, 'ru')).toBe('100\u00a0000');
  });
});
