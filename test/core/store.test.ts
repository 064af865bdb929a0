/**
 * The local store (electron/core/store) on real SQLite files in temporary directories.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_STATUSES, type OrderStatus } from '../../shared/domain/order-status.ts';
import { DB_FILE_NAME, StoreError, openDatabase } from '../../electron/core/store/database.ts';
import { MIGRATIONS, SCHEMA_VERSION, migrate, type Migration } from '../../electron/core/store/migrations.ts';
import { generateOrders, seedOrders, type SeededOrder } from '../../electron/core/store/seed.ts';
import { openStore, toIsoUtc, type Store } from '../../electron/core/store/store.ts';
import type {
  OrderSearch,
  OrderSnapshot,
  OrderSummary,
  RefundSnapshot,
} from '../../electron/core/store/types.ts';

const MERCHANT = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

const dirs: string[] = [];
const stores: Store[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-store-'));
  dirs.push(dir);
  return dir;
}

/** A clock that advances one second per reading, so every write gets a distinct, predictable time. */
function steppingClock(start = '2026-05-01T10:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

function open(dir = tempDir(), now: () => Date = steppingClock()): Store {
  const store = openStore({ dir, now });
  stores.push(store);
  return store;
}

function raw(dir: string): DatabaseSync {
  return new DatabaseSync(join(dir, DB_FILE_NAME));
}

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let counter = 0;

function snap(over: Partial<OrderSnapshot> = {}): OrderSnapshot {
  counter += 1;
  const id = over.id ?? `0000aaaa-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  const base: OrderSnapshot = {
    id,
    merchantId: MERCHANT,
    merchantOrderId: `PD-T-${counter}`,
    status: 'created',
    amount: 150_000,
    vatAmount: 27_049,
    currencyId: 'RUB',
    description: 'Кофе латте',
    paymentUrl: `https://pay.example/${id}`,
    createdAt: '2026-05-01T12:00:00+03:00',
    expirationDate: '2026-05-01T12:30:00+03:00',
    paidAt: null,
    raw: { id },
    basket: [{ sku: 'A', quantity: 1 }],
  };
  const s = { ...base, ...over };
  return { ...s, raw: over.raw ?? { id: s.id, status: s.status, amount: s.amount / 100 } };
}

function expectStoreError(fn: () => unknown, code: string): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(code);
    return err as StoreError;
  }
  throw new Error(`expected StoreError ${code}, nothing was thrown`);
}

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

// ── opening, pragmas, migrations ────────────────────────────────────────────────────────────────────────────────

describe('opening and migrations', () => {
  it('creates the directory and the schema from empty, with the durable pragmas', () => {
    const dir = join(tempDir(), 'nested', 'data');
    const store = open(dir);
    expect(store.migration).toMatchObject({ from: 0, to: SCHEMA_VERSION });
    expect(store.migration.applied).toHaveLength(MIGRATIONS.length);
    const d = store.diagnostics();
    expect(d).toMatchObject({
      schemaVersion: SCHEMA_VERSION,
      journalMode: 'wal',
      synchronous: 2,
      foreignKeys: true,
    });
    expect(d.busyTimeoutMs).toBeGreaterThan(0);
    expect(d.path).toBe(join(dir, DB_FILE_NAME));
    store.close();

    const db = raw(dir);
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'orders',
        'status_history',
        'intents',
        'refunds',
        'refund_status_history',
        'notifications',
        'settings',
        'orders_fts',
      ]),
    );
    expect(db.prepare('PRAGMA user_version').get()?.user_version).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('reopens idempotently: no migration runs again and the data stays', () => {
    const dir = tempDir();
    const first = open(dir);
    first.applyOrderUpdate(snap({ id: 'keep-me' }), 'api');
    first.close();
    const second = open(dir);
    expect(second.migration).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION, applied: [] });
    expect(second.getOrder('keep-me')?.order.status).toBe('created');
  });

  it('refuses a database from a newer PayDesk and leaves the file untouched', () => {
    const dir = tempDir();
    open(dir).close();
    const db = raw(dir);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const file = join(dir, DB_FILE_NAME);
    const before = sha(file);
    const err = expectStoreError(() => openStore({ dir }), 'schema_too_new');
    expect(err.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(err.message).toContain('Update PayDesk');
    expect(sha(file)).toBe(before);
  });

  it("refuses another program's SQLite file", () => {
    const dir = tempDir();
    const db = raw(dir);
    db.exec('CREATE TABLE something (x)');
    db.close();
    expectStoreError(() => openStore({ dir }), 'not_a_paydesk_database');
    const other = tempDir();
    const db2 = raw(other);
    db2.exec('PRAGMA application_id = 42');
    db2.close();
    expectStoreError(() => openStore({ dir: other }), 'not_a_paydesk_database');
  });

  it('runs each migration in its own transaction: a failing one leaves the previous version intact', () => {
    const dir = tempDir();
    const db = openDatabase(dir, 10);
    const broken: Migration[] = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'half-done',
        up(d) {
          d.exec('CREATE TABLE half_done (x INTEGER)');
          d.exec('INSERT INTO no_such_table VALUES (1)');
        },
      },
    ];
    expectStoreError(() => migrate(db, broken), 'migration_failed');
    expect(db.prepare('PRAGMA user_version').get()?.user_version).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half_done'").get()?.n).toBe(0);
    // A fixed migration then applies on top.
    const fixed: Migration[] = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'fixed',
        up: (d) => d.exec('CREATE TABLE half_done (x INTEGER)'),
      },
    ];
    expect(migrate(db, fixed)).toEqual({
      from: MIGRATIONS.length,
      to: MIGRATIONS.length + 1,
      applied: ['fixed'],
    });
    db.close();
  });

  it('rejects a migration list out of order', () => {
    const db = openDatabase(tempDir(), 10);
    const wrong: Migration[] = [{ version: 2, name: 'x', up: () => {} }];
    expect(() => migrate(db, wrong)).toThrow(/out of order/);
    db.close();
  });
});

// ── transactions ────────────────────────────────────────────────────────────────────────────────────────────────

describe('transactions', () => {
  it('rolls back everything when the callback throws', () => {
    const store = open();
    expect(() =>
      store.transaction(() => {
        store.applyOrderUpdate(snap({ id: 'rolled-back' }), 'api');
        store.setSetting('ui.lang', 'ru');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.getOrder('rolled-back')).toBeNull();
    expect(store.getSetting('ui.lang')).toBeUndefined();
  });

  it('nests as savepoints: a failed inner call is undone, the outer work commits', () => {
    const store = open();
    store.transaction(() => {
      store.setSetting('outer', 1);
      try {
        store.transaction(() => {
          store.setSetting('inner', 2);
          throw new Error('inner failure');
        });
      } catch {
        // handled
      }
    });
    expect(store.getSetting('outer')).toBe(1);
    expect(store.getSetting('inner')).toBeUndefined();
  });

  it('refuses an async callback (it would commit before its awaits) and commits nothing', () => {
    const store = open();
    expectStoreError(
      () =>
        store.transaction(async () => {
          store.setSetting('async', true);
        }),
      'async_transaction',
    );
    expect(store.getSetting('async')).toBeUndefined();
  });
});

// ── orders ──────────────────────────────────────────────────────────────────────────────────────────────────────

describe('applyOrderUpdate', () => {
  it('inserts an order we journalled as console, normalising times to UTC', () => {
    const store = open();
    const s = snap({ merchantOrderId: 'PD-OWN-1' });
    store.beginIntent({ kind: 'create_order', merchantOrderId: 'PD-OWN-1', request: { amount: 1500 } });
    const r = store.applyOrderUpdate(s, 'api', 'rq-1');
    expect(r.decision).toBe('apply');
    expect(r.previous).toBeNull();
    expect(r.order).toMatchObject({
      id: s.id,
      origin: 'console',
      provider: 'invoicebox',
      status: 'created',
      amount: 150_000,
      vatAmount: 27_049,
      currency: 'RUB',
      createdAt: '2026-05-01T09:00:00.000Z',
      expirationDate: '2026-05-01T09:30:00.000Z',
      paidAt: null,
    });
    const details = store.getOrder(s.id);
    expect(details?.order).toEqual(r.order);
    expect(details?.order.raw).toEqual(s.raw);
    expect(details?.order.basket).toEqual(s.basket);
    expect(details?.history).toEqual([
      expect.objectContaining({ status: 'created', source: 'api', applied: true, detail: 'rq-1' }),
    ]);
  });

  it('records an order it never created as foreign', () => {
    const store = open();
    const s = snap({ merchantOrderId: 'WEB-77', status: 'completed', paidAt: '2026-05-01T12:05:00+03:00' });
    const r = store.applyOrderUpdate(s, 'gate', 'rpc 9');
    expect(r).toMatchObject({ decision: 'apply', previous: null });
    expect(r.order).toMatchObject({
      origin: 'foreign',
      status: 'completed',
      paidAt: '2026-05-01T09:05:00.000Z',
    });
    expect(store.getOrderByMerchantOrderId('WEB-77')?.id).toBe(s.id);
    expect(store.getOrderByMerchantOrderId('WEB-77', MERCHANT)?.id).toBe(s.id);
    expect(store.getOrderByMerchantOrderId('WEB-77', 'another-merchant')).toBeNull();
    expect(store.getOrderByMerchantOrderId('web-77')).toBeNull();
  });

  it('applies forward moves, records a late `created` after `completed` as stale without applying it', () => {
    const store = open();
    const created = snap();
    store.applyOrderUpdate(created, 'api');
    const paid = {
      ...created,
      status: 'completed' as const,
      paidAt: '2026-05-01T09:10:00Z',
      raw: { v: 'paid' },
    };
    const r1 = store.applyOrderUpdate(paid, 'gate', 'rpc 1');
    expect(r1).toMatchObject({ decision: 'apply', previous: 'created' });
    expect(r1.order).toMatchObject({
      status: 'completed',
      paidAt: '2026-05-01T09:10:00.000Z',
      raw: { v: 'paid' },
    });

    const late = { ...created, raw: { v: 'late' } };
    const r2 = store.applyOrderUpdate(late, 'reconcile', 'poll 3');
    expect(r2).toMatchObject({ decision: 'stale', previous: 'completed' });
    expect(r2.order).toEqual(r1.order); // row untouched: status, raw and updatedAt as before
    const details = store.getOrder(created.id);
    expect(details?.order).toEqual(r1.order);
    expect(details?.history.map((h) => [h.status, h.source, h.applied, h.detail])).toEqual([
      ['created', 'api', true, null],
      ['completed', 'gate', true, 'rpc 1'],
      ['created', 'reconcile', false, 'poll 3'],
    ]);
  });

  it('treats the same status again as a duplicate: no history row, no write', () => {
    const store = open();
    const s = snap({ status: 'completed', paidAt: '2026-05-01T09:10:00Z' });
    const first = store.applyOrderUpdate(s, 'gate', 'rpc 1');
    const again = store.applyOrderUpdate({ ...s, raw: { replay: true } }, 'gate', 'rpc 2');
    expect(again).toMatchObject({ decision: 'duplicate', previous: 'completed' });
    expect(again.order).toEqual(first.order);
    expect(store.getOrder(s.id)?.history).toHaveLength(1);
  });

  it('follows decideStatus: expired → completed applies, canceled ↔ expired is stale', () => {
    const store = open();
    const a = snap();
    store.applyOrderUpdate({ ...a, status: 'expired' }, 'reconcile');
    expect(store.applyOrderUpdate({ ...a, status: 'completed' }, 'gate').decision).toBe('apply');
    const b = snap();
    store.applyOrderUpdate({ ...b, status: 'canceled' }, 'api');
    expect(store.applyOrderUpdate({ ...b, status: 'expired' }, 'reconcile').decision).toBe('stale');
    expect(store.getOrder(b.id)?.order.status).toBe('canceled');
  });

  it('fills in fields still missing from a stale or duplicate update, without overwriting known ones', () => {
    const store = open();
    const s = snap({ paymentUrl: null, basket: undefined, status: 'completed', paidAt: null });
    store.applyOrderUpdate(s, 'gate');
    const dup = store.applyOrderUpdate(
      {
        ...s,
        paymentUrl: 'https://pay.example/late',
        paidAt: '2026-05-01T09:07:00Z',
        description: 'changed?',
      },
      'gate',
    );
    expect(dup.decision).toBe('duplicate');
    expect(dup.order).toMatchObject({
      paymentUrl: 'https://pay.example/late',
      paidAt: '2026-05-01T09:07:00.000Z',
      description: 'Кофе латте', // a gate replay does not overwrite known fields
    });
    const stale = store.applyOrderUpdate(
      { ...s, status: 'created', paymentUrl: 'https://other', basket: [1] },
      'gate',
    );
    expect(stale.decision).toBe('stale');
    expect(stale.order).toMatchObject({
      status: 'completed',
      paymentUrl: 'https://pay.example/late',
      basket: [1],
    });
  });

  it('refreshes an order edited before payment when the API answers with the same status', () => {
    const store = open();
    const s = snap({ description: 'Старое описание', amount: 10_000 });
    store.applyOrderUpdate(s, 'api');
    const edited = { ...s, description: 'Новое описание', amount: 12_000, vatAmount: 2_164 };
    const r = store.applyOrderUpdate(edited, 'api', 'PUT');
    expect(r.decision).toBe('duplicate');
    expect(r.order).toMatchObject({ amount: 12_000, vatAmount: 2_164, description: 'Новое описание' });
    expect(store.getOrder(s.id)?.history).toHaveLength(1);
    // The description index follows the edit.
    expect(store.searchOrders({ text: 'новое' }).rows.map((o) => o.id)).toEqual([s.id]);
    expect(store.searchOrders({ text: 'старое' }).rows).toEqual([]);
    expect(store.checkIntegrity()).toEqual(['ok']);
  });

  it('refuses a second order with the same merchantOrderId for the same shop', () => {
    const store = open();
    store.applyOrderUpdate(snap({ merchantOrderId: 'PD-SAME' }), 'api');
    expectStoreError(
      () => store.applyOrderUpdate(snap({ merchantOrderId: 'PD-SAME' }), 'gate'),
      'merchant_order_id_conflict',
    );
    // Another shop may use the same number.
    expect(
      store.applyOrderUpdate(snap({ merchantOrderId: 'PD-SAME', merchantId: 'other' }), 'gate').decision,
    ).toBe('apply');
  });

  it('validates snapshots before writing anything', () => {
    const store = open();
    expectStoreError(() => store.applyOrderUpdate(snap({ amount: 1500.5 }), 'api'), 'invalid_input');
    expectStoreError(
      () => store.applyOrderUpdate(snap({ status: 'paid' as OrderStatus }), 'api'),
      'invalid_input',
    );
    expectStoreError(() => store.applyOrderUpdate(snap({ createdAt: 'yesterday' }), 'api'), 'invalid_input');
    expectStoreError(() => store.applyOrderUpdate(snap({ merchantOrderId: '' }), 'api'), 'invalid_input');
    expectStoreError(() => store.applyOrderUpdate(snap(), 'push' as 'api'), 'invalid_input');
    expect(store.countByStatus()).toEqual({ created: 0, completed: 0, expired: 0, canceled: 0 });
  });

  it('applies a batch in one transaction: one bad snapshot and none is stored', () => {
    const store = open();
    const good = snap();
    expectStoreError(
      () => store.applyOrderUpdates([good, snap({ vatAmount: Number.NaN })], 'reconcile'),
      'invalid_input',
    );
    expect(store.getOrder(good.id)).toBeNull();
    const results = store.applyOrderUpdates([good, { ...good, status: 'completed' }], 'reconcile');
    expect(results.map((r) => r.decision)).toEqual(['apply', 'apply']);
  });

  it('lists open orders (including those past expiration) and counts by status', () => {
    const store = open();
    const past = snap({ createdAt: '2020-01-01T00:00:00Z', expirationDate: '2020-01-01T00:30:00Z' });
    const fresh = snap({ createdAt: '2026-05-02T00:00:00Z' });
    const paid = snap({ status: 'completed' });
    const gone = snap({ status: 'canceled' });
    for (const s of [fresh, past, paid, gone]) store.applyOrderUpdate(s, 'reconcile');
    expect(store.openOrders().map((o) => o.id)).toEqual([past.id, fresh.id]);
    expect(store.openOrders(1).map((o) => o.id)).toEqual([past.id]);
    expect(store.countByStatus()).toEqual({ created: 2, completed: 1, expired: 0, canceled: 1 });
  });
});

describe('toIsoUtc', () => {
  it('normalises ATOM times with any offset, and takes a time without offset as UTC', () => {
    expect(toIsoUtc('2020-12-22T00:00:00+00:00')).toBe('2020-12-22T00:00:00.000Z');
    expect(toIsoUtc('2026-03-01T12:00:00+03:00')).toBe('2026-03-01T09:00:00.000Z');
    expect(toIsoUtc('2021-01-27T00:00:00')).toBe('2021-01-27T00:00:00.000Z');
    expect(toIsoUtc('2021-01-27')).toBe('2021-01-27T00:00:00.000Z');
    expect(() => toIsoUtc('27.01.2021')).toThrow(StoreError);
  });
});

// ── gate notifications ──────────────────────────────────────────────────────────────────────────────────────────

describe('notifications', () => {
  it('applies a notification and logs it in the same commit', () => {
    const store = open();
    const s = snap();
    store.beginIntent({ kind: 'create_order', merchantOrderId: s.merchantOrderId, request: {} });
    store.applyOrderUpdate(s, 'api');
    const paid = { ...s, status: 'completed' as const, paidAt: '2026-05-01T09:03:00Z' };
    const message = { jsonrpc: '2.0', id: 17, method: 'onOrderStatusChange', params: [{ id: s.id }] };
    const r = store.applyNotification(paid, { rpcId: 17, raw: message }, { merchantId: MERCHANT });
    expect(r).toMatchObject({ outcome: 'success', decision: 'apply', previous: 'created' });
    expect(r.order?.status).toBe('completed');
    const again = store.applyNotification(paid, { rpcId: 18, raw: message }, { merchantId: MERCHANT });
    expect(again).toMatchObject({ outcome: 'duplicate', decision: 'duplicate', previous: 'completed' });
    const late = store.applyNotification({ ...s }, { rpcId: 19, raw: message }, { merchantId: MERCHANT });
    expect(late).toMatchObject({ outcome: 'stale', decision: 'stale' });

    expect(store.recentNotifications(10).map((n) => [n.rpcId, n.outcome, n.orderId, n.status])).toEqual([
      ['19', 'stale', s.id, 'created'],
      ['18', 'duplicate', s.id, 'completed'],
      ['17', 'success', s.id, 'completed'],
    ]);
    expect(store.recentNotifications(1)[0]?.raw).toEqual(message);
    expect(store.notificationsForOrder(s.id).map((n) => n.id)).toEqual([
      r.notificationId,
      again.notificationId,
      late.notificationId,
    ]);
    expect(store.getOrder(s.id)?.history.map((h) => [h.status, h.source, h.applied, h.detail])).toEqual([
      ['created', 'api', true, null],
      ['completed', 'gate', true, 'rpc 17'],
      ['created', 'gate', false, 'rpc 19'],
    ]);
  });

  it("refuses another amount for an order this console created, but takes a foreign order's as it comes", () => {
    const store = open();
    const own = snap({ amount: 100_00 });
    store.beginIntent({ kind: 'create_order', merchantOrderId: own.merchantOrderId, request: {} });
    store.applyOrderUpdate(own, 'api');
    const r = store.applyNotification({ ...own, status: 'completed', amount: 1_00 }, { rpcId: 'a', raw: {} });
    expect(r).toMatchObject({ outcome: 'order_wrong_amount', decision: null, previous: 'created' });
    expect(store.getOrder(own.id)?.order).toMatchObject({ status: 'created', amount: 100_00 });
    expect(store.getOrder(own.id)?.history).toHaveLength(1);

    const foreign = snap({ amount: 100_00 });
    store.applyOrderUpdate(foreign, 'gate');
    const f = store.applyNotification(
      { ...foreign, status: 'completed', amount: 120_00 },
      { rpcId: 'b', raw: {} },
    );
    expect(f).toMatchObject({ outcome: 'success', decision: 'apply' });
    expect(f.order).toMatchObject({ status: 'completed', amount: 120_00 });
    expect(store.recentNotifications(5).map((n) => n.outcome)).toEqual(['success', 'order_wrong_amount']);
  });

  it("logs another shop's notification without storing its order", () => {
    const store = open();
    const s = snap({ merchantId: 'someone-else' });
    const r = store.applyNotification(s, { rpcId: 1, raw: { x: 1 } }, { merchantId: MERCHANT });
    expect(r).toMatchObject({ outcome: 'foreign_merchant', decision: null, order: null });
    expect(store.getOrder(s.id)).toBeNull();
    expect(store.recentNotifications(1)[0]).toMatchObject({ outcome: 'foreign_merchant', orderId: s.id });
  });

  it('records notifications that carry no order (test notification, invalid params)', () => {
    const store = open();
    const n = store.recordNotification({
      rpcId: 'x1',
      method: 'onOrderStatusChange',
      orderId: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
      outcome: 'test',
      raw: { merchantOrderId: '' },
      receivedAt: '2026-05-01T12:00:00+03:00',
    });
    expect(n).toMatchObject({
      rpcId: 'x1',
      outcome: 'test',
      receivedAt: '2026-05-01T09:00:00.000Z',
      status: null,
    });
    const bad = store.recordNotification({ method: 'getStatus', outcome: 'invalid', raw: 'not json at all' });
    expect(bad).toMatchObject({ rpcId: null, orderId: null, raw: 'not json at all' });
    expect(store.recentNotifications(10).map((r) => r.id)).toEqual([bad.id, n.id]);
  });
});

// ── intents ─────────────────────────────────────────────────────────────────────────────────────────────────────

describe('intents journal', () => {
  const key = { kind: 'create_order' as const, merchantOrderId: 'PD-20261123-7K3F9Q' };
  const request = { merchantOrderId: key.merchantOrderId, amount: 1487.52, description: 'Кофе «Арабика»' };

  it('begin → pending (durable), complete → done; survives a restart while pending', () => {
    const dir = tempDir();
    const store = open(dir);
    const begun = store.beginIntent({ ...key, request });
    expect(begun).toMatchObject({ ...key, state: 'pending', request, resultId: null });
    store.close();

    const after = open(dir); // as after a crash between begin and the answer
    expect(after.pendingIntents().map((i) => i.merchantOrderId)).toEqual([key.merchantOrderId]);
    const done = after.completeIntent(key, { resultId: 'order-uuid-1', requestId: 'rq-1' });
    expect(done).toMatchObject({ state: 'done', resultId: 'order-uuid-1', requestId: 'rq-1', request });
    expect(after.pendingIntents()).toEqual([]);
    // Idempotent for the same result; another result, or failing it now, is a conflict.
    expect(after.completeIntent(key, { resultId: 'order-uuid-1' }).state).toBe('done');
    expectStoreError(() => after.completeIntent(key, { resultId: 'order-uuid-2' }), 'intent_conflict');
    expectStoreError(() => after.failIntent(key, { code: 'x', message: 'y' }), 'intent_conflict');
    expect(after.getIntent(key)?.resultId).toBe('order-uuid-1');
  });

  it('never begins a journalled merchantOrderId again, whatever its state or creation kind', () => {
    const store = open();
    store.beginIntent({ ...key, request });
    expectStoreError(() => store.beginIntent({ ...key, request }), 'intent_conflict');
    expectStoreError(() => store.beginIntent({ ...key, kind: 'create_refund', request }), 'intent_conflict');
    store.failIntent(key, { code: 'wrong_total_amount', message: 'Wrong total', requestId: 'rq-422' });
    expect(store.getIntent(key)).toMatchObject({
      state: 'failed',
      errorCode: 'wrong_total_amount',
      errorMessage: 'Wrong total',
      requestId: 'rq-422',
    });
    expectStoreError(() => store.beginIntent({ ...key, request }), 'intent_conflict');
    expect(store.pendingIntents()).toEqual([]);
  });

  it('keeps a cancel_order intent next to the create_order intent of the same order', () => {
    const store = open();
    store.beginIntent({ ...key, request });
    store.completeIntent(key, { resultId: 'order-1' });
    const cancel = { kind: 'cancel_order' as const, merchantOrderId: key.merchantOrderId };
    store.beginIntent({ ...cancel, request: { id: 'order-1' } });
    expect(store.pendingIntents().map((i) => i.kind)).toEqual(['cancel_order']);
    store.completeIntent(cancel, { resultId: 'order-1' });
    expect(store.getIntent(key)?.state).toBe('done');
    expect(store.getIntent(cancel)?.state).toBe('done');
  });

  it('lists pending intents oldest first and refuses unknown ones', () => {
    const store = open();
    for (const mo of ['B', 'A', 'C'])
      store.beginIntent({ kind: 'create_refund', merchantOrderId: mo, request: {} });
    expect(store.pendingIntents().map((i) => i.merchantOrderId)).toEqual(['B', 'A', 'C']);
    expectStoreError(
      () => store.completeIntent({ kind: 'create_order', merchantOrderId: 'B' }),
      'intent_unknown',
    );
    expect(store.getIntent({ kind: 'create_order', merchantOrderId: 'nope' })).toBeNull();
  });
});

// ── refunds ─────────────────────────────────────────────────────────────────────────────────────────────────────

describe('refunds', () => {
  function refund(parentId: string, over: Partial<RefundSnapshot> = {}): RefundSnapshot {
    return {
      id: 'rf-1',
      parentId,
      merchantId: MERCHANT,
      merchantOrderId: 'RF-1',
      status: 'created',
      amount: 50_000,
      vatAmount: 9_016,
      currencyId: 'RUB',
      description: 'Возврат',
      createdAt: '2026-05-01T10:00:00Z',
      raw: { id: over.id ?? 'rf-1' },
      basket: [{ sku: 'A' }],
      ...over,
    };
  }

  it('needs its parent order first', () => {
    const store = open();
    expectStoreError(() => store.applyRefundUpdate(refund('unknown-order'), 'api'), 'refund_parent_unknown');
  });

  it('applies refund statuses forward only and shows refunds with their order', () => {
    const store = open();
    const order = snap({ status: 'completed' });
    store.applyOrderUpdate(order, 'api');
    const draft = store.applyRefundUpdate(refund(order.id, { status: 'draft' }), 'api', 'rq-r');
    expect(draft).toMatchObject({ decision: 'apply', previous: null });
    expect(draft.refund).toMatchObject({
      parentId: order.id,
      status: 'draft',
      amount: 50_000,
      vatAmount: 9_016,
    });
    expect(store.applyRefundUpdate(refund(order.id, { status: 'created' }), 'reconcile').decision).toBe(
      'apply',
    );
    expect(store.applyRefundUpdate(refund(order.id, { status: 'completed' }), 'reconcile').decision).toBe(
      'apply',
    );
    expect(store.applyRefundUpdate(refund(order.id, { status: 'completed' }), 'reconcile').decision).toBe(
      'duplicate',
    );
    const late = store.applyRefundUpdate(refund(order.id, { status: 'created' }), 'gate');
    expect(late).toMatchObject({ decision: 'stale', previous: 'completed' });
    expect(late.refund.status).toBe('completed');

    const got = store.getRefund('rf-1');
    expect(got?.history.map((h) => [h.status, h.applied])).toEqual([
      ['draft', true],
      ['created', true],
      ['completed', true],
      ['created', false],
    ]);
    expect(store.getRefundByMerchantOrderId('RF-1')?.id).toBe('rf-1');
    const second = store.applyRefundUpdate(
      refund(order.id, { id: 'rf-2', merchantOrderId: 'RF-2', createdAt: '2026-05-01T11:00:00Z' }),
      'api',
    );
    expect(second.decision).toBe('apply');
    expect(store.getOrder(order.id)?.refunds.map((r) => [r.id, r.status])).toEqual([
      ['rf-1', 'completed'],
      ['rf-2', 'created'],
    ]);
    expectStoreError(
      () => store.applyRefundUpdate(refund(order.id, { id: 'rf-3', merchantOrderId: 'RF-2' }), 'api'),
      'merchant_order_id_conflict',
    );
    expect(store.openRefunds().map((r) => r.id)).toEqual(['rf-2']);
  });
});

// ── settings ────────────────────────────────────────────────────────────────────────────────────────────────────

describe('settings', () => {
  it('stores JSON values and refuses anything that looks like a secret', () => {
    const store = open();
    store.setSetting('merchantId', MERCHANT);
    store.setSetting('ui', { lang: 'ru', vatDefault: 'RUS_VAT22' });
    store.setSetting('ui', { lang: 'en', vatDefault: 'RUS_VAT22' });
    expect(store.getSetting('ui')).toEqual({ lang: 'en', vatDefault: 'RUS_VAT22' });
    expect(store.allSettings()).toEqual({
      merchantId: MERCHANT,
      ui: { lang: 'en', vatDefault: 'RUS_VAT22' },
    });
    store.deleteSetting('ui');
    expect(store.getSetting('ui')).toBeUndefined();
    for (const k of ['apiToken', 'secretKey', 'password', 'api_key']) {
      expectStoreError(() => store.setSetting(k, 'x'), 'secret_setting');
    }
    expectStoreError(() => store.setSetting('fn', () => 1), 'invalid_input');
  });
});

// ── search ──────────────────────────────────────────────────────────────────────────────────────────────────────

describe('searchOrders against an independent in-memory filter', () => {
  const N = 3000;
  const FROM = '2026-06-01T00:00:00.000Z';
  const TO = '2026-06-01T01:00:00.000Z';
  let store: Store;
  let orders: SeededOrder[];
  let snaps: OrderSnapshot[];

  beforeAll(() => {
    const dir = tempDir();
    const s = openStore({ dir });
    // 3000 orders in one hour at one-second resolution: many share a created_at, so the id tie-break matters.
    orders = seedOrders(s, N, { seed: 42, from: FROM, to: TO });
    s.close(); // closing and reopening refreshes the planner statistics, as in real use
    store = openStore({ dir });
    snaps = orders.map((o) => o.snapshot);
  });

  afterAll(() => store.close());

  function oracle(q: OrderSearch): OrderSnapshot[] {
    const text = q.text?.trim() ?? '';
    const t = text.toLowerCase();
    const statuses = q.status && q.status.length > 0 ? new Set(q.status) : null;
    return snaps
      .filter(
        (o) =>
          (text === '' ||
            o.merchantOrderId.toLowerCase().startsWith(t) ||
            o.id === text ||
            o.id === t ||
            o.description.toLowerCase().includes(t)) &&
          (statuses === null || statuses.has(o.status)) &&
          (q.from === undefined || o.createdAt >= toIsoUtc(q.from)) &&
          (q.to === undefined || o.createdAt < toIsoUtc(q.to)) &&
          (q.minAmount === undefined || o.amount >= q.minAmount) &&
          (q.maxAmount === undefined || o.amount <= q.maxAmount),
      )
      .sort((a, b) =>
        a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.id < b.id ? 1 : -1,
      );
  }

  function allPages(q: OrderSearch): OrderSummary[] {
    const out: OrderSummary[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 10_000; guard++) {
      const page = store.searchOrders({ ...q, cursor });
      out.push(...page.rows);
      if (page.nextCursor === null) return out;
      expect(page.rows).toHaveLength(q.limit ?? 50);
      cursor = page.nextCursor;
    }
    throw new Error('paging did not end');
  }

  it('the generated data exercise what the search must get right', () => {
    const createdAt = new Set(snaps.map((o) => o.createdAt));
    expect(createdAt.size).toBeLessThan(N * 0.8); // ties on created_at
    expect(snaps.some((o) => /[%_"']/.test(o.description))).toBe(true); // LIKE / FTS metacharacters
    expect(snaps.some((o) => /[А-ЯЁ]/.test(o.description))).toBe(true); // Cyrillic capitals
    expect(new Set(snaps.map((o) => o.status)).size).toBe(4);
    expect(store.countByStatus()).toEqual(
      Object.fromEntries(ORDER_STATUSES.map((s) => [s, snaps.filter((o) => o.status === s).length])),
    );
  });

  const fixed: [string, OrderSearch][] = [
    ['everything', {}],
    ['one status', { status: ['created'] }],
    ['two statuses', { status: ['completed', 'expired'] }],
    ['date range', { from: '2026-06-01T00:10:00Z', to: '2026-06-01T00:20:00+00:00' }],
    ['date range given with an offset', { from: '2026-06-01T03:15:00+03:00' }],
    ['amounts', { minAmount: 500_000, maxAmount: 700_000 }],
    ['order number prefix, other case', { text: 'pd-0001' }],
    ['Cyrillic order number prefix', { text: 'ЗАКАЗ-00002' }],
    ['description substring, other case', { text: 'КОФЕ' }],
    ['description substring with ё', { text: 'зелёный' }],
    ['two-character text (no index), other case', { text: 'Ко' }],
    ['LIKE wildcard characters are literal', { text: '100%' }],
    ['underscore is literal', { text: 'k_b' }],
    ['quotes are literal', { text: '"Особый"' }],
    ['apostrophe', { text: "O'Reilly" }],
    ['padded text is trimmed', { text: '  латте  ' }],
    ['nothing matches', { text: 'zzzz-no-such-thing' }],
    ['combined', { text: 'латте', status: ['completed', 'created'], from: FROM, minAmount: 100_000 }],
  ];

  it.each(fixed)('%s', (label, q) => {
    const expected = oracle(q).map((o) => o.id);
    expect(expected.length > 0, 'the case must select something').toBe(label !== 'nothing matches');
    const first = store.searchOrders({ ...q, limit: 25, withTotal: true });
    expect(first.total).toBe(expected.length);
    expect(first.rows.map((o) => o.id)).toEqual(expected.slice(0, 25));
    expect(allPages({ ...q, limit: 97 }).map((o) => o.id)).toEqual(expected);
    expect(store.searchOrders({ ...q, limit: 40, offset: 40 }).rows.map((o) => o.id)).toEqual(
      expected.slice(40, 80),
    );
  });

  it('takes amount and date bounds as documented: amounts inclusive, from inclusive, to exclusive', () => {
    const o = snaps[10]!;
    const ids = (q: OrderSearch) => store.searchOrders({ ...q, limit: 1000 }).rows.map((r) => r.id);
    expect(ids({ minAmount: o.amount, maxAmount: o.amount })).toContain(o.id);
    expect(ids({ from: o.createdAt, to: o.createdAt })).toEqual([]);
    expect(ids({ from: o.createdAt, to: new Date(Date.parse(o.createdAt) + 1).toISOString() })).toContain(
      o.id,
    );
    expect(ids({ to: o.createdAt })).not.toContain(o.id);
  });

  it('finds an order by its exact gateway id, in either case', () => {
    const target = snaps[1234]!;
    expect(store.searchOrders({ text: target.id }).rows.map((o) => o.id)).toEqual([target.id]);
    expect(store.searchOrders({ text: target.id.toUpperCase() }).rows.map((o) => o.id)).toEqual([target.id]);
    expect(store.searchOrders({ text: target.id.slice(0, 8) }).rows.map((o) => o.id)).not.toContain(
      target.id,
    );
  });

  it('returns the same rows as the in-memory filter for random queries', () => {
    // On the one-second grid of the data, so that bounds often equal a created_at (inclusive from, exclusive to).
    const instant = fc
      .integer({ min: Date.parse(FROM) / 1000 - 60, max: Date.parse(TO) / 1000 + 60 })
      .map((sec) => new Date(sec * 1000).toISOString());
    const fromData = fc
      .tuple(fc.nat(N - 1), fc.nat(40), fc.integer({ min: 1, max: 9 }), fc.boolean())
      .map(([i, start, len, upper]) => {
        const o = snaps[i]!;
        const source = start % 3 === 0 ? o.merchantOrderId : o.description;
        const from = start % 3 === 0 ? 0 : start % Math.max(1, source.length);
        const piece = [...source].slice(from, from + len).join('');
        return upper ? piece.toUpperCase() : piece;
      });
    const text = fc.oneof(fc.constant(undefined), fromData, fc.string({ maxLength: 4 }));
    // Often an amount of the data itself, so that the inclusive bounds are exercised.
    const amount = fc.oneof(
      fc.integer({ min: 0, max: 2_100_000 }),
      fc.nat(N - 1).map((i) => snaps[i]!.amount),
    );
    const query: fc.Arbitrary<OrderSearch> = fc.record(
      {
        text,
        status: fc.subarray([...ORDER_STATUSES]),
        from: instant,
        to: instant,
        minAmount: amount,
        maxAmount: amount,
        limit: fc.constantFrom(10, 97, 500),
      },
      { requiredKeys: ['limit'] },
    );
    fc.assert(
      fc.property(query, (q) => {
        const clean = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as OrderSearch;
        const expected = oracle(clean).map((o) => o.id);
        const first = store.searchOrders({ ...clean, withTotal: true });
        expect(first.total).toBe(expected.length);
        expect(allPages(clean).map((o) => o.id)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('keyset paging neither skips nor repeats when new orders arrive between pages', () => {
    const dir = tempDir();
    const s = open(dir);
    const seeded = seedOrders(s, 300, { seed: 7, from: FROM, to: TO, idPrefix: 'K-' });
    const first = s.searchOrders({ limit: 100 });
    // A new order (newest of all) and one in the middle of the range arrive while the cashier scrolls.
    s.applyOrderUpdate(snap({ createdAt: '2026-06-02T00:00:00Z' }), 'gate');
    s.applyOrderUpdate(snap({ createdAt: '2026-06-01T00:30:00Z' }), 'gate');
    const rest: OrderSummary[] = [];
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const page = s.searchOrders({ limit: 100, cursor });
      rest.push(...page.rows);
      cursor = page.nextCursor;
    }
    const seen = [...first.rows, ...rest].map((o) => o.id);
    expect(new Set(seen).size).toBe(seen.length);
    for (const o of seeded) expect(seen).toContain(o.snapshot.id);
  });

  it('rejects a malformed cursor and bad paging', () => {
    expectStoreError(() => store.searchOrders({ cursor: 'not-a-cursor' }), 'invalid_cursor');
    expectStoreError(() => store.searchOrders({ limit: 0 }), 'invalid_input');
    expectStoreError(() => store.searchOrders({ limit: 5000 }), 'invalid_input');
    expectStoreError(() => store.searchOrders({ offset: -1 }), 'invalid_input');
    expectStoreError(() => store.searchOrders({ status: ['paid' as OrderStatus] }), 'invalid_input');
  });

  describe('query plans (EXPLAIN QUERY PLAN)', () => {
    /** A step that reads the whole orders table row by row (`SCAN o`, as opposed to SEARCH or an index walk). */
    const tableScan = (plan: string[]) => plan.some((step) => /^SCAN o$/.test(step));
    /** Any full pass over orders, even along an index. */
    const anyScan = (plan: string[]) => plan.some((step) => /^SCAN o\b/.test(step));
    const sorts = (plan: string[]) => plan.some((step) => step.includes('TEMP B-TREE'));

    it('detects scans (the checks below can fail)', () => {
      expect(anyScan(store.explainSearch({ text: 'ко' }))).toBe(true); // two characters: no index, documented
      expect(tableScan(['SCAN o'])).toBe(true);
    });

    it('walks the created_at index for the plain list and date ranges, without sorting', () => {
      for (const q of [{}, { from: FROM, to: '2026-06-01T00:05:00Z' }]) {
        const plan = store.explainSearch(q);
        expect(tableScan(plan), plan.join(' | ')).toBe(false);
        expect(sorts(plan), plan.join(' | ')).toBe(false);
        expect(plan.join(' ')).toContain('orders_created');
      }
      const page2 = store.searchOrders({ limit: 50 }).nextCursor;
      const plan = store.explainSearch({ cursor: page2 });
      expect(plan.join(' | ')).toMatch(
        /SEARCH o USING (COVERING )?INDEX orders_created \(created_at<\?\)|\(created_at, ?id\)<\(\?, ?\?\)/,
      );
      expect(sorts(plan)).toBe(false);
    });

    it('seeks by status', () => {
      const plan = store.explainSearch({ status: ['created'] });
      expect(plan.join(' | ')).toMatch(/SEARCH o USING INDEX orders_status_created \(status=\?/);
      expect(sorts(plan)).toBe(false);
      expect(tableScan(store.explainSearch({ status: ['completed', 'canceled'] }))).toBe(false);
    });

    it('uses indexes for every branch of a text search (order number, gateway id, description)', () => {
      for (const text of ['PD-00012', '0000aaaa-0000-4000-8000-000000000001', 'латте']) {
        const plan = store.explainSearch({ text });
        const joined = plan.join(' | ');
        expect(anyScan(plan), joined).toBe(false);
        expect(joined).toContain('orders_mo_fold');
        expect(joined).toMatch(/sqlite_autoindex_orders_1 \(id=\?\)/);
        expect(joined).toContain('orders_fts VIRTUAL TABLE INDEX 0:M');
      }
      const narrowed = store.explainSearch({ text: 'латте', status: ['created'], from: FROM });
      expect(anyScan(narrowed), narrowed.join(' | ')).toBe(false);
    });
  });
});

describe('integrity', () => {
  it('checks the file and the description index, and reports a broken index', () => {
    const dir = tempDir();
    const store = open(dir);
    seedOrders(store, 200, { seed: 3 });
    expect(store.checkIntegrity()).toEqual(['ok']);
    store.close();
    const db = raw(dir);
    db.exec("UPDATE orders SET description = 'changed behind the store' WHERE seq = 5"); // bypasses the FTS index
    db.close();
    const reopened = open(dir);
    expect(reopened.checkIntegrity()).not.toEqual(['ok']);
  });

  it('generates the same orders for the same seed', () => {
    expect(generateOrders(5, { seed: 9 })).toEqual(generateOrders(5, { seed: 9 }));
    expect(generateOrders(5, { seed: 9 })).not.toEqual(generateOrders(5, { seed: 10 }));
  });
});
