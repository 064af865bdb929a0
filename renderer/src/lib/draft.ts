/**
 * The new-order form as pure data: what the cashier typed (strings) → validated contract input (integers), with an
 * error code per field so the form can show the problem at the field before anything is sent. The rules mirror the
 * contract's zod schemas (shared/contract/contract.ts); test/renderer/draft.test.ts holds the two together.
 */
import type { CreateOrderInput } from '../../../shared/contract/contract.ts';
import { computeBasket, type BasketTotals } from '../../../shared/domain/basket.ts';
import { parseQuantity, parseRubles } from '../../../shared/domain/money.ts';
import { DEFAULT_VAT_CODE, type VatCode } from '../../../shared/domain/vat.ts';
import { DEFAULT_UNIT_CODE, unitByCode } from './okei.ts';

export type ItemType = 'service' | 'commodity';
export type PaymentType = 'full_prepayment' | 'prepayment' | 'advance' | 'full_payment';
export const ITEM_TYPES: readonly ItemType[] = ['commodity', 'service'];
export const PAYMENT_TYPES: readonly PaymentType[] = [
  'full_payment',
  'full_prepayment',
  'prepayment',
  'advance',
];

/** One basket line as the contract takes it (integers: kopecks, thousandths). */
export type DraftLineInput = CreateOrderInput['lines'][number];
export type CustomerInput = NonNullable<CreateOrderInput['customer']>;

export const MAX_LINES = 200;
export const MAX_NAME = 500;
export const MAX_KOPECKS = 1e13;
export const MAX_TTL_MINUTES = 60 * 24 * 30;
export const MAX_DESCRIPTION = 1000;

export type FieldError =
  | 'required'
  | 'too_long'
  | 'price_invalid'
  | 'price_zero'
  | 'price_too_big'
  | 'qty_invalid'
  | 'qty_too_big'
  | 'unit_invalid'
  | 'email_invalid'
  | 'phone_invalid'
  | 'inn_invalid'
  | 'inn_checksum'
  | 'ttl_invalid'
  | 'lines_empty'
  | 'lines_too_many'
  | 'total_too_big';

/** The entry row: the line being typed (field values exactly as typed). */
export interface EntryRow {
  name: string;
  price: string;
  qty: string;
  unitCode: string;
  vatCode: VatCode;
  type: ItemType;
  paymentType: PaymentType;
}

export type EntryField = 'name' | 'price' | 'qty' | 'unit';
export type EntryErrors = Partial<Record<EntryField, FieldError>>;

export function emptyEntry(
  defaults?: Partial<Pick<EntryRow, 'vatCode' | 'type' | 'paymentType' | 'unitCode'>>,
): EntryRow {
  return {
    name: '',
    price: '',
    qty: '1',
    unitCode: defaults?.unitCode ?? DEFAULT_UNIT_CODE,
    vatCode: defaults?.vatCode ?? DEFAULT_VAT_CODE,
    type: defaults?.type ?? 'commodity',
    paymentType: defaults?.paymentType ?? 'full_payment',
  };
}

/** Nothing typed yet: Enter in an empty entry row means "create the order", not "add a line". */
export function isEntryBlank(entry: EntryRow): boolean {
  return (
    entry.name.trim() === '' &&
    entry.price.trim() === '' &&
    (entry.qty.trim() === '' || entry.qty.trim() === '1')
  );
}

export function validateEntry(entry: EntryRow): { line: DraftLineInput | null; errors: EntryErrors } {
  const errors: EntryErrors = {};
  const name = entry.name.trim();
  if (name === '') errors.name = 'required';
  else if (name.length > MAX_NAME) errors.name = 'too_long';

  let unitPrice: number | null = null;
  if (entry.price.trim() === '') errors.price = 'required';
  else {
    unitPrice = parseRubles(entry.price);
    if (unitPrice === null) errors.price = 'price_invalid';
    else if (unitPrice < 1) errors.price = 'price_zero';
    else if (unitPrice > MAX_KOPECKS) errors.price = 'price_too_big';
  }

  let quantity: number | null = null;
  if (entry.qty.trim() === '') errors.qty = 'required';
  else {
    quantity = parseQuantity(entry.qty);
    if (quantity === null) errors.qty = 'qty_invalid';
    else if (quantity > 1e9) errors.qty = 'qty_too_big';
  }

  const unit = unitByCode(entry.unitCode);
  if (!unit) errors.unit = 'unit_invalid';

  if (Object.keys(errors).length > 0 || unitPrice === null || quantity === null || !unit)
    return { line: null, errors };
  // A line total beyond the contract's ceiling is refused at the price, where the cashier can fix it.
  const total = computeBasket([{ unitPrice, quantity, vatCode: entry.vatCode }]).amount;
  if (total > MAX_KOPECKS) return { line: null, errors: { price: 'price_too_big' } };
  return {
    line: {
      name,
      unitPrice,
      quantity,
      vatCode: entry.vatCode,
      measure: unit.symbol,
      measureCode: unit.code,
      type: entry.type,
      paymentType: entry.paymentType,
    },
    errors,
  };
}

// ── customer ────────────────────────────────────────────────────────────────────────────────────────────────────

export interface CustomerDraft {
  type: 'private' | 'legal';
  name: string;
  phone: string;
  email: string;
  inn: string;
}

export type CustomerField = 'name' | 'phone' | 'email' | 'inn';
export type CustomerErrors = Partial<Record<CustomerField, FieldError>>;

export function emptyCustomer(): CustomerDraft {
  return { type: 'private', name: '', phone: '', email: '', inn: '' };
}

export function isCustomerBlank(c: CustomerDraft): boolean {
  return c.name.trim() === '' && c.phone.trim() === '' && c.email.trim() === '' && c.inn.trim() === '';
}

// The same pattern zod 4's z.email() uses, so the form refuses exactly what the core would.
const EMAIL =
  /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export function isValidEmail(value: string): boolean {
  return value.length <= 100 && EMAIL.test(value);
}

/** `+7 (912) 345-67-89`, `8 912 345 67 89`, `+44 20 7946 0958` → `+79123456789`…; null when it is not a phone. */
export function normalizePhone(value: string): string | null {
  const trimmed = value.trim();
  if (!/^\+?[\d\s()\-.]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/\D/g, '');
  if (!trimmed.startsWith('+') && digits.length === 11 && digits.startsWith('8'))
    digits = `7${digits.slice(1)}`;
  if (!trimmed.startsWith('+') && digits.length === 10) digits = `7${digits}`;
  if (digits.length < 11 || digits.length > 15) return null;
  return `+${digits}`;
}

/** ИНН check digits (10 digits: organisation, 12: person or sole trader). */
export function isValidInn(inn: string): boolean {
  if (!/^(\d{10}|\d{12})$/.test(inn)) return false;
  const d = [...inn].map(Number);
  const check = (weights: number[]): number => (weights.reduce((sum, w, i) => sum + w * d[i]!, 0) % 11) % 10;
  if (d.length === 10) return check([2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[9];
  return (
    check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[10] && check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[11]
  );
}

export function validateCustomer(c: CustomerDraft): {
  customer: CustomerInput | undefined;
  errors: CustomerErrors;
} {
  const errors: CustomerErrors = {};
  if (isCustomerBlank(c)) return { customer: undefined, errors };
  const customer: CustomerInput = { type: c.type };
  const name = c.name.trim();
  if (name.length > 500) errors.name = 'too_long';
  else if (name !== '') customer.name = name;
  if (c.phone.trim() !== '') {
    const phone = normalizePhone(c.phone);
    if (phone === null) errors.phone = 'phone_invalid';
    else customer.phone = phone;
  }
  const email = c.email.trim();
  if (email !== '') {
    if (!isValidEmail(email)) errors.email = 'email_invalid';
    else customer.email = email;
  }
  const inn = c.inn.replace(/\s/g, '');
  if (inn !== '') {
    if (!/^(\d{10}|\d{12})$/.test(inn)) errors.inn = 'inn_invalid';
    else if (!isValidInn(inn)) errors.inn = 'inn_checksum';
    else customer.vatNumber = inn;
  }
  return { customer: Object.keys(errors).length > 0 ? undefined : customer, errors };
}

// ── the whole order ─────────────────────────────────────────────────────────────────────────────────────────────

export interface OrderDraftState {
  lines: DraftLineInput[];
  customer: CustomerDraft;
  customerOpen: boolean;
  description: string;
  ttl: string;
}

export interface OrderErrors {
  lines?: FieldError;
  ttl?: FieldError;
  description?: FieldError;
  customer: CustomerErrors;
}

export function totalsOf(lines: readonly DraftLineInput[]): BasketTotals {
  return computeBasket(lines);
}

export function parseTtl(value: string): number | null {
  const s = value.trim();
  if (!/^\d{1,6}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= MAX_TTL_MINUTES ? n : null;
}

export function hasErrors(errors: OrderErrors): boolean {
  return (
    errors.lines !== undefined ||
    errors.ttl !== undefined ||
    errors.description !== undefined ||
    Object.keys(errors.customer).length > 0
  );
}

/** The draft → the exact `orders.create` input, or the errors to show. */
export function buildCreateInput(
  draft: OrderDraftState,
  requestKey: string,
): { input: CreateOrderInput | null; errors: OrderErrors } {
  const errors: OrderErrors = { customer: {} };
  if (draft.lines.length === 0) errors.lines = 'lines_empty';
  else if (draft.lines.length > MAX_LINES) errors.lines = 'lines_too_many';
  else if (totalsOf(draft.lines).amount > MAX_KOPECKS) errors.lines = 'total_too_big';
  const ttl = parseTtl(draft.ttl);
  if (ttl === null) errors.ttl = 'ttl_invalid';
  const description = draft.description.trim();
  if (description.length > MAX_DESCRIPTION) errors.description = 'too_long';
  const { customer, errors: customerErrors } = draft.customerOpen
    ? validateCustomer(draft.customer)
    : { customer: undefined, errors: {} };
  errors.customer = customerErrors;
  if (hasErrors(errors) || ttl === null) return { input: null, errors };
  const input: CreateOrderInput = { lines: draft.lines.map((l) => ({ ...l })), ttlMinutes: ttl, requestKey };
  if (description !== '') input.description = description;
  if (customer) input.customer = customer;
  return { input, errors };
}

/** A fresh idempotency key for one attempt (a retry of the same attempt reuses it). */
export function newRequestKey(): string {
  return `rk-${globalThis.crypto.randomUUID()}`;
}
