/**
 * The gateways on screen, pure (no DOM, no I/O): which gateway an order belongs to, its provider-neutral status and
 * the gateway's own status beside it, what the cashier may do with it (from the order's capabilities and status),
 * each adapter's connection as the cashier must read it, and amounts in the order's own currency.
 *
 * Order views from an older core carry only Invoicebox's `status`: every reader here falls back to it, so the screens
 * work with either.
 */
import type { OrderStatus } from '../../../shared/domain/order-status.ts';
import {
  CAPABILITIES,
  NEUTRAL_STATUSES,
  PROVIDERS,
  PROVIDER_CONNECTION_STATES,
  type NeutralStatus,
  type ProviderCapabilities,
  type ProviderConnectionState,
  type ProviderId,
} from '../../../shared/domain/providers.ts';
import type { LinkState } from './connection.ts';
import type { Lang } from './format.ts';

export {
  CAPABILITIES,
  NEUTRAL_STATUSES,
  PROVIDERS,
  PROVIDER_CONNECTION_STATES,
  type NeutralStatus,
  type ProviderCapabilities,
  type ProviderConnectionState,
  type ProviderId,
};

/** What these helpers read of an order view (the contract's OrderView has all of it). */
export interface ProviderOrder {
  provider?: string | undefined;
  status: OrderStatus;
  neutralStatus?: string | undefined;
  rawStatus?: string | undefined;
  statusLabel?: { ru: string; en: string } | null | undefined;
  capabilities?: ProviderCapabilities | undefined;
  amount: number;
  refundedAmount: number;
  /** The payer link (absent: the gateway's own flow takes payment, as Xsolla's store). */
  paymentUrl?: string | null | undefined;
}

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

export function isNeutralStatus(value: unknown): value is NeutralStatus {
  return typeof value === 'string' && (NEUTRAL_STATUSES as readonly string[]).includes(value);
}

/** The order's gateway; an order from a core that does not say is Invoicebox's (the only one it knew). */
export function providerOf(order: Pick<ProviderOrder, 'provider'>): ProviderId {
  return isProviderId(order.provider) ? order.provider : 'invoicebox';
}

export function neutralOf(order: Pick<ProviderOrder, 'status' | 'neutralStatus'>): NeutralStatus {
  if (isNeutralStatus(order.neutralStatus)) return order.neutralStatus;
  return order.status === 'completed' ? 'paid' : order.status;
}

/** The gateway's own status, verbatim. */
export function rawOf(order: Pick<ProviderOrder, 'status' | 'rawStatus'>): string {
  return order.rawStatus ?? order.status;
}

export function capabilitiesOf(
  order: Pick<ProviderOrder, 'provider' | 'capabilities'>,
): ProviderCapabilities {
  return order.capabilities ?? CAPABILITIES[providerOf(order)];
}

/** How a status looks: waiting (blue), success (green), ended (grey), danger (red), refund (violet). */
export type StatusTone = 'waiting' | 'success' | 'ended' | 'danger' | 'refund';

export function statusTone(status: NeutralStatus): StatusTone {
  switch (status) {
    case 'created':
      return 'waiting';
    case 'paid':
    case 'delivered':
      return 'success';
    case 'expired':
      return 'ended';
    case 'canceled':
      return 'danger';
    case 'refunded':
      return 'refund';
  }
}

/** Dictionary key of a neutral status. */
export function neutralKey(status: NeutralStatus): `provider.status.${NeutralStatus}` {
  return `provider.status.${status}`;
}

/** Dictionary key of a gateway's own status (`wellpay.status.send card`, `xsolla.status.done`, `status.completed`). */
export function rawStatusKey(provider: ProviderId, raw: string): string {
  if (provider === 'invoicebox') return `status.${raw}`;
  return `${provider}.status.${provider === 'xsolla' ? raw.trim().toLowerCase() : raw}`;
}

/**
 * The gateway's status in the cashier's words: the core's own label when it sent one (it knows WellPay's finer
 * stages: a changed price, a proof photo already sent), else the dictionary, else the status verbatim.
 */
export function rawStatusText(
  order: Pick<ProviderOrder, 'provider' | 'status' | 'rawStatus' | 'statusLabel'>,
  lang: Lang,
  lookup: (key: string) => string | null,
): string {
  const label = order.statusLabel?.[lang];
  if (label) return label;
  const raw = rawOf(order);
  return lookup(rawStatusKey(providerOf(order), raw)) ?? raw;
}

/**
 * Dictionary keys for an error of another gateway's call, most specific first: `wellpay.err.<code>` /
 * `xsolla.err.<code>`, then `provider.err.<code>`. None for Invoicebox: the generic `err.<code>` texts are its own.
 */
export function gatewayErrorKeys(provider: string, code: string): string[] {
  if (provider === 'invoicebox') return [];
  return [`${provider}.err.${code}`, `provider.err.${code}`];
}

// ── actions ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** Why an action is shown disabled: a dictionary key. */
export type ActionReason =
  | 'provider.why.cancel_unsupported'
  | 'provider.why.refund_unsupported'
  | 'provider.why.wellpay_paying'
  | 'provider.why.refunded_fully';

export interface ActionState {
  /** Shown at all. */
  offered: boolean;
  enabled: boolean;
  reason: ActionReason | null;
}

export interface OrderActions {
  /** Cancel an unpaid order (WellPay: remove the invoice). */
  cancel: ActionState;
  /** Refund a paid order. */
  refund: ActionState;
  /** A new order with the same basket (Invoicebox keeps the basket; the others have none to repeat). */
  reissue: ActionState;
  /** The payment screen with the QR (only for an order that has a payer link). */
  showQr: ActionState;
}

const HIDDEN: ActionState = { offered: false, enabled: false, reason: null };
const ENABLED: ActionState = { offered: true, enabled: true, reason: null };
const disabled = (reason: ActionReason): ActionState => ({ offered: true, enabled: false, reason });

/**
 * WellPay statuses in which the payer may already have paid (or proved it): removing the invoice then could lose
 * their money, so the console does not offer it (the emulator refuses it too: docs/sandbox-wellpay.md, point 8).
 */
export const WELLPAY_PAYING = ['pay', 'waitPhoto', 'notApprove'] as const;

/**
 * What the cashier may do with the order now. An action its gateway cannot do at all is shown disabled with the
 * reason (the cashier learns why, instead of looking for a missing button); an action the status rules out (cancel a
 * paid order) is not shown, as for Invoicebox before.
 */
export function orderActions(order: ProviderOrder): OrderActions {
  const provider = providerOf(order);
  const caps = capabilitiesOf(order);
  const neutral = neutralOf(order);
  const raw = rawOf(order);

  let cancel: ActionState = HIDDEN;
  if (neutral === 'created') {
    if (!caps.cancel) cancel = disabled('provider.why.cancel_unsupported');
    else if (provider === 'wellpay' && (WELLPAY_PAYING as readonly string[]).includes(raw))
      cancel = disabled('provider.why.wellpay_paying');
    else cancel = ENABLED;
  }

  let refund: ActionState = HIDDEN;
  if (neutral === 'paid' || neutral === 'delivered') {
    if (!caps.refund) refund = disabled('provider.why.refund_unsupported');
    else if (order.refundedAmount >= order.amount) refund = disabled('provider.why.refunded_fully');
    else refund = ENABLED;
  }

  const ended = neutral === 'expired' || neutral === 'canceled';
  const reissue: ActionState = ended && provider === 'invoicebox' && caps.create ? ENABLED : HIDDEN;
  const showQr: ActionState = neutral === 'created' && order.paymentUrl !== null ? ENABLED : HIDDEN;
  return { cancel, refund, reissue, showQr };
}

// ── connections ──────────────────────────────────────────────────────────────────────────────────────────────────

export interface ProviderConnectionLike {
  provider: ProviderId;
  state: ProviderConnectionState;
  reason: string | null;
  since: string;
}

export interface EffectiveProviderConnection {
  provider: ProviderId;
  state: ProviderConnectionState;
  reason: string | null;
  since: string | null;
}

/**
 * What the indicator of one adapter shows: the core's state, downgraded when the renderer lost the core itself
 * (`offline`, `host_link`) or has not heard from it yet (`connecting`): never `live` unless both say so.
 */
export function effectiveProviderConnection(
  provider: ProviderId,
  view: ProviderConnectionLike | null | undefined,
  link: LinkState,
): EffectiveProviderConnection {
  if (link === 'down') return { provider, state: 'offline', reason: 'host_link', since: view?.since ?? null };
  if (link === 'connecting' || !view)
    return { provider, state: 'connecting', reason: view?.reason ?? null, since: view?.since ?? null };
  return { provider, state: view.state, reason: view.reason, since: view.since };
}

/** Statuses of an order of this gateway may lag behind: its adapter is not live (idle is fine: it follows nothing). */
export function isStale(state: ProviderConnectionState): boolean {
  return state === 'connecting' || state === 'degraded' || state === 'offline';
}

// ── money in the order's currency ────────────────────────────────────────────────────────────────────────────────

const SIGNS: Record<string, string> = {
  RUB: '₽',
  UAH: '₴',
  USD: '$',
  EUR: '€',
  GBP: '£',
  JPY: '¥',
  KZT: '₸',
};

const exponents = new Map<string, number>([
  ['RUB', 2],
  ['UAH', 2],
  ['USD', 2],
  ['EUR', 2],
]);

/**
 * Digits after the point of a currency (ISO 4217 exponent), from the platform's Intl data; 2 when unknown. Cached:
 * the orders list formats an amount in every row it scrolls past, and an Intl.NumberFormat is costly to build.
 */
export function currencyExponent(currency: string): number {
  const known = exponents.get(currency);
  if (known !== undefined) return known;
  let digits = 2;
  try {
    const d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
    if (typeof d === 'number') digits = d;
  } catch {
    // not a currency the platform knows: two digits, as most
  }
  exponents.set(currency, digits);
  return digits;
}

/**
 * Integer minor units → `1 234,50 ₴` (ru) / `₴1,234.50` (en). Integer arithmetic only (strings), as formatMoney.
 * `RUB` or an unknown/empty currency code falls back to the ruble (Invoicebox's orders carry `643`).
 */
export function formatMinor(amount: number, currency: string | null | undefined, lang: Lang): string {
  const code = (currency ?? '').toUpperCase();
  const iso = /^[A-Z]{3}$/.test(code) ? code : 'RUB';
  const exp = currencyExponent(iso);
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(Math.trunc(amount))
    .toString()
    .padStart(exp + 1, '0');
  const whole = digits.slice(0, digits.length - exp);
  const frac = exp > 0 ? digits.slice(digits.length - exp) : '';
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'ru' ? '\u00a0' : ',');
  const body = frac ? `${grouped}${lang === 'ru' ? ',' : '.'}${frac}` : grouped;
  const symbol = SIGNS[iso] ?? iso;
  const long = symbol.length > 1;
  if (lang === 'ru') return `${sign}${body}\u00a0${symbol}`;
  return long ? `${sign}${symbol}\u00a0${body}` : `${sign}${symbol}${body}`;
}

/** The currency of an order view: Invoicebox sends a numeric code (`643`), the others ISO letters. */
export function orderCurrency(order: { currencyId: string }): string {
  return /^[A-Za-z]{3}$/.test(order.currencyId) ? order.currencyId.toUpperCase() : 'RUB';
}
