/** Any thrown thing → what the cashier reads: a translated explanation, the technical message, the request id. */
import type { MessageKey, T } from '../i18n/index.ts';
import { isMessageKey } from '../i18n/index.ts';
import { gatewayErrorKeys } from '../lib/providers.ts';

export interface ErrorInfo {
  code: string;
  message: string;
  requestId: string | null;
  fields: { name: string; code: string }[];
}

export function errorInfo(error: unknown): ErrorInfo {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; message?: unknown; requestId?: unknown; fields?: unknown };
    return {
      code: typeof e.code === 'string' ? e.code : 'unknown',
      message: typeof e.message === 'string' ? e.message : String(error),
      requestId: typeof e.requestId === 'string' && e.requestId !== '' ? e.requestId : null,
      fields: Array.isArray(e.fields) ? (e.fields as ErrorInfo['fields']) : [],
    };
  }
  return { code: 'unknown', message: String(error), requestId: null, fields: [] };
}

/** `err.<code>` when the dictionary has it, else the generic text. */
export function errorText(t: T, code: string): string {
  const key = `err.${code}`;
  return isMessageKey(key) ? t(key as MessageKey) : t('err.unknown');
}

/** A reason code from ConnectionView (`no_token`, `unauthorized`…) → words. */
export function reasonText(t: T, reason: string | null): string | null {
  if (!reason) return null;
  const key = `reason.${reason}`;
  return isMessageKey(key) ? t(key as MessageKey) : reason;
}

/**
 * An error from another gateway's call in that gateway's words: `wellpay.err.<code>` / `xsolla.err.<code>` (the
 * generic `err.<code>` texts speak of Invoicebox: "Инвойсбокс не принял токен"), then `provider.err.<code>`; null
 * for Invoicebox or an unknown code (the generic text is right then).
 */
export function gatewayErrorText(t: T, provider: string, error: unknown): string | null {
  for (const key of gatewayErrorKeys(provider, errorInfo(error).code))
    if (isMessageKey(key)) return t(key as MessageKey);
  return null;
}
