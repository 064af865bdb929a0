/**
 * The store's shifts tables (migration "shifts"): staff with PIN hashes, shifts with their closing reports, PIN
 * lockouts. SQL only; the rules are in electron/core/shifts/. Reached as `store.shifts`.
 */
import type { DatabaseSync, SQLOutputValue, StatementSync } from 'node:sqlite';
import { StoreError, transaction } from './database.ts';

export type StaffRole = 'cashier' | 'senior';

export interface StaffRow {
  id: string;
  name: string;
  role: StaffRole;
  pinHash: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ShiftRow {
  id: string;
  number: number;
  staffId: string;
  cashierName: string;
  openedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  report: unknown;
}

export interface LockoutRow {
  staffId: string;
  failures: number;
  lockLevel: number;
  lockedUntil: string | null;
}

type Row = Record<string, SQLOutputValue>;

const str = (v: SQLOutputValue | undefined): string => {
  if (typeof v !== 'string') throw new Error(`store: expected text, got ${typeof v}`);
  return v;
};
const strOrNull = (v: SQLOutputValue | undefined): string | null =>
  v === null || v === undefined ? null : str(v);
const num = (v: SQLOutputValue | undefined): number => Number(v);

function staffRow(r: Row): StaffRow {
  return {
    id: str(r.id),
    name: str(r.name),
    role: str(r.role) as StaffRole,
    pinHash: str(r.pin_hash),
    active: num(r.active) === 1,
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function shiftRow(r: Row): ShiftRow {
  return {
    id: str(r.id),
    number: num(r.number),
    staffId: str(r.staff_id),
    cashierName: str(r.cashier_name),
    openedAt: str(r.opened_at),
    closedAt: strOrNull(r.closed_at),
    closedBy: strOrNull(r.closed_by),
    report: r.report_json === null || r.report_json === undefined ? null : JSON.parse(str(r.report_json)),
  };
}

export class ShiftStore {
  readonly #db: DatabaseSync;
  readonly #now: () => Date;
  readonly #statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  #stmt(sql: string): StatementSync {
    let s = this.#statements.get(sql);
    if (s === undefined) {
      if (!this.#db.isOpen) throw new StoreError('closed', 'the store is closed');
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  transaction<T>(fn: () => T): T {
    return transaction(this.#db, fn);
  }

  // ── staff ──

  listStaff(): StaffRow[] {
    return this.#stmt('SELECT * FROM staff ORDER BY active DESC, name, id').all().map(staffRow);
  }

  getStaff(id: string): StaffRow | null {
    const r = this.#stmt('SELECT * FROM staff WHERE id = ?').get(id);
    return r === undefined ? null : staffRow(r);
  }

  countActiveSeniors(): number {
    return num(this.#stmt("SELECT count(*) AS n FROM staff WHERE role = 'senior' AND active = 1").get()?.n);
  }

  countStaff(): number {
    return num(this.#stmt('SELECT count(*) AS n FROM staff').get()?.n);
  }

  insertStaff(s: { id: string; name: string; role: StaffRole; pinHash: string }): StaffRow {
    const now = this.#now().toISOString();
    this.#stmt(
      `INSERT INTO staff (id, name, role, pin_hash, active, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)`,
    ).run(s.id, s.name, s.role, s.pinHash, now, now);
    return this.getStaff(s.id)!;
  }

  updateStaff(
    id: string,
    patch: { name?: string; role?: StaffRole; pinHash?: string; active?: boolean },
  ): StaffRow {
    return this.transaction(() => {
      const current = this.getStaff(id);
      if (!current) throw new StoreError('invalid_input', `staff ${id} is unknown`);
      this.#stmt(
        'UPDATE staff SET name = ?, role = ?, pin_hash = ?, active = ?, updated_at = ? WHERE id = ?',
      ).run(
        patch.name ?? current.name,
        patch.role ?? current.role,
        patch.pinHash ?? current.pinHash,
        (patch.active ?? current.active) ? 1 : 0,
        this.#now().toISOString(),
        id,
      );
      // A new PIN starts with a clean slate.
      if (patch.pinHash !== undefined) this.#stmt('DELETE FROM pin_lockouts WHERE staff_id = ?').run(id);
      return this.getStaff(id)!;
    });
  }

  // ── lockouts ──

  getLockout(staffId: string): LockoutRow {
    const r = this.#stmt('SELECT * FROM pin_lockouts WHERE staff_id = ?').get(staffId);
    if (r === undefined) return { staffId, failures: 0, lockLevel: 0, lockedUntil: null };
    return {
      staffId,
      failures: num(r.failures),
      lockLevel: num(r.lock_level),
      lockedUntil: strOrNull(r.locked_until),
    };
  }

  setLockout(l: LockoutRow): void {
    this.transaction(() => {
      this.#stmt(
        `INSERT INTO pin_lockouts (staff_id, failures, lock_level, locked_until, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (staff_id) DO UPDATE SET failures = excluded.failures, lock_level = excluded.lock_level,
           locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
      ).run(l.staffId, l.failures, l.lockLevel, l.lockedUntil, this.#now().toISOString());
    });
  }

  // ── shifts ──

  openShift(): ShiftRow | null {
    const r = this.#stmt('SELECT * FROM shifts WHERE closed_at IS NULL ORDER BY number DESC LIMIT 1').get();
    return r === undefined ? null : shiftRow(r);
  }

  getShift(id: string): ShiftRow | null {
    const r = this.#stmt('SELECT * FROM shifts WHERE id = ?').get(id);
    return r === undefined ? null : shiftRow(r);
  }

  lastShift(): ShiftRow | null {
    const r = this.#stmt('SELECT * FROM shifts ORDER BY number DESC LIMIT 1').get();
    return r === undefined ? null : shiftRow(r);
  }

  /** Newest first; `before`: shift numbers below this one. */
  listShifts(limit: number, before?: number): ShiftRow[] {
    return (
      before === undefined
        ? this.#stmt('SELECT * FROM shifts ORDER BY number DESC LIMIT ?').all(limit)
        : this.#stmt('SELECT * FROM shifts WHERE number < ? ORDER BY number DESC LIMIT ?').all(before, limit)
    ).map(shiftRow);
  }

  /** Opens a shift; null when one is open already (the unique index decides, so two tills cannot both open one). */
  insertShift(s: { id: string; staffId: string; cashierName: string }): ShiftRow | null {
    return this.transaction(() => {
      if (this.openShift()) return null;
      const next = num(this.#stmt('SELECT coalesce(max(number), 0) + 1 AS n FROM shifts').get()?.n);
      this.#stmt(
        'INSERT INTO shifts (id, number, staff_id, cashier_name, opened_at) VALUES (?, ?, ?, ?, ?)',
      ).run(s.id, next, s.staffId, s.cashierName, this.#now().toISOString());
      return this.getShift(s.id);
    });
  }

  /** Closes the shift with its report; false when it was not open. */
  closeShift(id: string, closedBy: string, report: (closedAt: string) => unknown): ShiftRow | null {
    return this.transaction(() => {
      const current = this.getShift(id);
      if (!current || current.closedAt !== null) return null;
      const closedAt = this.#now().toISOString();
      this.#stmt('UPDATE shifts SET closed_at = ?, closed_by = ?, report_json = ? WHERE id = ?').run(
        closedAt,
        closedBy,
        JSON.stringify(report(closedAt)),
        id,
      );
      return this.getShift(id);
    });
  }

  /** Replaces the stored report of a closed shift (a later verification against the gateway). */
  saveReport(id: string, report: unknown): void {
    this.transaction(() => {
      this.#stmt('UPDATE shifts SET report_json = ? WHERE id = ? AND closed_at IS NOT NULL').run(
        JSON.stringify(report),
        id,
      );
    });
  }
}
