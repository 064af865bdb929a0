/**
 * The emulator's truth: access tokens and invoices. An invoice is kept as the very row `get` returns (every value a
 * string or null, as the real service sends it) plus its exchange log as a list; `changed` fires after every change so
 * the socket side can tell the invoice's room to refetch.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { wallTime } from './time.ts';

/** Every column of an invoice as `get` returns it (the spec's list, in the order of the documented sample). */
export const INVOICE_COLUMNS = [
  'id',
  'telegram_id',
  'trader_id',
  'name_ex',
  'send_value',
  'recive_value',
  'currency',
  'card_f_pay',
  'msg',
  'approve_photo',
  'technical',
  'status',
  'date',
  'codeex',
  'pay_info',
  'trader_photo',
  'pay_date',
  'uid_link',
  'ip',
  'payment_timeout',
  'accept_date',
  'exchange_log',
  'trader_change_price',
  'exchange_type',
  'user_id',
] as const;
export type InvoiceColumn = (typeof INVOICE_COLUMNS)[number];
export type InvoiceRow = Record<InvoiceColumn, string | null>;

export const WELLPAY_STATUSES = [
  'not approve exchange',
  'wait card',
  'send card',
  'pay',
  'waitPhoto',
  'notApprove',
  'success',
  'canceled',
  'rejected',
] as const;
export type WellpayStatus = (typeof WELLPAY_STATUSES)[number];
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['success', 'canceled', 'rejected']);

/** Columns nobody may set through `update` or the control API: identity and bookkeeping. */
export const PROTECTED_COLUMNS: ReadonlySet<InvoiceColumn> = new Set([
  'id',
  'uid_link',
  'date',
  'exchange_log',
  'ip',
]);

/** What a trader or an admin writes to the log when they move an invoice (Russian, as the documented sample). */
const STATUS_LOG: Record<WellpayStatus, string> = {
  'not approve exchange': 'Заявка возвращена в очередь',
  'wait card': 'Трейдер принял заявку',
  'send card': 'Трейдер отправил карту',
  pay: 'Трейдер проверяет оплату',
  waitPhoto: 'Трейдер запросил фото подтверждения',
  notApprove: 'Заявка передана администратору',
  success: 'Заявка выполнена',
  canceled: 'Заявка отменена',
  rejected: 'Заявка отменена: истекло время',
};

/** A test card in the documented sample's format (not a real card number). */
export const SANDBOX_CARD = '9999-9999-9999-9999';

export interface LogEntry {
  date: string;
  status: string;
}

export interface StoredInvoice {
  row: InvoiceRow;
  /** The token that created it: other tokens do not see it. */
  token: string;
  log: LogEntry[];
  /** Every status it went through, oldest first (the sandbox's own record, not on the wire). */
  history: { status: string; at: string }[];
}

export type ChangeKind = 'created' | 'updated' | 'removed';

export interface WellpayStateOptions {
  now: () => Date;
  timeZone: string;
  /** UAH per unit of what the payer receives (the `currency` column, e.g. `39.81`). */
  rate: string;
  /** Seconds (the `payment_timeout` column). */
  paymentTimeoutSec: number;
}

/** Parses a non-negative decimal string into hundredths; null when it is not one (or has more than two decimals). */
export function hundredths(value: string): number | null {
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(value);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function formatHundredths(value: number): string {
  const whole = Math.trunc(value / 100);
  const frac = value % 100;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(2, '0')}`;
}

function newUid(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(30);
  let uid = '';
  for (const b of bytes) uid += alphabet[b % alphabet.length];
  return uid;
}

function newToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let token = '';
  for (const b of randomBytes(32)) token += alphabet[b % alphabet.length];
  return token;
}

export class WellpayState extends EventEmitter<{ changed: [uid: string, kind: ChangeKind] }> {
  readonly tokens = new Set<string>();
  readonly invoices = new Map<string, StoredInvoice>();
  /** Requests that reached the REST endpoints (before any check), for tests that prove none was sent. */
  readonly requests = { key: 0, method: 0, byType: {} as Record<string, number> };
  readonly options: WellpayStateOptions;
  #nextId = 490;

  constructor(options: WellpayStateOptions) {
    super();
    this.options = options;
  }

  now(): string {
    return wallTime(this.options.now(), this.options.timeZone);
  }

  addToken(token: string = newToken()): string {
    this.tokens.add(token);
    return token;
  }

  invoice(uid: string, token?: string): StoredInvoice | undefined {
    const found = this.invoices.get(uid);
    if (!found || (token !== undefined && found.token !== token)) return undefined;
    return found;
  }

  /** `price` is a validated UAH decimal string. */
  create(token: string, title: string, price: string): StoredInvoice {
    const date = this.now();
    let uid = newUid();
    while (this.invoices.has(uid)) uid = newUid();
    const priceH = hundredths(price)!;
    const rateH = hundredths(this.options.rate) ?? 1;
    const row: InvoiceRow = {
      id: String(this.#nextId++),
      telegram_id: null,
      trader_id: null,
      name_ex: title,
      send_value: formatHundredths(priceH),
      recive_value: formatHundredths(Math.round((priceH * 100) / rateH)),
      currency: this.options.rate,
      card_f_pay: null,
      msg: null,
      approve_photo: null,
      technical: null,
      status: 'not approve exchange',
      date,
      codeex: null,
      pay_info: null,
      trader_photo: null,
      pay_date: null,
      uid_link: uid,
      ip: null,
      payment_timeout: String(this.options.paymentTimeoutSec),
      accept_date: null,
      exchange_log: null,
      trader_change_price: null,
      exchange_type: 'invoice',
      user_id: null,
    };
    const invoice: StoredInvoice = { row, token, log: [], history: [{ status: row.status!, at: date }] };
    this.#log(invoice, 'Инвойс создан', date);
    this.invoices.set(uid, invoice);
    this.emit('changed', uid, 'created');
    return invoice;
  }

  remove(uid: string): void {
    if (this.invoices.delete(uid)) this.emit('changed', uid, 'removed');
  }

  /**
   * Applies columns and, when `status` is given, a status change with what a trader's or admin's move brings along
   * (trader, accept date, card, pay date). `logText` goes to the exchange log (defaults to the status's own line).
   */
  change(
    uid: string,
    patch: { status?: string; columns?: Partial<InvoiceRow>; log?: string | undefined },
  ): StoredInvoice {
    const invoice = this.invoices.get(uid);
    if (!invoice) throw new Error(`no invoice ${uid}`);
    const { row } = invoice;
    const now = this.now();
    for (const [column, value] of Object.entries(patch.columns ?? {})) {
      if (PROTECTED_COLUMNS.has(column as InvoiceColumn) || column === 'status') continue;
      if (column in row) row[column as InvoiceColumn] = value ?? null;
    }
    const status = patch.status;
    if (status !== undefined) {
      if (status === 'wait card' || status === 'send card') {
        row.trader_id ??= '4';
        row.accept_date ??= now;
      }
      if (status === 'send card') row.card_f_pay ??= SANDBOX_CARD;
      if (status === 'pay') row.pay_date ??= now;
      row.status = status;
      invoice.history.push({ status, at: now });
    }
    const text = patch.log ?? (status ? (STATUS_LOG[status as WellpayStatus] ?? status) : undefined);
    if (text) this.#log(invoice, text, now);
    this.emit('changed', uid, 'updated');
    return invoice;
  }

  /** Records the first joiner's IP; returns the IP the invoice is bound to. */
  bindIp(uid: string, ip: string): string | null {
    const invoice = this.invoices.get(uid);
    if (!invoice) return null;
    invoice.row.ip ??= ip;
    return invoice.row.ip;
  }

  reset(): void {
    const uids = [...this.invoices.keys()];
    this.invoices.clear();
    for (const uid of uids) this.emit('changed', uid, 'removed');
  }

  #log(invoice: StoredInvoice, text: string, date: string): void {
    invoice.log.push({ date, status: text });
    invoice.row.exchange_log = JSON.stringify(invoice.log);
  }
}
