import type { WellpayFaults } from './faults.ts';
import type { RsaKeyPair } from './keys.ts';
import type { WellpaySockets } from './sockets.ts';
import type { WellpayState } from './state.ts';

export interface WellpaySandboxOptions {
  /** Standalone server only: 0 = any free port; bound to 127.0.0.1 unless `host` says otherwise. */
  port?: number;
  host?: string;
  /** Access tokens accepted from the start (more through `POST /sandbox/tokens`). */
  tokens?: string[];
  /** RSA key size (default 4096, as the real service: 501-byte plaintexts at most). */
  keyBits?: number;
  /** Zone of the wall-clock dates in invoices (default `Europe/Kyiv`). */
  timeZone?: string;
  /** The `currency` column: UAH per unit received (default `39.81`, the documented sample). */
  rate?: string;
  /** The `payment_timeout` column, seconds (default 960). */
  paymentTimeoutSec?: number;
  /**
   * Where the control API answers. Standalone default: `['/sandbox/wellpay/', '/sandbox/']`; mounted default:
   * `['/sandbox/wellpay/']` (so it does not collide with another emulator's `/sandbox/…`).
   */
  controlPrefixes?: string[];
  /** Max request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

/** The current key and the ones it replaced (calls encrypted with those answer "Your key is too old"). */
export class KeyRing {
  current: RsaKeyPair;
  /** Newest first; at most `keep`. */
  old: RsaKeyPair[] = [];
  readonly #next: (generation: number) => Promise<RsaKeyPair>;
  readonly #keep: number;

  constructor(first: RsaKeyPair, next: (generation: number) => Promise<RsaKeyPair>, keep = 5) {
    this.current = first;
    this.#next = next;
    this.#keep = keep;
  }

  async rotate(): Promise<RsaKeyPair> {
    const fresh = await this.#next(this.current.generation + 1);
    this.old = [this.current, ...this.old].slice(0, this.#keep);
    this.current = fresh;
    return fresh;
  }
}

export interface WellpayContext {
  state: WellpayState;
  faults: WellpayFaults;
  keys: KeyRing;
  sockets: WellpaySockets;
  options: WellpaySandboxOptions;
  controlPrefixes: string[];
}
