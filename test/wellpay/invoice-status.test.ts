/** The pure parts of the adapter: reading the all-strings invoice, the status mapping and its labels. */
import { describe, expect, it } from 'vitest';
import {
  describeStatus,
  detectPriceChange,
  fingerprint,
  formatUahPrice,
  parseExchangeLog,
  parseInvoice,
  uahToMinor,
  wallTimeToIso,
  WELLPAY_STATUSES,
  WellpayError,
} from '../../electron/core/providers/wellpay/index.ts';
import { NEUTRAL_STATUSES } from '../../electron/core/providers/types.ts';

/** The documented sample (get-invoice.md), verbatim — its exchange_log lacks the closing bracket. */
const SAMPLE = {
  id: '490',
  telegram_id: '24234234234',
  trader_id: '4',
  name_ex: 'TestEx',
  send_value: '1',
  recive_value: '0.03',
  currency: '39.81',
  card_f_pay: '9999-9999-9999-9999',
  msg: null,
  approve_photo: null,
  technical: null,
  status: 'notApprove',
  date: '2023-12-19 16:08:48',
  codeex: null,
  pay_info: null,
  trader_photo: null,
  pay_date: null,
  uid_link: 'ngyt8761x4fvwo2jz0a5cr3ihubdle',
  ip: '37.72.44.30',
  payment_timeout: '960',
  accept_date: '2023-12-19 16:09:24',
  exchange_log: '[{"date":"2023-12-19 16:08:48","status":"Инвойс создан"}',
  trader_change_price: null,
  exchange_type: 'invoice',
  user_id: null,
};

describe('money', () => {
  it('reads UAH strings into kopiykas without floats', () => {
    expect(uahToMinor('1')).toBe(100);
    expect(uahToMinor('1500')).toBe(150_000);
    expect(uahToMinor('1500.5')).toBe(150_050);
    expect(uahToMinor('1500.50')).toBe(150_050);
    expect(uahToMinor('1 500,50')).toBe(150_050);
    expect(uahToMinor('0.29')).toBe(29);
    expect(uahToMinor('0.285')).toBe(29);
    expect(uahToMinor('0.284')).toBe(28);
    expect(uahToMinor(12.5)).toBe(1250);
    for (const bad of [null, undefined, '', 'abc', '-5', '1e3', '1.2.3', {}])
      expect(uahToMinor(bad)).toBeNull();
  });

  it('writes kopiykas as the price string, refusing nonsense', () => {
    expect(formatUahPrice(150_000)).toBe('1500');
    expect(formatUahPrice(150_050)).toBe('1500.50');
    expect(formatUahPrice(7)).toBe('0.07');
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => formatUahPrice(bad)).toThrow(WellpayError);
  });
});

describe('dates', () => {
  it('reads wall-clock dates in Europe/Kyiv (winter +02:00, summer +03:00) into UTC', () => {
    expect(wallTimeToIso('2023-12-19 16:08:48')).toBe('2023-12-19T14:08:48.000Z');
    expect(wallTimeToIso('2024-07-01 12:00:00')).toBe('2024-07-01T09:00:00.000Z');
    expect(wallTimeToIso('2024-07-01 12:00:00', 'UTC')).toBe('2024-07-01T12:00:00.000Z');
    expect(wallTimeToIso('2024-07-01')).toBe('2024-06-30T21:00:00.000Z');
  });

  it('returns null for anything else', () => {
    for (const bad of [
      '0000-00-00 00:00:00',
      '2023-02-30 10:00:00',
      '2023-12-19 25:00:00',
      'вчора',
      null,
      5,
    ]) {
      expect(wallTimeToIso(bad)).toBeNull();
    }
    expect(wallTimeToIso('2023-12-19 16:08:48', 'Not/AZone')).toBeNull();
  });
});

describe('exchange_log', () => {
  it('parses a well-formed log', () => {
    const log = parseExchangeLog('[{"date":"2023-12-19 16:08:48","status":"Инвойс создан"}]');
    expect(log).toEqual({
      ok: true,
      repaired: false,
      entries: [{ date: '2023-12-19 16:08:48', at: '2023-12-19T14:08:48.000Z', status: 'Инвойс создан' }],
    });
  });

  it('repairs the documented sample (closing bracket missing)', () => {
    const log = parseExchangeLog(SAMPLE.exchange_log);
    expect(log?.ok).toBe(true);
    expect(log?.ok && log.repaired).toBe(true);
    expect(log?.entries.map((e) => e.status)).toEqual(['Инвойс создан']);
  });

  it('keeps anything unreadable raw, and never throws', () => {
    for (const bad of ['{"date":', '[{"date":"x","status":', 'not json', '[[[', '\u0000']) {
      const log = parseExchangeLog(bad);
      expect(log).toEqual({ ok: false, raw: bad, entries: [] });
    }
    expect(parseExchangeLog(null)).toBeNull();
    expect(parseExchangeLog('')).toBeNull();
    const odd = parseExchangeLog('[1, null, "строка", {"status": 5}, {"date": "2023-12-19 16:08:48"}]');
    expect(odd?.entries).toEqual([
      { date: null, at: null, status: 'строка' },
      { date: null, at: null, status: '5' },
      { date: '2023-12-19 16:08:48', at: '2023-12-19T14:08:48.000Z', status: '' },
    ]);
  });
});

describe('parseInvoice', () => {
  it('reads the documented sample', () => {
    const invoice = parseInvoice(SAMPLE);
    expect(invoice).toMatchObject({
      uid: 'ngyt8761x4fvwo2jz0a5cr3ihubdle',
      id: '490',
      status: 'notApprove',
      amountMinor: 100,
      receiveValue: '0.03',
      rate: '39.81',
      cardToPay: '9999-9999-9999-9999',
      createdAt: '2023-12-19T14:08:48.000Z',
      acceptedAt: '2023-12-19T14:09:24.000Z',
      paidAt: null,
      ip: '37.72.44.30',
      paymentTimeoutSec: 960,
      approvePhoto: null,
      exchangeType: 'invoice',
    });
    expect(invoice.exchangeLog?.ok).toBe(true);
    expect(invoice.raw).toEqual(SAMPLE);
  });

  it('is lenient with numbers, junk and missing fields', () => {
    const invoice = parseInvoice(
      { send_value: 250, payment_timeout: 'soon', status: ' pay ', extra: { a: 1 } },
      'uid-1',
    );
    expect(invoice).toMatchObject({
      uid: 'uid-1',
      status: 'pay',
      amountMinor: 25_000,
      paymentTimeoutSec: null,
    });
    expect(invoice.raw.extra).toBe('{"a":1}');
    expect(parseInvoice(null, 'u').status).toBe('');
    expect(parseInvoice('junk', 'u').uid).toBe('u');
  });

  it('fingerprints by content: a log that arrives cut is not a change', () => {
    const whole = parseInvoice({ ...SAMPLE, exchange_log: `${SAMPLE.exchange_log}]` });
    const cut = parseInvoice(SAMPLE);
    expect(fingerprint(cut)).toBe(fingerprint(whole));
    expect(fingerprint(parseInvoice({ ...SAMPLE, status: 'success' }))).not.toBe(fingerprint(whole));
  });
});

describe('statuses', () => {
  it('maps every WellPay status to the neutral model with ru and en labels', () => {
    const expected: Record<string, [string, boolean, string, string]> = {
      'not approve exchange': [
        'created',
        false,
        'Заявка ещё не принята трейдером',
        'Not yet taken by a trader',
      ],
      'wait card': ['created', false, 'Ожидание карты от трейдера', "Waiting for the trader's card"],
      'send card': ['created', false, 'Ожидает оплаты на карту', 'Waiting for payment to the card'],
      pay: ['created', false, 'Трейдер проверяет оплату', 'The trader is checking the payment'],
      waitPhoto: [
        'created',
        false,
        'Ожидается фото подтверждения оплаты',
        'Waiting for a photo proving the payment',
      ],
      notApprove: [
        'created',
        false,
        'Заявку рассматривает администратор',
        'An administrator is reviewing the invoice',
      ],
      success: ['paid', true, 'Оплачено', 'Paid'],
      canceled: ['canceled', true, 'Отменено', 'Canceled'],
      rejected: ['expired', true, 'Отменено: истекло время оплаты', 'Canceled: the time to pay ran out'],
    };
    expect(Object.keys(expected).sort()).toEqual([...WELLPAY_STATUSES].sort());
    for (const status of WELLPAY_STATUSES) {
      const info = describeStatus(status);
      const [neutral, final, ru, en] = expected[status]!;
      expect(info).toMatchObject({ raw: status, neutral, final, label: { ru, en } });
      expect(NEUTRAL_STATUSES).toContain(info.neutral);
      expect(info.label.uk.length).toBeGreaterThan(0);
    }
  });

  it('refines pay (price changed) and waitPhoto (photo sent), and survives unknown statuses', () => {
    expect(describeStatus('pay', { priceChanged: true })).toMatchObject({
      stage: 'price_changed',
      label: { ru: 'Трейдер изменил сумму заявки', en: 'The trader changed the amount' },
    });
    expect(describeStatus('waitPhoto', { approvePhoto: 'https://x/p.jpg' }).stage).toBe('admin_review');
    expect(describeStatus('removed')).toMatchObject({
      neutral: 'canceled',
      final: true,
      label: { en: 'Invoice removed' },
    });
    expect(describeStatus('frozen')).toMatchObject({
      neutral: 'created',
      final: false,
      stage: 'unknown',
      label: { ru: 'Неизвестный статус: frozen', en: 'Unknown status: frozen' },
    });
  });

  it('detects "pay twice in a row" as a price change', () => {
    const snap = (over: Record<string, string>) => {
      const invoice = parseInvoice({ ...SAMPLE, ...over });
      return { invoice, fingerprint: fingerprint(invoice), priceChanged: false };
    };
    const sendCard = snap({ status: 'send card' });
    const pay = snap({ status: 'pay' });
    const repriced = snap({ status: 'pay', send_value: '2' });
    expect(detectPriceChange(null, pay.invoice, pay.fingerprint)).toBe(false);
    expect(detectPriceChange(sendCard, pay.invoice, pay.fingerprint)).toBe(false);
    expect(detectPriceChange(pay, repriced.invoice, repriced.fingerprint)).toBe(true);
    expect(detectPriceChange(pay, pay.invoice, pay.fingerprint)).toBe(false);
    // Sticky while the invoice stays in pay; gone once it moves on.
    const sticky = { ...repriced, priceChanged: true };
    expect(detectPriceChange(sticky, repriced.invoice, repriced.fingerprint)).toBe(true);
    const done = snap({ status: 'success' });
    expect(detectPriceChange(sticky, done.invoice, done.fingerprint)).toBe(false);
  });
});
