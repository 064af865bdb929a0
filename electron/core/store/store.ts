/**
 * The local store: what the console must never lose. Orders and their status history, the idempotency journal of
 * POSTs to the gateway (intents), refunds, the log of gate notifications, settings. All SQL of PayDesk lives in this
 * directory; the rest of the app calls the methods below.
 *
 * Every write method is one transaction (BEGIN IMMEDIATE … COMMIT, synchronous=FULL): when it returns, the change is
 * on disk. Methods called inside `store.transaction(fn)` join that transaction instead (as savepoints), so a caller can
 * group several of them into one commit. For many orders at once use applyOrderUpdates (one savepoint for all, not
 * one each): FTS5 flushes its pending index data at every savepoint, which makes per-order savepoints slow in bulk.
 */

import type { DatabaseSync, SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite';
import {
  ORDER_STATUSES,
  decideRefundStatus,
  decideStatus,
  isOrderStatus,
  isRefundStatus,
} from '../../../shared/domain/order-status.ts';
import type { OrderStatus, RefundStatus } from '../../../shared/domain/order-status.ts';
import { StoreError, openDatabase, pragmaValue, readTransaction, transaction } from './database.ts';
import { SCHEMA_VERSION, migrate } from './migrations.ts';
import type { MigrationReport } from './migrations.ts';
import { ShiftStore } from './shifts.ts';
import type {
  ActionStamp,
  ApplyNotificationOptions,
  ApplyNotificationResult,
  ApplyOrderOptions,
  ApplyOrderResult,
  ApplyRefundResult,
  GateNotification,
  IntentKey,
  IntentKind,
  IntentRow,
  IntentState,
  NotificationInput,
  NotificationOutcome,
  NotificationRow,
  OrderDetails,
  OrderOrigin,
  OrderRow,
  OrderSearch,
  OrderSearchResult,
  OrderSnapshot,
  OrderSummary,
  RefundHistoryRow,
  RefundRow,
  RefundSnapshot,
  StatusCounts,
  StatusHistoryRow,
  StatusSource,
  UpdateDecision,
} from './types.ts';

export { StoreError } from './database.ts';
export type { StoreErrorCode } from './database.ts';
export type { MigrationReport } from './migrations.ts';

export interface OpenStoreOptions {
  /** Directory of `paydesk.sqlite`; created when missing. */
  dir: string;
  /** The clock for updated_at, history and journal times. Default: the system clock. */
  now?: () => Date;
  /** Who is acting (shifts): stamped on intents and status-history rows as they are written. Default: nobody. */
  stamp?: () => ActionStamp | null;
}

/** orders.provider / refunds.provider default (the column exists for a later multi-gateway console). */
export const DEFAULT_PROVIDER = 'invoicebox';
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
/** The description search uses the trigram index from this many characters on; shorter texts scan. */
export const MIN_INDEXED_SUBSTRING = 3;

/** Setting keys that look like credentials are refused: secrets belong in the OS keychain, not in this file. */
const SECRET_KEY = /token|secret|passw|api[-_]?key|private|credential/i;

const STATUS_SOURCES: readonly StatusSource[] = ['api', 'gate', 'reconcile', 'local'];
const INTENT_KINDS: readonly IntentKind[] = ['create_order', 'create_refund', 'cancel_order'];

/** Opens (or creates) the store in `dir`, migrating the schema to this build's version. */
export function openStore(options: OpenStoreOptions): Store {
  const db = openDatabase(options.dir, SCHEMA_VERSION);
  try {
    const report = migrate(db);
    db.function('paydesk_contains_folded', { deterministic: true }, (haystack, needle) =>
      typeof haystack === 'string' && typeof needle === 'string' && haystack.toLowerCase().includes(needle)
        ? 1
        : 0,
    );
    // Keeps the planner's statistics fresh (cheap; analyses only tables that changed a lot).
    db.exec('PRAGMA optimize = 0x10002');
    return new Store(db, options.now ?? (() => new Date()), report, options.stamp);
  } catch (err) {
    db.close();
    throw err;
  }
}

export interface StoreDiagnostics {
  path: string;
  schemaVersion: number;
  journalMode: string;
  /** 2 = FULL. */
  synchronous: number;
  foreignKeys: boolean;
  busyTimeoutMs: number;
  sqliteVersion: string;
}

type Row = Record<string, SQLOutputValue>;
type Params = Record<string, SQLInputValue>;

/** An OrderSnapshot validated and converted to column values. */
interface OrderValues {
  id: string;
  merchant_id: string;
  merchant_order_id: string;
  status: OrderStatus;
  amount: number;
  vat_amount: number;
  currency: string;
  description: string;
  payment_url: string | null;
  created_at: string;
  expiration_date: string | null;
  paid_at: string | null;
  raw_json: string;
  basket_json: string | null;
}

interface RefundValues {
  id: string;
  parent_id: string;
  merchant_id: string;
  merchant_order_id: string;
  status: RefundStatus;
  amount: number;
  vat_amount: number;
  currency: string;
  description: string | null;
  created_at: string;
  raw_json: string;
  basket_json: string | null;
}

const ORDER_COLUMNS = [
  'id',
  'provider',
  'merchant_id',
  'merchant_order_id',
  'origin',
  'status',
  'amount',
  'vat_amount',
  'currency',
  'description',
  'payment_url',
  'created_at',
  'expiration_date',
  'paid_at',
  'updated_at',
] as const;
const SUMMARY_SELECT = ORDER_COLUMNS.map((c) => `o.${c}`).join(', ');
const ORDER_SELECT = `${SUMMARY_SELECT}, o.raw_json, o.basket_json, o.seq`;
const REFUND_SELECT =
  'id, provider, parent_id, merchant_id, merchant_order_id, status, amount, vat_amount, currency, description, ' +
  'created_at, updated_at, raw_json, basket_json';

export class Store {
  readonly #db: DatabaseSync;
  readonly #now: () => Date;
  readonly #statements = new Map<string, StatementSync>();
  /** How the schema was brought up to date when this store was opened. */
  readonly migration: MigrationReport;
  readonly #stamp: () => ActionStamp | null;
  /** Staff, shifts, PIN lockouts (store/shifts.ts). */
  readonly shifts: ShiftStore;

  constructor(
    db: DatabaseSync,
    now: () => Date,
    migration: MigrationReport,
    stamp: () => ActionStamp | null = () => null,
  ) {
    this.#db = db;
    this.#now = now;
    this.migration = migration;
    this.#stamp = stamp;
    this.shifts = new ShiftStore(db, now);
  }

  /** The stamp columns' values for a row written now. */
  #stampValues(): [string | null, string | null, string | null] {
    const s = this.#stamp();
    return [s?.shiftId ?? null, s?.staffId ?? null, s?.approvedBy ?? null];
  }

  get isOpen(): boolean {
    return this.#db.isOpen;
  }

  /** Closes the connection (after letting SQLite refresh planner statistics). Idempotent. */
  close(): void {
    if (!this.#db.isOpen) return;
    try {
      this.#db.exec('PRAGMA optimize');
    } finally {
      this.#statements.clear();
      this.#db.close();
    }
  }

  /**
   * Runs `fn` (synchronous) in one transaction; store methods called inside join it. Everything commits together when
   * `fn` returns, or nothing when it throws.
   */
  transaction<T>(fn: () => T): T {
    return transaction(this.#db, fn);
  }

  // ── orders ────────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Records what the gateway says about an order, in one transaction: inserts an unknown order (origin `console` when
   * we journalled its creation, else `foreign`), decides apply / duplicate / stale with decideStatus, appends to the
   * status history (applied and stale; not duplicates), and updates the row:
   * - apply: every field from the snapshot (nullable ones it lacks are kept);
   * - duplicate from `api` or `reconcile` (a fresh read of the gateway): the same, status unchanged, so an order
   *   edited before payment is refreshed;
   * - stale, or duplicate from `gate`/`local` (may be a replay): only fields still missing (payment_url, paid_at,
   *   expiration_date, basket) are filled in.
   * A write happens only when something changed.
   */
  applyOrderUpdate(
    order: OrderSnapshot,
    source: StatusSource,
    detail?: string | null,
    options: ApplyOrderOptions = {},
  ): ApplyOrderResult {
    const values = orderValues(order);
    checkSource(source);
    return this.transaction(() => this.#applyOrder(values, source, detail ?? null, options));
  }

  /** applyOrderUpdate for several orders (a reconciliation page, a seed) in one transaction. */
  applyOrderUpdates(
    orders: readonly OrderSnapshot[],
    source: StatusSource,
    detail?: string | null,
    options: ApplyOrderOptions = {},
  ): ApplyOrderResult[] {
    const all = orders.map(orderValues);
    checkSource(source);
    return this.transaction(() => all.map((v) => this.#applyOrder(v, source, detail ?? null, options)));
  }

  #applyOrder(
    v: OrderValues,
    source: StatusSource,
    detail: string | null,
    options: ApplyOrderOptions,
  ): ApplyOrderResult {
    const now = this.#nowIso();
    const current = this.#stmt(`SELECT ${ORDER_SELECT} FROM orders o WHERE o.id = ?`).get(v.id);
    if (current === undefined) {
      const clash = this.#stmt('SELECT id FROM orders WHERE merchant_id = ? AND merchant_order_id = ?').get(
        v.merchant_id,
        v.merchant_order_id,
      );
      if (clash !== undefined) {
        throw new StoreError(
          'merchant_order_id_conflict',
          `order ${v.id}: merchantOrderId ${v.merchant_order_id} already belongs to order ${text(clash.id)}`,
        );
      }
      const origin: OrderOrigin =
        options.origin ?? (this.#hasIntent('create_order', v.merchant_order_id) ? 'console' : 'foreign');
      const inserted = this.#stmt(
        `INSERT INTO orders (id, merchant_id, merchant_order_id, merchant_order_id_fold, origin, status, amount,
           vat_amount, currency, description, description_fold, payment_url, created_at, expiration_date, paid_at,
           updated_at, raw_json, basket_json)
         VALUES (:id, :merchant_id, :merchant_order_id, :fold, :origin, :status, :amount, :vat_amount, :currency,
           :description, :description_fold, :payment_url, :created_at, :expiration_date, :paid_at, :updated_at,
           :raw_json, :basket_json)`,
      ).run({
        ...v,
        fold: fold(v.merchant_order_id),
        description_fold: fold(v.description),
        origin,
        updated_at: now,
      });
      this.#stmt('INSERT INTO orders_fts (rowid, description) VALUES (?, ?)').run(
        inserted.lastInsertRowid,
        v.description,
      );
      this.#appendHistory(v.id, v.status, source, true, now, detail);
      const order: OrderRow = {
        id: v.id,
        provider: DEFAULT_PROVIDER,
        merchantId: v.merchant_id,
        merchantOrderId: v.merchant_order_id,
        origin,
        status: v.status,
        amount: v.amount,
        vatAmount: v.vat_amount,
        currency: v.currency,
        description: v.description,
        paymentUrl: v.payment_url,
        createdAt: v.created_at,
        expirationDate: v.expiration_date,
        paidAt: v.paid_at,
        updatedAt: now,
        raw: JSON.parse(v.raw_json),
        basket: v.basket_json === null ? null : JSON.parse(v.basket_json),
      };
      return { decision: 'apply', previous: null, order };
    }

    const previous = current.status as OrderStatus;
    const decision: UpdateDecision = decideStatus(previous, v.status).kind;
    const refresh =
      decision === 'apply' || (decision === 'duplicate' && (source === 'api' || source === 'reconcile'));
    const next = {
      origin: options.origin === 'console' ? 'console' : text(current.origin),
      status: decision === 'apply' ? v.status : previous,
      amount: refresh ? v.amount : int(current.amount),
      vat_amount: refresh ? v.vat_amount : int(current.vat_amount),
      currency: refresh ? v.currency : text(current.currency),
      description: refresh ? v.description : text(current.description),
      payment_url: pick(refresh, v.payment_url, textOrNull(current.payment_url)),
      expiration_date: pick(refresh, v.expiration_date, textOrNull(current.expiration_date)),
      paid_at: pick(refresh, v.paid_at, textOrNull(current.paid_at)),
      raw_json: refresh ? v.raw_json : text(current.raw_json),
      basket_json: pick(refresh, v.basket_json, textOrNull(current.basket_json)),
    };
    const changed = (Object.keys(next) as (keyof typeof next)[]).some((k) => next[k] !== current[k]);
    if (changed) {
      this.#stmt(
        `UPDATE orders SET origin = :origin, status = :status, amount = :amount, vat_amount = :vat_amount,
           currency = :currency, description = :description, payment_url = :payment_url,
           expiration_date = :expiration_date, paid_at = :paid_at, raw_json = :raw_json, basket_json = :basket_json,
           updated_at = :updated_at
         WHERE id = :id`,
      ).run({ ...next, updated_at: now, id: v.id });
      if (next.description !== current.description) {
        this.#stmt('UPDATE orders SET description_fold = ? WHERE id = ?').run(fold(next.description), v.id);
        this.#stmt("INSERT INTO orders_fts (orders_fts, rowid, description) VALUES ('delete', ?, ?)").run(
          int(current.seq),
          text(current.description),
        );
        this.#stmt('INSERT INTO orders_fts (rowid, description) VALUES (?, ?)').run(
          int(current.seq),
          next.description,
        );
      }
    }
    if (decision !== 'duplicate')
      this.#appendHistory(v.id, v.status, source, decision === 'apply', now, detail);
    return { decision, previous, order: changed ? this.#orderRow(v.id) : orderRow(current) };
  }

  #appendHistory(
    orderId: string,
    status: OrderStatus,
    source: StatusSource,
    applied: boolean,
    at: string,
    detail: string | null,
  ): void {
    this.#stmt(
      `INSERT INTO status_history (order_id, status, source, applied, at, detail, shift_id, staff_id, approved_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(orderId, status, source, applied ? 1 : 0, at, detail, ...this.#stampValues());
  }

  #orderRow(id: string): OrderRow {
    const row = this.#stmt(`SELECT ${ORDER_SELECT} FROM orders o WHERE o.id = ?`).get(id);
    if (row === undefined) throw new Error(`order ${id} vanished inside its own transaction`);
    return orderRow(row);
  }

  /** The order with its status history (oldest first, stale entries included) and refunds; null when unknown. */
  getOrder(id: string): OrderDetails | null {
    return readTransaction(this.#db, () => {
      const row = this.#stmt(`SELECT ${ORDER_SELECT} FROM orders o WHERE o.id = ?`).get(id);
      if (row === undefined) return null;
      const history = this.#stmt(
        'SELECT id, order_id, status, source, applied, at, detail FROM status_history WHERE order_id = ? ORDER BY id',
      )
        .all(id)
        .map(historyRow);
      return { order: orderRow(row), history, refunds: this.refundsForOrder(id) };
    });
  }

  /**
   * The order with this merchantOrderId. Without merchantId (a console serves one shop), the most recently created
   * one if several shops used the same number.
   */
  getOrderByMerchantOrderId(merchantOrderId: string, merchantId?: string): OrderRow | null {
    const row =
      merchantId === undefined
        ? this.#stmt(
            `SELECT ${ORDER_SELECT} FROM orders o WHERE o.merchant_order_id = ? ORDER BY o.created_at DESC LIMIT 1`,
          ).get(merchantOrderId)
        : this.#stmt(
            `SELECT ${ORDER_SELECT} FROM orders o WHERE o.merchant_id = ? AND o.merchant_order_id = ?`,
          ).get(merchantId, merchantOrderId);
    return row === undefined ? null : orderRow(row);
  }

  /**
   * Orders still `created` (the reconciler asks the gateway about these), oldest first; includes those past their
   * expiration date that the gateway has not reported as expired yet.
   */
  openOrders(limit?: number): OrderSummary[] {
    const sql = `SELECT ${SUMMARY_SELECT} FROM orders o WHERE o.status = 'created' ORDER BY o.created_at, o.id`;
    const rows =
      limit === undefined
        ? this.#stmt(sql).all()
        : this.#stmt(`${sql} LIMIT ?`).all(positiveInt(limit, 'limit'));
    return rows.map(summaryRow);
  }

  /**
   * The reconciler's rolling sweep: up to `limit` open orders (status `created`) after `after` in creation order
   * (created_at, id), oldest first. An empty or short page means the end of the open set.
   */
  openOrdersAfter(
    after: { createdAt: string; id: string } | null,
    limit: number,
  ): { id: string; createdAt: string }[] {
    const n = positiveInt(limit, 'limit');
    const rows =
      after === null
        ? this.#stmt(
            "SELECT o.id, o.created_at FROM orders o WHERE o.status = 'created' ORDER BY o.created_at, o.id LIMIT ?",
          ).all(n)
        : this.#stmt(
            `SELECT o.id, o.created_at FROM orders o WHERE o.status = 'created' AND (o.created_at, o.id) > (?, ?)
             ORDER BY o.created_at, o.id LIMIT ?`,
          ).all(after.createdAt, after.id, n);
    return rows.map((r) => ({ id: text(r.id), createdAt: text(r.created_at) }));
  }

  /** Open orders whose expiration date is at or before `at` (the gateway expires them), earliest deadline first. */
  dueOpenOrderIds(at: string, limit: number): string[] {
    return this.#stmt(
      `SELECT o.id FROM orders o WHERE o.status = 'created' AND o.expiration_date IS NOT NULL
         AND o.expiration_date <= ? ORDER BY o.expiration_date, o.id LIMIT ?`,
    )
      .all(toIsoUtc(at, 'at'), positiveInt(limit, 'limit'))
      .map((r) => text(r.id));
  }

  countByStatus(): StatusCounts {
    const counts = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as StatusCounts;
    for (const row of this.#stmt('SELECT status, count(*) AS n FROM orders GROUP BY status').all()) {
      counts[row.status as OrderStatus] = int(row.n);
    }
    return counts;
  }

  /**
   * Orders matching every given filter, newest first (createdAt desc, id desc). Keyset paging with `cursor` (stable
   * while new orders arrive); `offset` works too. `total` only with `withTotal`.
   *
   * Speed (100,000 orders, see docs/BENCHMARKS.md): a text is first resolved to the orders it matches — by number
   * prefix, gateway id and description (trigram index from three characters, a narrow folded-description index
   * below) — once, and reused by the page and the count. A first page that is not full is its own total; totals and
   * text matches are cached until the next write, so the next page costs one indexed page read.
   */
  searchOrders(query: OrderSearch = {}): OrderSearchResult {
    const limit = query.limit === undefined ? DEFAULT_PAGE_SIZE : positiveInt(query.limit, 'limit');
    if (limit > MAX_PAGE_SIZE) throw new StoreError('invalid_input', `limit ${limit} > ${MAX_PAGE_SIZE}`);
    return readTransaction(this.#db, () => {
      const text = query.text?.trim() ?? '';
      const hits = resolvesText(text, query) ? this.#textHits(text) : null;
      const built = buildSearch(query, limit, hits);
      const rows = this.#stmt(built.rowsSql).all(built.rowParams).map(summaryRow);
      const more = rows.length > limit;
      if (more) rows.length = limit;
      const last = rows.at(-1);
      const result: OrderSearchResult = {
        rows,
        nextCursor: more && last !== undefined ? encodeCursor(last.createdAt, last.id) : null,
      };
      if (query.withTotal === true) {
        const firstPage =
          (query.cursor === undefined || query.cursor === null) &&
          (query.offset === undefined || query.offset === 0);
        if (firstPage && !more) result.total = rows.length;
        else if (built.countSql === null) result.total = hits?.count ?? 0;
        else result.total = this.#count(built);
      }
      return result;
    });
  }

  /** The query plans (EXPLAIN QUERY PLAN details) of every statement searchOrders runs, for tests and diagnostics. */
  explainSearch(query: OrderSearch = {}): string[] {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return readTransaction(this.#db, () => {
      const plans: string[] = [];
      const explain = (sql: string, params: Params) =>
        this.#db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(params)
          .map((r) => text(r.detail));
      const t = query.text?.trim() ?? '';
      let hits: TextHits | null = null;
      if (resolvesText(t, query)) {
        const [sql, params] = textHitStatement(t);
        plans.push(...explain(sql, params));
        hits = this.#textHits(t);
      }
      const built = buildSearch(query, limit, hits);
      plans.push(...explain(built.rowsSql, built.rowParams));
      return plans;
    });
  }

  /** What has changed since: this connection's writes and any other connection's commits. */
  #dataVersion(): string {
    const row = this.#stmt('SELECT total_changes() AS n, data_version AS v FROM pragma_data_version').get();
    return `${String(row?.n)}:${String(row?.v)}`;
  }

  readonly #hitsCache = new Map<string, { version: string; hits: TextHits }>();
  readonly #countCache = new Map<string, { version: string; n: number }>();

  /** The orders a search text matches (see textHitStatement), cached until the next write. */
  #textHits(t: string): TextHits {
    const version = this.#dataVersion();
    const cached = this.#hitsCache.get(t);
    if (cached !== undefined && cached.version === version) return cached.hits;
    const [sql, params] = textHitStatement(t);
    const row = this.#stmt(sql).get(params);
    const hits: TextHits = { count: int(row?.n ?? 0), json: text(row?.hits ?? '[]') };
    remember(this.#hitsCache, t, { version, hits });
    return hits;
  }

  #count(built: BuiltSearch): number {
    const version = this.#dataVersion();
    const cached = this.#countCache.get(built.countKey);
    if (cached !== undefined && cached.version === version) return cached.n;
    const n = int(this.#stmt(built.countSql!).get(built.countParams)?.n ?? 0);
    remember(this.#countCache, built.countKey, { version, n });
    return n;
  }

  // ── refunds ───────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * applyOrderUpdate for a refund, with decideRefundStatus. The parent order must be in the store already (apply it
   * first); otherwise StoreError `refund_parent_unknown`.
   */
  applyRefundUpdate(refund: RefundSnapshot, source: StatusSource, detail?: string | null): ApplyRefundResult {
    const v = refundValues(refund);
    checkSource(source);
    return this.transaction(() => {
      const now = this.#nowIso();
      const current = this.#stmt(`SELECT ${REFUND_SELECT} FROM refunds WHERE id = ?`).get(v.id);
      if (current === undefined) {
        if (this.#stmt('SELECT 1 FROM orders WHERE id = ?').get(v.parent_id) === undefined) {
          throw new StoreError(
            'refund_parent_unknown',
            `refund ${v.id}: parent order ${v.parent_id} is not stored`,
          );
        }
        const clash = this.#stmt(
          'SELECT id FROM refunds WHERE merchant_id = ? AND merchant_order_id = ?',
        ).get(v.merchant_id, v.merchant_order_id);
        if (clash !== undefined) {
          throw new StoreError(
            'merchant_order_id_conflict',
            `refund ${v.id}: merchantOrderId ${v.merchant_order_id} already belongs to refund ${text(clash.id)}`,
          );
        }
        this.#stmt(
          `INSERT INTO refunds (id, parent_id, merchant_id, merchant_order_id, status, amount, vat_amount, currency,
             description, created_at, updated_at, raw_json, basket_json)
           VALUES (:id, :parent_id, :merchant_id, :merchant_order_id, :status, :amount, :vat_amount, :currency,
             :description, :created_at, :updated_at, :raw_json, :basket_json)`,
        ).run({ ...v, updated_at: now });
        this.#appendRefundHistory(v.id, v.status, source, true, now, detail ?? null);
        return { decision: 'apply', previous: null, refund: this.#refundRow(v.id) };
      }
      const previous = current.status as RefundStatus;
      const decision: UpdateDecision = decideRefundStatus(previous, v.status).kind;
      const refresh =
        decision === 'apply' || (decision === 'duplicate' && (source === 'api' || source === 'reconcile'));
      const next = {
        status: decision === 'apply' ? v.status : previous,
        amount: refresh ? v.amount : int(current.amount),
        vat_amount: refresh ? v.vat_amount : int(current.vat_amount),
        currency: refresh ? v.currency : text(current.currency),
        description: pick(refresh, v.description, textOrNull(current.description)),
        raw_json: refresh ? v.raw_json : text(current.raw_json),
        basket_json: pick(refresh, v.basket_json, textOrNull(current.basket_json)),
      };
      const changed = (Object.keys(next) as (keyof typeof next)[]).some((k) => next[k] !== current[k]);
      if (changed) {
        this.#stmt(
          `UPDATE refunds SET status = :status, amount = :amount, vat_amount = :vat_amount, currency = :currency,
             description = :description, raw_json = :raw_json, basket_json = :basket_json, updated_at = :updated_at
           WHERE id = :id`,
        ).run({ ...next, updated_at: now, id: v.id });
      }
      if (decision !== 'duplicate') {
        this.#appendRefundHistory(v.id, v.status, source, decision === 'apply', now, detail ?? null);
      }
      return { decision, previous, refund: changed ? this.#refundRow(v.id) : refundRow(current) };
    });
  }

  #appendRefundHistory(
    refundId: string,
    status: RefundStatus,
    source: StatusSource,
    applied: boolean,
    at: string,
    detail: string | null,
  ): void {
    this.#stmt(
      'INSERT INTO refund_status_history (refund_id, status, source, applied, at, detail) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(refundId, status, source, applied ? 1 : 0, at, detail);
  }

  #refundRow(id: string): RefundRow {
    const row = this.#stmt(`SELECT ${REFUND_SELECT} FROM refunds WHERE id = ?`).get(id);
    if (row === undefined) throw new Error(`refund ${id} vanished inside its own transaction`);
    return refundRow(row);
  }

  getRefund(id: string): { refund: RefundRow; history: RefundHistoryRow[] } | null {
    return readTransaction(this.#db, () => {
      const row = this.#stmt(`SELECT ${REFUND_SELECT} FROM refunds WHERE id = ?`).get(id);
      if (row === undefined) return null;
      const history = this.#stmt(
        `SELECT id, refund_id, status, source, applied, at, detail FROM refund_status_history
         WHERE refund_id = ? ORDER BY id`,
      )
        .all(id)
        .map(refundHistoryRow);
      return { refund: refundRow(row), history };
    });
  }

  getRefundByMerchantOrderId(merchantOrderId: string, merchantId?: string): RefundRow | null {
    const row =
      merchantId === undefined
        ? this.#stmt(
            `SELECT ${REFUND_SELECT} FROM refunds WHERE merchant_order_id = ? ORDER BY created_at DESC LIMIT 1`,
          ).get(merchantOrderId)
        : this.#stmt(
            `SELECT ${REFUND_SELECT} FROM refunds WHERE merchant_id = ? AND merchant_order_id = ?`,
          ).get(merchantId, merchantOrderId);
    return row === undefined ? null : refundRow(row);
  }

  /** Refunds not final yet (`draft`, `created`), oldest first: the reconciler asks the gateway about these. */
  openRefunds(limit?: number): RefundRow[] {
    const sql = `SELECT ${REFUND_SELECT} FROM refunds WHERE status IN ('draft', 'created') ORDER BY created_at, id`;
    const rows =
      limit === undefined
        ? this.#stmt(sql).all()
        : this.#stmt(`${sql} LIMIT ?`).all(positiveInt(limit, 'limit'));
    return rows.map(refundRow);
  }

  /** Refunds of an order, oldest first. */
  refundsForOrder(orderId: string): RefundRow[] {
    return this.#stmt(`SELECT ${REFUND_SELECT} FROM refunds WHERE parent_id = ? ORDER BY created_at, id`)
      .all(orderId)
      .map(refundRow);
  }

  // ── notifications ─────────────────────────────────────────────────────────────────────────────────────────────

  /** Appends to the notification log (for notifications whose order is not applied: invalid, test, …). */
  recordNotification(input: NotificationInput): NotificationRow {
    return this.transaction(() => {
      const id = this.#insertNotification(input);
      const row = this.#stmt('SELECT * FROM notifications WHERE id = ?').get(id);
      if (row === undefined) throw new Error(`notification ${id} vanished inside its own transaction`);
      return notificationRow(row);
    });
  }

  #insertNotification(input: NotificationInput): number {
    const outcome: NotificationOutcome = input.outcome;
    const result = this.#stmt(
      `INSERT INTO notifications (received_at, rpc_id, method, order_id, status, outcome, raw_json)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      input.receivedAt === undefined ? this.#nowIso() : toIsoUtc(input.receivedAt, 'receivedAt'),
      input.rpcId === undefined || input.rpcId === null ? null : String(input.rpcId),
      input.method,
      input.orderId ?? null,
      input.status ?? null,
      outcome,
      JSON.stringify(input.raw ?? null),
    );
    return int(result.lastInsertRowid);
  }

  /**
   * A gate notification about an order: the status update and the log entry commit together, so the listener may
   * answer the gateway as soon as this returns. Outcome:
   * - `foreign_merchant`: options.merchantId given and the order is another shop's: logged, not applied;
   * - `order_wrong_amount`: an order this console created, with another amount or currency than ours: logged, not
   *   applied (answer the gateway with this code);
   * - otherwise applied with source `gate` (detail = the rpc id): `success` (applied), `duplicate` or `stale` (both
   *   answered `success`).
   * An unknown order is stored as `foreign`.
   */
  applyNotification(
    order: OrderSnapshot,
    notification: GateNotification,
    options: ApplyNotificationOptions = {},
  ): ApplyNotificationResult {
    const v = orderValues(order);
    return this.transaction(() => {
      let outcome: NotificationOutcome;
      let decision: UpdateDecision | null = null;
      let previous: OrderStatus | null;
      let row: OrderRow | null = null;
      const current = this.#stmt(`SELECT ${ORDER_SELECT} FROM orders o WHERE o.id = ?`).get(v.id);
      if (options.merchantId !== undefined && v.merchant_id !== options.merchantId) {
        outcome = 'foreign_merchant';
        previous = current === undefined ? null : (current.status as OrderStatus);
      } else if (
        current !== undefined &&
        current.origin === 'console' &&
        (int(current.amount) !== v.amount || current.currency !== v.currency)
      ) {
        outcome = 'order_wrong_amount';
        previous = current.status as OrderStatus;
        row = orderRow(current);
      } else {
        const rpc = notification.rpcId === null ? null : `rpc ${String(notification.rpcId)}`;
        const applied = this.#applyOrder(v, 'gate', rpc, {});
        decision = applied.decision;
        previous = applied.previous;
        row = applied.order;
        outcome = decision === 'apply' ? 'success' : decision;
      }
      const notificationId = this.#insertNotification({
        rpcId: notification.rpcId,
        method: notification.method ?? 'onOrderStatusChange',
        orderId: v.id,
        status: v.status,
        outcome,
        raw: notification.raw,
        ...(notification.receivedAt === undefined ? {} : { receivedAt: notification.receivedAt }),
      });
      return { outcome, decision, previous, order: row, notificationId };
    });
  }

  /** The last `n` notifications, newest first. */
  recentNotifications(n: number): NotificationRow[] {
    return this.#stmt('SELECT * FROM notifications ORDER BY id DESC LIMIT ?')
      .all(positiveInt(n, 'n'))
      .map(notificationRow);
  }

  /** Notifications about one order, oldest first. */
  notificationsForOrder(orderId: string): NotificationRow[] {
    return this.#stmt('SELECT * FROM notifications WHERE order_id = ? ORDER BY id')
      .all(orderId)
      .map(notificationRow);
  }

  // ── intents (idempotency journal) ─────────────────────────────────────────────────────────────────────────────

  /**
   * Journals a POST before it is sent: committed when this returns, so the request goes out only after it is on disk.
   * An intent that already exists, in any state, is refused (`intent_conflict`): a journalled merchantOrderId is never
   * reused or reset (resume a pending intent with its stored request instead). create_order and create_refund share
   * the gateway's merchantOrderId namespace; a cancel_order intent carries the merchantOrderId of the order it cancels.
   */
  beginIntent(input: IntentKey & { request: unknown }): IntentRow {
    const key = intentKey(input);
    const requestJson = json(input.request ?? null, 'request');
    return this.transaction(() => {
      const kinds: IntentKind[] =
        key.kind === 'cancel_order' ? ['cancel_order'] : ['create_order', 'create_refund'];
      for (const kind of kinds) {
        const existing = this.#intentRaw({ kind, merchantOrderId: key.merchantOrderId });
        if (existing !== undefined) {
          throw new StoreError(
            'intent_conflict',
            `${kind} ${key.merchantOrderId} is already journalled (${text(existing.state)}); a merchantOrderId is never reused`,
          );
        }
      }
      const now = this.#nowIso();
      this.#stmt(
        `INSERT INTO intents (merchant_order_id, kind, request_json, state, created_at, updated_at, shift_id,
           staff_id, approved_by)
         VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
      ).run(key.merchantOrderId, key.kind, requestJson, now, now, ...this.#stampValues());
      return this.#intentRow(key);
    });
  }

  /**
   * The gateway did it (or the start-up check found it done): state `done`, with the gateway id of the result.
   * Idempotent for the same result; completing with another result id is `intent_conflict`.
   */
  completeIntent(
    keyInput: IntentKey,
    result: { resultId?: string | null; requestId?: string | null } = {},
  ): IntentRow {
    const key = intentKey(keyInput);
    return this.transaction(() => {
      const current = this.#intentRaw(key);
      if (current === undefined) throw unknownIntent(key);
      const resultId = result.resultId ?? null;
      if (current.state === 'done') {
        if (resultId === null || resultId === current.result_id) return intentRow(current);
        throw new StoreError(
          'intent_conflict',
          `${key.kind} ${key.merchantOrderId} is done with result ${textOrNull(current.result_id) ?? '?'}, not ${resultId}`,
        );
      }
      this.#stmt(
        `UPDATE intents SET state = 'done', result_id = ?, error_code = NULL, error_message = NULL,
           request_id = coalesce(?, request_id), updated_at = ?
         WHERE merchant_order_id = ? AND kind = ?`,
      ).run(resultId, result.requestId ?? null, this.#nowIso(), key.merchantOrderId, key.kind);
      return this.#intentRow(key);
    });
  }

  /** A definitive refusal (e.g. 422 wrong_total_amount): state `failed`. Failing a `done` intent is `intent_conflict`. */
  failIntent(
    keyInput: IntentKey,
    error: { code: string; message: string; requestId?: string | null },
  ): IntentRow {
    const key = intentKey(keyInput);
    return this.transaction(() => {
      const current = this.#intentRaw(key);
      if (current === undefined) throw unknownIntent(key);
      if (current.state === 'done') {
        throw new StoreError(
          'intent_conflict',
          `${key.kind} ${key.merchantOrderId} is already done; cannot fail it`,
        );
      }
      this.#stmt(
        `UPDATE intents SET state = 'failed', error_code = ?, error_message = ?, request_id = coalesce(?, request_id),
           updated_at = ?
         WHERE merchant_order_id = ? AND kind = ?`,
      ).run(
        error.code,
        error.message,
        error.requestId ?? null,
        this.#nowIso(),
        key.merchantOrderId,
        key.kind,
      );
      return this.#intentRow(key);
    });
  }

  getIntent(keyInput: IntentKey): IntentRow | null {
    const row = this.#intentRaw(intentKey(keyInput));
    return row === undefined ? null : intentRow(row);
  }

  /** Intents whose outcome is unknown (sent, or maybe sent, before a crash), oldest first: resolve them at start-up. */
  pendingIntents(): IntentRow[] {
    return this.#stmt(
      "SELECT * FROM intents WHERE state = 'pending' ORDER BY created_at, merchant_order_id, kind",
    )
      .all()
      .map(intentRow);
  }

  #intentRaw(key: IntentKey): Row | undefined {
    return this.#stmt('SELECT * FROM intents WHERE merchant_order_id = ? AND kind = ?').get(
      key.merchantOrderId,
      key.kind,
    );
  }

  #intentRow(key: IntentKey): IntentRow {
    const row = this.#intentRaw(key);
    if (row === undefined) throw unknownIntent(key);
    return intentRow(row);
  }

  #hasIntent(kind: IntentKind, merchantOrderId: string): boolean {
    return (
      this.#stmt('SELECT 1 FROM intents WHERE merchant_order_id = ? AND kind = ?').get(
        merchantOrderId,
        kind,
      ) !== undefined
    );
  }

  // ── shifts: what a shift did, through its stamps ──

  /** Orders created during the shift (their create_order intents carry its stamp), oldest first. */
  ordersOfShift(shiftId: string): OrderRow[] {
    return this.#stmt(
      `SELECT ${ORDER_SELECT} FROM intents i JOIN orders o ON o.id = i.result_id
       WHERE i.shift_id = ? AND i.kind = 'create_order' AND i.state = 'done' ORDER BY o.created_at, o.id`,
    )
      .all(shiftId)
      .map(orderRow);
  }

  /** Refunds made during the shift, oldest first. */
  refundsOfShift(shiftId: string): RefundRow[] {
    return this.#stmt(
      `SELECT ${REFUND_SELECT.split(', ')
        .map((c) => `r.${c}`)
        .join(', ')} FROM intents i JOIN refunds r ON r.id = i.result_id
       WHERE i.shift_id = ? AND i.kind = 'create_refund' AND i.state = 'done' ORDER BY r.created_at, r.id`,
    )
      .all(shiftId)
      .map(refundRow);
  }

  /** Orders cancelled during the shift (the applied `canceled` history row carries its stamp). */
  cancelsOfShift(shiftId: string): { order: OrderSummary; at: string; staffId: string | null }[] {
    return this.#stmt(
      `SELECT ${SUMMARY_SELECT}, h.at AS h_at, h.staff_id AS h_staff FROM status_history h
       JOIN orders o ON o.id = h.order_id
       WHERE h.shift_id = ? AND h.status = 'canceled' AND h.applied = 1 ORDER BY h.id`,
    )
      .all(shiftId)
      .map((r) => ({ order: summaryRow(r), at: text(r.h_at), staffId: textOrNull(r.h_staff) }));
  }

  /** The stamp of an intent (who journalled it), or null. */
  intentStamp(keyInput: IntentKey): ActionStamp | null {
    const key = intentKey(keyInput);
    const r = this.#stmt(
      'SELECT shift_id, staff_id, approved_by FROM intents WHERE merchant_order_id = ? AND kind = ?',
    ).get(key.merchantOrderId, key.kind);
    if (r === undefined) return null;
    return {
      shiftId: textOrNull(r.shift_id),
      staffId: textOrNull(r.staff_id),
      approvedBy: textOrNull(r.approved_by),
    };
  }

  // ── settings (non-secret) ─────────────────────────────────────────────────────────────────────────────────────

  getSetting(key: string): unknown {
    const row = this.#stmt('SELECT value_json FROM settings WHERE key = ?').get(key);
    return row === undefined ? undefined : JSON.parse(text(row.value_json));
  }

  /** Stores a JSON value. Keys that look like credentials (token, secret, password, …) are refused. */
  setSetting(key: string, value: unknown): void {
    if (key === '' || SECRET_KEY.test(key)) {
      throw new StoreError(
        'secret_setting',
        `setting "${key}" looks like a secret: keep it in the OS keychain`,
      );
    }
    const json = JSON.stringify(value);
    if (json === undefined) throw new StoreError('invalid_input', `setting "${key}": value is not JSON`);
    this.transaction(() => {
      this.#stmt(
        `INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
      ).run(key, json, this.#nowIso());
    });
  }

  deleteSetting(key: string): void {
    this.transaction(() => {
      this.#stmt('DELETE FROM settings WHERE key = ?').run(key);
    });
  }

  allSettings(): Record<string, unknown> {
    return Object.fromEntries(
      this.#stmt('SELECT key, value_json FROM settings ORDER BY key')
        .all()
        .map((r) => [text(r.key), JSON.parse(text(r.value_json))]),
    );
  }

  // ── maintenance ───────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * PRAGMA integrity_check plus the full-text index checked against the orders table: `['ok']` when all is sound,
   * otherwise the problems found.
   */
  checkIntegrity(): string[] {
    const problems = this.#db
      .prepare('PRAGMA integrity_check')
      .all()
      .map((r) => String(Object.values(r)[0]))
      .filter((line) => line !== 'ok');
    try {
      this.#db.exec("INSERT INTO orders_fts (orders_fts, rank) VALUES ('integrity-check', 1)");
    } catch (err) {
      problems.push(`orders_fts: ${err instanceof Error ? err.message : String(err)}`);
    }
    return problems.length === 0 ? ['ok'] : problems;
  }

  /** Connection facts for the diagnostics screen and the gate's getStatus. */
  diagnostics(): StoreDiagnostics {
    return {
      path: this.#db.location() ?? '',
      schemaVersion: Number(pragmaValue(this.#db, 'user_version')),
      journalMode: String(pragmaValue(this.#db, 'journal_mode')),
      synchronous: Number(pragmaValue(this.#db, 'synchronous')),
      foreignKeys: Number(pragmaValue(this.#db, 'foreign_keys')) === 1,
      busyTimeoutMs: Number(pragmaValue(this.#db, 'busy_timeout')),
      sqliteVersion: text(this.#db.prepare('SELECT sqlite_version() AS v').get()?.v),
    };
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────────────────────

  #stmt(sql: string): StatementSync {
    let stmt = this.#statements.get(sql);
    if (stmt === undefined) {
      if (!this.#db.isOpen) throw new StoreError('closed', 'the store is closed');
      stmt = this.#db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  #nowIso(): string {
    return this.#now().toISOString();
  }
}

// ── search SQL ──────────────────────────────────────────────────────────────────────────────────────────────────

interface BuiltSearch {
  rowsSql: string;
  rowParams: Params;
  /** null: the count is the number of text hits (no other filter). */
  countSql: string | null;
  countParams: Params;
  /** The filters, without paging: the key of the cached count. */
  countKey: string;
}

/** Above this many text hits, the page is found by walking the created_at index (stops after one page) instead of
 * sorting every hit. */
const WALK_HITS_ABOVE = 1_000;

/** Number prefix (folded), gateway id (as typed or folded): the parameters every text search uses. */
function textParams(t: string): Params {
  const folded = fold(t);
  return { t_lo: folded, t_hi: `${folded}\u{10FFFF}`, t_id: t, t_id_folded: folded };
}

const NUMBER_TERM = '(o.merchant_order_id_fold >= :t_lo AND o.merchant_order_id_fold < :t_hi)';
const ID_TERM = 'o.id IN (:t_id, :t_id_folded)';
const SHORT_TERM = 'instr(o.description_fold, :t_sub) > 0';

/** True when a text is long enough for the trigram index (see MIN_INDEXED_SUBSTRING). */
const usesTrigrams = (t: string): boolean => [...t].length >= MIN_INDEXED_SUBSTRING;

/**
 * A text resolved once to the orders it matches — number prefix, gateway id, description substring (through the
 * trigram index from three characters; below that, a scan of the narrow folded-description index) — as their count
 * and a JSON array of their seq, computed in SQLite (no row objects in JavaScript) and reused by the page and the
 * count.
 */
function textHitStatement(t: string): [string, Params] {
  const params: Params = textParams(t);
  let description: string;
  if (usesTrigrams(t)) {
    // A quoted FTS5 phrase is literal; with the trigram tokenizer it matches any substring, case-insensitively.
    params.t_fts = `"${t.replaceAll('"', '""')}"`;
    description = 'SELECT rowid AS seq FROM orders_fts WHERE orders_fts MATCH :t_fts';
  } else {
    params.t_sub = fold(t);
    description = `SELECT o.seq FROM orders o WHERE ${SHORT_TERM}`;
  }
  // UNION ALL + DISTINCT rather than UNION: a UNION merges its branches in seq order, which would make SQLite read
  // a description scan from the wide table (in rowid order) instead of its narrow index.
  const sql =
    'SELECT count(*) AS n, json_group_array(seq) AS hits FROM (SELECT DISTINCT seq FROM (' +
    `SELECT o.seq FROM orders o WHERE ${NUMBER_TERM} ` +
    `UNION ALL SELECT o.seq FROM orders o WHERE ${ID_TERM} ` +
    `UNION ALL ${description}))`;
  return [sql, params];
}

/** Any filter besides the text. */
function hasFilters(q: OrderSearch): boolean {
  return (
    (q.status !== undefined && q.status.length > 0) ||
    q.from !== undefined ||
    q.to !== undefined ||
    q.minAmount !== undefined ||
    q.maxAmount !== undefined
  );
}

/**
 * Whether a search resolves its text to hits first: always from three characters (the trigram index); a shorter text
 * only together with other filters (alone, the page walks the created_at index and the count scans the narrow
 * folded-description index directly).
 */
const resolvesText = (t: string, q: OrderSearch): boolean => t !== '' && (usesTrigrams(t) || hasFilters(q));

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > 16) cache.delete(cache.keys().next().value!);
}

/** A search text's matches: how many, and their seq as a JSON array (for json_each). */
interface TextHits {
  count: number;
  json: string;
}

function buildSearch(query: OrderSearch, limit: number, hits: TextHits | null): BuiltSearch {
  const where: string[] = [];
  /** Terms written differently in the page query than in the count (index hints), by position in `where`. */
  const rowOnly = new Map<number, string>();
  const countOnly = new Map<number, string>();
  const params: Params = {};
  const text = query.text?.trim() ?? '';
  /** A text too short for the trigram index: tested row by row, on the narrow folded columns. */
  const shortText = text !== '' && hits === null;
  const filtered = hasFilters(query);
  /** Many hits: membership is checked along whichever index the other filters use (see `from` below). */
  const many = hits !== null && hits.count > WALK_HITS_ABOVE;
  if (hits !== null) {
    params.t_hits = hits.json;
    where.push('o.seq IN (SELECT value FROM json_each(:t_hits))');
    // Counting many hits under another filter: along that filter's index ('+' keeps the planner from looking every
    // hit up by rowid in the wide table), checking membership in the index entry itself.
    if (many && filtered) countOnly.set(where.length - 1, '+o.seq IN (SELECT value FROM json_each(:t_hits))');
  } else if (shortText) {
    Object.assign(params, textParams(text), { t_sub: fold(text) });
    where.push(`(${NUMBER_TERM} OR ${ID_TERM} OR ${SHORT_TERM})`);
  }
  let filters = 0;
  if (query.status !== undefined && query.status.length > 0) {
    const statuses = [...new Set(query.status)];
    statuses.forEach((s, i) => {
      if (!isOrderStatus(s)) throw new StoreError('invalid_input', `unknown order status: ${String(s)}`);
      params[`s${i}`] = s;
    });
    // One status: its (status, created_at, id) index gives the page in order. Several: that index would have to
    // read and sort every match (most of the table for completed + expired); walking created_at newest first and
    // checking the status ('+' keeps the planner off the status index) stops after a page.
    const list = statuses.map((_, i) => `:s${i}`).join(', ');
    where.push(`o.status IN (${list})`);
    if (statuses.length > 1) rowOnly.set(where.length - 1, `+o.status IN (${list})`);
    filters += 1;
  }
  if (query.from !== undefined) {
    params.from = toIsoUtc(query.from, 'from');
    where.push('o.created_at >= :from');
    filters += 1;
  }
  if (query.to !== undefined) {
    params.to = toIsoUtc(query.to, 'to');
    where.push('o.created_at < :to');
    filters += 1;
  }
  if (query.minAmount !== undefined) {
    params.min_amount = kopecks(query.minAmount, 'minAmount');
    where.push('o.amount >= :min_amount');
    filters += 1;
  }
  if (query.maxAmount !== undefined) {
    params.max_amount = kopecks(query.maxAmount, 'maxAmount');
    where.push('o.amount <= :max_amount');
    filters += 1;
  }
  const countParams = { ...params };
  let countSql: string | null =
    `SELECT count(*) AS n FROM orders o${whereSql(where.map((term, i) => countOnly.get(i) ?? term))}`;
  if (hits !== null && filters === 0) countSql = null;
  else if (shortText && filters === 0) {
    // Three disjoint parts, each from an index alone: descriptions (the narrow folded index), then numbers and ids
    // whose description does not match (a handful).
    countSql =
      `SELECT (SELECT count(*) FROM orders o WHERE ${SHORT_TERM})` +
      ` + (SELECT count(*) FROM orders o WHERE ${NUMBER_TERM} AND NOT ${SHORT_TERM})` +
      ` + (SELECT count(*) FROM orders o WHERE ${ID_TERM} AND NOT ${NUMBER_TERM} AND NOT ${SHORT_TERM}) AS n`;
  }
  const { cursor: _c, offset: _o, limit: _l, withTotal: _w, ...filterKey } = query;
  const countKey = JSON.stringify({ ...filterKey, text: query.text?.trim() ?? '' });

  const rowWhere = where.map((term, i) => rowOnly.get(i) ?? term);
  const cursor = query.cursor ?? null;
  let tail = 'LIMIT :limit';
  params.limit = limit + 1;
  if (cursor !== null) {
    const [createdAt, id] = decodeCursor(cursor);
    params.c_at = createdAt;
    params.c_id = id;
    rowWhere.push('(o.created_at, o.id) < (:c_at, :c_id)');
  } else if (query.offset !== undefined && query.offset !== 0) {
    params.offset = nonNegativeInt(query.offset, 'offset');
    tail += ' OFFSET :offset';
  }
  // Few hits: look each up and sort them. Many, and nothing else: walk the created_at index newest first and stop
  // after a page. Many, with other filters: the planner walks their index (in created_at order where it can).
  let from = 'orders o';
  if (hits !== null && !many) from = 'orders o NOT INDEXED';
  else if ((many && !filtered) || (shortText && filters === 0)) from = 'orders o INDEXED BY orders_created';
  const rowsSql = `SELECT ${SUMMARY_SELECT} FROM ${from}${whereSql(rowWhere)} ORDER BY o.created_at DESC, o.id DESC ${tail}`;
  return { rowsSql, rowParams: params, countSql, countParams, countKey };
}

function whereSql(terms: readonly string[]): string {
  return terms.length === 0 ? '' : ` WHERE ${terms.join(' AND ')}`;
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new StoreError('invalid_cursor', 'invalid search cursor');
}

// ── input validation ────────────────────────────────────────────────────────────────────────────────────────────

/** Unicode lower case: the key of the case-insensitive merchant order id search. */
function fold(value: string): string {
  return value.toLowerCase();
}

const NO_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** Any ISO 8601 / ATOM time → `YYYY-MM-DDTHH:MM:SS.sssZ`. A date-time without an offset is taken as UTC. */
export function toIsoUtc(value: string, field = 'time'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new StoreError('invalid_input', `${field}: not a time: ${String(value)}`);
  }
  const trimmed = value.trim();
  const ms = Date.parse(NO_OFFSET.test(trimmed) ? `${trimmed.replace(' ', 'T')}Z` : trimmed);
  if (!Number.isFinite(ms)) throw new StoreError('invalid_input', `${field}: not a time: ${value}`);
  return new Date(ms).toISOString();
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new StoreError('invalid_input', `${field} must be a non-empty string`);
  return value;
}

function optionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new StoreError('invalid_input', `${field} must be a string`);
  return value;
}

function kopecks(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new StoreError('invalid_input', `${field} must be integer kopecks, got ${String(value)}`);
  }
  return value === 0 ? 0 : value;
}

function positiveInt(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new StoreError('invalid_input', `${field} must be a positive integer`);
  return value;
}

function nonNegativeInt(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StoreError('invalid_input', `${field} must be a non-negative integer`);
  }
  return value;
}

function json(value: unknown, field: string): string {
  const out = JSON.stringify(value);
  if (out === undefined) throw new StoreError('invalid_input', `${field} is not JSON-serialisable`);
  return out;
}

function checkSource(source: StatusSource): void {
  if (!STATUS_SOURCES.includes(source))
    throw new StoreError('invalid_input', `unknown status source: ${String(source)}`);
}

function orderValues(o: OrderSnapshot): OrderValues {
  if (!isOrderStatus(o.status))
    throw new StoreError('invalid_input', `order ${String(o.id)}: unknown status ${String(o.status)}`);
  if (typeof o.description !== 'string')
    throw new StoreError('invalid_input', 'description must be a string');
  return {
    id: requireText(o.id, 'id'),
    merchant_id: requireText(o.merchantId, 'merchantId'),
    merchant_order_id: requireText(o.merchantOrderId, 'merchantOrderId'),
    status: o.status,
    amount: kopecks(o.amount, 'amount'),
    vat_amount: kopecks(o.vatAmount, 'vatAmount'),
    currency: requireText(o.currencyId, 'currencyId'),
    description: o.description,
    payment_url: optionalText(o.paymentUrl, 'paymentUrl'),
    created_at: toIsoUtc(o.createdAt, 'createdAt'),
    expiration_date:
      o.expirationDate === null || o.expirationDate === undefined
        ? null
        : toIsoUtc(o.expirationDate, 'expirationDate'),
    paid_at: o.paidAt === null || o.paidAt === undefined ? null : toIsoUtc(o.paidAt, 'paidAt'),
    raw_json: json(o.raw, 'raw'),
    basket_json: o.basket === undefined || o.basket === null ? null : json(o.basket, 'basket'),
  };
}

function refundValues(r: RefundSnapshot): RefundValues {
  if (!isRefundStatus(r.status))
    throw new StoreError('invalid_input', `refund ${String(r.id)}: unknown status ${String(r.status)}`);
  return {
    id: requireText(r.id, 'id'),
    parent_id: requireText(r.parentId, 'parentId'),
    merchant_id: requireText(r.merchantId, 'merchantId'),
    merchant_order_id: requireText(r.merchantOrderId, 'merchantOrderId'),
    status: r.status,
    amount: kopecks(r.amount, 'amount'),
    vat_amount: kopecks(r.vatAmount, 'vatAmount'),
    currency: requireText(r.currencyId, 'currencyId'),
    description: optionalText(r.description, 'description'),
    created_at: toIsoUtc(r.createdAt, 'createdAt'),
    raw_json: json(r.raw, 'raw'),
    basket_json: r.basket === undefined || r.basket === null ? null : json(r.basket, 'basket'),
  };
}

function intentKey(key: IntentKey): IntentKey {
  if (!INTENT_KINDS.includes(key.kind))
    throw new StoreError('invalid_input', `unknown intent kind: ${String(key.kind)}`);
  return { kind: key.kind, merchantOrderId: requireText(key.merchantOrderId, 'merchantOrderId') };
}

function unknownIntent(key: IntentKey): StoreError {
  return new StoreError('intent_unknown', `no ${key.kind} intent for ${key.merchantOrderId}`);
}

/** When refreshing, the incoming value unless it is missing; otherwise the stored value unless it is missing. */
function pick(refresh: boolean, incoming: string | null, stored: string | null): string | null {
  return refresh ? (incoming ?? stored) : (stored ?? incoming);
}

// ── row mapping ─────────────────────────────────────────────────────────────────────────────────────────────────

function text(v: SQLOutputValue | undefined): string {
  if (typeof v !== 'string') throw new Error(`store: expected text, got ${typeof v}`);
  return v;
}

function textOrNull(v: SQLOutputValue | undefined): string | null {
  return v === null || v === undefined ? null : text(v);
}

function int(v: SQLOutputValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new Error(`store: expected an integer, got ${typeof v}`);
}

function parseJson(v: SQLOutputValue | undefined): unknown {
  return v === null || v === undefined ? null : JSON.parse(text(v));
}

function summaryRow(r: Row): OrderSummary {
  return {
    id: text(r.id),
    provider: text(r.provider),
    merchantId: text(r.merchant_id),
    merchantOrderId: text(r.merchant_order_id),
    origin: text(r.origin) as OrderOrigin,
    status: text(r.status) as OrderStatus,
    amount: int(r.amount),
    vatAmount: int(r.vat_amount),
    currency: text(r.currency),
    description: text(r.description),
    paymentUrl: textOrNull(r.payment_url),
    createdAt: text(r.created_at),
    expirationDate: textOrNull(r.expiration_date),
    paidAt: textOrNull(r.paid_at),
    updatedAt: text(r.updated_at),
  };
}

function orderRow(r: Row): OrderRow {
  return { ...summaryRow(r), raw: parseJson(r.raw_json), basket: parseJson(r.basket_json) };
}

function historyRow(r: Row): StatusHistoryRow {
  return {
    id: int(r.id),
    orderId: text(r.order_id),
    status: text(r.status) as OrderStatus,
    source: text(r.source) as StatusSource,
    applied: int(r.applied) === 1,
    at: text(r.at),
    detail: textOrNull(r.detail),
  };
}

function refundRow(r: Row): RefundRow {
  return {
    id: text(r.id),
    provider: text(r.provider),
    parentId: text(r.parent_id),
    merchantId: text(r.merchant_id),
    merchantOrderId: text(r.merchant_order_id),
    status: text(r.status) as RefundStatus,
    amount: int(r.amount),
    vatAmount: int(r.vat_amount),
    currency: text(r.currency),
    description: textOrNull(r.description),
    createdAt: text(r.created_at),
    updatedAt: text(r.updated_at),
    raw: parseJson(r.raw_json),
    basket: parseJson(r.basket_json),
  };
}

function refundHistoryRow(r: Row): RefundHistoryRow {
  return {
    id: int(r.id),
    refundId: text(r.refund_id),
    status: text(r.status) as RefundStatus,
    source: text(r.source) as StatusSource,
    applied: int(r.applied) === 1,
    at: text(r.at),
    detail: textOrNull(r.detail),
  };
}

function intentRow(r: Row): IntentRow {
  return {
    kind: text(r.kind) as IntentKind,
    merchantOrderId: text(r.merchant_order_id),
    request: parseJson(r.request_json),
    state: text(r.state) as IntentState,
    resultId: textOrNull(r.result_id),
    errorCode: textOrNull(r.error_code),
    errorMessage: textOrNull(r.error_message),
    requestId: textOrNull(r.request_id),
    createdAt: text(r.created_at),
    updatedAt: text(r.updated_at),
  };
}

function notificationRow(r: Row): NotificationRow {
  return {
    id: int(r.id),
    receivedAt: text(r.received_at),
    rpcId: textOrNull(r.rpc_id),
    method: text(r.method),
    orderId: textOrNull(r.order_id),
    status: textOrNull(r.status),
    outcome: text(r.outcome) as NotificationOutcome,
    raw: parseJson(r.raw_json),
  };
}
