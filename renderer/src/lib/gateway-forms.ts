/**
 * The two small forms of the other gateways, pure: a WellPay invoice (title + price in UAH, typed as the cashier types
 * it) → `wellpay.create` input in kopiykas; an Xsolla order to follow (project id, order id, the user's JWT) →
 * `xsolla.track` input. Errors are codes the screens translate (`gateway.err.<code>`); nothing is sent while one is set.
 */
import { parseRubles } from '../../../shared/domain/money.ts';

export type GatewayFieldError =
  | 'required'
  | 'too_long'
  | 'amount_invalid'
  | 'amount_zero'
  | 'amount_too_big'
  | 'id_invalid'
  | 'token_invalid';

// ── WellPay ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** The contract's limits (shared/contract/providers.ts): title 1–200 characters, 1 … 10¹¹ kopiykas. */
export const WELLPAY_TITLE_MAX_CHARS = 200;
export const WELLPAY_MAX_KOPIYKAS = 1e11;
/**
 * WellPay's payload is RSA-encrypted whole: with a 4096-bit key the JSON plaintext may be at most 501 bytes. The rest
 * of a `create` payload (`{"type":"create","title":…,"price":"…","verificationWord":"bandasosamba"}`) takes at most
 * 84 bytes, so the title, JSON-encoded, gets 400 — the core checks the exact size again before sending; this only
 * tells the cashier at the field instead of after a round trip (200 Cyrillic letters are 402 bytes).
 */
export const WELLPAY_TITLE_MAX_BYTES = 400;

export interface WellpayDraft {
  title: string;
  /** Hryvnias as typed: `150`, `150,50`, `1 500.5`. */
  amount: string;
}

export interface WellpayErrors {
  title?: GatewayFieldError;
  amount?: GatewayFieldError;
}

export interface WellpayInput {
  title: string;
  amount: number;
  requestKey: string;
}

export function titleBytes(title: string): number {
  return new TextEncoder().encode(JSON.stringify(title)).length;
}

export function validateWellpay(draft: WellpayDraft): {
  value: Omit<WellpayInput, 'requestKey'> | null;
  errors: WellpayErrors;
} {
  const errors: WellpayErrors = {};
  const title = draft.title.trim();
  if (title === '') errors.title = 'required';
  else if ([...title].length > WELLPAY_TITLE_MAX_CHARS || titleBytes(title) > WELLPAY_TITLE_MAX_BYTES)
    errors.title = 'too_long';
  let amount: number | null = null;
  if (draft.amount.trim() === '') errors.amount = 'required';
  else {
    amount = parseRubles(draft.amount);
    if (amount === null) errors.amount = 'amount_invalid';
    else if (amount <= 0) errors.amount = 'amount_zero';
    else if (amount > WELLPAY_MAX_KOPIYKAS) errors.amount = 'amount_too_big';
  }
  if (Object.keys(errors).length > 0 || amount === null) return { value: null, errors };
  return { value: { title, amount }, errors };
}

// ── Xsolla ───────────────────────────────────────────────────────────────────────────────────────────────────────

export interface XsollaDraft {
  projectId: string;
  orderId: string;
  /** The user's JWT, as pasted (a leading `Bearer ` is dropped). */
  token: string;
}

export interface XsollaErrors {
  projectId?: GatewayFieldError;
  orderId?: GatewayFieldError;
  token?: GatewayFieldError;
}

export interface XsollaTrackValue {
  projectId: number;
  orderId: number;
  token: string;
}

const MAX_PROJECT = 2 ** 31;

function positiveInt(text: string, max: number): number | null {
  const s = text.replace(/[\s\u00a0\u202f]/g, '');
  if (!/^\d{1,16}$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) && n >= 1 && n <= max ? n : null;
}

/** A JWT: three base64url parts (the signature may be empty only in theory; Xsolla's are signed). */
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function normaliseToken(token: string): string {
  return token.trim().replace(/^Bearer\s+/i, '');
}

export function validateXsolla(draft: XsollaDraft): { value: XsollaTrackValue | null; errors: XsollaErrors } {
  const errors: XsollaErrors = {};
  const projectId = draft.projectId.trim() === '' ? null : positiveInt(draft.projectId, MAX_PROJECT);
  if (draft.projectId.trim() === '') errors.projectId = 'required';
  else if (projectId === null) errors.projectId = 'id_invalid';
  const orderId = draft.orderId.trim() === '' ? null : positiveInt(draft.orderId, Number.MAX_SAFE_INTEGER);
  if (draft.orderId.trim() === '') errors.orderId = 'required';
  else if (orderId === null) errors.orderId = 'id_invalid';
  const token = normaliseToken(draft.token);
  if (token === '') errors.token = 'required';
  else if (token.length > 8192 || !JWT.test(token)) errors.token = 'token_invalid';
  if (projectId === null || orderId === null || Object.keys(errors).length > 0)
    return { value: null, errors };
  return { value: { projectId, orderId, token }, errors };
}
