/**
 * The Invoicebox API v3 wire format as zod schemas: one definition for the sandbox (which validates requests the way
 * the gateway does: strictly, unknown fields refused) and for the console's API client (which validates responses
 * leniently: unknown fields kept, the fields it relies on checked). Money here is the API's float; convert with
 * shared/domain/money.ts at once.
 */
import { z } from 'zod';
import { ORDER_STATUSES, REFUND_STATUSES } from '../domain/order-status.ts';
import { ROUND_POLICIES } from '../domain/basket.ts';
import { VAT_CODES } from '../domain/vat.ts';

export const CURRENCIES = ['RUB', 'USD', 'EUR', 'GBP'] as const;
export const LANGUAGES = ['ru', 'en'] as const;
export const PAYMENT_TYPES = ['full_prepayment', 'prepayment', 'advance', 'full_payment'] as const;
export const ITEM_TYPES = ['service', 'commodity'] as const;

/** ATOM datetime, `2020-12-22T00:00:00+00:00` (an offset is required; `Z` accepted). */
export const atomDateTime = z.iso.datetime({ offset: true });
const money = z.number().finite();
const str = (max: number) => z.string().max(max);
const uuid36 = z.string().max(36);

export const basketItemSchema = z.strictObject({
  sku: str(500).min(1),
  name: str(500).min(1),
  groupName: str(500).optional(),
  measure: str(10).min(1),
  measureCode: str(4).min(1),
  originCountry: str(20).optional(),
  originCountryCode: str(4).optional(),
  grossWeight: z.number().finite().nonnegative().optional(),
  netWeight: z.number().finite().nonnegative().optional(),
  quantity: z.number().finite().positive(),
  amount: money.nonnegative(),
  amountWoVat: money.nonnegative(),
  totalAmount: money.nonnegative(),
  totalVatAmount: money.nonnegative(),
  excise: money.nonnegative().optional(),
  vatCode: z.enum(VAT_CODES),
  // A tag-1212 code may be sent as a number or a numeric string instead of service/commodity.
  type: z.union([z.enum(ITEM_TYPES), z.number().int().min(1).max(33), z.string().regex(/^\d{1,2}$/)]),
  serviceDate: z.iso.date().optional(),
  paymentType: z.enum(PAYMENT_TYPES),
  categoryType: z.enum(['merchantHonestSignMap', 'honestSign']).optional(),
  category: str(20).optional(),
  metaData: z.record(z.string(), z.unknown()).optional(),
});
export type BasketItem = z.infer<typeof basketItemSchema>;

export const customerSchema = z.strictObject({
  type: z.enum(['legal', 'private']).optional(),
  name: str(500).optional(),
  phone: str(100).optional(),
  email: str(100).optional(),
  vatNumber: str(20).optional(),
  taxRegistrationReasonCode: str(9).optional(),
  registrationAddress: str(1000).optional(),
});
export type Customer = z.infer<typeof customerSchema>;

export const invoiceSettingSchema = z.strictObject({
  customerLocked: z.boolean().optional(),
  customerLockedFields: z.array(z.string().max(50)).max(20).optional(),
  paymentMethodIdLocked: z.boolean().optional(),
  paymentMethodId: z.number().int().optional(),
  deliveryAddress: z.string().max(1000).optional(),
});

export const orderSettingSchema = z.strictObject({
  roundPolicy: z.enum(ROUND_POLICIES).optional(),
});

export const createOrderRequestSchema = z.strictObject({
  description: str(1000).min(1),
  merchantId: uuid36.min(1),
  merchantOrderId: str(256).min(1),
  merchantOrderIdVisible: str(256).optional(),
  amount: money.nonnegative(),
  vatAmount: money.nonnegative(),
  currencyId: z.string().length(3),
  languageId: z.string().length(2).optional(),
  expirationDate: atomDateTime,
  basketItems: z.array(basketItemSchema).min(1).max(1000),
  customer: customerSchema,
  metaData: z.record(z.string(), z.unknown()).optional(),
  notificationUrl: str(1000).optional(),
  successUrl: str(1000).optional(),
  failUrl: str(1000).optional(),
  returnUrl: str(1000).optional(),
  invoiceSetting: invoiceSettingSchema.optional(),
  orderSetting: orderSettingSchema.optional(),
  parentId: uuid36.optional(),
  orderContainerId: uuid36.optional(),
  shopId: uuid36.optional(),
  userAccountId: uuid36.optional(),
  processable: z.boolean().optional(),
});
export type CreateOrderRequest = z.infer<typeof createOrderRequestSchema>;

/** PUT: every field optional, the same rules. */
export const updateOrderRequestSchema = createOrderRequestSchema.partial();
export type UpdateOrderRequest = z.infer<typeof updateOrderRequestSchema>;

export const createRefundRequestSchema = z.strictObject({
  parentId: uuid36.min(1),
  merchantOrderId: str(256).min(1),
  merchantId: uuid36.optional(),
  description: str(1000).min(1),
  amount: money.positive(),
  vatAmount: money.nonnegative(),
  currencyId: z.string().length(3).optional(),
  basketItems: z.array(basketItemSchema).min(1).max(1000),
  status: z.literal('draft').optional(),
});
export type CreateRefundRequest = z.infer<typeof createRefundRequestSchema>;

// ---- Responses: lenient (loose objects keep unknown fields), but what the console relies on is checked. ----

const looseBasketItem = z.looseObject({
  sku: z.string(),
  name: z.string(),
  measure: z.string(),
  measureCode: z.string(),
  quantity: z.number(),
  amount: z.number(),
  amountWoVat: z.number(),
  totalAmount: z.number(),
  totalVatAmount: z.number(),
  vatCode: z.string(),
  type: z.union([z.string(), z.number()]),
  paymentType: z.string(),
});
export type ResponseBasketItem = z.infer<typeof looseBasketItem>;
export const responseBasketItemSchema = looseBasketItem;

export const orderResponseSchema = z.looseObject({
  id: z.string().min(1),
  merchantId: z.string(),
  merchantOrderId: z.string(),
  description: z.string().optional(),
  amount: z.number(),
  vatAmount: z.number(),
  currencyId: z.string(),
  status: z.enum(ORDER_STATUSES),
  paymentUrl: z.string().optional(),
  createdAt: z.string(),
  expirationDate: z.string().optional(),
  paidAt: z.string().nullish(),
  basketItems: z.array(looseBasketItem).optional(),
  customer: z.unknown().optional(),
  subtype: z.string().optional(),
  parentId: z.string().nullish(),
});
export type OrderResponse = z.infer<typeof orderResponseSchema>;

export const refundOrderResponseSchema = z.looseObject({
  id: z.string().min(1),
  parentId: z.string(),
  merchantOrderId: z.string(),
  merchantId: z.string().optional(),
  description: z.string().optional(),
  amount: z.number(),
  vatAmount: z.number(),
  currencyId: z.string().optional(),
  basketItems: z.array(looseBasketItem).optional(),
  createdAt: z.string(),
  status: z.enum(REFUND_STATUSES),
});
export type RefundOrderResponse = z.infer<typeof refundOrderResponseSchema>;

export const authResponseSchema = z.looseObject({
  userId: z.union([z.string(), z.number()]).nullable(),
  profile: z.unknown().optional(),
  accessToken: z.unknown().optional(),
});

export const errorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    code: z.string().optional(),
    fields: z
      .array(z.looseObject({ name: z.string(), code: z.string().optional(), message: z.string().optional() }))
      .optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export function successBodySchema<T extends z.ZodType>(data: T) {
  return z.looseObject({ data, extendedData: z.unknown().optional() });
}

/**
 * What the gate sends in `onOrderStatusChange`: the order (same shape as OrderResponse), or, for a refund, the refund
 * order with `subtype: "refund"` and `parentId` (the refund shape is inferred: the docs show only orders).
 */
export const orderNotificationSchema = z.looseObject({
  id: z.string().min(1).max(64),
  merchantId: z.string().max(64),
  merchantOrderId: z.string().max(256).optional(),
  status: z.string().max(50),
  amount: z.number().finite(),
  vatAmount: z.number().finite().optional(),
  currencyId: z.string().max(3).optional(),
  subtype: z.string().max(50).optional(),
  parentId: z.string().max(64).nullish(),
  createdAt: z.string().max(64).optional(),
});
export type OrderNotification = z.infer<typeof orderNotificationSchema>;

/** The monitoring service's test notification: this order id, empty merchantOrderId. */
export const TEST_NOTIFICATION_ORDER_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** Answer codes of a notification (HTTP body and, inferred, the gate's JSON-RPC result). */
export const NOTIFICATION_ERROR_CODES = [
  'out_of_service',
  'order_wrong_amount',
  'order_already_paid',
  'order_not_found',
  'shipping_unavailable',
  'signature_error',
] as const;
export type NotificationErrorCode = (typeof NOTIFICATION_ERROR_CODES)[number];

export type NotificationResult =
  { status: 'success' } | { status: 'error'; code: NotificationErrorCode; message: string };
