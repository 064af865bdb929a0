/** PIN hashing (scrypt, salted, parameters stored) and the pure lockout rule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LOCK_BASE_MS,
  LOCK_MAX_MS,
  MAX_PIN_ATTEMPTS,
  UNLOCKED,
  afterAttempt,
  hashPin,
  lockDurationMs,
  lockedUntil,
  parsePinHash,
  verifyPin,
  type LockState,
} from '../../electron/core/shifts/pin.ts';

describe('PIN hash', () => {
  it('is a salted scrypt PHC string that verifies only the right PIN', async () => {
    const a = await hashPin('4821');
    const b = await hashPin('4821');
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toContain('4821');
    expect(a).not.toBe(b); // a fresh salt each time
    expect(parsePinHash(a).salt.length).toBe(16);
    expect(await verifyPin('4821', a)).toBe(true);
    expect(await verifyPin('4821', b)).toBe(true);
    expect(await verifyPin('4822', a)).toBe(false);
    expect(await verifyPin('04821', a)).toBe(false);
    expect(await verifyPin('', a)).toBe(false);
  });

  it('keeps its cost parameters with the hash, so older or stronger hashes still verify', async () => {
    const cheap = await hashPin('12345678', { ln: 12, r: 8, p: 1 });
    expect(cheap.startsWith('$scrypt$ln=12,r=8,p=1$')).toBe(true);
    expect(await verifyPin('12345678', cheap)).toBe(true);
    expect(await verifyPin('12345679', cheap)).toBe(false);
  });

  it('refuses PINs that are not 4–8 digits and hashes it cannot trust', async () => {
    for (const bad of ['123', '123456789', '12a4', ' 1234', '١٢٣٤']) {
      await expect(hashPin(bad)).rejects.toMatchObject({ code: 'invalid_input' });
    }
    const good = await hashPin('1234');
    await expect(verifyPin('1234', 'plain:1234')).rejects.toMatchObject({ code: 'pin_hash_invalid' });
    // Lowered cost parameters (an attacker editing the file to make brute force cheap) are refused.
    await expect(verifyPin('1234', good.replace('ln=15', 'ln=1'))).rejects.toMatchObject({
      code: 'pin_hash_invalid',
    });
    // A flipped hash byte no longer verifies.
    const parts = good.split('$');
    const key = Buffer.from(parts[4]!, 'base64');
    key[0] = key[0]! ^ 1;
    parts[4] = key.toString('base64');
    expect(await verifyPin('1234', parts.join('$'))).toBe(false);
  });
});

describe('lockout rule', () => {
  const t0 = new Date('2026-11-23T10:00:00.000Z');

  it(`locks on the ${MAX_PIN_ATTEMPTS}th wrong PIN in a row, for a time that doubles and is capped`, () => {
    let s: LockState = UNLOCKED;
    for (let i = 1; i < MAX_PIN_ATTEMPTS; i++) {
      const next = afterAttempt(s, false, t0);
      expect(next.lockedUntil).toBeNull();
      expect(next.attemptsLeft).toBe(MAX_PIN_ATTEMPTS - i);
      s = next;
    }
    const locked = afterAttempt(s, false, t0);
    expect(locked.attemptsLeft).toBe(0);
    expect(Date.parse(locked.lockedUntil!) - t0.getTime()).toBe(LOCK_BASE_MS);
    expect(lockedUntil(locked, t0)).toBe(locked.lockedUntil);
    expect(lockedUntil(locked, new Date(Date.parse(locked.lockedUntil!)))).toBeNull();
    // After the lock, another full round of wrong PINs locks twice as long.
    let again: LockState = locked;
    for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) again = afterAttempt(again, false, t0);
    expect(Date.parse(again.lockedUntil!) - t0.getTime()).toBe(2 * LOCK_BASE_MS);
    expect(lockDurationMs(50)).toBe(LOCK_MAX_MS);
  });

  it('a correct PIN clears failures and lock level; the property holds for any sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), (attempts) => {
        let s: LockState = UNLOCKED;
        let wrongInRow = 0;
        let locks = 0;
        for (const ok of attempts) {
          const next = afterAttempt(s, ok, t0);
          if (ok) {
            wrongInRow = 0;
            locks = 0;
            expect(next).toMatchObject(UNLOCKED);
          } else {
            wrongInRow += 1;
            if (wrongInRow === MAX_PIN_ATTEMPTS) {
              expect(Date.parse(next.lockedUntil!) - t0.getTime()).toBe(
                Math.min(LOCK_MAX_MS, LOCK_BASE_MS * 2 ** locks),
              );
              wrongInRow = 0;
              locks += 1;
            } else {
              expect(next.lockedUntil).toBeNull();
              expect(next.attemptsLeft).toBe(MAX_PIN_ATTEMPTS - wrongInRow);
            }
          }
          expect(next.lockLevel).toBe(locks);
          s = next;
        }
      }),
    );
  });
});
