/**
 * The Xsolla wire formats the adapter reads (pure): a publication's data `{order_id, status}` and the Get order body
 * `{order_id, status, content: {price: {amount, currency, …}, …}}`. Amounts arrive as decimal strings ("9.99") —
 * numbers are accepted too — and become integer minor units at this edge.
 */
import { z } from 'zod';

const orderId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);

const publicationSchema = z.looseObject({ order_id: orderId, status: z.string().min(1) });

const getOrderSchema = z.looseObject({
  order_id: orderId,
  status: z.string().min(1),
  content: z
    .looseObject({
      price: z
        .looseObject({
          amount: z.union([z.string(), z.number()]).nullish(),
          currency: z.string().nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

export interface StatusMessage {
  orderId: string;
  rawStatus: string;
}

export interface OrderDetails extends StatusMessage {
  /** Minor units, when the order has a price in real money. */
  amount: number | null;
  currency: string | null;
}

/** A publication's data; null when it is not an order status message. */
export function parsePublication(data: unknown): StatusMessage | null {
  const parsed = publicationSchema.safeParse(data);
  return parsed.success ? { orderId: parsed.data.order_id, rawStatus: parsed.data.status } : null;
}

/** A Get order body; null when it has no order id and status. */
export function parseGetOrder(body: unknown): OrderDetails | null {
  const parsed = getOrderSchema.safeParse(body);
  if (!parsed.success) return null;
  const price = parsed.data.content?.price;
  const currency =
    typeof price?.currency === 'string' && /^[A-Z]{3}$/.test(price.currency) ? price.currency : null;
  const amount =
    currency !== null && price?.amount !== undefined && price.amount !== null
      ? toMinorUnits(price.amount, currency)
      : null;
  return {
    orderId: parsed.data.order_id,
    rawStatus: parsed.data.status,
    amount,
    currency: amount === null ? null : currency,
  };
}

/** Minor-unit exponent of an ISO 4217 currency: 2 for USD, 0 for JPY, 3 for KWD (ICU's data; 2 when unknown). */
export function currencyExponent(currency: string): number {
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
    return digits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * "2049.5000" USD → 204950. Exact decimal arithmetic on the digits (no floats); digits beyond the currency's
 * exponent must be zeros, else null (an amount we cannot show exactly is not shown).
 */
export function toMinorUnits(amount: string | number, currency: string): number | null {
  const text = typeof amount === 'number' ? (Number.isFinite(amount) ? String(amount) : '') : amount.trim();
  const match = /^(\d{1,15})(?:\.(\d{1,12}))?$/.exec(text);
  if (!match) return null;
  const exp = currencyExponent(currency);
  const frac = match[2] ?? '';
  if (/[1-9]/.test(frac.slice(exp))) return null;
  const minor = Number(match[1]) * 10 ** exp + Number(frac.slice(0, exp).padEnd(exp, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : null;
}
