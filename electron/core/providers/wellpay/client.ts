/**
 * The WellPay / NL-trade REST client: one method, `POST <api>/method/RemoteInvoiceApi`, whose payload travels
 * RSA-encrypted (PKCS#1 v1.5) with the account's public key.
 *
 *  - The key comes from `POST <api>/helpers/getLatestPublicRemoteRsaKey.php` (form `access_token=…`) as
 *    base64(ROT13(PEM)); it is decoded, checked and cached (per token) until the server answers "Your key is too old",
 *    then fetched again once and the call repeated once.
 *  - The plaintext is `JSON.stringify({...payload, verificationWord: "bandasosamba"})` in UTF-8. RSA with PKCS#1 v1.5
 *    takes at most k − 11 bytes (k = the modulus in bytes: 501 for a 4096-bit key). The size is checked BEFORE any
 *    request: against the cached key, or — with no key yet — against `expectedKeyBits` (4096), and once more against
 *    the fetched key. An oversize payload never leaves the process, not even as a key request.
 *  - The access token is read per call (keychain), sent only in request bodies, never logged, and masked out of every
 *    error message (a server may echo what it got).
 *  - Nothing is retried except the one key refresh: `create` has no idempotency key, so a retried create could make
 *    two invoices. The tracker's polling is what recovers reads.
 */
import { constants, createPublicKey, publicEncrypt, type KeyObject } from 'node:crypto';
import { maskSecrets } from '../../diagnostics/mask.ts';

export const DEFAULT_API_URL = 'https://api.nltrade.in';
export const KEY_PATH = '/helpers/getLatestPublicRemoteRsaKey.php';
export const METHOD_PATH = '/method/RemoteInvoiceApi';
export const VERIFICATION_WORD = 'bandasosamba';
export const KEY_TOO_OLD = 'Your key is too old';
/** PKCS#1 v1.5 encryption padding takes 11 bytes of the modulus. */
export const PKCS1_OVERHEAD = 11;

export type WellpayErrorCode =
  /** The plaintext does not fit the key (k − 11 bytes); nothing was sent. */
  | 'payload_too_large'
  /** Our own input was refused before sending (e.g. a non-positive price). */
  | 'invalid_input'
  /** 401: the access token is not accepted. */
  | 'unauthorized'
  /** 404: no such invoice (or not this token's). */
  | 'not_found'
  /** Still "Your key is too old" after fetching a fresh key. */
  | 'key_too_old'
  /** The key endpoint answered something that is not a usable RSA public key. */
  | 'bad_key'
  /** Non-2xx from WellPay (with its `message` when it sent one). */
  | 'http'
  /** 2xx with `status: false`. */
  | 'api'
  /** 2xx with a body we cannot read. */
  | 'bad_response'
  /** No answer: refused, reset, timed out. */
  | 'network';

export class WellpayError extends Error {
  readonly code: WellpayErrorCode;
  /** HTTP status, when there was an answer. */
  readonly httpStatus: number | null;
  constructor(code: WellpayErrorCode, message: string, httpStatus: number | null = null) {
    super(message);
    this.name = 'WellpayError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/** What the client tells the log: event names and non-secret fields only. Compatible with the core's `Log`. */
export interface WellpayLogger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export interface WellpayClientOptions {
  /** REST origin (default `https://api.nltrade.in`); the emulator's URL in training mode and tests. */
  apiUrl?: string;
  /** The access token, read per call (from the keychain). */
  token: () => string | Promise<string>;
  /** Per request, covering the body too (default 15 000 ms). */
  timeoutMs?: number;
  /** Key size assumed for the size check before the first key is fetched (default 4096: 501 bytes). */
  expectedKeyBits?: number;
  fetch?: typeof fetch;
  log?: WellpayLogger;
}

/** `{status, response?: {data}, message?}` as WellPay answers. */
export interface WellpayResponse {
  status: boolean;
  response?: { data?: Record<string, unknown> };
  message?: string;
}

// --- the key --------------------------------------------------------------------------------------------------------

/** ROT13 of the ASCII letters (the "Caesar −13" of the docs); digits, `+`, `/`, `=`, `-` and newlines unchanged. */
export function rot13(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

export interface PublicKeyInfo {
  pem: string;
  key: KeyObject;
  bits: number;
  /** The largest plaintext this key encrypts: k − 11 bytes. */
  maxPlaintextBytes: number;
}

/** The largest PKCS#1 v1.5 plaintext for a modulus of `bits` bits (k − 11, k in whole bytes). */
export function plaintextLimit(bits: number): number {
  return Math.ceil(bits / 8) - PKCS1_OVERHEAD;
}

/** base64 → ROT13 → PKCS#1 PEM → a checked RSA public key. Throws `bad_key`. */
export function decodePublishedKey(result: unknown): PublicKeyInfo {
  if (typeof result !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(result)) {
    throw new WellpayError('bad_key', 'WellPay sent no usable public key (not base64)');
  }
  const pem = rot13(Buffer.from(result, 'base64').toString('utf8'));
  if (!pem.includes('-----BEGIN RSA PUBLIC KEY-----') && !pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new WellpayError('bad_key', 'WellPay sent no usable public key (no PEM header after decoding)');
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new WellpayError('bad_key', 'WellPay sent no usable public key (the PEM does not parse)');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || !bits || bits < 1024) {
    throw new WellpayError('bad_key', 'WellPay sent a key that is not an RSA key of at least 1024 bits');
  }
  return { pem, key, bits, maxPlaintextBytes: plaintextLimit(bits) };
}

/** The exact plaintext sent for `payload`. */
export function plaintextOf(payload: Record<string, unknown>): string {
  return JSON.stringify({ ...payload, verificationWord: VERIFICATION_WORD });
}

function checkSize(plaintext: string, bits: number): void {
  const size = Buffer.byteLength(plaintext, 'utf8');
  const limit = plaintextLimit(bits);
  if (size > limit) {
    throw new WellpayError(
      'payload_too_large',
      `WellPay request too large: ${size} bytes of JSON, a ${bits}-bit RSA key encrypts at most ${limit} ` +
        `(k − ${PKCS1_OVERHEAD}); nothing was sent — shorten the title`,
    );
  }
}

/** RSA PKCS#1 v1.5 encryption of the payload's plaintext, base64. Throws `payload_too_large` first. */
export function encryptPayload(key: PublicKeyInfo, payload: Record<string, unknown>): string {
  const plaintext = plaintextOf(payload);
  checkSize(plaintext, key.bits);
  return publicEncrypt(
    { key: key.key, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from(plaintext, 'utf8'),
  ).toString('base64');
}

// --- the client -----------------------------------------------------------------------------------------------------

interface CachedKey {
  info: PublicKeyInfo;
  /** Keys are per account: a key fetched with another token is not reused. */
  token: string;
}

interface Answer {
  status: number;
  json: unknown;
  text: string;
}

export class WellpayClient {
  readonly apiUrl: string;
  readonly #options: WellpayClientOptions;
  readonly #fetch: typeof fetch;
  #key: CachedKey | null = null;
  #keyPending: { token: string; promise: Promise<CachedKey> } | null = null;

  constructor(options: WellpayClientOptions) {
    this.#options = options;
    this.apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
    this.#fetch = options.fetch ?? fetch;
  }

  /** The cached key's size, if any (for diagnostics). */
  keyBits(): number | null {
    return this.#key?.info.bits ?? null;
  }

  /** Drops the cached key: the next call fetches it again. */
  forgetKey(): void {
    this.#key = null;
  }

  /** Creates an invoice; returns its UID (`yourLink`). `priceMinor` in kopiykas. */
  async create(title: string, priceMinor: number): Promise<string> {
    const price = formatUahPrice(priceMinor);
    const answer = await this.call({ type: 'create', title, price });
    const uid = answer.response?.data?.yourLink;
    if (typeof uid !== 'string' || uid.length === 0) {
      throw new WellpayError('bad_response', 'WellPay created an invoice but sent no yourLink');
    }
    return uid;
  }

  async remove(uid: string): Promise<void> {
    await this.call({ type: 'remove', uid_link: uid });
  }

  /** The invoice object as WellPay sends it (`response.data.invoice[0]`), unparsed. */
  async get(uid: string): Promise<Record<string, unknown>> {
    const answer = await this.call({ type: 'get', uid_link: uid });
    const list = answer.response?.data?.invoice;
    const first: unknown = Array.isArray(list) ? list[0] : undefined;
    if (typeof first !== 'object' || first === null || Array.isArray(first)) {
      throw new WellpayError('bad_response', 'WellPay answered get without an invoice');
    }
    return first as Record<string, unknown>;
  }

  /** A payer-side update (`status`, `approve_photo`, …) with an optional log line. */
  async update(uid: string, columns: Record<string, string | null>, log?: string): Promise<void> {
    await this.call({ type: 'update', uid_link: uid, ...(log === undefined ? {} : { log }), ...columns });
  }

  /**
   * Reads the token and fetches the public key if it is not cached: what can fail before a call is sent. A caller that
   * must know whether a `create` may have reached WellPay prepares first; a failure here means nothing was sent.
   */
  async prepare(): Promise<void> {
    await this.#ensureKey(await this.#token());
  }

  /** One encrypted RemoteInvoiceApi call; resolves to the answer with `status: true`, or throws `WellpayError`. */
  async call(payload: Record<string, unknown>): Promise<WellpayResponse> {
    const plaintext = plaintextOf(payload);
    // Before anything goes out, not even the key request.
    checkSize(plaintext, this.#key?.info.bits ?? this.#options.expectedKeyBits ?? 4096);
    const type = typeof payload.type === 'string' ? payload.type : '?';
    const token = await this.#token();
    for (let attempt = 0; ; attempt++) {
      const key = await this.#ensureKey(token);
      const data = encryptPayload(key.info, payload);
      const answer = await this.#post(
        METHOD_PATH,
        'application/json',
        JSON.stringify({ data, access_token: token }),
      );
      const message = messageOf(answer.json);
      if (answer.status >= 300 && message === KEY_TOO_OLD) {
        if (this.#key === key) this.#key = null;
        if (attempt === 0) {
          this.#options.log?.warn('wellpay.key_too_old', { type, action: 'refetch_key' });
          continue;
        }
        throw new WellpayError(
          'key_too_old',
          'WellPay still says "Your key is too old" after a key refresh',
          answer.status,
        );
      }
      return this.#accept(answer, token, `RemoteInvoiceApi ${type}`);
    }
  }

  async #token(): Promise<string> {
    const token = await this.#options.token();
    if (typeof token !== 'string' || token.length === 0) {
      throw new WellpayError('unauthorized', 'No WellPay access token is configured');
    }
    return token;
  }

  #ensureKey(token: string): Promise<CachedKey> {
    if (this.#key && this.#key.token === token) return Promise.resolve(this.#key);
    if (this.#keyPending?.token === token) return this.#keyPending.promise;
    const pending = {
      token,
      promise: this.#fetchKey(token).finally(() => {
        if (this.#keyPending === pending) this.#keyPending = null;
      }),
    };
    this.#keyPending = pending;
    return pending.promise;
  }

  async #fetchKey(token: string): Promise<CachedKey> {
    const answer = await this.#post(
      KEY_PATH,
      'application/x-www-form-urlencoded',
      new URLSearchParams({ access_token: token }).toString(),
    );
    const json = this.#accept(answer, token, 'getLatestPublicRemoteRsaKey');
    const info = decodePublishedKey((json.response?.data as { result?: unknown } | undefined)?.result);
    const cached = { info, token };
    this.#key = cached;
    this.#options.log?.info('wellpay.key_fetched', { bits: info.bits });
    return cached;
  }

  async #post(path: string, contentType: string, body: string): Promise<Answer> {
    const timeoutMs = this.#options.timeoutMs ?? 15_000;
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(`${this.apiUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': contentType, accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown } }).cause;
      const detail =
        (err as Error).name === 'TimeoutError'
          ? `no answer in ${timeoutMs} ms`
          : typeof cause?.code === 'string'
            ? cause.code
            : (err as Error).message;
      throw new WellpayError('network', `WellPay unreachable (${path}): ${detail}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }

  /** A 2xx `{status: true, …}` answer, or the right `WellpayError` (messages masked: never the token). */
  #accept(answer: Answer, token: string, what: string): WellpayResponse {
    const mask = (s: string): string => maskSecrets(s, [token]);
    const message = messageOf(answer.json);
    if (answer.status < 200 || answer.status >= 300) {
      const detail = message ?? excerpt(answer.text);
      const code: WellpayErrorCode =
        answer.status === 401 ? 'unauthorized' : answer.status === 404 ? 'not_found' : 'http';
      this.#options.log?.warn('wellpay.http_error', { what, status: answer.status, code });
      throw new WellpayError(code, mask(`WellPay ${what}: HTTP ${answer.status}: ${detail}`), answer.status);
    }
    const json = answer.json as WellpayResponse | undefined;
    if (typeof json !== 'object' || json === null || typeof json.status !== 'boolean') {
      throw new WellpayError(
        'bad_response',
        mask(`WellPay ${what}: unreadable answer: ${excerpt(answer.text)}`),
        answer.status,
      );
    }
    if (!json.status) {
      throw new WellpayError('api', mask(`WellPay ${what}: ${message ?? 'status false'}`), answer.status);
    }
    return json;
  }
}

function messageOf(json: unknown): string | undefined {
  const message = (json as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function excerpt(text: string): string {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat || '(empty body)';
}

/**
 * Kopiykas → the `price` string WellPay takes ("UAH, as a string"): whole hryvnias without decimals (`1500`),
 * otherwise two decimals (`1500.50`). Whether the service accepts decimals at all is unconfirmed.
 */
export function formatUahPrice(priceMinor: number): string {
  if (!Number.isSafeInteger(priceMinor) || priceMinor <= 0) {
    throw new WellpayError('invalid_input', 'The price must be a positive whole number of kopiykas');
  }
  const whole = Math.trunc(priceMinor / 100);
  const frac = priceMinor % 100;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(2, '0')}`;
}
