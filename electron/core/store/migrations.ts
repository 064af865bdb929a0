/**
 * Schema migrations. `PRAGMA user_version` holds the number of the last migration applied; migrations run in order,
 * each in its own transaction together with the version bump, so a crash leaves the file at a whole version. A file
 * from a newer PayDesk (user_version above what this build knows) is refused, never "downgraded".
 *
 * Append only: never edit a released migration, add the next one.
 */

import type { DatabaseSync } from 'node:sqlite';
import { APPLICATION_ID, StoreError, assertSchemaNotNewer, pragmaValue, transaction } from './database.ts';

export interface Migration {
  version: number;
  name: string;
  up: (db: DatabaseSync) => void;
}

const V1_SCHEMA = `
CREATE TABLE orders (
  -- Stable integer key for the full-text index (an implicit rowid could be renumbered by VACUUM).
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL DEFAULT 'invoicebox',
  merchant_id TEXT NOT NULL,
  merchant_order_id TEXT NOT NULL,
  -- merchant_order_id lower-cased (Unicode) for the case-insensitive prefix search.
  merchant_order_id_fold TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('console', 'foreign')),
  status TEXT NOT NULL CHECK (status IN ('created', 'completed', 'expired', 'canceled')),
  amount INTEGER NOT NULL,
  vat_amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  payment_url TEXT,
  created_at TEXT NOT NULL,
  expiration_date TEXT,
  paid_at TEXT,
  updated_at TEXT NOT NULL,
  raw_json TEXT NOT NULL,
  basket_json TEXT,
  UNIQUE (merchant_id, merchant_order_id)
) STRICT;

CREATE INDEX orders_created ON orders (created_at, id);
CREATE INDEX orders_status_created ON orders (status, created_at, id);
CREATE INDEX orders_mo_fold ON orders (merchant_order_id_fold);

-- Substring search in descriptions (case-insensitive, any script). Kept in step with orders by the store itself
-- (store.ts), not by triggers: a trigger runs in a statement savepoint, and FTS5 flushes its pending index data at
-- every savepoint, which makes bulk inserts ~6x slower. The FTS5 'integrity-check' verifies it (checkIntegrity).
CREATE VIRTUAL TABLE orders_fts USING fts5 (
  description,
  content = 'orders',
  content_rowid = 'seq',
  tokenize = 'trigram'
);

CREATE TABLE status_history (
  id INTEGER PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('created', 'completed', 'expired', 'canceled')),
  source TEXT NOT NULL CHECK (source IN ('api', 'gate', 'reconcile', 'local')),
  applied INTEGER NOT NULL CHECK (applied IN (0, 1)),
  at TEXT NOT NULL,
  detail TEXT
) STRICT;
CREATE INDEX status_history_order ON status_history (order_id, id);

CREATE TABLE intents (
  merchant_order_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('create_order', 'create_refund', 'cancel_order')),
  request_json TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
  result_id TEXT,
  error_code TEXT,
  error_message TEXT,
  request_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- A cancel_order intent carries the merchantOrderId of the order it cancels, so the key includes the kind.
  PRIMARY KEY (merchant_order_id, kind)
) STRICT, WITHOUT ROWID;
CREATE INDEX intents_pending ON intents (created_at) WHERE state = 'pending';

CREATE TABLE refunds (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL DEFAULT 'invoicebox',
  parent_id TEXT NOT NULL REFERENCES orders (id),
  merchant_id TEXT NOT NULL,
  merchant_order_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'created', 'completed', 'canceled')),
  amount INTEGER NOT NULL,
  vat_amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  description TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  raw_json TEXT NOT NULL,
  basket_json TEXT,
  UNIQUE (merchant_id, merchant_order_id)
) STRICT;
CREATE INDEX refunds_parent ON refunds (parent_id, created_at);
CREATE INDEX refunds_open ON refunds (created_at, id) WHERE status IN ('draft', 'created');

CREATE TABLE refund_status_history (
  id INTEGER PRIMARY KEY,
  refund_id TEXT NOT NULL REFERENCES refunds (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('draft', 'created', 'completed', 'canceled')),
  source TEXT NOT NULL CHECK (source IN ('api', 'gate', 'reconcile', 'local')),
  applied INTEGER NOT NULL CHECK (applied IN (0, 1)),
  at TEXT NOT NULL,
  detail TEXT
) STRICT;
CREATE INDEX refund_status_history_refund ON refund_status_history (refund_id, id);

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at TEXT NOT NULL,
  rpc_id TEXT,
  method TEXT NOT NULL,
  order_id TEXT,
  status TEXT,
  outcome TEXT NOT NULL,
  raw_json TEXT NOT NULL
) STRICT;
CREATE INDEX notifications_order ON notifications (order_id, id) WHERE order_id IS NOT NULL;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
`;

/**
 * Shifts (electron/core/shifts). The stamps live where the action is recorded, in the same transaction: on the intent
 * (journalled before the POST of an order or a refund; the order / refund is the intent's result_id) and on the
 * status-history row (a cancel). Orders and refunds of a shift are found through them.
 */
const SHIFTS_SCHEMA = `
CREATE TABLE staff (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('cashier', 'senior')),
  -- scrypt PHC string (electron/core/shifts/pin.ts); never the PIN itself.
  pin_hash TEXT NOT NULL CHECK (pin_hash LIKE '$scrypt$%'),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE pin_lockouts (
  staff_id TEXT PRIMARY KEY REFERENCES staff (id),
  failures INTEGER NOT NULL,
  lock_level INTEGER NOT NULL,
  locked_until TEXT,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE shifts (
  id TEXT PRIMARY KEY,
  number INTEGER NOT NULL UNIQUE,
  staff_id TEXT NOT NULL REFERENCES staff (id),
  cashier_name TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  closed_at TEXT,
  closed_by TEXT REFERENCES staff (id),
  -- The report as it was at closing (JSON), kept as the shift's record.
  report_json TEXT
) STRICT;
-- At most one open shift.
CREATE UNIQUE INDEX shifts_one_open ON shifts (ifnull(closed_at, 'open')) WHERE closed_at IS NULL;

ALTER TABLE intents ADD COLUMN shift_id TEXT;
ALTER TABLE intents ADD COLUMN staff_id TEXT;
ALTER TABLE intents ADD COLUMN approved_by TEXT;
CREATE INDEX intents_shift ON intents (shift_id, kind) WHERE shift_id IS NOT NULL;

ALTER TABLE status_history ADD COLUMN shift_id TEXT;
ALTER TABLE status_history ADD COLUMN staff_id TEXT;
ALTER TABLE status_history ADD COLUMN approved_by TEXT;
CREATE INDEX status_history_shift ON status_history (shift_id, status) WHERE shift_id IS NOT NULL;
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema: orders, status history, intents, refunds, notifications, settings',
    up(db) {
      db.exec(V1_SCHEMA);
      db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    },
  },
  {
    version: 2,
    name: 'search: folded descriptions for short substrings, amount index',
    up(db) {
      // Descriptions lower-cased (Unicode, as JavaScript folds them) in a narrow index of their own: a one- or
      // two-character search (the trigram index needs three) scans this index, not the table's wide rows.
      db.function('paydesk_fold_v2', { deterministic: true }, (v) =>
        typeof v === 'string' ? v.toLowerCase() : v,
      );
      db.exec(`ALTER TABLE orders ADD COLUMN description_fold TEXT NOT NULL DEFAULT ''`);
      db.exec('UPDATE orders SET description_fold = paydesk_fold_v2(description)');
      db.exec('CREATE INDEX orders_description_fold ON orders (description_fold)');
      // Amount ranges: counted and paged from this index alone.
      db.exec('CREATE INDEX orders_amount ON orders (amount, created_at, id)');
    },
  },
  {
    version: 3,
    name: 'shifts: staff with PIN hashes, shifts, PIN lockouts; shift and cashier stamps on intents and history',
    up(db) {
      db.exec(SHIFTS_SCHEMA);
    },
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: DatabaseSync): number {
  return Number(pragmaValue(db, 'user_version') ?? 0);
}

export interface MigrationReport {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Brings the database up to the last migration. Each migration and its version bump commit together; the version is
 * re-read inside the transaction, so two processes racing on a fresh file do not both run a migration.
 */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): MigrationReport {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: #${i} has version ${m.version}`);
  });
  const latest = migrations.length;
  const from = schemaVersion(db);
  assertSchemaNotNewer(db, from, latest);
  const applied: string[] = [];
  for (const m of migrations.slice(from)) {
    transaction(db, () => {
      const current = schemaVersion(db);
      assertSchemaNotNewer(db, current, latest);
      if (current >= m.version) return;
      try {
        m.up(db);
      } catch (err) {
        throw new StoreError(
          'migration_failed',
          `migration ${m.version} (${m.name}) failed: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      db.exec(`PRAGMA user_version = ${m.version}`);
      applied.push(m.name);
    });
  }
  return { from, to: schemaVersion(db), applied };
}
