/**
 * The one error type the Invoicebox API client throws. Every failure of a call ends up here, classified:
 *
 *  - `network`          no HTTP answer at all (DNS, refused, reset, TLS): `status` null, retryable.
 *  - `timeout`          no complete answer within the client's time-out: `status` null, retryable. The request MAY have
 *                       been processed by the gateway (see idempotent.ts for what creation does about that).
 *  - `http`             an HTTP answer >= 400 (other than 429): `status` set, `code` from the body when it has one;
 *                       retryable only for 5xx.
 *  - `rate_limited`     HTTP 429: retryable, `retryAfterMs` when the gateway said how long to wait.
 *  - `invalid_response` an answer the console cannot trust (not JSON, not the documented shape): names the field.
 *
 * Messages are meant for a person: what happened, what to do, and ALWAYS the gateway's request id when there was one
 * (`… (X-Request-Id: …)`), because that is what Invoicebox support asks for. They NEVER contain the API token: every
 * text that came from the server is masked (the exact token, anything token-shaped, e-mails and phone numbers) before
 * it is put into an error, so a gateway echoing the Authorization header cannot leak it into a log or a dialog.
 */
import { maskSecrets } from '../diagnostics/mask.ts';

export type ApiErrorKind = 'network' | 'timeout' | 'http' | 'invalid_response' | 'rate_limited';

export interface ApiErrorField {
  name: string;
  code: string;
  message: string;
}

export interface ApiErrorInit {
  kind: ApiErrorKind;
  code: string;
  status: number | null;
  requestId?: string | null;
  fields?: readonly ApiErrorField[];
  /** What the server said (already masked by the caller or not: it is masked again here). */
  serverMessage?: string | null;
  method?: string | null;
  /** The path without the query string. */
  path?: string | null;
  /** For `rate_limited`: how long the gateway asked to wait. */
  retryAfterMs?: number | null;
  /** For `timeout`: the time-out that fired. */
  timeoutMs?: number | null;
  /** For `invalid_response`: the offending field (`data.status`, `data[3].id`) and what is wrong with it. */
  detail?: string | null;
  /** Secrets to mask besides the token-shaped patterns (pass the token used for the call). */
  secrets?: readonly string[];
  /** Overrides `retryable` (default: network, timeout, 429 and 5xx are retryable). */
  retryable?: boolean;
  cause?: unknown;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly kind: ApiErrorKind;
  /** The gateway's error code (`wrong_total_amount`, `unauthorized`, …) or ours (`network_error`, `timeout`, …). */
  readonly code: string;
  /** HTTP status; null when there was no HTTP answer (network error, time-out). */
  readonly status: number | null;
  /** The gateway's `X-Request-Id`, when an answer arrived. */
  readonly requestId: string | null;
  readonly fields: ApiErrorField[];
  /** A repeat of the same request may succeed (network, time-out, 429, 5xx). */
  readonly retryable: boolean;
  readonly method: string | null;
  readonly path: string | null;
  readonly retryAfterMs: number | null;
  /** What the server said, masked. */
  readonly serverMessage: string | null;

  constructor(init: ApiErrorInit) {
    const secrets = init.secrets ?? [];
    const mask = (s: string): string => maskSecrets(s, secrets);
    // The request id is shown as it is (a support ticket needs it verbatim): only the exact secrets are removed from it.
    const requestId = init.requestId ? maskKnown(init.requestId, secrets) : null;
    const fields = (init.fields ?? []).map((f) => ({
      name: mask(String(f.name ?? '')),
      code: mask(String(f.code ?? '')),
      message: mask(String(f.message ?? '')),
    }));
    const code = mask(init.code);
    const serverMessage = init.serverMessage ? mask(init.serverMessage) : null;
    const detail = init.detail ? mask(init.detail) : null;
    const retryable = init.retryable ?? defaultRetryable(init.kind, init.status);
    const text = describe({ ...init, code, fields, serverMessage, detail });
    super(
      requestId ? `${text} (X-Request-Id: ${requestId})` : text,
      init.cause === undefined ? {} : { cause: init.cause },
    );
    this.kind = init.kind;
    this.code = code;
    this.status = init.status;
    this.requestId = requestId;
    this.fields = fields;
    this.retryable = retryable;
    this.method = init.method ?? null;
    this.path = init.path ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.serverMessage = serverMessage;
  }

  /** For logs and IPC: plain data, nothing secret. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      code: this.code,
      status: this.status,
      requestId: this.requestId,
      fields: this.fields,
      retryable: this.retryable,
      method: this.method,
      path: this.path,
      message: this.message,
    };
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** True when the gateway answered a definitive "no" (4xx other than 429): repeating the same request is pointless. */
export function isDefinitiveRefusal(error: unknown): error is ApiError {
  return (
    error instanceof ApiError &&
    error.kind === 'http' &&
    error.status !== null &&
    error.status >= 400 &&
    error.status < 500
  );
}

function defaultRetryable(kind: ApiErrorKind, status: number | null): boolean {
  if (kind === 'network' || kind === 'timeout' || kind === 'rate_limited') return true;
  if (kind === 'http') return status !== null && status >= 500;
  return false;
}

function maskKnown(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (typeof s === 'string' && s.length >= 4) out = out.split(s).join('***');
  }
  return out;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
}

function describe(
  init: ApiErrorInit & { fields: ApiErrorField[]; serverMessage: string | null; detail: string | null },
): string {
  const where = init.method && init.path ? ` (${init.method} ${init.path})` : '';
  const server = init.serverMessage ? `: ${init.serverMessage}` : '';
  const fieldText =
    init.fields.length > 0
      ? `; fields: ${init.fields.map((f) => `${f.name}${f.code ? ` ${f.code}` : ''}${f.message ? ` (${f.message})` : ''}`).join(', ')}`
      : '';
  switch (init.kind) {
    case 'network':
      return `Could not reach Invoicebox${where}${init.detail ? `: ${init.detail}` : ''}. Check the internet connection and try again.`;
    case 'timeout':
      return (
        `Invoicebox did not answer within ${seconds(init.timeoutMs ?? 0)}${where}. ` +
        'Check the connection; the request may still have been processed.'
      );
    case 'rate_limited':
      return (
        `Too many requests to Invoicebox (429 ${init.code})${where}${server}. ` +
        (init.retryAfterMs !== null && init.retryAfterMs !== undefined
          ? `PayDesk pauses for ${seconds(init.retryAfterMs)} and then continues.`
          : 'PayDesk slows down automatically; try again in a few seconds.')
      );
    case 'invalid_response':
      return (
        `Invoicebox sent an answer PayDesk cannot use${where}${init.status !== null ? ` [HTTP ${init.status}]` : ''}` +
        `${init.detail ? `: ${init.detail}` : ''}. Nothing was changed locally; please report this to PayDesk support.`
      );
    case 'http': {
      const status = init.status ?? 0;
      const head = `${status} ${init.code}`;
      if (status === 401) {
        return `Invoicebox did not accept the API token (${head})${where}${server}. Check the token in Settings.`;
      }
      if (status === 403) {
        return `The API token has no access to this (${head})${where}${server}. Check that the token belongs to this shop.`;
      }
      if (status >= 500) {
        return (
          `Invoicebox had an internal problem (${head})${where}${server}. ` +
          'Try again in a minute; if it persists, contact Invoicebox support with the request id.'
        );
      }
      return `Invoicebox refused the request (${head})${where}${server}${fieldText}.`;
    }
  }
}
