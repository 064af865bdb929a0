/**
 * The shifts part of the contract (issue #7): staff with PINs, the cashier's shift, the end-of-shift report. Spread
 * into `contract` (contract.ts); the names are listed in names.ts.
 *
 * Roles: `cashier` opens a shift and sells; `senior` can do that too and approves what the PIN policy guards
 * (refunds, settings, the token, staff changes) by giving an `approval` — a senior's id and PIN — with the call.
 * PINs are 4–8 digits; they go in, never come back out (the core keeps a salted scrypt hash).
 *
 * Errors (ContractError codes): `pin_required` (a guarded action without a senior's approval), `pin_wrong`,
 * `pin_locked`, `shift_required`, `shift_open_already`, `shift_not_open`, `staff_not_found`, `shift_not_found`,
 * `staff_first_senior`, `staff_last_senior`. `pin_wrong` and `pin_locked` carry their details in `fields` (the one
 * structured channel every bridge already passes through): read them with `pinErrorDetails`.
 */
import { z } from 'zod';
import { ORDER_STATUSES, REFUND_STATUSES } from '../domain/order-status.ts';

const id = z.string().min(1).max(64);
const kopecks = z.number().int().min(-1e13).max(1e13);
const count = z.number().int().min(0);
const iso = z.string();

export const STAFF_ROLES = ['cashier', 'senior'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const PIN_PATTERN = /^\d{4,8}$/;
export const pinSchema = z.string().regex(PIN_PATTERN, 'PIN: 4 to 8 digits');

/** A senior's PIN given with a guarded call. */
export const approvalSchema = z.strictObject({ staffId: id, pin: pinSchema });
export type Approval = z.infer<typeof approvalSchema>;

/**
 * Methods whose senior-PIN requirement the shop can switch on or off (settings `pinPolicy.seniorPinFor`). Staff
 * changes and changes of the PIN policy itself always need a senior once one exists.
 */
export const GUARDABLE_METHODS = [
  'refunds.create',
  'orders.cancel',
  'settings.update',
  'token.save',
  'token.remove',
] as const;
export type GuardableMethod = (typeof GUARDABLE_METHODS)[number];

export const DEFAULT_SENIOR_PIN_FOR: readonly GuardableMethod[] = [
  'refunds.create',
  'settings.update',
  'token.save',
  'token.remove',
];

export const pinPolicySchema = z.object({
  /** Creating orders and refunds (and cancelling) needs an open shift. */
  requireShift: z.boolean(),
  /** Which guardable methods need a senior's PIN (once a senior exists). */
  seniorPinFor: z.array(z.enum(GUARDABLE_METHODS)),
  /** Wrong PINs in a row before a lock (fixed by the core; shown to explain the lock). */
  maxAttempts: z.number().int(),
});
export type PinPolicy = z.infer<typeof pinPolicySchema>;

/** What settings.update accepts for the policy: any part of it (maxAttempts is not configurable). */
export const pinPolicyPatchSchema = z.strictObject({
  requireShift: z.boolean().optional(),
  seniorPinFor: z.array(z.enum(GUARDABLE_METHODS)).max(GUARDABLE_METHODS.length).optional(),
});

export const staffViewSchema = z.object({
  id,
  name: z.string(),
  role: z.enum(STAFF_ROLES),
  active: z.boolean(),
  createdAt: iso,
  /** Set while the PIN is locked after too many wrong tries. */
  lockedUntil: iso.nullable(),
});
export type StaffView = z.infer<typeof staffViewSchema>;

export const shiftViewSchema = z.object({
  id,
  /** 1, 2, 3, … in the order shifts were opened on this console. */
  number: z.number().int().min(1),
  staffId: id,
  cashierName: z.string(),
  openedAt: iso,
  closedAt: iso.nullable(),
  status: z.enum(['open', 'closed']),
});
export type ShiftView = z.infer<typeof shiftViewSchema>;

/** A count with its sums (kopecks, VAT included / VAT alone). */
export const tallySchema = z.object({ count, amount: kopecks, vatAmount: kopecks });
export type Tally = z.infer<typeof tallySchema>;

export const vatTallySchema = tallySchema.extend({
  /** A VAT code of the basket lines (RUS_VAT22, VATNONE, …); `unknown` for lines without a known code. */
  vatCode: z.string(),
});
export type VatTally = z.infer<typeof vatTallySchema>;

export const reportOrderRefSchema = z.object({
  id,
  merchantOrderId: z.string(),
  amount: kopecks,
  expirationDate: iso.nullable(),
  paidAt: iso.nullable(),
});

export const DIFFERENCE_KINDS = [
  /** The gateway's status differs from the console's (e.g. paid while the console missed the notification). */
  'status',
  /** Amount or VAT differs. */
  'amount',
  /** The gateway does not know a document the console has. */
  'missing_on_gateway',
  /** paidAt differs (paid at another time). */
  'paid_at',
] as const;

export const reportDifferenceSchema = z.object({
  kind: z.enum(DIFFERENCE_KINDS),
  document: z.enum(['order', 'refund']),
  id,
  merchantOrderId: z.string(),
  field: z.string(),
  console: z.string().nullable(),
  gateway: z.string().nullable(),
  /** X-Request-Id of the filter API answer that showed it. */
  requestId: z.string().nullable(),
});
export type ReportDifference = z.infer<typeof reportDifferenceSchema>;

export const reportVerificationSchema = z.object({
  /**
   * `verified`: the gateway answered for every document and agrees; `differences`: it answered and the figures below
   * are the gateway's, differences listed; `unverified`: it could not be asked (figures are the console's only).
   */
  state: z.enum(['verified', 'differences', 'unverified']),
  checkedAt: iso.nullable(),
  documents: count,
  differences: z.array(reportDifferenceSchema),
  /** Request ids of the filter API answers used. */
  requestIds: z.array(z.string()),
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string().nullable() }).nullable(),
});
export type ReportVerification = z.infer<typeof reportVerificationSchema>;

export const shiftReportSchema = z.object({
  shift: shiftViewSchema,
  generatedAt: iso,
  currency: z.string(),
  /** Orders created during the shift, by their current status. */
  orders: z.object({
    total: tallySchema,
    byStatus: z.object(
      Object.fromEntries(ORDER_STATUSES.map((s) => [s, tallySchema])) as {
        [K in (typeof ORDER_STATUSES)[number]]: typeof tallySchema;
      },
    ),
  }),
  /** Paid orders of the shift by VAT rate (from each order's basket lines). */
  salesByVat: z.array(vatTallySchema),
  /** Refunds made during the shift (of any order), by status; by VAT rate those that count (created, completed). */
  refunds: z.object({
    total: tallySchema,
    byStatus: z.object(
      Object.fromEntries(REFUND_STATUSES.map((s) => [s, tallySchema])) as {
        [K in (typeof REFUND_STATUSES)[number]]: typeof tallySchema;
      },
    ),
    byVat: z.array(vatTallySchema),
  }),
  /** Orders cancelled during the shift (by this console's cashier). */
  cancels: tallySchema,
  /** Orders of the shift paid after their expiration date (late payments). */
  paidAfterExpiry: z.object({ count, amount: kopecks, orders: z.array(reportOrderRefSchema) }),
  totals: z.object({
    /** Σ paid orders of the shift. */
    paid: kopecks,
    paidVat: kopecks,
    /** Σ refunds of the shift that count (created, completed). */
    refunded: kopecks,
    refundedVat: kopecks,
    /** paid − refunded: the figure `report-total` shows. */
    net: kopecks,
    netVat: kopecks,
  }),
  verification: reportVerificationSchema,
});
export type ShiftReport = z.infer<typeof shiftReportSchema>;

const empty = z.strictObject({});

export const shiftsContract = {
  'staff.list': { input: empty, output: z.array(staffViewSchema) },
  /**
   * Create (no id) or change a staff member. The very first one must be a senior and needs no approval; after that a
   * senior's approval is required. `pin` is required when creating, optional when changing.
   */
  'staff.save': {
    input: z.strictObject({
      id: id.optional(),
      name: z.string().trim().min(1).max(100),
      role: z.enum(STAFF_ROLES),
      pin: pinSchema.optional(),
      active: z.boolean().optional(),
      approval: approvalSchema.optional(),
    }),
    output: staffViewSchema,
  },
  /** Deactivates (history keeps the name). The last active senior cannot be removed. */
  'staff.remove': {
    input: z.strictObject({ id, approval: approvalSchema.optional() }),
    output: z.array(staffViewSchema),
  },
  'shift.current': { input: empty, output: shiftViewSchema.nullable() },
  'shift.open': { input: z.strictObject({ staffId: id, pin: pinSchema }), output: shiftViewSchema },
  /** Closes the open shift: the PIN of its cashier (or, with staffId, of a senior). Returns the closing report. */
  'shift.close': {
    input: z.strictObject({ pin: pinSchema, staffId: id.optional() }),
    output: shiftReportSchema,
  },
  /** The report of a shift (default: the open one, else the last one), checked against the gateway. */
  'shift.report': {
    input: z.strictObject({ shiftId: id.optional(), verify: z.boolean().default(true) }),
    output: shiftReportSchema,
  },
  /** Newest first; `before`: a shift number, for the next page (shifts numbered below it). */
  'shift.list': {
    input: z.strictObject({
      limit: z.number().int().min(1).max(200).default(50),
      before: z.number().int().optional(),
    }),
    output: z.array(shiftViewSchema),
  },
  /** CSV text (UTF-8 with BOM, `;`-separated, CRLF; see electron/core/shifts/csv.ts). */
  'shift.exportCsv': { input: z.strictObject({ shiftId: id }), output: z.string() },
  /** A printable PDF (A4), base64. */
  'shift.exportPdf': { input: z.strictObject({ shiftId: id }), output: z.string() },
} as const;

export type ShiftMethodName = keyof typeof shiftsContract;

export const SHIFT_ERROR_CODES = [
  'pin_required',
  'pin_wrong',
  'pin_locked',
  'shift_required',
  'shift_open_already',
  'shift_not_open',
  'shift_not_found',
  'staff_not_found',
  'staff_first_senior',
  'staff_last_senior',
] as const;

/** The details of a `pin_wrong` / `pin_locked` error, read from its `fields`. */
export function pinErrorDetails(error: { fields?: { name: string; code: string }[] | undefined }): {
  attemptsLeft: number | null;
  lockedUntil: string | null;
} {
  const field = (name: string) => error.fields?.find((f) => f.name === name)?.code ?? null;
  const left = field('attemptsLeft');
  return {
    attemptsLeft: left !== null && /^\d+$/.test(left) ? Number(left) : null,
    lockedUntil: field('lockedUntil'),
  };
}
