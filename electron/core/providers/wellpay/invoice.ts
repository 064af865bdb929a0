/**
 * The invoice as WellPay's `get` returns it — every value a string or null (`"payment_timeout": "960"`, dates as
 * `"2023-12-19 16:08:48"`, `exchange_log` as JSON inside a string) — read leniently into typed values. Nothing here
 * throws on odd data: an unreadable amount or date becomes null, a malformed `exchange_log` is kept raw, unknown
 * columns stay in `raw`.
 */

/** UAH kopiykas. */
export type Minor = number;

export interface ExchangeLogEntry {
  /** As sent (`2023-12-19 16:08:48`). */
  date: string | null;
  /** ISO 8601 UTC, when `date` could be read. */
  at: string | null;
  /** The log line (WellPay calls it `status`; free text such as «Инвойс создан»). */
  status: string;
}

export type ExchangeLog =
  /** Parsed; `repaired` when a missing closing `]` had to be added (the documented sample lacks it). */
  | { ok: true; repaired: boolean; entries: ExchangeLogEntry[] }
  /** Not JSON even after repair: the text as sent. */
  | { ok: false; raw: string; entries: [] };

export interface WellpayInvoice {
  uid: string;
  id: string | null;
  /** WellPay's status, verbatim (`send card`, `pay`, …); '' when missing. */
  status: string;
  /** `send_value`: what the payer pays, in kopiykas. */
  amountMinor: Minor | null;
  /** `recive_value`: what the payer receives, as sent (its unit is not documented). */
  receiveValue: string | null;
  /** The `currency` column, as sent: in the documented sample it is a rate (`39.81`), not a currency code. */
  rate: string | null;
  /** `card_f_pay`: the card the payer pays to (shown in `send card`). */
  cardToPay: string | null;
  approvePhoto: string | null;
  traderPhoto: string | null;
  message: string | null;
  payInfo: string | null;
  codeex: string | null;
  technical: string | null;
  /** ISO 8601 UTC (from `date`, `accept_date`, `pay_date`). */
  createdAt: string | null;
  acceptedAt: string | null;
  paidAt: string | null;
  /** The IP bound to the invoice (its first joiner). */
  ip: string | null;
  paymentTimeoutSec: number | null;
  traderId: string | null;
  telegramId: string | null;
  userId: string | null;
  exchangeType: string | null;
  nameEx: string | null;
  traderChangePrice: string | null;
  exchangeLog: ExchangeLog | null;
  /** Every column as received, values coerced to string | null. */
  raw: Record<string, string | null>;
}

export interface ParseOptions {
  /** Zone of WellPay's wall-clock dates (default `Europe/Kyiv`; unconfirmed). */
  timeZone?: string;
}

/** A UAH amount string → kopiykas: `1500`, `1500.5`, `1500.50`, `1 500,50`; more decimals round half up. */
export function uahToMinor(value: unknown): Minor | null {
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string') return null;
  const text = value.replace(/[\s\u00a0]/g, '').replace(',', '.');
  const m = /^(\d{1,13})(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const decimals = m[2] ?? '';
  let minor = Number(m[1]) * 100 + Number(decimals.slice(0, 2).padEnd(2, '0'));
  if (decimals.length > 2 && decimals.charCodeAt(2) >= 53 /* '5' */) minor += 1;
  return Number.isSafeInteger(minor) ? minor : null;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `epochMs`, in ms. */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    offsetFormatters.set(timeZone, format);
  }
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(epochMs)) p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** `2023-12-19 16:08:48` (a wall time in `timeZone`) → ISO 8601 UTC; null when it is not such a date. */
export function wallTimeToIso(value: unknown, timeZone = 'Europe/Kyiv'): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (
    y < 1970 ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== h ||
    check.getUTCMinutes() !== mi
  ) {
    return null; // 0000-00-00, 2023-02-30, 25:00 …
  }
  try {
    const first = zoneOffsetMs(wall, timeZone);
    let utc = wall - first;
    const second = zoneOffsetMs(utc, timeZone);
    if (second !== first) utc = wall - second;
    return new Date(utc).toISOString();
  } catch {
    return null; // an unknown time zone
  }
}

/** Reads `exchange_log` leniently. Never throws. */
export function parseExchangeLog(value: unknown, timeZone = 'Europe/Kyiv'): ExchangeLog | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') value = JSON.stringify(value);
  const text = (value as string).trim();
  let parsed: unknown;
  let repaired = false;
  try {
    parsed = JSON.parse(text);
  } catch {
    try {
      // The documented sample is `[{…}` — the closing bracket missing.
      if (text.startsWith('[') && !text.endsWith(']')) {
        parsed = JSON.parse(`${text}]`);
        repaired = true;
      } else throw new Error('not repairable');
    } catch {
      return { ok: false, raw: value as string, entries: [] };
    }
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const entries: ExchangeLogEntry[] = [];
  for (const item of list) {
    if (typeof item === 'string') {
      entries.push({ date: null, at: null, status: item });
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    const record = item as Record<string, unknown>;
    const date = typeof record.date === 'string' ? record.date : null;
    const status =
      typeof record.status === 'string'
        ? record.status
        : record.status === null || record.status === undefined
          ? ''
          : String(record.status);
    entries.push({ date, at: wallTimeToIso(date, timeZone), status });
  }
  return { ok: true, repaired, entries };
}

function str(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function nonEmpty(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value;
}

/** Reads one invoice object; `uid` falls back to the UID asked for when the object lacks `uid_link`. */
export function parseInvoice(value: unknown, fallbackUid = '', options: ParseOptions = {}): WellpayInvoice {
  const tz = options.timeZone ?? 'Europe/Kyiv';
  const source = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  const raw: Record<string, string | null> = {};
  for (const [key, v] of Object.entries(source)) raw[key] = str(v);
  const col = (name: string): string | null => raw[name] ?? null;
  const timeout = col('payment_timeout');
  const timeoutNumber = timeout !== null && /^\d{1,9}$/.test(timeout.trim()) ? Number(timeout) : null;
  return {
    uid: nonEmpty(col('uid_link')) ?? fallbackUid,
    id: col('id'),
    status: (col('status') ?? '').trim(),
    amountMinor: uahToMinor(col('send_value')),
    receiveValue: col('recive_value'),
    rate: col('currency'),
    cardToPay: nonEmpty(col('card_f_pay')),
    approvePhoto: nonEmpty(col('approve_photo')),
    traderPhoto: nonEmpty(col('trader_photo')),
    message: nonEmpty(col('msg')),
    payInfo: nonEmpty(col('pay_info')),
    codeex: nonEmpty(col('codeex')),
    technical: nonEmpty(col('technical')),
    createdAt: wallTimeToIso(col('date'), tz),
    acceptedAt: wallTimeToIso(col('accept_date'), tz),
    paidAt: wallTimeToIso(col('pay_date'), tz),
    ip: nonEmpty(col('ip')),
    paymentTimeoutSec: timeoutNumber,
    traderId: nonEmpty(col('trader_id')),
    telegramId: nonEmpty(col('telegram_id')),
    userId: nonEmpty(col('user_id')),
    exchangeType: nonEmpty(col('exchange_type')),
    nameEx: nonEmpty(col('name_ex')),
    traderChangePrice: nonEmpty(col('trader_change_price')),
    exchangeLog: parseExchangeLog(col('exchange_log'), tz),
    raw,
  };
}

/** A stable text of everything the invoice says, to tell whether a refetch brought anything new. */
export function fingerprint(invoice: WellpayInvoice): string {
  // The log is compared by what it says, so a log that arrives cut once (a malformed copy) is not news.
  const log = invoice.exchangeLog?.ok
    ? JSON.stringify(invoice.exchangeLog.entries)
    : invoice.raw.exchange_log;
  return JSON.stringify(
    Object.keys(invoice.raw)
      .sort()
      .map((k) => [k, k === 'exchange_log' ? (log ?? null) : invoice.raw[k]]),
  );
}
