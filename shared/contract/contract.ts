/**
 * The one contract between the renderer and the core: one method per action, each with a zod schema for its input
 * and its output, plus the events the core pushes. The Electron preload and the browser host's loopback bridge both
 * expose exactly this; the core validates every input against it, whoever sends it. Nothing here ever carries the
 * API token back to the renderer: `token.save` takes it in, `token.status` answers set / not set.
 */
import { z } from 'zod';
import { ORDER_STATUSES, REFUND_STATUSES } from '../domain/order-status.ts';
import { VAT_CODES } from '../domain/vat.ts';
import { PAYMENT_TYPES } from '../invoicebox/schemas.ts';
import { approvalSchema, pinPolicyPatchSchema, pinPolicySchema, shiftsContract } from './shifts.ts';
import { CHANNEL_PREFIX, EVENT_NAMES as EVENT_NAME_LIST, METHOD_NAMES as METHOD_NAME_LIST } from './names.ts';

const kopecks = z.number().int().min(0).max(1e13);
const id = z.string().min(1).max(64);

export const draftLineSchema = z.strictObject({
  name: z.string().trim().min(1).max(500),
  unitPrice: kopecks.min(1),
  quantity: z.number().int().min(1).max(1e9), // thousandths
  vatCode: z.enum(VAT_CODES),
  measure: z.string().min(1).max(10),
  measureCode: z.string().min(1).max(4),
  type: z.enum(['service', 'commodity']),
  paymentType: z.enum(PAYMENT_TYPES),
});

export const customerInputSchema = z.strictObject({
  type: z.enum(['private', 'legal']).optional(),
  name: z.string().max(500).optional(),
  phone: z.string().max(100).optional(),
  email: z.email().max(100).optional(),
  vatNumber: z
    .string()
    .regex(/^(\d{10}|\d{12})$/, 'ИНН: 10 or 12 digits')
    .optional(),
});

export const createOrderInput = z.strictObject({
  description: z.string().trim().min(1).max(1000).optional(),
  lines: z.array(draftLineSchema).min(1).max(200),
  customer: customerInputSchema.optional(),
  ttlMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30)
    .optional(),
  /** Renderer-made key: the same key twice (a double click) is the same order, never two. */
  requestKey: z.string().min(8).max(64),
});
export type CreateOrderInput = z.infer<typeof createOrderInput>;

export const historyEntrySchema = z.object({
  status: z.string(),
  source: z.string(),
  applied: z.boolean(),
  at: z.string(),
  detail: z.string().nullable(),
});

export const refundViewSchema = z.object({
  id,
  parentId: id,
  merchantOrderId: z.string(),
  status: z.enum(REFUND_STATUSES),
  amount: kopecks,
  vatAmount: kopecks,
  createdAt: z.string(),
});
export type RefundView = z.infer<typeof refundViewSchema>;

export const orderViewSchema = z.object({
  id,
  provider: z.string(),
  merchantOrderId: z.string(),
  origin: z.enum(['console', 'foreign']),
  status: z.enum(ORDER_STATUSES),
  amount: kopecks,
  vatAmount: kopecks,
  currencyId: z.string(),
  description: z.string(),
  paymentUrl: z.string().nullable(),
  createdAt: z.string(),
  expirationDate: z.string().nullable(),
  paidAt: z.string().nullable(),
  updatedAt: z.string(),
  refundedAmount: kopecks,
});
export type OrderView = z.infer<typeof orderViewSchema>;

export const orderDetailSchema = orderViewSchema.extend({
  history: z.array(historyEntrySchema),
  refunds: z.array(refundViewSchema),
  basket: z.unknown(),
});
export type OrderDetail = z.infer<typeof orderDetailSchema>;

export const searchInput = z.strictObject({
  text: z.string().max(200).optional(),
  status: z.array(z.enum(ORDER_STATUSES)).max(4).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  minAmount: kopecks.optional(),
  maxAmount: kopecks.optional(),
  limit: z.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});
export type SearchInput = z.input<typeof searchInput>;

export const searchResultSchema = z.object({
  rows: z.array(orderViewSchema),
  total: z.number().int(),
  nextCursor: z.string().nullable(),
});

export const connectionStates = ['connecting', 'live', 'degraded', 'offline'] as const;
export type ConnectionState = (typeof connectionStates)[number];

export const connectionViewSchema = z.object({
  state: z.enum(connectionStates),
  /** Human-oriented reason code: `no_token`, `unauthorized`, `connection_lost`, `api_unreachable`, … */
  reason: z.string().nullable(),
  since: z.string(),
  mode: z.enum(['sandbox', 'live']),
  /** Masked. */
  gateUrl: z.string(),
  lastReconcileAt: z.string().nullable(),
  retryInMs: z.number().nullable(),
});
export type ConnectionView = z.infer<typeof connectionViewSchema>;

export const apiCallViewSchema = z.object({
  at: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number().nullable(),
  requestId: z.string().nullable(),
  durationMs: z.number(),
  errorCode: z.string().nullable(),
});

export const diagnosticsSchema = z.object({
  version: z.string(),
  log: z.array(z.string()),
  calls: z.array(apiCallViewSchema),
  connectionHistory: z.array(connectionViewSchema),
  settings: z.record(z.string(), z.unknown()),
});

export const settingsViewSchema = z.object({
  mode: z.enum(['sandbox', 'live']),
  merchantId: z.string(),
  apiUrl: z.string(),
  gateUrl: z.string(),
  apiPrefix: z.enum(['v3', 'l3']),
  shopName: z.string(),
  language: z.enum(['ru', 'en']),
  orderTtlMinutes: z.number().int(),
  fromEnv: z.array(z.string()),
  /** Shifts and senior PINs (shared/contract/shifts.ts). */
  pinPolicy: pinPolicySchema,
});

export const settingsUpdateInput = settingsViewSchema
  .omit({ fromEnv: true, pinPolicy: true })
  .partial()
  .extend({ pinPolicy: pinPolicyPatchSchema.optional(), approval: approvalSchema.optional() })
  .strict();

export const tokenStatusSchema = z.object({
  state: z.enum(['set', 'not_set', 'env', 'unavailable']),
  reason: z.string().optional(),
});

export const refundLineInput = z.strictObject({
  index: z.number().int().min(0).max(999),
  quantity: z.number().int().min(1),
});

export const refundableItemSchema = z.object({
  index: z.number().int(),
  name: z.string(),
  unitPrice: kopecks,
  quantity: z.number().int(), // thousandths still refundable
  vatCode: z.string(),
});

const empty = z.strictObject({});

/** Every action the renderer may ask for. One entry = one IPC channel `paydesk:<name>`. */
export const contract = {
  'orders.create': { input: createOrderInput, output: orderViewSchema },
  'orders.cancel': {
    input: z.strictObject({ id, approval: approvalSchema.optional() }),
    output: orderViewSchema,
  },
  'orders.refresh': { input: z.strictObject({ id }), output: orderViewSchema },
  'orders.get': { input: z.strictObject({ id }), output: orderDetailSchema },
  'orders.search': { input: searchInput, output: searchResultSchema },
  'refunds.items': { input: z.strictObject({ orderId: id }), output: z.array(refundableItemSchema) },
  'refunds.create': {
    input: z.strictObject({
      orderId: id,
      lines: z.array(refundLineInput).min(1).max(200),
      requestKey: z.string().min(8).max(64),
      approval: approvalSchema.optional(),
    }),
    output: refundViewSchema,
  },
  'connection.get': { input: empty, output: connectionViewSchema },
  'diagnostics.get': {
    input: z.strictObject({ logLines: z.number().int().min(1).max(2000).default(200) }),
    output: diagnosticsSchema,
  },
  'diagnostics.report': { input: empty, output: z.string() },
  'settings.get': { input: empty, output: settingsViewSchema },
  'settings.update': { input: settingsUpdateInput, output: settingsViewSchema },
  'token.status': { input: empty, output: tokenStatusSchema },
  'token.save': {
    input: z.strictObject({ token: z.string().min(1).max(200), approval: approvalSchema.optional() }),
    output: tokenStatusSchema,
  },
  'token.remove': {
    input: z.strictObject({ approval: approvalSchema.optional() }),
    output: tokenStatusSchema,
  },
  ...shiftsContract,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export const events = {
  connection: connectionViewSchema,
  order: orderViewSchema,
  log: z.string(),
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** Errors cross the contract as data, never as stack traces: a code the UI translates, and the request id. */
export const contractErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  requestId: z.string().nullable(),
  fields: z.array(z.object({ name: z.string(), code: z.string() })).optional(),
});
export type ContractError = z.infer<typeof contractErrorSchema>;

// The name lists live in names.ts (no zod, for the preload); these fail to compile if they drift from the schemas.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const methodListMatches: Same<(typeof METHOD_NAME_LIST)[number], MethodName> = true;
const eventListMatches: Same<(typeof EVENT_NAME_LIST)[number], EventName> = true;
void methodListMatches;
void eventListMatches;

export { CHANNEL_PREFIX };
export const METHOD_NAMES: readonly MethodName[] = METHOD_NAME_LIST;
export const EVENT_NAMES: readonly EventName[] = EVENT_NAME_LIST;
