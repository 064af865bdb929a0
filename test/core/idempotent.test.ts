/**
 * Crash-safe, idempotent creation (electron/core/api/idempotent.ts):
 *  - the journal contract (test/helpers/journal-contract.ts) against the in-memory and the fsync'd file journals;
 *  - merchant order ids;
 *  - the lost-answer cases against a real sandbox: the gateway creates the order but the client times out, a 500
 *    before creation, a 429, a duplicate → lookup, a number taken by someone else, refunds and double clicks;
 *  - the real crash: a child process SIGKILLed while its POST is in flight; a second run resolves the pending intent
 *    → exactly one order with that merchantOrderId on the gateway, and the journal says done.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createApiClient,
  type ApiCallRecord,
  type ApiClientOptions,
} from '../../electron/core/api/client.ts';
import { ApiError } from '../../electron/core/api/errors.ts';
import {
  createOrderOnce,
  createRefundOnce,
  IntentError,
  MERCHANT_ORDER_ID_ALPHABET,
  MERCHANT_ORDER_ID_PATTERN,
  newMerchantOrderId,
  refundKey,
  resolvePendingIntents,
} from '../../electron/core/api/idempotent.ts';
import { createRateLimiter } from '../../electron/core/api/rate-limiter.ts';
import { FileJournal, MemoryJournal } from '../helpers/journals.ts';
import { journalContract } from '../helpers/journal-contract.ts';
import { DEMO_MERCHANT_ID, DEMO_TOKEN, withSandbox } from '../helpers/sandbox.ts';
import { orderDraft, orderRequest, refundDraft } from '../helpers/api-requests.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-journal-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

// ---- the contract, against both test journals ----

journalContract(() => {
  const journal = new MemoryJournal();
  return { journal, state: (id) => journal.get(id) };
}, 'IntentJournal contract: MemoryJournal');

journalContract(() => {
  const file = path.join(tmpDir(), 'intents.jsonl');
  const opened: FileJournal[] = [new FileJournal(file)];
  return {
    journal: opened[0]!,
    state: (id) => FileJournal.read(file).get(id) ?? null,
    reopen: () => {
      const again = new FileJournal(file);
      opened.push(again);
      return again;
    },
    cleanup: () => opened.forEach((j) => j.close()),
  };
}, 'IntentJournal contract: FileJournal');

describe('FileJournal', () => {
  it('ignores a torn last line (a crash mid-write) and keeps everything before it', () => {
    const file = path.join(tmpDir(), 'torn.jsonl');
    const j = new FileJournal(file);
    const a = orderRequest();
    j.begin({ merchantOrderId: a.merchantOrderId, kind: 'create_order', request: a });
    j.close();
    fs.appendFileSync(file, '{"op":"complete","merchantOrd');
    expect(new FileJournal(file).pending().map((p) => p.merchantOrderId)).toEqual([a.merchantOrderId]);
  });
});

// ---- merchant order ids ----

describe('newMerchantOrderId', () => {
  it('is short, dated, readable aloud and unique', () => {
    const id = newMerchantOrderId('PD', new Date(2026, 10, 23, 12, 0));
    expect(id).toMatch(
      /^PD-20261123-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$/,
    );
    expect(id).toMatch(MERCHANT_ORDER_ID_PATTERN);
    expect(MERCHANT_ORDER_ID_ALPHABET).not.toMatch(/[01ILOU]/);
    // 30^8 ≈ 6.6e11 a day: 5 000 numbers collide with probability ~2e-5.
    const many = new Set(Array.from({ length: 5_000 }, () => newMerchantOrderId()));
    expect(many.size).toBe(5_000);
    expect(newMerchantOrderId('RF')).toMatch(/^RF-\d{8}-/);
    expect(() => newMerchantOrderId('pd')).toThrow(RangeError);
  });

  it('refundKey ignores the order of the lines, not their content', () => {
    const a = refundDraft('p', [
      { sku: 'a', name: 'A', unitPrice: 100, quantity: 1000, vatCode: 'RUS_VAT22' },
      { sku: 'b', name: 'B', unitPrice: 200, quantity: 1000, vatCode: 'RUS_VAT22' },
    ]);
    const b = { ...a, basketItems: [...a.basketItems].reverse() };
    expect(refundKey(a)).toBe(refundKey(b));
    expect(refundKey({ ...a, parentId: 'q' })).not.toBe(refundKey(a));
    expect(refundKey(refundDraft('p'))).not.toBe(refundKey(a));
  });
});

// ---- against the sandbox ----

describe('creation flows against the sandbox', () => {
  const sb = withSandbox({ rateLimit: { requests: 100_000, windowMs: 30_000 } });
  afterEach(() => sb.sandbox.faults.reset());

  const client = (overrides: Partial<ApiClientOptions> = {}) =>
    createApiClient({
      baseUrl: sb.url,
      getToken: async () => DEMO_TOKEN,
      appVersion: '0.1.0',
      limiter: createRateLimiter({ limit: 100_000 }),
      backoffBaseMs: 5,
      ...overrides,
    });
  const FAST = { backoffBaseMs: 5 };

  /** Orders on the gateway with this merchantOrderId (the gateway's whole truth, not the filter API). */
  const ordersOnGateway = (moid: string) =>
    [...sb.sandbox.state.orders.values()].filter((o) => o.view.merchantOrderId === moid);
  const taken = (moid: string) => sb.sandbox.state.isMerchantOrderIdTaken(DEMO_MERCHANT_ID, moid);

  async function until(condition: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if (condition()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('a clean create: the order on the gateway, the intent done with the request id', async () => {
    const journal = new MemoryJournal();
    const order = await createOrderOnce(client(), journal, orderDraft(), FAST);
    expect(order.merchantOrderId).toMatch(MERCHANT_ORDER_ID_PATTERN);
    expect(ordersOnGateway(order.merchantOrderId)).toHaveLength(1);
    expect(journal.get(order.merchantOrderId)).toMatchObject({ state: 'done', resultId: order.id });
    expect(journal.get(order.merchantOrderId)?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  // The sandbox applies httpDelayMs BEFORE handling a request and abandons it when the client's connection closes:
  // alone, a client time-out there means "never created". A real gateway finishes what it has received, so these
  // tests talk to the sandbox through a proxy that keeps the sandbox's side open after the client gives up.
  let proxy: TcpProxy | null = null;
  afterEach(async () => {
    await proxy?.close();
    proxy = null;
  });
  const viaProxy = async (): Promise<string> => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: sb.sandbox.port });
    return proxy.url;
  };

  it('the gateway creates the order but the client times out → found by lookup → done, one order', async () => {
    const journal = new MemoryJournal();
    const records: ApiCallRecord[] = [];
    const draft = orderDraft({ merchantOrderId: newMerchantOrderId('T') });
    sb.sandbox.faults.set({ httpDelayMs: 1_500 });
    const api = client({
      baseUrl: await viaProxy(),
      timeoutMs: 200,
      onCall: (r) => records.push(r),
      // The client's backoff between lookup tries: wait until the gateway has really created the order (the POST
      // was only delayed), then let the network recover.
      sleep: async () => {
        await until(() => taken(draft.merchantOrderId!), 'the delayed POST to land');
        sb.sandbox.faults.set({ httpDelayMs: 0 });
      },
    });
    const order = await createOrderOnce(api, journal, draft, FAST);
    expect(ordersOnGateway(draft.merchantOrderId!)).toHaveLength(1);
    expect(order.id).toBe(ordersOnGateway(draft.merchantOrderId!)[0]!.view.id);
    expect(journal.get(draft.merchantOrderId!)).toMatchObject({ state: 'done', resultId: order.id });
    expect(records.filter((r) => r.method === 'POST').map((r) => r.errorKind)).toEqual(['timeout']); // sent once
  });

  it('time-out, the order not there yet → sent again → duplicate → looked up → done, one order', async () => {
    const journal = new MemoryJournal();
    const records: ApiCallRecord[] = [];
    const draft = orderDraft({ merchantOrderId: newMerchantOrderId('T') });
    sb.sandbox.faults.set({ httpDelayMs: 1_500 });
    const api = client({
      baseUrl: await viaProxy(),
      timeoutMs: 200,
      onCall: (r) => {
        records.push(r);
        // The network recovers as soon as the POST timed out, but the gateway is still working on it.
        if (r.method === 'POST' && r.errorKind === 'timeout') sb.sandbox.faults.set({ httpDelayMs: 0 });
      },
    });
    const order = await createOrderOnce(api, journal, draft, {
      ...FAST,
      // Before sending again, let the first POST land: the repeat is then refused as a duplicate.
      sleep: () => until(() => taken(draft.merchantOrderId!), 'the delayed POST to land'),
    });
    expect(ordersOnGateway(draft.merchantOrderId!)).toHaveLength(1);
    expect(journal.get(draft.merchantOrderId!)).toMatchObject({ state: 'done', resultId: order.id });
    expect(records.filter((r) => r.method === 'POST').map((r) => r.status ?? r.errorKind)).toEqual([
      'timeout',
      422,
    ]);
  });

  it('500 before creation → not found → sent again → one order', async () => {
    const journal = new MemoryJournal();
    const records: ApiCallRecord[] = [];
    sb.sandbox.faults.set({ http500: 1 });
    const order = await createOrderOnce(
      client({ onCall: (r) => records.push(r) }),
      journal,
      orderDraft(),
      FAST,
    );
    expect(ordersOnGateway(order.merchantOrderId)).toHaveLength(1);
    expect(journal.get(order.merchantOrderId)?.state).toBe('done');
    expect(records.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([500, 200]);
  });

  it('429 on the POST → (after Retry-After) not found → sent again → one order', async () => {
    const journal = new MemoryJournal();
    sb.sandbox.faults.set({ http429: 1 });
    const order = await createOrderOnce(client(), journal, orderDraft(), FAST);
    expect(ordersOnGateway(order.merchantOrderId)).toHaveLength(1);
    expect(journal.get(order.merchantOrderId)?.state).toBe('done');
  });

  it('merchant_order_id_duplicate → lookup → the existing order is the result (no second order)', async () => {
    const api = client();
    const req = orderRequest();
    const first = await api.createOrder(req); // landed earlier (a previous run whose answer was lost)
    const journal = new MemoryJournal();
    const again = await createOrderOnce(api, journal, req, FAST);
    expect(again.id).toBe(first.id);
    expect(ordersOnGateway(req.merchantOrderId)).toHaveLength(1);
    expect(journal.get(req.merchantOrderId)).toMatchObject({ state: 'done', resultId: first.id });
  });

  it('a number already used by a different order: merchant_order_id_taken, failed, nothing created', async () => {
    const api = client();
    const req = orderRequest();
    await api.createOrder(req);
    const journal = new MemoryJournal();
    const other = orderDraft({
      merchantOrderId: req.merchantOrderId,
      lines: [{ sku: 'x', name: 'Другое', unitPrice: 1_000, quantity: 1000, vatCode: 'RUS_VAT22' }],
    });
    const err = await createOrderOnce(api, journal, other, FAST).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntentError);
    expect(err).toMatchObject({ code: 'merchant_order_id_taken', pending: false });
    expect(journal.get(req.merchantOrderId)).toMatchObject({
      state: 'failed',
      errorCode: 'merchant_order_id_taken',
    });
    expect(ordersOnGateway(req.merchantOrderId)).toHaveLength(1);
  });

  it('a refusal (422): the intent fails with the code and request id; the ApiError is thrown as is', async () => {
    const journal = new MemoryJournal();
    const draft = orderDraft({ merchantOrderId: newMerchantOrderId('T'), amount: 1 });
    const err = (await createOrderOnce(client(), journal, draft, FAST).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toContain(`X-Request-Id: ${err.requestId}`);
    expect(journal.get(draft.merchantOrderId!)).toMatchObject({
      state: 'failed',
      errorCode: err.code,
      requestId: err.requestId,
    });
    expect(ordersOnGateway(draft.merchantOrderId!)).toHaveLength(0);
  });

  it('a double click (same merchantOrderId) shares one flight: one POST, one order', async () => {
    const journal = new MemoryJournal();
    const records: ApiCallRecord[] = [];
    const api = client({ onCall: (r) => records.push(r) });
    const draft = orderDraft({ merchantOrderId: newMerchantOrderId('T') });
    const [a, b] = await Promise.all([
      createOrderOnce(api, journal, draft, FAST),
      createOrderOnce(api, journal, draft, FAST),
    ]);
    expect(a.id).toBe(b.id);
    expect(records.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(ordersOnGateway(draft.merchantOrderId!)).toHaveLength(1);
  });

  it('refunds: a double click refunds once; a lost answer is found, never refunded twice', async () => {
    const api = client();
    const order = await api.createOrder(orderRequest());
    expect((await sb.api('POST', `/sandbox/orders/${order.id}/pay`, {}, null)).status).toBe(200);
    const journal = new MemoryJournal();

    const [r1, r2] = await Promise.all([
      createRefundOnce(api, journal, refundDraft(order.id), FAST),
      createRefundOnce(api, journal, refundDraft(order.id), FAST),
    ]);
    expect(r1.id).toBe(r2.id);
    expect(journal.get(r1.merchantOrderId)).toMatchObject({ state: 'done', resultId: r1.id });

    // The other line, with the answer lost after the gateway created the refund.
    const beans = [
      { sku: 'beans', name: 'Зерно, кг', unitPrice: 180_000, quantity: 350, vatCode: 'RUS_VAT10' as const },
    ];
    const records: ApiCallRecord[] = [];
    sb.sandbox.faults.set({ http500: 1 });
    const r3 = await createRefundOnce(
      client({ onCall: (r) => records.push(r) }),
      journal,
      refundDraft(order.id, beans),
      FAST,
    );
    expect(records.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([500, 200]);
    const refunds = await api.findRefunds({ where: { parentId: order.id } });
    expect(refunds.map((r) => r.id).sort()).toEqual([r1.id, r3.id].sort());
    expect(await api.refundableItems(order.id)).toEqual([]);
  });

  it('resolvePendingIntents: landed → completed; never sent → sent; expired → failed; refund → cashier decides', async () => {
    const api = client();
    const journal = new MemoryJournal();
    const landed = orderRequest();
    await api.createOrder(landed);
    const unsent = orderRequest();
    const expired = orderRequest({ expirationDate: new Date(Date.now() - 60_000).toISOString() });
    const paid = await api.createOrder(orderRequest());
    await sb.api('POST', `/sandbox/orders/${paid.id}/pay`, {}, null);
    const refund = { ...refundDraft(paid.id), merchantOrderId: newMerchantOrderId('RF') };
    for (const r of [landed, unsent, expired])
      journal.begin({ merchantOrderId: r.merchantOrderId, kind: 'create_order', request: r });
    journal.begin({ merchantOrderId: refund.merchantOrderId, kind: 'create_refund', request: refund });

    const summary = await resolvePendingIntents(api, journal, FAST);
    expect(summary).toMatchObject({
      checked: 4,
      completed: [landed.merchantOrderId],
      resent: [unsent.merchantOrderId],
      failed: [{ merchantOrderId: expired.merchantOrderId, code: 'expired_unsent' }],
      unresolved: [],
      awaitingDecision: [refund.merchantOrderId],
    });
    expect(ordersOnGateway(landed.merchantOrderId)).toHaveLength(1);
    expect(ordersOnGateway(unsent.merchantOrderId)).toHaveLength(1);
    expect(ordersOnGateway(expired.merchantOrderId)).toHaveLength(0);
    expect(await api.findRefunds({ where: { parentId: paid.id } })).toEqual([]);
    expect(journal.pending().map((p) => p.merchantOrderId)).toEqual([refund.merchantOrderId]);

    // The cashier says "send it": the pending refund is resumed with its number.
    const sent = await createRefundOnce(api, journal, refundDraft(paid.id), FAST);
    expect(sent.merchantOrderId).toBe(refund.merchantOrderId);
    expect(journal.pending()).toEqual([]);
  });

  it('resolvePendingIntents with the gateway unreachable: everything stays pending, reported unresolved', async () => {
    const journal = new MemoryJournal();
    const r = orderRequest();
    journal.begin({ merchantOrderId: r.merchantOrderId, kind: 'create_order', request: r });
    const offline = createApiClient({
      baseUrl: 'http://127.0.0.1:9', // discard port: nothing listens
      getToken: async () => DEMO_TOKEN,
      appVersion: '0.1.0',
      backoffBaseMs: 1,
    });
    const summary = await resolvePendingIntents(offline, journal, FAST);
    expect(summary.unresolved.map((u) => u.merchantOrderId)).toEqual([r.merchantOrderId]);
    expect(journal.pending()).toHaveLength(1);
  });

  // ---- the real crash ----

  const fixture = fileURLToPath(new URL('../fixtures/crash-create.ts', import.meta.url));

  function runChild(baseUrl: string, journalFile: string, draft: unknown, mode: 'inflight' | 'after-begin') {
    const child = spawn(process.execPath, [fixture, baseUrl, journalFile, JSON.stringify(draft), mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const begun = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = /BEGUN (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`child exited before journaling: ${out} ${err}`)));
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    return { child, begun, exited, output: () => `${out}\n${err}` };
  }

  const kill = (child: ChildProcess): void => {
    child.kill('SIGKILL');
  };

  it('crash while the POST is in flight: the restart finds the order → exactly one, journal done', async () => {
    const journalFile = path.join(tmpDir(), 'crash.jsonl');
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: sb.sandbox.port });
    try {
      sb.sandbox.faults.set({ httpDelayMs: 3_000 }); // the gateway is slow: the answer will not come in time
      const run = runChild(proxy.url, journalFile, orderDraft(), 'inflight');
      const moid = await run.begun;
      await proxy.postForwarded; // the whole request is with the gateway
      kill(run.child);
      expect(await run.exited).toMatchObject({ signal: 'SIGKILL' });
      expect(run.output()).not.toContain('DONE');
      expect(FileJournal.read(journalFile).get(moid)?.state).toBe('pending');

      // The gateway finishes the request it received; the answer goes nowhere.
      await until(() => taken(moid), 'the gateway to create the order');
      sb.sandbox.faults.set({ httpDelayMs: 0 });

      const journal = new FileJournal(journalFile); // the restart
      const summary = await resolvePendingIntents(client(), journal, FAST);
      journal.close();
      expect(summary).toMatchObject({
        checked: 1,
        completed: [moid],
        resent: [],
        failed: [],
        unresolved: [],
      });
      expect(ordersOnGateway(moid)).toHaveLength(1);
      expect((await client().findOrders({ where: { merchantOrderId: moid } })).length).toBe(1);
      expect(FileJournal.read(journalFile).get(moid)).toMatchObject({
        state: 'done',
        resultId: ordersOnGateway(moid)[0]!.view.id,
      });
    } finally {
      await proxy.close();
    }
  }, 30_000);

  it('crash while in flight, the gateway drops the request with the connection: the restart sends it → one order', async () => {
    const journalFile = path.join(tmpDir(), 'crash-dropped.jsonl');
    const proxy = await startTcpProxy(
      { host: '127.0.0.1', port: sb.sandbox.port },
      { keepUpstreamOpen: false },
    );
    try {
      sb.sandbox.faults.set({ httpDelayMs: 1_000 });
      const run = runChild(proxy.url, journalFile, orderDraft(), 'inflight');
      const moid = await run.begun;
      await proxy.postForwarded;
      kill(run.child);
      await run.exited;
      expect(FileJournal.read(journalFile).get(moid)?.state).toBe('pending');
      // Whatever the gateway did with the dropped request (the sandbox abandons it), the restart makes it one order.
      sb.sandbox.faults.set({ httpDelayMs: 0 });
      const journal = new FileJournal(journalFile);
      const summary = await resolvePendingIntents(client(), journal, FAST);
      journal.close();
      expect([...summary.completed, ...summary.resent]).toEqual([moid]);
      expect(ordersOnGateway(moid)).toHaveLength(1);
      expect(FileJournal.read(journalFile).get(moid)?.state).toBe('done');
    } finally {
      await proxy.close();
    }
  }, 30_000);

  it('crash right after journaling, before sending: the restart sends it → exactly one order, journal done', async () => {
    const journalFile = path.join(tmpDir(), 'crash-before.jsonl');
    const run = runChild(sb.url, journalFile, orderDraft(), 'after-begin');
    const moid = await run.begun;
    expect(await run.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(taken(moid)).toBe(false);
    const journal = new FileJournal(journalFile);
    const summary = await resolvePendingIntents(client(), journal, FAST);
    journal.close();
    expect(summary).toMatchObject({ checked: 1, completed: [], resent: [moid] });
    expect(ordersOnGateway(moid)).toHaveLength(1);
    expect(FileJournal.read(journalFile).get(moid)?.state).toBe('done');
  }, 30_000);
});
