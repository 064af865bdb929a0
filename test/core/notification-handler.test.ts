/**
 * The gate's `onOrderStatusChange` handler (electron/core/gate/notification-handler.ts) on a real SQLite store:
 * a change is shown (onChange) once validated and written into the open transaction, before COMMIT; the answer that
 * lets the gateway stop retrying waits for the commit. A second connection to the same file tells the two apart,
 * since it sees only what is committed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IMMEDIATE_CHANGES,
  createOrderStatusChangeHandler,
  type StoredChange,
} from '../../electron/core/gate/notification-handler.ts';
import { orderSnapshot } from '../../electron/core/invoicebox/snapshots.ts';
import { DB_FILE_NAME } from '../../electron/core/store/database.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import type { OrderNotification } from '../../shared/invoicebox/schemas.ts';

const MERCHANT = '11111111-2222-3333-4444-555555555555';
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function rig() {
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-handler-'));
  const store: Store = openStore({ dir });
  const reader = new DatabaseSync(join(dir, DB_FILE_NAME), { readOnly: true });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => store.close());
  cleanups.push(() => reader.close());
  /** What another connection sees: the committed status of an order, or null. */
  const committed = (id: string): string | null =>
    (reader.prepare('SELECT status FROM orders WHERE id = ?').get(id)?.status as string | undefined) ?? null;
  const seen: { change: StoredChange; committedThen: string | null; answeredBefore: boolean }[] = [];
  /** The RPC ids answered so far, and the one whose change is expected next. */
  const answered = new Set<number>();
  let inFlight = -1;
  const handler = createOrderStatusChangeHandler({
    store,
    merchantId: () => MERCHANT,
    log: () => {},
    onChange: (change) => {
      const id = change.kind === 'order' ? change.order.id : change.refund.id;
      seen.push({ change, committedThen: committed(id), answeredBefore: answered.has(inFlight) });
    },
  });
  const notify = async (n: Record<string, unknown>, rpcId: number): Promise<unknown> => {
    inFlight = rpcId;
    const answer = await handler([n], { id: rpcId });
    answered.add(rpcId);
    return answer;
  };
  /** An order this console created (as the API client stores it), so the gate's amount is checked against ours. */
  const created = (n: Record<string, unknown>): void => {
    store.applyOrderUpdate(orderSnapshot(n as unknown as OrderNotification), 'api', null, {
      origin: 'console',
    });
  };
  return { committed, seen, notify, created };
}

let seq = 0;
function notification(over: Record<string, unknown> = {}): Record<string, unknown> {
  seq += 1;
  return {
    id: `0b6f4e1c-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    merchantId: MERCHANT,
    merchantOrderId: `T-${seq}`,
    status: 'created',
    amount: 1250.5,
    currencyId: 'RUB',
    createdAt: '2026-11-23T10:00:00+03:00',
    ...over,
  };
}

describe('onOrderStatusChange: shown when validated, answered when durable', () => {
  it('shows a payment before its COMMIT, and answers the gateway only after it', async () => {
    const r = rig();
    const created = notification();
    expect(await r.notify(created, 1)).toEqual({ status: 'success' });
    expect(r.committed(created.id as string)).toBe('created');
    r.seen.length = 0;

    const answer = r.notify({ ...created, status: 'completed' }, 2);
    expect(await answer).toEqual({ status: 'success' });

    expect(r.seen).toHaveLength(1);
    const shown = r.seen[0]!;
    expect(shown.change).toMatchObject({ kind: 'order', decision: 'apply', order: { status: 'completed' } });
    // When the screen heard of it, another connection still saw the old status: the commit had not happened yet,
    // and the gateway had not been answered.
    expect(shown.committedThen).toBe('created');
    expect(shown.answeredBefore).toBe(false);
    // By the time the answer arrived, it was committed.
    expect(r.committed(created.id as string)).toBe('completed');
  });

  it('shows nothing for a refused notification, and nothing twice for a repeat', async () => {
    const r = rig();
    const created = notification();
    r.created(created);

    const wrong = await r.notify({ ...created, status: 'completed', amount: 1.5 }, 2);
    expect(wrong).toMatchObject({ status: 'error', code: 'order_wrong_amount' });
    const foreign = await r.notify({ ...notification(), merchantId: 'another-merchant' }, 3);
    expect(foreign).toMatchObject({ status: 'error', code: 'order_not_found' });
    expect(r.seen).toEqual([]);
    expect(r.committed(created.id as string)).toBe('created');

    await r.notify({ ...created, status: 'completed' }, 4);
    await r.notify({ ...created, status: 'completed' }, 5);
    expect(r.seen.map((s) => s.change.decision)).toEqual(['apply', 'duplicate']);
  });

  it('answers a burst first and shows it after the commit, every change once', async () => {
    const r = rig();
    const burst = Array.from({ length: IMMEDIATE_CHANGES * 4 }, () => notification({ status: 'completed' }));
    const answers = await Promise.all(burst.map((n, i) => r.notify(n, 100 + i)));
    expect(answers.every((a) => (a as { status: string }).status === 'success')).toBe(true);
    // Answered in the commit's turn; shown on the next one.
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.seen.map((s) => (s.change.kind === 'order' ? s.change.order.id : '')).sort()).toEqual(
      burst.map((n) => n.id as string).sort(),
    );
    for (const s of r.seen) {
      expect(s.committedThen).toBe('completed');
      expect(s.answeredBefore).toBe(true);
    }
  });
});
