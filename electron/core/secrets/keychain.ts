// The API token in the OS keychain (macOS Keychain, Windows Credential Manager, Linux Secret Service).
//
// Only the async API of @napi-rs/keyring is used, so the Electron main process never blocks on D-Bus or on
// an unlock prompt. On Linux the store is pinned to the Secret Service: without the pin the library silently
// falls back to the kernel keyring (keyutils), which lives in memory and loses the token at logout — we
// would rather refuse and tell the user what to install.
//
// No error produced here ever contains the token: messages from the native layer are scrubbed before they
// are wrapped.
import { AsyncEntry } from '@napi-rs/keyring';
import type { EntryOptions } from '@napi-rs/keyring';
import { maskSecrets } from '../diagnostics/mask.ts';

export const KEYCHAIN_UNAVAILABLE_MESSAGE =
  'No OS keychain (Secret Service) is available: install and unlock gnome-keyring or KWallet; ' +
  'PayDesk will not store the token in plain text.';

/** The OS keychain cannot be used (no Secret Service, locked and not unlocked, prompt dismissed, timeout). */
export class KeychainUnavailableError extends Error {
  readonly code = 'keychain_unavailable';
  /** What the native layer said, scrubbed of the token; for diagnostics. */
  readonly reason: string;

  constructor(reason: string, message: string = KEYCHAIN_UNAVAILABLE_MESSAGE) {
    super(reason ? `${message} (${reason})` : message);
    this.name = 'KeychainUnavailableError';
    this.reason = reason;
  }
}

/** The keychain answered but the operation failed for another reason (e.g. an ambiguous entry). */
export class KeychainError extends Error {
  readonly code = 'keychain_error';

  constructor(message: string) {
    super(message);
    this.name = 'KeychainError';
  }
}

export interface KeychainProbe {
  available: boolean;
  /** 'secret-service' | 'macos-keychain' | 'windows-credential-manager' | the platform name. */
  backend: string;
  reason?: string;
}

export interface Keychain {
  readonly service: string;
  readonly account: string;
  readonly backend: string;
  /** The stored token, or null when there is none. Throws KeychainUnavailableError. */
  get(): Promise<string | null>;
  /** Store (or replace) the token. Throws KeychainUnavailableError; never falls back to another store. */
  set(token: string): Promise<void>;
  /** Delete the token; true if one was deleted, false if there was none. */
  remove(): Promise<boolean>;
  /** Whether the keychain can be reached right now (a read of this account). Never throws. */
  probe(): Promise<KeychainProbe>;
}

export interface KeychainOptions {
  service?: string;
  /** Per profile, e.g. `invoicebox:<merchantId>` or `invoicebox:default`. */
  account: string;
  /**
   * Give up after this long (a locked keychain may be waiting for an unlock prompt). Default 60 s;
   * 0 disables the limit.
   */
  timeoutMs?: number;
}

/** Account name for a merchant profile. */
export function keychainAccount(merchantId?: string | null): string {
  const id = merchantId?.trim();
  return `invoicebox:${id ? id : 'default'}`;
}

export function keychainBackend(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'linux':
    case 'freebsd':
      return 'secret-service';
    case 'darwin':
      return 'macos-keychain';
    case 'win32':
      return 'windows-credential-manager';
    default:
      return platform;
  }
}

const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

// keyring-core error kinds that mean "the store is not there / not usable" (see the napi binding's messages:
// "Platform failure: …", "Couldn't access platform storage: …", "No default store …").
const UNAVAILABLE_PATTERNS = [
  /platform failure/i,
  /couldn'?t access platform/i,
  /no default store/i,
  /d-?bus/i,
  /secret service/i,
  /no secret service provider/i,
  /locked/i,
  /prompt/i,
];

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function classify(err: unknown, secrets: readonly string[]): Error {
  if (err instanceof KeychainUnavailableError || err instanceof KeychainError) return err;
  const reason = maskSecrets(messageOf(err), secrets).replace(/\s+/g, ' ').trim();
  if (UNAVAILABLE_PATTERNS.some((re) => re.test(reason))) return new KeychainUnavailableError(reason);
  return new KeychainError(`OS keychain error: ${reason}`);
}

export function createKeychain(options: KeychainOptions): Keychain {
  const service = options.service ?? 'PayDesk';
  const account = options.account;
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (typeof account !== 'string' || account.trim() === '')
    throw new TypeError('keychain account is required');
  if (service.trim() === '') throw new TypeError('keychain service is required');
  const backend = keychainBackend();

  // The entry is created per operation: the constructor itself throws when the pinned store is missing
  // (no D-Bus session), and a keychain that appears later (user unlocked it, daemon started) must be used.
  async function run<T>(
    secrets: readonly string[],
    op: (entry: AsyncEntry, signal?: AbortSignal) => Promise<T>,
  ) {
    const signal = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    try {
      const entry = new AsyncEntry(service, account, ENTRY_OPTIONS);
      return await op(entry, signal);
    } catch (err) {
      if (signal?.aborted) {
        throw new KeychainUnavailableError(
          `no answer from the keychain within ${Math.round(timeoutMs / 1000)} s (locked, or an unlock prompt is waiting)`,
        );
      }
      throw classify(err, secrets);
    }
  }

  return {
    service,
    account,
    backend,
    get() {
      return run([], (entry, signal) => entry.getPassword(signal));
    },
    async set(token: string) {
      if (typeof token !== 'string' || token.length === 0)
        throw new TypeError('token must be a non-empty string');
      await run([token], (entry, signal) => entry.setPassword(token, signal));
    },
    remove() {
      return run([], (entry, signal) => entry.deleteCredential(signal));
    },
    async probe() {
      try {
        await run([], (entry, signal) => entry.getPassword(signal));
        return { available: true, backend };
      } catch (err) {
        return { available: false, backend, reason: messageOf(err) };
      }
    },
  };
}
