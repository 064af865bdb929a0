/**
 * Request validation as the gateway does it, in two steps, both answered 422 with the culprits in `error.fields`:
 *  1. the wire format: the strict zod schemas of shared/invoicebox/schemas.ts (unknown fields refused), plus money with
 *     more than two decimals (quantities: three) → top-level code `validation_error`, field codes
 *     `required` | `unknown_field` | `wrong_value`;
 *  2. the business rules: basket arithmetic (checkLine/checkTotals from shared/domain/basket.ts — the very code the
 *     console uses), currency, language, expiration → top-level code = the first broken rule's code.
 * No arithmetic lives here: this file only converts units and names fields.
 */
import type { z } from 'zod';
import { HttpError } from './http-util.ts';
import { kopecksFromApi, milliFromApi, MoneyError, type Kopecks } from '../../shared/domain/money.ts';
import {
  checkLine,
  checkTotals,
  type LineAmounts,
  type LineError,
  type LineToCheck,
  type RoundPolicy,
  type TotalsError,
} from '../../shared/domain/basket.ts';
import { CURRENCIES, LANGUAGES, type BasketItem } from '../../shared/invoicebox/schemas.ts';

export interface FieldError {
  name: string;
  code: string;
  message: string;
}

/** An expiration date further ahead than this is refused as absurd (sandbox rule; the docs set no limit). */
export const MAX_EXPIRATION_MS = 366 * 24 * 60 * 60 * 1000;

export function validationError(fields: FieldError[]): HttpError {
  return new HttpError(422, 'validation_error', 'Request validation failed', fields);
}

/** 422 named after the first broken rule, listing every broken rule. */
export function businessError(fields: FieldError[]): HttpError {
  const first = fields[0]!;
  return new HttpError(422, first.code, first.message, fields);
}

/** Parses a request body with a strict schema; 422 `validation_error` naming each offending field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): ReturnType<S['parse']> {
  const result = schema.safeParse(body);
  if (result.success) return result.data as ReturnType<S['parse']>;
  throw validationError(issueFields(result.error, body));
}

function issueFields(error: z.ZodError, body: unknown): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        name: fieldName([...path, key]),
        code: 'unknown_field',
        message: `Unknown field ${key}`,
      }));
    }
    const missing = issue.code === 'invalid_type' && valueAt(body, path) === undefined;
    return [{ name: fieldName(path), code: missing ? 'required' : 'wrong_value', message: issue.message }];
  });
}

function fieldName(path: readonly string[]): string {
  return path.length === 0 ? 'body' : path.join('.');
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A request's money in integer units. */
export interface Figures {
  amount: Kopecks;
  vatAmount: Kopecks;
  lines: LineToCheck[];
}

interface MoneyRequest {
  amount: number;
  vatAmount: number;
  basketItems: readonly BasketItem[];
}

/** The API's floats → kopecks and thousandths; too many decimals → 422 `validation_error` / `wrong_value`. */
export function toFigures(req: MoneyRequest): Figures {
  const errors: FieldError[] = [];
  const convert = (from: (v: number) => number, value: number, name: string): number => {
    try {
      return from(value);
    } catch (err) {
      if (!(err instanceof MoneyError)) throw err;
      errors.push({ name, code: 'wrong_value', message: err.message });
      return 0;
    }
  };
  const figures: Figures = {
    amount: convert(kopecksFromApi, req.amount, 'amount'),
    vatAmount: convert(kopecksFromApi, req.vatAmount, 'vatAmount'),
    lines: req.basketItems.map((item, i) => {
      const at = (field: string): string => `basketItems.${i}.${field}`;
      if (item.excise !== undefined) convert(kopecksFromApi, item.excise, at('excise'));
      return {
        quantity: convert(milliFromApi, item.quantity, at('quantity')),
        amount: convert(kopecksFromApi, item.amount, at('amount')),
        amountWoVat: convert(kopecksFromApi, item.amountWoVat, at('amountWoVat')),
        totalAmount: convert(kopecksFromApi, item.totalAmount, at('totalAmount')),
        totalVatAmount: convert(kopecksFromApi, item.totalVatAmount, at('totalVatAmount')),
        vatCode: item.vatCode,
      };
    }),
  };
  if (errors.length > 0) throw validationError(errors);
  return figures;
}

const LINE_ERROR_FIELD: Record<LineError, keyof LineAmounts> = {
  wrong_basket_item_total_amount: 'totalAmount',
  wrong_basket_item_amount_wo_vat: 'amountWoVat',
  wrong_basket_item_total_vat_amount: 'totalVatAmount',
};

const LINE_ERROR_MESSAGE: Record<LineError, string> = {
  wrong_basket_item_total_amount: 'totalAmount does not match amount × quantity under the round policy',
  wrong_basket_item_amount_wo_vat: 'amountWoVat does not match amount and the VAT rate',
  wrong_basket_item_total_vat_amount: 'totalVatAmount does not match the line total and the VAT rate',
};

/** The arithmetic errors of basket line `index`, as fields. */
export function lineErrors(line: LineToCheck, index: number, policy: RoundPolicy): FieldError[] {
  return checkLine(line, policy).map((code) => ({
    name: `basketItems.${index}.${LINE_ERROR_FIELD[code]}`,
    code,
    message: LINE_ERROR_MESSAGE[code],
  }));
}

const TOTALS_ERROR: Record<TotalsError, FieldError> = {
  wrong_total_amount: {
    name: 'amount',
    code: 'wrong_total_amount',
    message: 'amount ≠ Σ basketItems.totalAmount',
  },
  wrong_total_vat_amount: {
    name: 'vatAmount',
    code: 'wrong_total_vat_amount',
    message: 'vatAmount ≠ Σ basketItems.totalVatAmount',
  },
};

export function totalsErrors(figures: Figures): FieldError[] {
  return checkTotals(figures.lines, figures.amount, figures.vatAmount).map((code) => ({
    ...TOTALS_ERROR[code],
  }));
}

/** Every arithmetic rule of a basket: each line, then the order totals. */
export function basketErrors(figures: Figures, policy: RoundPolicy): FieldError[] {
  return [...figures.lines.flatMap((line, i) => lineErrors(line, i, policy)), ...totalsErrors(figures)];
}

export function currencyError(currencyId: string): FieldError | null {
  if ((CURRENCIES as readonly string[]).includes(currencyId)) return null;
  return {
    name: 'currencyId',
    code: 'wrong_currency',
    message: `Currency must be one of ${CURRENCIES.join(', ')}`,
  };
}

export function languageError(languageId: string | undefined): FieldError | null {
  if (languageId === undefined || (LANGUAGES as readonly string[]).includes(languageId)) return null;
  return {
    name: 'languageId',
    code: 'language_not_found',
    message: `Language must be one of ${LANGUAGES.join(', ')}`,
  };
}

/** The expiration date must lie in the future, and not more than MAX_EXPIRATION_MS ahead. */
export function expirationError(expirationDate: string, now: Date): FieldError | null {
  const ahead = Date.parse(expirationDate) - now.getTime();
  if (ahead > 0 && ahead <= MAX_EXPIRATION_MS) return null;
  return {
    name: 'expirationDate',
    code: 'wrong_expiration_date',
    message: ahead > 0 ? 'expirationDate is more than a year ahead' : 'expirationDate must be in the future',
  };
}

export function duplicateError(): HttpError {
  return businessError([
    {
      name: 'merchantOrderId',
      code: 'merchant_order_id_duplicate',
      message: 'merchantOrderId is already used by another order or refund of this merchant',
    },
  ]);
}

/** Throws `businessError` when any rule failed. */
export function rejectIfAny(errors: readonly (FieldError | null)[]): void {
  const fields = errors.filter((e): e is FieldError => e !== null);
  if (fields.length > 0) throw businessError(fields);
}
