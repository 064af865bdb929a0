/**
 * Staff and their PINs over the store: create / change / deactivate, and the PIN check with its persisted lockout.
 * PIN checks for one person run one at a time (a queue per staff id), so parallel guesses cannot all read the same
 * failure count and slip past the lock.
 */
import { randomUUID } from 'node:crypto';
import type { StaffRole, StaffView } from '../../../shared/contract/shifts.ts';
import type { Log } from '../diagnostics/log.ts';
import type { StaffRow } from '../store/shifts.ts';
import type { Store } from '../store/store.ts';
import { ShiftError } from './errors.ts';
import {
  DEFAULT_SCRYPT,
  MAX_PIN_ATTEMPTS,
  afterAttempt,
  hashPin,
  lockedUntil,
  verifyPin,
  type ScryptParams,
} from './pin.ts';

export interface StaffDeps {
  store: Store;
  log: Log;
  now?: () => Date;
  scrypt?: ScryptParams;
}

export interface StaffService {
  list(): StaffView[];
  view(row: StaffRow): StaffView;
  get(id: string): StaffRow;
  seniorsExist(): boolean;
  save(input: {
    id?: string;
    name: string;
    role: StaffRole;
    pin?: string;
    active?: boolean;
  }): Promise<StaffView>;
  remove(id: string): StaffView[];
  /** The staff member, when `pin` is theirs; otherwise `pin_wrong` (attempts left) or `pin_locked` (until). */
  checkPin(staffId: string, pin: string): Promise<StaffRow>;
  /** checkPin, and the person must be an active senior. */
  approve(approval: { staffId: string; pin: string }): Promise<StaffRow>;
}

export function createStaffService(deps: StaffDeps): StaffService {
  const { store, log } = deps;
  const db = store.shifts;
  const now = deps.now ?? (() => new Date());
  const params = deps.scrypt ?? DEFAULT_SCRYPT;
  const queues = new Map<string, Promise<unknown>>();

  const view = (row: StaffRow): StaffView => ({
    id: row.id,
    name: row.name,
    role: row.role,
    active: row.active,
    createdAt: row.createdAt,
    lockedUntil: lockedUntil(db.getLockout(row.id), now()),
  });

  const get = (id: string): StaffRow => {
    const row = db.getStaff(id);
    if (!row) throw new ShiftError('staff_not_found', 'No such staff member');
    return row;
  };

  function serial<T>(key: string, run: () => Promise<T>): Promise<T> {
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return next;
  }

  async function checkPin(staffId: string, pin: string): Promise<StaffRow> {
    return serial(staffId, async () => {
      const row = get(staffId);
      if (!row.active) throw new ShiftError('staff_not_found', `${row.name} is no longer active`);
      const state = db.getLockout(staffId);
      const until = lockedUntil(state, now());
      if (until) {
        throw new ShiftError('pin_locked', `Too many wrong PINs: locked until ${until}`, [
          { name: 'pin', code: 'pin_locked' },
          { name: 'lockedUntil', code: until },
        ]);
      }
      const ok = await verifyPin(pin, row.pinHash);
      const next = afterAttempt(state, ok, now(), MAX_PIN_ATTEMPTS);
      db.setLockout({
        staffId,
        failures: next.failures,
        lockLevel: next.lockLevel,
        lockedUntil: next.lockedUntil,
      });
      if (ok) return row;
      log.warn('pin.wrong', { staffId, attemptsLeft: next.attemptsLeft, locked: next.lockedUntil !== null });
      if (next.lockedUntil !== null) {
        throw new ShiftError('pin_locked', `Too many wrong PINs: locked until ${next.lockedUntil}`, [
          { name: 'pin', code: 'pin_locked' },
          { name: 'lockedUntil', code: next.lockedUntil },
        ]);
      }
      throw new ShiftError('pin_wrong', `Wrong PIN: ${next.attemptsLeft} attempts left`, [
        { name: 'pin', code: 'pin_wrong' },
        { name: 'attemptsLeft', code: String(next.attemptsLeft) },
      ]);
    });
  }

  return {
    view,
    get,
    list: () => db.listStaff().map(view),
    seniorsExist: () => db.countActiveSeniors() > 0,
    checkPin,
    async approve(approval) {
      const row = await checkPin(approval.staffId, approval.pin);
      if (row.role !== 'senior') {
        throw new ShiftError('pin_required', `${row.name} is not a senior: a senior's PIN is needed`, [
          { name: 'approval', code: 'not_senior' },
        ]);
      }
      return row;
    },
    async save(input) {
      const pinHash = input.pin === undefined ? undefined : await hashPin(input.pin, params);
      // After the (slow) hash, decide and write in one transaction.
      const saved = db.transaction(() => {
        if (input.id === undefined) {
          if (db.countStaff() === 0 && input.role !== 'senior') {
            throw new ShiftError('staff_first_senior', 'The first staff member must be a senior');
          }
          if (pinHash === undefined)
            throw new ShiftError('invalid_input', 'A new staff member needs a PIN', [
              { name: 'pin', code: 'required' },
            ]);
          return db.insertStaff({ id: randomUUID(), name: input.name, role: input.role, pinHash });
        }
        const current = get(input.id);
        const demoted = current.role === 'senior' && current.active && input.role !== 'senior';
        const deactivated = current.role === 'senior' && current.active && input.active === false;
        if ((demoted || deactivated) && db.countActiveSeniors() <= 1) {
          throw new ShiftError('staff_last_senior', 'The last senior cannot be demoted or removed');
        }
        return db.updateStaff(input.id, {
          name: input.name,
          role: input.role,
          ...(pinHash === undefined ? {} : { pinHash }),
          ...(input.active === undefined ? {} : { active: input.active }),
        });
      });
      log.info('staff.saved', { staffId: saved.id, role: saved.role, active: saved.active });
      return view(saved);
    },
    remove(id) {
      db.transaction(() => {
        const current = get(id);
        if (current.role === 'senior' && current.active && db.countActiveSeniors() <= 1) {
          throw new ShiftError('staff_last_senior', 'The last senior cannot be removed');
        }
        db.updateStaff(id, { active: false });
      });
      log.info('staff.removed', { staffId: id });
      return db.listStaff().map(view);
    },
  };
}
