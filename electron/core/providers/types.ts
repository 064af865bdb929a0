/**
 * The provider-neutral model: every gateway the console follows (Invoicebox, Xsolla, WellPay) is an adapter behind
 * these types. Statuses are mapped to one neutral set for the cashier, and the provider's own status is kept verbatim.
 * Money is integer minor units (kopecks, UAH kopiykas, cents); floats and strings only at each adapter's edge.
 */
import type { EventEmitter } from 'node:events';

// The lists live in shared/domain (the renderer needs them too).
export {
  PROVIDERS,
  NEUTRAL_STATUSES,
  type ProviderId,
  type NeutralStatus,
  type ProviderCapabilities,
  type ProviderConnectionState,
} from '../../../shared/domain/providers.ts';
import type {
  ProviderId,
  NeutralStatus,
  ProviderCapabilities,
  ProviderConnectionState,
} from '../../../shared/domain/providers.ts';

export interface ProviderConnection {
  provider: ProviderId;
  state: ProviderConnectionState;
  /** Machine-readable reason (`polling`, `token_expired`, `connection_lost`, …). */
  reason: string | null;
  at: string;
}

/** One order/invoice as the adapter last knew it. */
export interface TrackedOrder {
  provider: ProviderId;
  /** The provider's id of the order (string even when the provider uses numbers). */
  id: string;
  status: NeutralStatus;
  /** The provider's own status, verbatim (`new`, `send card`, `completed`, …). */
  rawStatus: string;
  /** Minor units, when the provider tells. */
  amount: number | null;
  currency: string | null;
  /** Link for the payer (shown as a QR), when the provider has one. */
  paymentUrl: string | null;
  /** Whether this status can still change. */
  final: boolean;
  /** Where the update came from: a push on the live channel, a poll, or an API answer. */
  source: 'push' | 'poll' | 'api';
  at: string;
  raw: unknown;
}

export interface ProviderEvents {
  update: [TrackedOrder];
  connection: [ProviderConnection];
}

export interface ProviderAdapter {
  readonly provider: ProviderId;
  readonly capabilities: ProviderCapabilities;
  readonly events: EventEmitter<ProviderEvents>;
  connection(): ProviderConnection;
  stop(): Promise<void>;
}
