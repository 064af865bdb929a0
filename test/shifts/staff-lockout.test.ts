/**
 * Staff and PIN lockout over the real SQLite store: the lock survives a restart (a new store and service on the same
 * file), parallel guesses cannot slip past it, PINs never reach the file in clear, and the staff rules hold.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLog } from '../../electron/core/diagnostics/log.ts';
import { LOCK_BASE_MS, MAX_PIN_ATTEMPTS } from '../../electron/core/shifts/pin.ts';
import { createStaffService, type StaffService } from '../../electron/core/shifts/staff.ts';
import { DB_FILE_NAME } from '../../electron/core/store/database.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';

let dir: string;
let clock: Date;
const opened: Store[] = [];
const log = createLog({ secrets: () => [] });

function open(): { store: Store; staff: StaffService } {
  const store = openStore({ dir, now: () => clock });
  opened.push(store);
  return { store, staff: createStaffService({ store, log, now: () => clock }) };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paydesk-staff-'));
  clock = new Date('2026-11-23T09:00:00.000Z');
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('PIN lockout', () => {
  it('locks after repeated wrong PINs, stays locked across a restart, and unlocks when the time has passed', async () => {
    const first = open();
    const anna = await first.staff.save({ name: 'Анна', role: 'senior', pin: '2468' });
    for (let i = 1; i < MAX_PIN_ATTEMPTS; i++) {
      const err = await first.staff.checkPin(anna.id, '1111').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'pin_wrong' });
      expect((err as { fields: unknown }).fields).toContainEqual({
        name: 'attemptsLeft',
        code: String(MAX_PIN_ATTEMPTS - i),
      });
    }
    const locked = await first.staff.checkPin(anna.id, '1111').catch((e: unknown) => e);
    expect(locked).toMatchObject({ code: 'pin_locked' });
    const until = new Date(clock.getTime() + LOCK_BASE_MS).toISOString();
    expect((locked as { fields: unknown }).fields).toContainEqual({ name: 'lockedUntil', code: until });
    // Even the right PIN is refused while locked.
    expect(await code(first.staff.checkPin(anna.id, '2468'))).toBe('pin_locked');

    // Restart: a new store and service on the same file.
    first.store.close();
    const second = open();
    expect(await code(second.staff.checkPin(anna.id, '2468'))).toBe('pin_locked');
    expect(second.staff.list()[0]!.lockedUntil).toBe(until);

    clock = new Date(Date.parse(until) + 1);
    expect(await code(second.staff.checkPin(anna.id, '2468'))).toBe('ok');
    expect(second.staff.list()[0]!.lockedUntil).toBeNull();
  });

  it('the next lock in a row lasts longer', async () => {
    const { staff } = open();
    const anna = await staff.save({ name: 'Анна', role: 'senior', pin: '2468' });
    for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) await code(staff.checkPin(anna.id, '0000'));
    const firstUntil = Date.parse(staff.list()[0]!.lockedUntil!);
    expect(firstUntil - clock.getTime()).toBe(LOCK_BASE_MS);
    clock = new Date(firstUntil + 1);
    for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) await code(staff.checkPin(anna.id, '0000'));
    expect(Date.parse(staff.list()[0]!.lockedUntil!) - clock.getTime()).toBe(2 * LOCK_BASE_MS);
  });

  it('parallel guesses are counted one by one: no more than the allowed attempts get checked', async () => {
    const { staff } = open();
    const anna = await staff.save({ name: 'Анна', role: 'senior', pin: '2468' });
    const guesses = Array.from({ length: 20 }, (_, i) => code(staff.checkPin(anna.id, String(1000 + i))));
    const results = await Promise.all(guesses);
    expect(results.filter((r) => r === 'pin_wrong')).toHaveLength(MAX_PIN_ATTEMPTS - 1);
    expect(results.filter((r) => r === 'pin_locked')).toHaveLength(20 - (MAX_PIN_ATTEMPTS - 1));
    expect(await code(staff.checkPin(anna.id, '2468'))).toBe('pin_locked');
  });
});

describe('staff', () => {
  it('stores PINs only as salted hashes', async () => {
    const { store, staff } = open();
    await staff.save({ name: 'Анна', role: 'senior', pin: '73915' });
    await staff.save({ name: 'Иван', role: 'cashier', pin: '73915' });
    store.close();
    const db = new DatabaseSync(join(dir, DB_FILE_NAME), { readOnly: true });
    const rows = db.prepare('SELECT * FROM staff').all();
    db.close();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      for (const value of Object.values(row)) expect(String(value)).not.toBe('73915');
      expect(String(row.pin_hash)).toMatch(/^\$scrypt\$/);
    }
    expect(rows[0]!.pin_hash).not.toBe(rows[1]!.pin_hash); // same PIN, different salts
    expect(readFileSync(join(dir, DB_FILE_NAME)).includes(Buffer.from('73915'))).toBe(false);
  });

  it('the first member must be a senior; the last senior cannot be demoted or removed', async () => {
    const { staff } = open();
    expect(await code(staff.save({ name: 'Иван', role: 'cashier', pin: '1234' }))).toBe('staff_first_senior');
    expect(await code(staff.save({ name: 'Анна', role: 'senior' }))).toBe('invalid_input'); // no PIN
    const anna = await staff.save({ name: 'Анна', role: 'senior', pin: '2468' });
    const ivan = await staff.save({ name: 'Иван', role: 'cashier', pin: '1357' });
    expect(await code(staff.save({ id: anna.id, name: 'Анна', role: 'cashier' }))).toBe('staff_last_senior');
    expect(await code(Promise.resolve().then(() => staff.remove(anna.id)))).toBe('staff_last_senior');
    // A second senior makes it possible.
    await staff.save({ id: ivan.id, name: 'Иван', role: 'senior' });
    const after = staff.remove(anna.id);
    expect(after.find((s) => s.id === anna.id)?.active).toBe(false);
    expect(await code(staff.checkPin(anna.id, '2468'))).toBe('staff_not_found');
    // A changed PIN replaces the old one.
    await staff.save({ id: ivan.id, name: 'Иван', role: 'senior', pin: '9999' });
    expect(await code(staff.checkPin(ivan.id, '1357'))).toBe('pin_wrong');
    expect(await code(staff.checkPin(ivan.id, '9999'))).toBe('ok');
    expect(await code(staff.approve({ staffId: ivan.id, pin: '9999' }))).toBe('ok');
  });
});
