/**
 * Money is integer minor units (kopecks) everywhere inside PayDesk. The Invoicebox API speaks decimal floats with two
 * places; this file is the only edge where floats are turned into integers and back.
 */

export type Kopecks = number;

export class MoneyError extends Error {
  readonly code = 'money_invalid';
}

/** A float from the API (e.g. 1487.52) → kopecks. Rejects NaN, infinities and more than two decimal places. */
export function kopecksFromApi(value: number): Kopecks {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new MoneyError(`not a finite amount: ${value}`);
  const scaled = value * 100;
  const rounded = Math.round(scaled);
  // 1e-6 tolerance absorbs binary representation error (0.29 * 100 = 28.999999999999996) and nothing more.
  if (Math.abs(scaled - rounded) > 1e-6 * Math.max(1, Math.abs(scaled) / 1e9)) {
    throw new MoneyError(`more than two decimal places: ${value}`);
  }
  if (!Number.isSafeInteger(rounded)) throw new MoneyError(`amount out of range: ${value}`);
  return rounded === 0 ? 0 : rounded; // no -0
}

/** Kopecks → the API's float. Exact for every safe integer of kopecks that is a real price. */
export function kopecksToApi(kopecks: Kopecks): number {
  assertKopecks(kopecks);
  return kopecks / 100;
}

export function assertKopecks(value: number): asserts value is Kopecks {
  if (!Number.isSafeInteger(value)) throw new MoneyError(`kopecks must be a safe integer, got ${value}`);
}

/**
 * What a cashier types (`123`, `123,4`, `123.45`, `1 234,50`, `1 234.50`) → kopecks, or null when it is not a price.
 * Never goes through a float.
 */
export function parseRubles(input: string): Kopecks | null {
  const s = input.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  const m = /^(\d{1,13})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = Number(((m[2] ?? '') + '00').slice(0, 2));
  return whole * 100 + frac;
}

/** Kopecks → `1 234,50` (ru) or `1,234.50` (en), without a currency sign. */
export function formatKopecks(kopecks: Kopecks, locale: 'ru' | 'en' = 'ru'): string {
  assertKopecks(kopecks);
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  const whole = Math.floor(abs / 100).toString();
  const frac = (abs % 100).toString().padStart(2, '0');
  const groupSep = locale === 'ru' ? '\u00a0' : ',';
  const decSep = locale === 'ru' ? ',' : '.';
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, groupSep);
  return `${sign}${grouped}${decSep}${frac}`;
}

/** Quantities are integer thousandths (grams of a kilogram, millilitres of a litre). */
export type Milli = number;

export function milliFromApi(quantity: number): Milli {
  if (typeof quantity !== 'number' || !Number.isFinite(quantity)) {
    throw new MoneyError(`not a finite quantity: ${quantity}`);
  }
  const scaled = quantity * 1000;
  const rounded = Math.round(scaled);
  if (Math.abs(scaled - rounded) > 1e-6) throw new MoneyError(`more than three decimal places: ${quantity}`);
  if (!Number.isSafeInteger(rounded)) throw new MoneyError(`quantity out of range: ${quantity}`);
  return rounded;
}

export function milliToApi(milli: Milli): number {
  return milli / 1000;
}

/** What a cashier types as a quantity (`2`, `0,5`, `1.250`) → thousandths, or null. */
export function parseQuantity(input: string): Milli | null {
  const s = input.replace(/[\s\u00a0]/g, '').replace(',', '.');
  const m = /^(\d{1,9})(?:\.(\d{0,3}))?$/.exec(s);
  if (!m) return null;
  const value = Number(m[1]) * 1000 + Number(((m[2] ?? '') + '000').slice(0, 3));
  return value > 0 ? value : null;
}
