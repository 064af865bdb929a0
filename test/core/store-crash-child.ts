/**
 * Child process of store-crash.test.ts (run by Node 24 directly): writes to the store in an endless loop the way the
 * console does, and prints one line per operation to stdout right after the operation's commit returned. The parent
 * SIGKILLs it at a random moment and checks that every printed operation is in the database exactly once.
 *
 *   node store-crash-child.ts <dir> <round>
 *
 * Lines: `ready`; `I <moid>` intent begun; `C <orderId>` order created; `D <moid>` intent completed;
 * `P <orderId> <rpcId>` paid via the gate; `N <orderId> <rpcId>` replayed notification (duplicate);
 * `S <orderId>` late `created` recorded as stale; `R <orderId>` an earlier round's order re-read (duplicate);
 * `B <orderId>…` a batch of foreign orders from one reconciliation page.
 */
import { writeSync } from 'node:fs';
import { openStore } from '../../electron/core/store/store.ts';
import type { OrderSnapshot } from '../../electron/core/store/types.ts';

const [dir, roundArg] = process.argv.slice(2);
if (dir === undefined || roundArg === undefined) throw new Error('usage: store-crash-child.ts <dir> <round>');
const round = Number(roundArg);
const MERCHANT = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

function say(line: string): void {
  writeSync(1, `${line}\n`); // synchronous: the line is in the pipe before the next operation starts
}

function orderId(r: number, i: number, tag = 0): string {
  return `00000000-0000-4000-8${tag}00-${String(r).padStart(4, '0')}${String(i).padStart(8, '0')}`;
}

function snapshot(
  id: string,
  merchantOrderId: string,
  status: OrderSnapshot['status'],
  i: number,
): OrderSnapshot {
  const createdAt = new Date(Date.UTC(2026, 4, 1, 10, 0, 0) + round * 3_600_000 + i * 1000).toISOString();
  return {
    id,
    merchantId: MERCHANT,
    merchantOrderId,
    status,
    amount: 10_000 + i,
    vatAmount: 1_803,
    currencyId: 'RUB',
    description: `Кофе №${i} (раунд ${round})`,
    paymentUrl: `https://pay.example/${id}`,
    createdAt,
    expirationDate: new Date(Date.parse(createdAt) + 1_800_000).toISOString(),
    paidAt: status === 'completed' ? new Date(Date.parse(createdAt) + 60_000).toISOString() : null,
    raw: { id, merchantOrderId, status, amount: (10_000 + i) / 100, round },
    basket: [{ sku: 'coffee', quantity: 1 }],
  };
}

const store = openStore({ dir });
say('ready');

for (let i = 0; ; i++) {
  const mo = `PD-R${round}-${i}`;
  const id = orderId(round, i);

  // The API client's creation flow: journal, (send), store the answer, complete the journal.
  store.beginIntent({
    kind: 'create_order',
    merchantOrderId: mo,
    request: { merchantOrderId: mo, amount: 100 + i / 100 },
  });
  say(`I ${mo}`);
  store.applyOrderUpdate(snapshot(id, mo, 'created', i), 'api', `rq-${round}-${i}`);
  say(`C ${id}`);
  store.completeIntent(
    { kind: 'create_order', merchantOrderId: mo },
    { resultId: id, requestId: `rq-${round}-${i}` },
  );
  say(`D ${mo}`);

  if (i % 2 === 0) {
    // The payment arrives on the gate, then the gate repeats it.
    const paid = snapshot(id, mo, 'completed', i);
    const rpc = `${round}-${i}-a`;
    const r = store.applyNotification(paid, {
      rpcId: rpc,
      raw: { jsonrpc: '2.0', id: rpc, params: [paid.raw] },
    });
    if (r.outcome !== 'success') throw new Error(`expected success, got ${r.outcome}`);
    say(`P ${id} ${rpc}`);
    const again = `${round}-${i}-b`;
    const d = store.applyNotification(paid, { rpcId: again, raw: { jsonrpc: '2.0', id: again } });
    if (d.outcome !== 'duplicate') throw new Error(`expected duplicate, got ${d.outcome}`);
    say(`N ${id} ${again}`);
    if (i % 4 === 0) {
      // A late `created` from an old poll.
      const s = store.applyOrderUpdate(snapshot(id, mo, 'created', i), 'reconcile', 'late poll');
      if (s.decision !== 'stale') throw new Error(`expected stale, got ${s.decision}`);
      say(`S ${id}`);
    }
  }

  if (round > 0 && i % 3 === 0) {
    // Reconciliation re-reads an order of an earlier round: nothing new may be recorded.
    const older = orderId(round - 1, i);
    const known = store.getOrder(older);
    if (known !== null) {
      const o = known.order;
      const r = store.applyOrderUpdate(
        { ...snapshot(older, o.merchantOrderId, o.status, i), createdAt: o.createdAt, raw: o.raw },
        'gate',
      );
      if (r.decision !== 'duplicate') throw new Error(`expected duplicate, got ${r.decision}`);
      say(`R ${older}`);
    }
  }

  if (i % 10 === 5) {
    // A page of foreign orders, applied in one transaction.
    const page = Array.from({ length: 5 }, (_, k) => {
      const fid = orderId(round, i * 10 + k, 1);
      return snapshot(fid, `WEB-R${round}-${i}-${k}`, k % 2 === 0 ? 'completed' : 'expired', i);
    });
    store.applyOrderUpdates(page, 'reconcile', 'page');
    say(`B ${page.map((p) => p.id).join(' ')}`);
  }
}
