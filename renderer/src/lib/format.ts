/**
 * Display formatting, pure (no DOM): money from integer kopecks, quantities from thousandths, dates, countdowns,
 * VAT labels. Money never goes through a float here either: formatKopecks works on the integer.
 */
import { formatKopecks, type Kopecks, type Milli } from '../../../shared/domain/money.ts';
import { vatRate, type VatCode } from '../../../shared/domain/vat.ts';

export type Lang = 'ru' | 'en';

/** `1 234,50 ₽` (ru) / `₽1,234.50` (en). */
export function formatMoney(kopecks: Kopecks, lang: Lang): string {
  const body = formatKopecks(kopecks, lang);
  return lang === 'ru' ? `${body}\u00a0₽` : `₽${body}`;
}

/** Thousandths → `2`, `0,5`, `1,25` (trailing zeros dropped). */
export function formatQuantity(milli: Milli, lang: Lang): string {
  const whole = Math.floor(milli / 1000);
  const frac = (milli % 1000).toString().padStart(3, '0').replace(/0+$/, '');
  const wholeText = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'ru' ? '\u00a0' : ',');
  return frac === '' ? wholeText : `${wholeText}${lang === 'ru' ? ',' : '.'}${frac}`;
}

/** Kopecks → what goes back into a price field when a line is edited: `1234,5` → `1234,50`. */
export function kopecksToInput(kopecks: Kopecks, lang: Lang): string {
  const whole = Math.floor(kopecks / 100);
  const frac = (kopecks % 100).toString().padStart(2, '0');
  return frac === '00' ? String(whole) : `${whole}${lang === 'ru' ? ',' : '.'}${frac}`;
}

export function quantityToInput(milli: Milli, lang: Lang): string {
  const frac = (milli % 1000).toString().padStart(3, '0').replace(/0+$/, '');
  const whole = String(Math.floor(milli / 1000));
  return frac === '' ? whole : `${whole}${lang === 'ru' ? ',' : '.'}${frac}`;
}

/** `RUS_VAT22` → `22 %`, `RUS_VAT22_ADDED` → `22 % (сверху)`, `VATNONE` → `без НДС`. */
export function vatLabel(code: VatCode, lang: Lang): string {
  const { percent, added, taxable } = vatRate(code);
  if (!taxable) return lang === 'ru' ? 'Без НДС' : 'No VAT';
  const base = `${percent}\u00a0%`;
  if (!added) return lang === 'ru' ? `НДС ${base}` : `VAT ${base}`;
  return lang === 'ru' ? `НДС ${base} сверху` : `VAT ${base} added`;
}

/** For narrow table cells: `22 %`, `22 % +`, `—` (no VAT). */
export function vatShort(code: VatCode, lang: Lang): string {
  const { percent, added, taxable } = vatRate(code);
  if (!taxable) return lang === 'ru' ? 'без НДС' : 'no VAT';
  return `${percent}\u00a0%${added ? (lang === 'ru' ? ' сверху' : ' added') : ''}`;
}

const pad2 = (n: number): string => n.toString().padStart(2, '0');

/** Milliseconds left → `14:59`, `1:02:03`; never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s)}` : `${pad2(m)}:${pad2(s)}`;
}

/** From this much time left on, a countdown shows whole minutes; below it, minutes and seconds. */
export const COUNTDOWN_SECONDS_FROM_MS = 120_000;

/**
 * Time left to pay, as a cashier and a customer read it: `15 мин` / `15 min` while more than two minutes remain
 * (rounded up, so "1 мин" never shows while two are left), then `01:59` … `00:01`. A screen that waits all day for a
 * customer then changes once a minute instead of every second: no idle re-render, no idle frame.
 */
export function formatTimeLeft(ms: number, lang: Lang): string {
  if (ms > COUNTDOWN_SECONDS_FROM_MS) {
    const minutes = Math.ceil(ms / 60_000);
    return `${minutes}\u00a0${lang === 'ru' ? 'мин' : 'min'}`;
  }
  return formatCountdown(ms);
}

/**
 * Milliseconds from now until `formatTimeLeft(ms)` shows something else (at least 1): the next whole minute while
 * minutes are shown, the next whole second after that. 0 or less left: nothing changes any more, `null`.
 */
export function timeLeftChangesInMs(ms: number): number | null {
  if (ms <= 0) return null;
  const unit = ms > COUNTDOWN_SECONDS_FROM_MS ? 60_000 : 1000;
  // The shown value is ceil(ms / unit); it drops when ms reaches the multiple of `unit` below it — or, for the switch
  // to seconds, when ms reaches the threshold.
  const step = ms % unit === 0 ? unit : ms % unit;
  const untilSwitch = ms > COUNTDOWN_SECONDS_FROM_MS ? ms - COUNTDOWN_SECONDS_FROM_MS : Infinity;
  return Math.max(1, Math.min(step, untilSwitch));
}

/** ISO time → `23.11.2026 14:05` (ru) / `2026-11-23 14:05` (en), local time. */
export function formatDateTime(iso: string | null | undefined, lang: Lang, withSeconds = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}${withSeconds ? `:${pad2(d.getSeconds())}` : ''}`;
  if (lang === 'ru') return `${pad2(d.getDate())}.${pad2(d.getMonth() + 1)}.${d.getFullYear()} ${time}`;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${time}`;
}

export function formatTime(iso: string | null | undefined, withSeconds = true): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}${withSeconds ? `:${pad2(d.getSeconds())}` : ''}`;
}

/** Russian plural forms: one (1, 21), few (2–4, 22–24), many (5–20, 25…). */
export function pluralRu(n: number, one: string, few: string, many: string): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

/** `20 000` / `20,000`. */
export function formatCount(n: number, lang: Lang): string {
  return Math.trunc(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'ru' ? '\u00a0' : ',');
}
