// Masking of secrets and personal data in diagnostics (log lines, error messages, getStatus answers).
//
// Pure functions, no I/O. The rules run in a fixed order; the order matters:
//   1. known secrets (the exact token, raw and URL-encoded)         → ***
//   2. `token=<value>` parameters (?token=, &token=, %3Ftoken%3D…)  → token=***
//      and "token"/"accessToken"/"authorization"/"password" fields in JSON text → "token":"***"
//   3. `Bearer <x>`                                                 → Bearer ***
//   4. l3 tokens `NNN-API:<x>` (also `NNN-API%3A<x>`)               → ***
//   5. any run of 32 or more hex digits (a v3 token looks like that) → ***
//   6. e-mail addresses                                             → p***@domain.com
//   7. Russian phone numbers                                        → +7*******33
// Token-shaped things go first so that a phone- or e-mail-shaped fragment of a token can never split it
// into pieces that survive. A UUID (8-4-4-4-12) has at most 12 hex digits in a row, so rule 5 leaves order
// ids alone; amounts (1487.52) and ISO dates are untouched by every rule.
// The result is idempotent: masking a masked text changes nothing.

export const MASK = '***';

/** Secrets shorter than this are ignored: replacing one- or two-character strings would destroy the text. */
const MIN_SECRET_LENGTH = 4;

/** Keys whose values are replaced wholesale by maskDeep (compared case-insensitively, ignoring - and _). */
const SECRET_KEYS = new Set([
  'token',
  'accesstoken',
  'apitoken',
  'refreshtoken',
  'authorization',
  'password',
  'passwd',
  'secret',
  'apikey',
  'xapikey',
  'xsignature',
]);

const TOKEN_PARAM = /(?<![A-Za-z0-9_])((?:access_?)?token)(=|%3D)(?:(?!%26|%23)[^&#\s"'<>,;])*/gi;
const ENCODED_TOKEN_PARAM = /(%3F|%26)((?:access_?)?token)%3D(?:(?!%26|%23)[^&#\s"'<>,;])*/gi;
// "token": "…" inside JSON text (a raw response body in an error message, for example).
const JSON_SECRET_FIELD =
  /("(?:token|access_?token|api_?token|refresh_?token|authorization|password|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const BEARER = /\b(Bearer)(\s+)[^\s"',;]+/gi;
const L3_TOKEN = /(?<![A-Za-z0-9])\d+-API(?::|%3A)[A-Za-z0-9]+/gi;
const HEX_RUN = /[0-9a-fA-F]{32,}/g;
const EMAIL =
  /(?<![\p{L}\p{N}._%+-])([\p{L}\p{N}_%+-])[\p{L}\p{N}._%+-]*@((?:[\p{L}\p{N}-]+\.)+[\p{L}]{2,})/gu;
// +7 900 111-22-33 | 79001112233 | 8 (900) 111 22 33 | +7(900)111-22-33 | 8-900-111-22-33
// Not inside a longer word/number (UUID segments, timestamps), not glued to a decimal point (amounts).
const PHONE =
  /(?<![\p{L}\p{N}_+-]|\d[.,])(?:\+7|8|7)[ \u00a0-]?\(?\d{3}\)?[ \u00a0-]?\d{3}[ \u00a0-]?(\d{2})[ \u00a0-]?(\d{2})(?![\p{L}\p{N}_]|[.,]\d)/gu;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function secretVariants(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of secrets) {
    if (typeof raw !== 'string') continue;
    for (const s of [raw, raw.trim()]) {
      if (s.length < MIN_SECRET_LENGTH) continue;
      out.add(s);
      const enc = encodeURIComponent(s);
      out.add(enc);
      out.add(enc.toLowerCase()); // %3a as well as %3A
    }
  }
  // Longest first, so that a secret containing another one is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

/** Mask every known secret and everything that looks like a token, an e-mail or a Russian phone number. */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  let out = text;
  const variants = secretVariants(secrets);
  if (variants.length > 0) {
    out = out.replace(new RegExp(variants.map(escapeRegExp).join('|'), 'g'), MASK);
  }
  out = out.replace(ENCODED_TOKEN_PARAM, (_m, sep: string, name: string) => `${sep}${name}%3D${MASK}`);
  out = out.replace(TOKEN_PARAM, (_m, name: string, eq: string) => `${name}${eq}${MASK}`);
  out = out.replace(JSON_SECRET_FIELD, (_m, head: string) => `${head}"${MASK}"`);
  out = out.replace(BEARER, (_m, word: string, space: string) => `${word}${space}${MASK}`);
  out = out.replace(L3_TOKEN, MASK);
  out = out.replace(HEX_RUN, MASK);
  out = out.replace(EMAIL, (_m, first: string, domain: string) => `${first}${MASK}@${domain}`);
  out = out.replace(PHONE, (_m, _a: string, last: string) => `+7*******${last}`);
  return out;
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** True for object keys whose values maskDeep replaces wholesale. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(normalizeKey(key));
}

const MAX_DEPTH = 32;

/**
 * Mask a JSON-like value: strings are masked with maskSecrets, values of secret-named keys
 * (token, accessToken, authorization, password, …) become '***', Errors become plain objects,
 * Dates become ISO strings, cycles become '[Circular]'. The input is never modified.
 */
export function maskDeep(value: unknown, secrets: readonly string[] = []): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return maskSecrets(v, secrets);
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'function' || typeof v === 'symbol') return `[${typeof v}]`;
      return v;
    }
    if (seen.has(v)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Too deep]';
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
      if (v instanceof Error) {
        const e: Record<string, unknown> = { name: v.name, message: maskSecrets(v.message, secrets) };
        const code = (v as { code?: unknown }).code;
        if (code !== undefined) e.code = walk(code, depth + 1);
        if (v.cause !== undefined) e.cause = walk(v.cause, depth + 1);
        return e;
      }
      if (v instanceof Map) {
        return walk(Object.fromEntries(v), depth);
      }
      if (v instanceof Set) return walk([...v], depth);
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        out[maskSecrets(k, secrets)] = isSecretKey(k) ? MASK : walk(item, depth + 1);
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0);
}
