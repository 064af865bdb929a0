/**
 * The orders search form (strings as typed) → `orders.search` input. Dates are the cashier's local calendar days:
 * `from` is the start of that day, `to` is inclusive (the start of the next day, the store compares with `<`).
 */
import type { SearchInput } from '../../../shared/contract/contract.ts';
import { parseRubles } from '../../../shared/domain/money.ts';
import type { OrderStatus } from '../../../shared/domain/order-status.ts';
import { isProviderId, type ProviderId } from '../../../shared/domain/providers.ts';

export interface OrdersFilter {
  text: string;
  statuses: OrderStatus[];
  /** `YYYY-MM-DD` (an <input type=date> value) or empty. */
  from: string;
  to: string;
  minAmount: string;
  maxAmount: string;
  /** One gateway's orders, or every gateway's (''). */
  provider: ProviderId | '';
}

export type FilterField = 'from' | 'to' | 'minAmount' | 'maxAmount';
export type FilterErrors = Partial<Record<FilterField, 'date_invalid' | 'amount_invalid' | 'range_inverted'>>;

export function emptyFilter(): OrdersFilter {
  return { text: '', statuses: [], from: '', to: '', minAmount: '', maxAmount: '', provider: '' };
}

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');

/** A local date → ISO 8601 with the local offset, e.g. `2026-11-23T00:00:00+03:00`. */
export function localDayStart(ymd: string, addDays = 0): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays, 0, 0, 0, 0);
  if (Number.isNaN(d.getTime())) return null;
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T00:00:00${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

export function buildSearchInput(
  filter: OrdersFilter,
  limit: number,
): { input: Omit<SearchInput, 'cursor'> | null; errors: FilterErrors } {
  const errors: FilterErrors = {};
  const input: Omit<SearchInput, 'cursor'> = { limit };
  const text = filter.text.trim();
  if (text !== '') input.text = text.slice(0, 200);
  if (filter.statuses.length > 0) input.status = [...filter.statuses];
  if (isProviderId(filter.provider)) input.provider = filter.provider;
  if (filter.from !== '') {
    const from = localDayStart(filter.from);
    if (from === null) errors.from = 'date_invalid';
    else input.from = from;
  }
  if (filter.to !== '') {
    const to = localDayStart(filter.to, 1);
    if (to === null) errors.to = 'date_invalid';
    else input.to = to;
  }
  if (input.from && input.to && filter.from > filter.to) errors.to = 'range_inverted';
  if (filter.minAmount.trim() !== '') {
    const v = parseRubles(filter.minAmount);
    if (v === null) errors.minAmount = 'amount_invalid';
    else input.minAmount = v;
  }
  if (filter.maxAmount.trim() !== '') {
    const v = parseRubles(filter.maxAmount);
    if (v === null) errors.maxAmount = 'amount_invalid';
    else input.maxAmount = v;
  }
  if (input.minAmount !== undefined && input.maxAmount !== undefined && input.minAmount > input.maxAmount) {
    errors.maxAmount = 'range_inverted';
  }
  return Object.keys(errors).length > 0 ? { input: null, errors } : { input, errors };
}
