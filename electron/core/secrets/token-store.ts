// Token policy on top of the keychain.
//
// - PAYDESK_TOKEN in the environment overrides the keychain (for CI, kiosks, the sandbox CLI). It is read,
//   never written anywhere, and while it is set the stored token can be neither replaced nor removed.
// - A token is saved only after its format checks out and the gateway accepted it (`verify`, injected by
//   the API client). A rejected token leaves the previously stored one untouched.
// - Nothing here returns the token except getToken(), which is for the main process only; errors and
//   status() never contain it.
import { maskSecrets } from '../diagnostics/mask.ts';
import { KeychainUnavailableError } from './keychain.ts';
import type { Keychain } from './keychain.ts';

export const TOKEN_ENV = 'PAYDESK_TOKEN';

export type TokenState = 'set' | 'not_set' | 'env' | 'unavailable';

export interface TokenStatus {
  state: TokenState;
  /** Non-secret explanation, e.g. why the keychain is unavailable or that PAYDESK_TOKEN is malformed. */
  reason?: string;
  /** 'v3' | 'l3' when a token is present and well formed ('wellpay' for a WellPay access token). */
  kind?: TokenKind;
}

export type TokenKind = 'v3' | 'l3' | 'wellpay';

export type TokenStoreErrorCode = 'token_format' | 'token_rejected' | 'env_override';

export class TokenStoreError extends Error {
  readonly code: TokenStoreErrorCode;
  /** The `code` of the verify() failure, if it had one (e.g. 'unauthorized', 'network'). */
  readonly causeCode: string | undefined;

  constructor(code: TokenStoreErrorCode, message: string, causeCode?: string) {
    super(message);
    this.name = 'TokenStoreError';
    this.code = code;
    this.causeCode = causeCode;
  }
}

const V3 = /^[0-9a-f]{32}$/i;
const L3 = /^\d+-API:[0-9a-f]{32}$/i;

/** 'v3' (32 hex), 'l3' (`<digits>-API:<32 hex>`) or null. Surrounding whitespace is ignored. */
export function tokenKind(token: string): TokenKind | null {
  const t = typeof token === 'string' ? token.trim() : '';
  if (V3.test(t)) return 'v3';
  if (L3.test(t)) return 'l3';
  return null;
}

/** Trim and check the format; throws TokenStoreError('token_format') without echoing the input. */
export function normalizeToken(token: string): string {
  const t = typeof token === 'string' ? token.trim() : '';
  if (tokenKind(t) === null) {
    throw new TokenStoreError(
      'token_format',
      t === ''
        ? 'The API token is empty.'
        : 'This does not look like an Invoicebox API token: expected 32 hexadecimal characters (v3) ' +
            'or <digits>-API:<32 hexadecimal characters> (l3).',
    );
  }
  return t;
}

export interface TokenStoreOptions {
  keychain: Keychain;
  env?: Record<string, string | undefined>;
  /** Resolves if the gateway accepts the token, throws otherwise. */
  verify: (token: string) => Promise<void>;
  /** Another gateway's token (WellPay): its env variable, format check and kind. Default: Invoicebox's. */
  format?: TokenFormat;
}

export interface TokenFormat {
  envVar: string;
  /** Trim and check; throws TokenStoreError('token_format') without echoing the input. */
  normalize: (token: string) => string;
  kindOf: (token: string) => TokenKind | null;
  /** For messages: "an Invoicebox API token". */
  what: string;
}

export const WELLPAY_TOKEN_ENV = 'PAYDESK_WELLPAY_TOKEN';
const WELLPAY_TOKEN = /^[0-9A-Za-z_-]{16,128}$/;

/** WellPay's access token (the sandbox's: 32 lower-case letters and digits); kept like Invoicebox's. */
export const WELLPAY_TOKEN_FORMAT: TokenFormat = {
  envVar: WELLPAY_TOKEN_ENV,
  what: 'a WellPay access token',
  kindOf: (t) => (typeof t === 'string' && WELLPAY_TOKEN.test(t.trim()) ? 'wellpay' : null),
  normalize: (token) => {
    const t = typeof token === 'string' ? token.trim() : '';
    if (!WELLPAY_TOKEN.test(t))
      throw new TokenStoreError(
        'token_format',
        t === ''
          ? 'The access token is empty.'
          : 'This does not look like a WellPay access token: 16–128 letters, digits, "-" or "_".',
      );
    return t;
  },
};

export interface TokenStore {
  status(): Promise<TokenStatus>;
  /** Main process only. The env override wins over the keychain. */
  getToken(): Promise<string | null>;
  /** Validate, verify with the gateway, then store. Resolves to the token kind. */
  save(token: string): Promise<{ kind: TokenKind }>;
  /** Delete the stored token; true if there was one. */
  remove(): Promise<boolean>;
}

export function createTokenStore(options: TokenStoreOptions): TokenStore {
  const { keychain, verify } = options;
  const env = options.env ?? process.env;
  const format: TokenFormat = options.format ?? {
    envVar: TOKEN_ENV,
    normalize: normalizeToken,
    kindOf: tokenKind,
    what: 'an Invoicebox API token',
  };
  const ENV_VAR = format.envVar;

  const envToken = (): string | null => {
    const v = env[ENV_VAR];
    if (typeof v !== 'string') return null;
    const t = v.trim();
    return t === '' ? null : t;
  };

  const refuseWhileEnv = (what: string): void => {
    if (envToken() !== null) {
      throw new TokenStoreError(
        'env_override',
        `The API token comes from the ${ENV_VAR} environment variable; ${what} is disabled while it is set. ` +
          `Unset ${ENV_VAR} and restart PayDesk to manage the token in the OS keychain.`,
      );
    }
  };

  // save/remove are serialized: two quick saves must not interleave verify and set.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    async status() {
      const fromEnv = envToken();
      if (fromEnv !== null) {
        const kind = format.kindOf(fromEnv);
        return kind
          ? { state: 'env', kind }
          : { state: 'env', reason: `${ENV_VAR} does not look like ${format.what}` };
      }
      try {
        const stored = await keychain.get();
        if (stored === null || stored === '') return { state: 'not_set' };
        const kind = format.kindOf(stored);
        return kind
          ? { state: 'set', kind }
          : { state: 'set', reason: 'the stored token has an unexpected format' };
      } catch (err) {
        const reason =
          err instanceof KeychainUnavailableError
            ? err.message
            : maskSecrets(err instanceof Error ? err.message : String(err));
        return { state: 'unavailable', reason };
      }
    },

    async getToken() {
      const fromEnv = envToken();
      if (fromEnv !== null) return fromEnv;
      const stored = await keychain.get();
      return stored === '' ? null : stored;
    },

    save(input: string) {
      return serial(async () => {
        refuseWhileEnv('saving a token');
        const token = format.normalize(input);
        try {
          await verify(token);
        } catch (err) {
          const raw = err instanceof Error ? err.message : String(err);
          const code = (err as { code?: unknown } | null)?.code;
          throw new TokenStoreError(
            'token_rejected',
            `The token was not saved: checking it with the gateway failed: ${maskSecrets(raw, [token, input])}`,
            typeof code === 'string' ? code : undefined,
          );
        }
        await keychain.set(token);
        return { kind: format.kindOf(token) as TokenKind };
      });
    },

    remove() {
      return serial(async () => {
        refuseWhileEnv('removing the token');
        return keychain.remove();
      });
    },
  };
}
