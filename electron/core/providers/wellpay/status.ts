/**
 * WellPay's statuses mapped onto the neutral model, with a finer `stage` for the UI and labels in the console's
 * languages (ru, en) plus WellPay's own Ukrainian wording (uk). Pure: no I/O.
 *
 * | WellPay                | neutral  | final | stage            |
 * | ---------------------- | -------- | ----- | ---------------- |
 * | `not approve exchange` | created  | no    | waiting_trader   |
 * | `wait card`            | created  | no    | waiting_card     |
 * | `send card`            | created  | no    | awaiting_payment |
 * | `pay`                  | created  | no    | checking_payment |
 * | `waitPhoto`            | created  | no    | awaiting_proof (admin_review with a photo) |
 * | `notApprove`           | created  | no    | admin_review     |
 * | `success`              | paid     | yes   | success          |
 * | `canceled`             | canceled | yes   | canceled         |
 * | `rejected`             | expired  | yes   | expired          |
 * | `removed` (ours)       | canceled | yes   | removed          |
 * | anything else          | created  | no    | unknown          |
 *
 * `pay` stays `created`: the payer says they paid, the trader has not confirmed it. `removed` is not a WellPay
 * status: the adapter reports it after `remove`, or when `get` no longer finds a tracked invoice.
 */
import type { NeutralStatus } from '../types.ts';
import type { WellpayInvoice } from './invoice.ts';

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
/** The adapter's own status for an invoice that was removed (not a WellPay status). */
export const REMOVED = 'removed';

export type WellpayStage =
  | 'waiting_trader'
  | 'waiting_card'
  | 'awaiting_payment'
  | 'checking_payment'
  | 'price_changed'
  | 'awaiting_proof'
  | 'admin_review'
  | 'success'
  | 'canceled'
  | 'expired'
  | 'removed'
  | 'unknown';

export interface StatusLabel {
  ru: string;
  en: string;
  uk: string;
}

export interface StatusInfo {
  /** WellPay's status, verbatim. */
  raw: string;
  neutral: NeutralStatus;
  final: boolean;
  stage: WellpayStage;
  label: StatusLabel;
}

const BASE: Record<string, { neutral: NeutralStatus; final: boolean; stage: WellpayStage }> = {
  'not approve exchange': { neutral: 'created', final: false, stage: 'waiting_trader' },
  'wait card': { neutral: 'created', final: false, stage: 'waiting_card' },
  'send card': { neutral: 'created', final: false, stage: 'awaiting_payment' },
  pay: { neutral: 'created', final: false, stage: 'checking_payment' },
  waitPhoto: { neutral: 'created', final: false, stage: 'awaiting_proof' },
  notApprove: { neutral: 'created', final: false, stage: 'admin_review' },
  success: { neutral: 'paid', final: true, stage: 'success' },
  canceled: { neutral: 'canceled', final: true, stage: 'canceled' },
  rejected: { neutral: 'expired', final: true, stage: 'expired' },
  [REMOVED]: { neutral: 'canceled', final: true, stage: 'removed' },
};

export const STAGE_LABELS: Record<WellpayStage, StatusLabel> = {
  waiting_trader: {
    ru: 'Заявка ещё не принята трейдером',
    en: 'Not yet taken by a trader',
    uk: 'Заявка ще не прийнята трейдером',
  },
  waiting_card: {
    ru: 'Ожидание карты от трейдера',
    en: "Waiting for the trader's card",
    uk: 'Очікування картки від трейдера',
  },
  awaiting_payment: {
    ru: 'Ожидает оплаты на карту',
    en: 'Waiting for payment to the card',
    uk: 'Очікується оплата клієнтом',
  },
  checking_payment: {
    ru: 'Трейдер проверяет оплату',
    en: 'The trader is checking the payment',
    uk: 'Перевірка оплати трейдером',
  },
  price_changed: {
    ru: 'Трейдер изменил сумму заявки',
    en: 'The trader changed the amount',
    uk: 'Сума заявки змінена трейдером',
  },
  awaiting_proof: {
    ru: 'Ожидается фото подтверждения оплаты',
    en: 'Waiting for a photo proving the payment',
    uk: 'Очікування фото підтвердження від клієнта',
  },
  admin_review: {
    ru: 'Заявку рассматривает администратор',
    en: 'An administrator is reviewing the invoice',
    uk: 'Адміністратор розглядає заявку',
  },
  success: { ru: 'Оплачено', en: 'Paid', uk: 'Виконано успішно' },
  canceled: { ru: 'Отменено', en: 'Canceled', uk: 'Скасовано' },
  expired: {
    ru: 'Отменено: истекло время оплаты',
    en: 'Canceled: the time to pay ran out',
    uk: 'Скасовано, через закінчення часу',
  },
  removed: { ru: 'Счёт удалён', en: 'Invoice removed', uk: 'Інвойс видалено' },
  unknown: { ru: 'Неизвестный статус', en: 'Unknown status', uk: 'Невідомий статус' },
};

export interface StatusContext {
  /** `waitPhoto` with a photo already sent means an admin is deciding. */
  approvePhoto?: string | null;
  /** The trader changed the price while checking the payment (`pay` twice in a row). */
  priceChanged?: boolean;
}

/** Everything the console shows for a WellPay status. Unknown statuses are non-final `created`, labelled with the raw text. */
export function describeStatus(raw: string, context: StatusContext = {}): StatusInfo {
  const base = BASE[raw];
  if (!base) {
    const unknown = STAGE_LABELS.unknown;
    const suffix = raw ? `: ${raw}` : '';
    return {
      raw,
      neutral: 'created',
      final: false,
      stage: 'unknown',
      label: { ru: unknown.ru + suffix, en: unknown.en + suffix, uk: unknown.uk + suffix },
    };
  }
  let stage = base.stage;
  if (raw === 'pay' && context.priceChanged) stage = 'price_changed';
  if (raw === 'waitPhoto' && context.approvePhoto) stage = 'admin_review';
  return { raw, neutral: base.neutral, final: base.final, stage, label: { ...STAGE_LABELS[stage] } };
}

export function isFinalStatus(raw: string): boolean {
  return BASE[raw]?.final ?? false;
}

/**
 * "`pay` twice in a row = the trader changed the price": the previous snapshot was `pay` and the new one, still `pay`,
 * differs (a new `send_value`, a new log line, `trader_change_price` set…) — or the price had already changed and the
 * invoice is still in `pay`. The amount comparison alone would miss a change the service makes without a new amount.
 */
export function detectPriceChange(
  previous: { invoice: WellpayInvoice; priceChanged: boolean; fingerprint: string } | null,
  next: WellpayInvoice,
  nextFingerprint: string,
): boolean {
  if (!previous || previous.invoice.status !== 'pay' || next.status !== 'pay') return false;
  return previous.priceChanged || previous.fingerprint !== nextFingerprint;
}
