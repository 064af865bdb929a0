/**
 * The gateways on screen, pure: statuses (neutral + the gateway's own, in both languages), the actions an order's
 * capabilities and status allow, the adapters' connection as shown, amounts in the order's currency, and the WellPay
 * and Xsolla forms.
 */
import { describe, expect, it } from 'vitest';
import { WELLPAY_STATUSES, REMOVED, describeStatus } from '../../electron/core/providers/wellpay/status.ts';
import { XSOLLA_RAW_STATUSES } from '../../electron/core/providers/xsolla/status.ts';
import { en } from '../../renderer/src/i18n/en.ts';
import { ru } from '../../renderer/src/i18n/ru.ts';
import {
  titleBytes,
  validateWellpay,
  validateXsolla,
  WELLPAY_TITLE_MAX_BYTES,
} from '../../renderer/src/lib/gateway-forms.ts';
import {
  CAPABILITIES,
  effectiveProviderConnection,
  formatMinor,
  gatewayErrorKeys,
  isStale,
  NEUTRAL_STATUSES,
  neutralKey,
  neutralOf,
  orderActions,
  orderCurrency,
  PROVIDER_CONNECTION_STATES,
  providerOf,
  rawStatusKey,
  rawStatusText,
  statusTone,
  type ProviderOrder,
} from '../../renderer/src/lib/providers.ts';

const dict = { ru: ru as Record<string, string>, en: en as Record<string, string> };
const lookup = (lang: 'ru' | 'en') => (key: string) => dict[lang][key] ?? null;

function order(patch: Partial<ProviderOrder>): ProviderOrder {
  return { status: 'created', amount: 15000, refundedAmount: 0, ...patch };
}

describe('statuses in the cashier’s language', () => {
  it('has every neutral status in ru and en, each different from the key', () => {
    for (const s of NEUTRAL_STATUSES) {
      for (const lang of ['ru', 'en'] as const) {
        const text = dict[lang][neutralKey(s)];
        expect(text, `${lang} ${s}`).toBeTruthy();
        expect(text).not.toBe(neutralKey(s));
      }
    }
    expect(ru['provider.status.paid']).toBe('Оплачен');
    expect(en['provider.status.delivered']).toBe('Delivered');
  });

  it('has every WellPay status of the spec (and our `removed`) in ru and en, as the adapter labels it', () => {
    for (const raw of [...WELLPAY_STATUSES, REMOVED]) {
      const key = rawStatusKey('wellpay', raw);
      const label = describeStatus(raw).label;
      expect(dict.ru[key], key).toBe(label.ru);
      expect(dict.en[key], key).toBe(label.en);
    }
  });

  it('has every Xsolla status in ru and en, matched case-insensitively', () => {
    for (const raw of XSOLLA_RAW_STATUSES) {
      expect(dict.ru[rawStatusKey('xsolla', raw)], raw).toBeTruthy();
      expect(dict.en[rawStatusKey('xsolla', raw)], raw).toBeTruthy();
    }
    expect(rawStatusKey('xsolla', 'Done')).toBe('xsolla.status.done');
  });

  it('shows the gateway’s status: the core’s label first, then the dictionary, then the raw text', () => {
    const wp = order({ provider: 'wellpay', rawStatus: 'send card', neutralStatus: 'created' });
    expect(rawStatusText(wp, 'ru', lookup('ru'))).toBe('Ожидает оплаты на карту');
    expect(rawStatusText(wp, 'en', lookup('en'))).toBe('Waiting for payment to the card');
    const changed = { ...wp, rawStatus: 'pay', statusLabel: { ru: 'Трейдер изменил сумму заявки', en: 'x' } };
    expect(rawStatusText(changed, 'ru', lookup('ru'))).toBe('Трейдер изменил сумму заявки');
    const unknown = order({ provider: 'wellpay', rawStatus: 'frozen' });
    expect(rawStatusText(unknown, 'ru', lookup('ru'))).toBe('frozen');
    const xs = order({ provider: 'xsolla', rawStatus: 'done', neutralStatus: 'delivered' });
    expect(rawStatusText(xs, 'ru', lookup('ru'))).toBe('Выполнен: товары выданы');
  });

  it('reads an order of an older core (no provider fields) as Invoicebox’s', () => {
    const old = order({ status: 'completed' });
    expect(providerOf(old)).toBe('invoicebox');
    expect(neutralOf(old)).toBe('paid');
    expect(neutralOf(order({ status: 'expired' }))).toBe('expired');
    expect(providerOf({ provider: 'paypal' })).toBe('invoicebox');
    expect(rawStatusText(old, 'ru', lookup('ru'))).toBe('Оплачен');
  });

  it('gives each neutral status a tone, paid and delivered alike', () => {
    expect(NEUTRAL_STATUSES.map(statusTone)).toEqual([
      'waiting',
      'success',
      'success',
      'ended',
      'danger',
      'refund',
    ]);
  });
});

describe('actions offered per gateway and status', () => {
  it('Invoicebox: cancel while unpaid, refund once paid, re-issue when ended', () => {
    const created = orderActions(order({ provider: 'invoicebox', capabilities: CAPABILITIES.invoicebox }));
    expect(created.cancel).toEqual({ offered: true, enabled: true, reason: null });
    expect(created.refund.offered).toBe(false);
    expect(created.showQr.enabled).toBe(true);
    const paid = orderActions(order({ provider: 'invoicebox', status: 'completed', neutralStatus: 'paid' }));
    expect(paid.cancel.offered).toBe(false);
    expect(paid.refund).toEqual({ offered: true, enabled: true, reason: null });
    const full = orderActions(
      order({ provider: 'invoicebox', status: 'completed', neutralStatus: 'paid', refundedAmount: 15000 }),
    );
    expect(full.refund).toEqual({ offered: true, enabled: false, reason: 'provider.why.refunded_fully' });
    const expired = orderActions(
      order({ provider: 'invoicebox', status: 'expired', neutralStatus: 'expired' }),
    );
    expect(expired.reissue.enabled).toBe(true);
    expect(expired.showQr.offered).toBe(false);
  });

  it('Xsolla: nothing but following; cancel and refund are shown disabled with the reason', () => {
    const caps = CAPABILITIES.xsolla;
    const created = orderActions(order({ provider: 'xsolla', rawStatus: 'new', capabilities: caps }));
    expect(created.cancel).toEqual({
      offered: true,
      enabled: false,
      reason: 'provider.why.cancel_unsupported',
    });
    const paid = orderActions(
      order({ provider: 'xsolla', status: 'completed', neutralStatus: 'paid', capabilities: caps }),
    );
    expect(paid.refund).toEqual({ offered: true, enabled: false, reason: 'provider.why.refund_unsupported' });
    const canceled = orderActions(
      order({ provider: 'xsolla', status: 'canceled', neutralStatus: 'canceled', capabilities: caps }),
    );
    expect(canceled.reissue.offered).toBe(false);
    // No payer link: nothing to show as a QR.
    expect(
      orderActions(order({ provider: 'xsolla', paymentUrl: null, capabilities: caps })).showQr.offered,
    ).toBe(false);
    for (const reason of ['provider.why.cancel_unsupported', 'provider.why.refund_unsupported'])
      expect(dict.ru[reason] && dict.en[reason]).toBeTruthy();
  });

  it('WellPay: removal only while nobody is paying; no refunds', () => {
    const caps = CAPABILITIES.wellpay;
    for (const raw of ['not approve exchange', 'wait card', 'send card'])
      expect(
        orderActions(order({ provider: 'wellpay', rawStatus: raw, capabilities: caps })).cancel.enabled,
      ).toBe(true);
    for (const raw of ['pay', 'waitPhoto', 'notApprove']) {
      const a = orderActions(order({ provider: 'wellpay', rawStatus: raw, capabilities: caps }));
      expect(a.cancel, raw).toEqual({ offered: true, enabled: false, reason: 'provider.why.wellpay_paying' });
    }
    const paid = orderActions(
      order({ provider: 'wellpay', status: 'completed', neutralStatus: 'paid', rawStatus: 'success' }),
    );
    expect(paid.cancel.offered).toBe(false);
    expect(paid.refund.enabled).toBe(false);
  });

  it('follows the capabilities the order carries over the defaults', () => {
    const noCancel = { ...CAPABILITIES.invoicebox, cancel: false };
    expect(orderActions(order({ provider: 'invoicebox', capabilities: noCancel })).cancel.enabled).toBe(
      false,
    );
  });
});

describe('adapter connections', () => {
  const view = {
    provider: 'wellpay' as const,
    state: 'live' as const,
    reason: null,
    since: '2026-11-23T10:00:00Z',
  };

  it('shows the core’s state while the link to the core is up', () => {
    for (const state of PROVIDER_CONNECTION_STATES)
      expect(effectiveProviderConnection('wellpay', { ...view, state }, 'up').state).toBe(state);
  });

  it('never shows live while the renderer has lost the core, or before it heard from it', () => {
    expect(effectiveProviderConnection('wellpay', view, 'down')).toMatchObject({
      state: 'offline',
      reason: 'host_link',
    });
    expect(effectiveProviderConnection('wellpay', view, 'connecting').state).toBe('connecting');
    expect(effectiveProviderConnection('xsolla', null, 'up').state).toBe('connecting');
  });

  it('calls a status stale only when the adapter is not live and not idle', () => {
    expect(PROVIDER_CONNECTION_STATES.filter(isStale)).toEqual(['connecting', 'degraded', 'offline']);
  });

  it('has every state in ru and en', () => {
    for (const s of PROVIDER_CONNECTION_STATES)
      for (const key of [`provider.state.${s}`, `provider.state.${s}.long`])
        expect(dict.ru[key] && dict.en[key], key).toBeTruthy();
  });
});

describe('amounts in the order’s currency', () => {
  it('formats hryvnias, rubles, dollars and yen from integer minor units', () => {
    expect(formatMinor(150050, 'UAH', 'ru')).toBe('1\u00a0500,50\u00a0₴');
    expect(formatMinor(150050, 'UAH', 'en')).toBe('₴1,500.50');
    expect(formatMinor(5, 'RUB', 'ru')).toBe('0,05\u00a0₽');
    expect(formatMinor(999, 'USD', 'en')).toBe('$9.99');
    expect(formatMinor(1200, 'JPY', 'en')).toBe('¥1,200');
    expect(formatMinor(1234, 'CHF', 'en')).toBe('CHF\u00a012.34');
    expect(formatMinor(1e11, 'UAH', 'ru')).toBe('1\u00a0000\u00a0000\u00a0000,00\u00a0₴');
  });

  it('reads Invoicebox’s numeric currency code as rubles', () => {
    expect(orderCurrency({ currencyId: '643' })).toBe('RUB');
    expect(orderCurrency({ currencyId: 'uah' })).toBe('UAH');
    expect(formatMinor(100, null, 'ru')).toBe('1,00\u00a0₽');
  });
});

describe('the WellPay form', () => {
  it('turns a title and a price in hryvnias into kopiykas', () => {
    expect(validateWellpay({ title: '  Кава  ', amount: '150,50' })).toEqual({
      value: { title: 'Кава', amount: 15050 },
      errors: {},
    });
    expect(validateWellpay({ title: 'x', amount: '1 500' }).value?.amount).toBe(150000);
  });

  it('refuses an empty title, a bad, zero or huge amount, each at its field', () => {
    expect(validateWellpay({ title: ' ', amount: '' }).errors).toEqual({
      title: 'required',
      amount: 'required',
    });
    expect(validateWellpay({ title: 'a', amount: '12,345' }).errors).toEqual({ amount: 'amount_invalid' });
    expect(validateWellpay({ title: 'a', amount: '-5' }).errors).toEqual({ amount: 'amount_invalid' });
    expect(validateWellpay({ title: 'a', amount: '0' }).errors).toEqual({ amount: 'amount_zero' });
    expect(validateWellpay({ title: 'a', amount: '1000000001' }).errors).toEqual({
      amount: 'amount_too_big',
    });
    expect(validateWellpay({ title: 'a', amount: '0' }).value).toBeNull();
  });

  it('refuses a title the encrypted payload could not carry (UTF-8 bytes, not characters)', () => {
    expect(validateWellpay({ title: 'a'.repeat(200), amount: '1' }).errors).toEqual({});
    expect(validateWellpay({ title: 'a'.repeat(201), amount: '1' }).errors).toEqual({ title: 'too_long' });
    const cyr = 'ж'.repeat(199);
    expect(titleBytes(cyr)).toBe(400);
    expect(validateWellpay({ title: cyr, amount: '1' }).errors).toEqual({});
    expect(validateWellpay({ title: 'ж'.repeat(200), amount: '1' }).errors).toEqual({ title: 'too_long' });
    expect(titleBytes('😀'.repeat(100))).toBeGreaterThan(WELLPAY_TITLE_MAX_BYTES);
    expect(validateWellpay({ title: '😀'.repeat(100), amount: '1' }).errors).toEqual({ title: 'too_long' });
  });
});

describe('the Xsolla tracking form', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';

  it('turns the typed ids into numbers and drops a pasted `Bearer `', () => {
    expect(validateXsolla({ projectId: '44056', orderId: ' 59614241 ', token: `Bearer ${jwt}` })).toEqual({
      value: { projectId: 44056, orderId: 59614241, token: jwt },
      errors: {},
    });
  });

  it('refuses missing or malformed fields, each at its field, and sends nothing', () => {
    expect(validateXsolla({ projectId: '', orderId: '', token: '' })).toEqual({
      value: null,
      errors: { projectId: 'required', orderId: 'required', token: 'required' },
    });
    expect(validateXsolla({ projectId: '0', orderId: '1.5', token: 'not-a-jwt' }).errors).toEqual({
      projectId: 'id_invalid',
      orderId: 'id_invalid',
      token: 'token_invalid',
    });
    expect(validateXsolla({ projectId: String(2 ** 31 + 1), orderId: '1', token: jwt }).errors).toEqual({
      projectId: 'id_invalid',
    });
    expect(validateXsolla({ projectId: '1', orderId: '99999999999999999', token: jwt }).errors).toEqual({
      orderId: 'id_invalid',
    });
  });

  it('has every field error in ru and en', () => {
    for (const code of [
      'required',
      'too_long',
      'amount_invalid',
      'amount_zero',
      'amount_too_big',
      'id_invalid',
      'token_invalid',
    ])
      expect(dict.ru[`gateway.err.${code}`] && dict.en[`gateway.err.${code}`], code).toBeTruthy();
  });
});

describe('the orders filter by gateway', () => {
  it('asks for one gateway’s orders, or every gateway’s when none is chosen', async () => {
    const { buildSearchInput, emptyFilter } = await import('../../renderer/src/lib/search-query.ts');
    expect(buildSearchInput({ ...emptyFilter(), provider: 'wellpay' }, 100).input).toEqual({
      limit: 100,
      provider: 'wellpay',
    });
    expect(buildSearchInput(emptyFilter(), 100).input).toEqual({ limit: 100 });
  });
});

describe('errors of the other gateways, in their own words', () => {
  const text = (provider: string, code: string): string | null => {
    for (const key of gatewayErrorKeys(provider, code)) if (dict.ru[key]) return dict.ru[key];
    return null;
  };

  it('says whose token or order it was, and leaves Invoicebox to the generic texts', () => {
    expect(text('wellpay', 'unauthorized')).toContain('WellPay не принял');
    expect(text('xsolla', 'xsolla_token_rejected')).toContain('Xsolla не принял');
    expect(text('xsolla', 'not_supported')).toBe(ru['provider.err.not_supported']);
    expect(text('invoicebox', 'unauthorized')).toBeNull();
    expect(text('wellpay', 'something_new')).toBeNull();
  });

  it('has every gateway error in ru and en', () => {
    const keys = Object.keys(ru).filter((k) => /^(wellpay|xsolla|provider)\.err\./.test(k));
    expect(keys.length).toBeGreaterThan(15);
    for (const k of keys) expect(dict.en[k], k).toBeTruthy();
  });
});
