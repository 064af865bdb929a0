/**
 * The SQLite connection under the store: node:sqlite (no native modules), one connection per process.
 *
 * Durability: the gate listener acknowledges a notification only after the commit that recorded it returned (the
 * screen may be told before; see gate/notification-handler.ts), so a returned commit must survive a crash or power
 * cut: WAL with synchronous=FULL (in WAL mode NORMAL may lose the last transactions on power loss). Transactions are
 * BEGIN IMMEDIATE: the write lock is taken up front, so a transaction never fails half-way with SQLITE_BUSY on lock
 * upgrade.
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export const DB_FILE_NAME = 'paydesk.sqlite';
/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;
/** PRAGMA application_id of a PayDesk database ('PDSK'): a different non-zero id means another program's file. */
export const APPLICATION_ID = 0x5044534b;
/** Page cache per connection: 64 MiB keeps the indexes of ~100,000 orders in memory (the default 2 MB thrashes). */
export const CACHE_KIB = 65_536;

export type StoreErrorCode =
  | 'schema_too_new'
  | 'not_a_paydesk_database'
  | 'pragma_failed'
  | 'migration_failed'
  | 'async_transaction'
  | 'invalid_input'
  | 'merchant_order_id_conflict'
  | 'refund_parent_unknown'
  | 'intent_conflict'
  | 'intent_unknown'
  | 'invalid_cursor'
  | 'secret_setting'
  | 'closed';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/**
 * Opens (creating the directory and the file if needed) `<dir>/paydesk.sqlite` with the store's pragmas. A file of
 * another program, or of a newer schema than `maxSchemaVersion`, is refused before anything in it is changed.
 */
export function openDatabase(dir: string, maxSchemaVersion: number): DatabaseSync {
  mkdirSync(dir, { recursive: true });
  const db = new DatabaseSync(join(dir, DB_FILE_NAME), {
    enableForeignKeyConstraints: true,
    enableDoubleQuotedStringLiterals: false,
  });
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    assertPayDeskFile(db);
    assertSchemaNotNewer(db, Number(pragmaValue(db, 'user_version') ?? 0), maxSchemaVersion);
    setPragma(db, 'journal_mode', 'WAL', 'wal');
    setPragma(db, 'synchronous', 'FULL', 2);
    setPragma(db, 'foreign_keys', 'ON', 1);
    db.exec('PRAGMA temp_store = MEMORY');
    db.exec(`PRAGMA cache_size = -${CACHE_KIB}`);
    // After a checkpoint, a WAL grown by a big transaction (a seed, a first sync) is truncated back to this size.
    db.exec('PRAGMA journal_size_limit = 67108864');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Refuses a file written by another program (before anything is changed in it). */
function assertPayDeskFile(db: DatabaseSync): void {
  const appId = pragmaValue(db, 'application_id');
  if (appId === APPLICATION_ID) return;
  if (appId !== 0) {
    throw new StoreError(
      'not_a_paydesk_database',
      `not a PayDesk database (application_id ${String(appId)}): ${db.location() ?? '?'}`,
    );
  }
  const objects = db.prepare('SELECT count(*) AS n FROM sqlite_schema').get();
  if (Number(objects?.n ?? 0) > 0 && pragmaValue(db, 'user_version') === 0) {
    throw new StoreError(
      'not_a_paydesk_database',
      `not a PayDesk database (tables without a PayDesk schema version): ${db.location() ?? '?'}`,
    );
  }
}

export function assertSchemaNotNewer(db: DatabaseSync, version: number, latest: number): void {
  if (version > latest) {
    throw new StoreError(
      'schema_too_new',
      `${db.location() ?? 'the database'} was written by a newer PayDesk (schema version ${version}; this version ` +
        `understands up to ${latest}). Update PayDesk; the file was left untouched.`,
    );
  }
}

export function pragmaValue(db: DatabaseSync, name: string): unknown {
  const row = db.prepare(`PRAGMA ${name}`).get();
  return row === undefined ? undefined : Object.values(row)[0];
}

function setPragma(db: DatabaseSync, name: string, value: string, expected: string | number): void {
  db.exec(`PRAGMA ${name} = ${value}`);
  const actual = pragmaValue(db, name);
  if (actual !== expected) {
    throw new StoreError('pragma_failed', `PRAGMA ${name} = ${value} did not take (got ${String(actual)})`);
  }
}

const savepointDepth = new WeakMap<DatabaseSync, number>();

/**
 * Runs `fn` in a transaction: BEGIN IMMEDIATE … COMMIT, or ROLLBACK and rethrow. Nested calls become savepoints, so
 * store operations compose (a caller can group several of them into one commit). `fn` must be synchronous: an async
 * function would commit before its awaits ran, so a returned promise is refused (and rolled back).
 */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  if (db.isTransaction) return savepoint(db, fn);
  db.exec('BEGIN IMMEDIATE');
  let result: T;
  try {
    result = fn();
    assertNotPromise(result);
    db.exec('COMMIT');
  } catch (err) {
    // A failed COMMIT (I/O error, disk full) may leave the transaction open: roll it back so the connection is usable.
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
  return result;
}

/** A read-only snapshot over several statements (BEGIN DEFERRED takes no write lock). Nested: runs in place. */
export function readTransaction<T>(db: DatabaseSync, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec('BEGIN DEFERRED');
  try {
    const result = fn();
    assertNotPromise(result);
    return result;
  } finally {
    if (db.isTransaction) db.exec('COMMIT');
  }
}

function savepoint<T>(db: DatabaseSync, fn: () => T): T {
  const depth = (savepointDepth.get(db) ?? 0) + 1;
  const name = `paydesk_sp_${depth}`;
  savepointDepth.set(db, depth);
  db.exec(`SAVEPOINT ${name}`);
  try {
    const result = fn();
    assertNotPromise(result);
    db.exec(`RELEASE ${name}`);
    return result;
  } catch (err) {
    if (db.isTransaction) {
      db.exec(`ROLLBACK TO ${name}`);
      db.exec(`RELEASE ${name}`);
    }
    throw err;
  } finally {
    savepointDepth.set(db, depth - 1);
  }
}

function assertNotPromise(value: unknown): void {
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  ) {
    throw new StoreError(
      'async_transaction',
      'a store transaction must be synchronous (the callback returned a promise)',
    );
  }
}
