/**
 * The gateways the console follows and the provider-neutral status model, pure (no I/O): the core's adapters and the
 * renderer both use these lists.
 *
 * Neutral statuses: created → paid → delivered, or expired / canceled / refunded. The provider's own status is kept
 * verbatim beside it (`rawStatus`). The older `status` field of an order view (Invoicebox's
 * created/completed/expired/canceled) stays for compatibility; `legacyStatus` is the mapping:
 *
 * | neutral   | legacy `status` |
 * | --------- | --------------- |
 * | created   | created         |
 * | paid      | completed       |
 * | delivered | completed       |
 * | refunded  | completed       |  (the money was taken; refunds are shown as refunds)
 * | expired   | expired         |
 * | canceled  | canceled        |
 */
import { decideStatus, type OrderStatus, type StatusDecision } from './order-status.ts';

export const PROVIDERS = ['invoicebox', 'xsolla', 'wellpay'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export const NEUTRAL_STATUSES = ['created', 'paid', 'delivered', 'expired', 'canceled', 'refunded'] as const;
export type NeutralStatus = (typeof NEUTRAL_STATUSES)[number];

/** What an adapter can do; the UI offers only these. */
export interface ProviderCapabilities {
  create: boolean;
  cancel: boolean;
  refund: boolean;
  track: boolean;
}

export const PROVIDER_CONNECTION_STATES = ['connecting', 'live', 'degraded', 'offline', 'idle'] as const;
export type ProviderConnectionState = (typeof PROVIDER_CONNECTION_STATES)[number];

export const CAPABILITIES: Readonly<Record<ProviderId, Readonly<ProviderCapabilities>>> = Object.freeze({
  invoicebox: Object.freeze({ create: true, cancel: true, refund: true, track: true }),
  // Xsolla's orders are made by its payment flow; the console can only follow them.
  xsolla: Object.freeze({ create: false, cancel: false, refund: false, track: true }),
  // WellPay: create an invoice, remove it (our "cancel"), follow it; no refunds in the API.
  wellpay: Object.freeze({ create: true, cancel: true, refund: false, track: true }),
});

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

export function isNeutralStatus(value: unknown): value is NeutralStatus {
  return typeof value === 'string' && (NEUTRAL_STATUSES as readonly string[]).includes(value);
}

/** Neutral → the legacy Invoicebox-style status (table above). */
export function legacyStatus(status: NeutralStatus): OrderStatus {
  switch (status) {
    case 'created':
      return 'created';
    case 'expired':
      return 'expired';
    case 'canceled':
      return 'canceled';
    default:
      return 'completed';
  }
}

/** Invoicebox's status → neutral (a paid Invoicebox order is `paid`; refunds are separate documents). */
export function neutralFromInvoicebox(status: OrderStatus): NeutralStatus {
  return status === 'completed' ? 'paid' : status;
}

/** The statuses after which a provider's order never changes again. */
const FINAL: Record<ProviderId, ReadonlySet<NeutralStatus>> = {
  invoicebox: new Set<NeutralStatus>(['paid', 'canceled', 'refunded', 'delivered']),
  xsolla: new Set<NeutralStatus>(['delivered', 'canceled', 'refunded']),
  wellpay: new Set<NeutralStatus>(['paid', 'canceled', 'expired', 'refunded', 'delivered']),
};

/** Progress order per provider: an update with a lower rank than the stored one is stale. */
const RANK: Record<ProviderId, Record<NeutralStatus, number>> = {
  invoicebox: { created: 0, expired: 1, canceled: 1, paid: 2, delivered: 2, refunded: 2 },
  // new → paid → done; canceled ends any non-final one (Xsolla's one status for "canceled" and "refunded").
  xsolla: { created: 0, paid: 1, delivered: 2, expired: 3, canceled: 3, refunded: 3 },
  // Every non-final WellPay status is `created` (stages move back and forth); all final ones end it.
  wellpay: { created: 0, paid: 1, canceled: 1, expired: 1, delivered: 1, refunded: 1 },
};

export function isFinalNeutral(provider: ProviderId, status: NeutralStatus): boolean {
  return FINAL[provider].has(status);
}

export interface ProviderStatus {
  neutral: NeutralStatus;
  /** The provider's status, verbatim. */
  raw: string;
  /** A finer stage under the same raw status (WellPay: `pay` → `price_changed`); part of what makes a duplicate. */
  stage?: string | null;
}

/**
 * Whether a provider's status update is applied: the same raw status again is a duplicate; nothing leaves a final
 * status (Invoicebox's `expired → completed` excepted, through its own rule); a higher rank moves forward; within
 * the same neutral status, a different raw status (a WellPay stage: `wait card` → `send card`) is applied while the
 * order is not final, since those stages are the gateway's to order. Anything else is stale: recorded, not applied.
 */
export function decideProviderStatus(
  provider: ProviderId,
  current: ProviderStatus | null,
  next: ProviderStatus,
): StatusDecision {
  if (current === null) return { kind: 'apply' };
  if (provider === 'invoicebox') {
    return decideStatus(legacyStatus(current.neutral), legacyStatus(next.neutral));
  }
  if (
    current.raw === next.raw &&
    current.neutral === next.neutral &&
    (current.stage ?? null) === (next.stage ?? null)
  )
    return { kind: 'duplicate' };
  if (isFinalNeutral(provider, current.neutral)) return { kind: 'stale' };
  const rank = RANK[provider];
  if (rank[next.neutral] > rank[current.neutral]) return { kind: 'apply' };
  if (rank[next.neutral] === rank[current.neutral] && next.neutral === current.neutral)
    return { kind: 'apply' };
  return { kind: 'stale' };
}
