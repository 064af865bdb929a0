/**
 * The provider half of the contract: which gateway an order belongs to, what that gateway can do, and each
 * adapter's connection. Spread into `contract` / `events` by contract.ts; names listed in names.ts.
 *
 * Order views carry, beside the older Invoicebox-style `status` (kept for compatibility; mapping in
 * shared/domain/providers.ts): `provider`, `neutralStatus`, `rawStatus` (the gateway's own status, verbatim),
 * `statusLabel` (the gateway's status in the cashier's languages, when the core has one: WellPay's stages) and
 * `capabilities` (what the console can do with orders of that gateway).
 */
import { z } from 'zod';
import { NEUTRAL_STATUSES, PROVIDERS, PROVIDER_CONNECTION_STATES } from '../domain/providers.ts';

export const providerIdSchema = z.enum(PROVIDERS);

export const capabilitiesSchema = z.object({
  create: z.boolean(),
  cancel: z.boolean(),
  refund: z.boolean(),
  track: z.boolean(),
});
export type CapabilitiesView = z.infer<typeof capabilitiesSchema>;

/** Fields every order view gains (orderViewSchema extends with these). */
export const orderProviderFields = {
  provider: providerIdSchema,
  neutralStatus: z.enum(NEUTRAL_STATUSES),
  rawStatus: z.string(),
  statusLabel: z.object({ ru: z.string(), en: z.string() }).nullable(),
  capabilities: capabilitiesSchema,
};

export const providerViewSchema = z.object({
  provider: providerIdSchema,
  capabilities: capabilitiesSchema,
  /** `idle`: configured, following nothing right now (Xsolla with no order open). */
  state: z.enum(PROVIDER_CONNECTION_STATES),
  /** Machine-readable reason (`polling`, `no_token`, `connection_lost`, `token_expired`, …). */
  reason: z.string().nullable(),
  since: z.string(),
  /** Orders this adapter follows live right now. */
  tracking: z.number().int().min(0),
});
export type ProviderView = z.infer<typeof providerViewSchema>;

/** An integer amount in minor units (kopiykas for WellPay's UAH). */
const minor = z.number().int().min(1).max(1e11);
const requestKey = z.string().min(8).max(64);

export const wellpayCreateInput = z.strictObject({
  title: z.string().trim().min(1).max(200),
  /** UAH kopiykas. */
  amount: minor,
  /** Renderer-made key: the same key twice is the same invoice, never two. */
  requestKey,
});
export type WellpayCreateInput = z.infer<typeof wellpayCreateInput>;

export const xsollaTrackInput = z.strictObject({
  projectId: z
    .number()
    .int()
    .min(1)
    .max(2 ** 31),
  orderId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** The user's JWT (Pay Station / store token): kept in memory only, never stored, logged or returned. */
  token: z.string().min(10).max(8192),
});
export type XsollaTrackInput = z.infer<typeof xsollaTrackInput>;

export const xsollaDemoInput = z.strictObject({
  /** Cents; the sandbox's default price when absent. */
  amount: minor.optional(),
});

/** Optional provider selector for `token.*` (default invoicebox). */
export const tokenProviderSchema = z.enum(['invoicebox', 'wellpay']);

const empty = z.strictObject({});

/** The provider methods; contract.ts passes its order view schema (defined there, with the fields above). */
export function providerMethods<V extends z.ZodType>(orderView: V) {
  return {
    'providers.list': { input: empty, output: z.array(providerViewSchema) },
    /** Creates a WellPay invoice; the view's `paymentUrl` is the payer link (shown as a QR). */
    'wellpay.create': { input: wellpayCreateInput, output: orderView },
    /** Follows an Xsolla order live (Centrifuge, polling fallback). */
    'xsolla.track': { input: xsollaTrackInput, output: orderView },
    /** Sandbox mode only: makes a demo order in the Xsolla emulator and follows it; refused in live mode. */
    'xsolla.demo': { input: xsollaDemoInput, output: orderView },
  } as const;
}

export const providerEvents = {
  provider: providerViewSchema,
} as const;
