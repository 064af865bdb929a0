/**
 * PINs: a salted, memory-hard hash (node:crypto scrypt, a random 16-byte salt per PIN, the cost parameters stored with
 * the hash so they can be raised later without invalidating old PINs), compared in constant time; and the pure
 * lockout rule (MAX_PIN_ATTEMPTS wrong PINs in a row lock the PIN for a time that doubles with each lock).
 *
 * Why scrypt and not a library: it is in node:crypto (OpenSSL), a real KDF recommended for passwords, with no native
 * module to build for Electron. A 4–8 digit PIN has at most 10^8 values, so the hash alone cannot stop an attacker who
 * has the database file; what protects a PIN at the till is the lockout, which is persisted (store/shifts.ts) so a
 * restart does not reset it. The hash keeps PINs out of the file, its backups and the logs.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PIN_PATTERN } from '../../../shared/contract/shifts.ts';

/** Wrong PINs in a row before a lock. */
export const MAX_PIN_ATTEMPTS = 5;
/** The first lock; each further lock (without a correct PIN in between) doubles it, up to LOCK_MAX_MS. */
export const LOCK_BASE_MS = 30_000;
export const LOCK_MAX_MS = 30 * 60_000;

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

/** N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per check (OWASP's scrypt minimum is 2^17 / r 8 / p 1
 * for passwords; a PIN is guarded by the lockout, and a till must answer a PIN at once). */
export const DEFAULT_SCRYPT: ScryptParams = { ln: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_BYTES = 16;

export class PinError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export function isValidPin(pin: unknown): pin is string {
  return typeof pin === 'string' && PIN_PATTERN.test(pin);
}

function scrypt(pin: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const N = 2 ** params.ln;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  return new Promise((resolve, reject) => {
    scryptCb(pin.normalize('NFKC'), salt, keyLength, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** `$scrypt$ln=15,r=8,p=1$<salt base64>$<hash base64>` (the PHC string format). */
export async function hashPin(pin: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  if (!isValidPin(pin)) throw new PinError('invalid_input', 'A PIN is 4 to 8 digits');
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(pin, salt, params, KEY_LENGTH);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

export function parsePinHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } {
  const m = PHC.exec(stored);
  if (!m) throw new PinError('pin_hash_invalid', 'The stored PIN hash is not in a known format');
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 10 || params.ln > 22 || params.r < 1 || params.p < 1)
    throw new PinError('pin_hash_invalid', 'The stored PIN hash has unsafe parameters');
  return { params, salt: Buffer.from(m[4]!, 'base64'), key: Buffer.from(m[5]!, 'base64') };
}

/** Constant-time check of a PIN against its stored hash (with the parameters stored in it). */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const { params, salt, key } = parsePinHash(stored);
  if (!isValidPin(pin) || key.length < 16) return false;
  const candidate = await scrypt(pin, salt, params, key.length);
  return timingSafeEqual(candidate, key);
}

// ── lockout (pure) ──────────────────────────────────────────────────────────────────────────────────────────────

export interface LockState {
  /** Wrong PINs since the last correct one or the last lock. */
  failures: number;
  /** How many locks in a row (without a correct PIN between): the next lock lasts LOCK_BASE_MS × 2^level. */
  lockLevel: number;
  /** ISO time; null when not locked. */
  lockedUntil: string | null;
}

export const UNLOCKED: LockState = { failures: 0, lockLevel: 0, lockedUntil: null };

export function lockedUntil(state: LockState, now: Date): string | null {
  return state.lockedUntil !== null && Date.parse(state.lockedUntil) > now.getTime()
    ? state.lockedUntil
    : null;
}

export function lockDurationMs(level: number): number {
  return Math.min(LOCK_MAX_MS, LOCK_BASE_MS * 2 ** Math.min(level, 20));
}

/** The state after a check: a correct PIN clears everything; a wrong one counts, and the MAX-th one locks. */
export function afterAttempt(
  state: LockState,
  ok: boolean,
  now: Date,
  maxAttempts = MAX_PIN_ATTEMPTS,
): LockState & { attemptsLeft: number } {
  if (ok) return { ...UNLOCKED, attemptsLeft: maxAttempts };
  const failures = state.failures + 1;
  if (failures < maxAttempts) {
    return { failures, lockLevel: state.lockLevel, lockedUntil: null, attemptsLeft: maxAttempts - failures };
  }
  const until = new Date(now.getTime() + lockDurationMs(state.lockLevel)).toISOString();
  return { failures: 0, lockLevel: state.lockLevel + 1, lockedUntil: until, attemptsLeft: 0 };
}
