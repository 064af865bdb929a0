/**
 * The core end to end: a real core (SQLite store, API client, gate listener, reconciler) against a real sandbox
 * gateway on loopback. Each rule of the live gate listener and the store is proven here through the wire.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OrderView } from '../../shared/contract/contract.ts';
import { startCore, type CoreHandle } from '../helpers/core.ts';
import { DEMO_MERCHANT_ID, DEMO_TOKEN, demoOrder, withSandbox, type Json } from '../helpers/sandbox.ts';
import { waitFor } from '../helpers/wait.ts';

const sb = withSandbox({
  rateLimit: { requests: 100_000, windowMs: 30_000 },
  notifyRetryDelaysMs: [100, 200, 400],
});
let h: CoreHandle;
const seen: { kind: string; payload: unknown }[] = [];

beforeAll(async () => {
  h = await startCore(sb.sandbox);
  for (const kind of ['order', 'connection', 'log'] as const) {
    h.core.events.on(kind, (payload: unknown) => seen.push({ kind, payload }));
  }
});
afterAll(async () => {
  await h?.stop();
});

const LINES = [
  {
    name: 'Капучино',
    unitPrice: 25_000,
    quantity: 2_000,
    vatCode: 'RUS_VAT22',
    measure: 'шт',
    measureCode: '796',
    type: 'commodity',
    paymentType: 'full_payment',
  },
  {
    name: 'Зерно, кг',
    unitPrice: 180_000,
    quantity: 350,
    vatCode: 'RUS_VAT10',
    measure: 'кг',
    measureCode: '166',
    type: 'commodity',
    paymentType: 'full_payment',
  },
  {
    name: 'Доставка',
    unitPrice: 30_000,
    quantity: 1_000,
    vatCode: 'VATNONE',
    measure: 'шт',
    measureCode: '796',
    type: 'service',
    paymentType: 'full_payment',
  },
] as const;

const create = (extra: Record<string, unknown> = {}) =>
  h.core.invoke('orders.create', { lines: LINES, requestKey: randomUUID(), ...extra }) as Promise<OrderView>;

const control = (path: string, body: unknown = {}) => sb.api('POST', path, body, null);

const gateCall = async (params: unknown, method = 'onOrderStatusChange'): Promise<Json> => {
  const res = await control('/sandbox/gate/call', { method, params });
  expect(res.status).toBe(200);
  expect(res.body.data).toHaveLength(1);
  return res.body.data[0];
};

const raw = async (frame: string): Promise<Json> => {
  const res = await control('/sandbox/gate/call', { raw: frame, timeoutMs: 2_000 });
  expect(res.status).toBe(200);
  return res.body.data[0];
};

const statusOf = (id: string) => h.core.store.getOrder(id)?.order.status;

async function paid(): Promise<OrderView> {
  const order = await create();
  expect((await control(`/sandbox/orders/${order.id}/pay`)).status).toBe(200);
  await waitFor(() => statusOf(order.id) === 'completed', { what: 'payment to arrive' });
  return order;
}

describe('orders through the core', () => {
  it('creates an order with exact totals and sees it paid the moment the gate says so', async () => {
    const order = await create();
    expect(order.status).toBe('created');
    expect(order.amount).toBe(50_000 + 63_000 + 30_000);
    expect(order.paymentUrl).toMatch(new RegExp(`^${sb.url}/pay/`));
    expect(order.origin).toBe('console');

    const event = waitFor(
      () =>
        seen.find(
          (e) =>
            e.kind === 'order' &&
            (e.payload as OrderView).id === order.id &&
            (e.payload as OrderView).status === 'completed',
        ),
      { what: 'the completed event' },
    );
    await control(`/sandbox/orders/${order.id}/pay`);
    await event;
    const detail = h.core.store.getOrder(order.id)!;
    expect(detail.order.paidAt).not.toBeNull();
    expect(detail.history.filter((e) => e.status === 'completed' && e.applied).map((e) => e.source)).toEqual([
      'gate',
    ]);
  });

  it('a double click creates one order, not two', async () => {
    const requestKey = randomUUID();
    const [a, b] = (await Promise.all([
      h.core.invoke('orders.create', { lines: LINES, requestKey }),
      h.core.invoke('orders.create', { lines: LINES, requestKey }),
    ])) as OrderView[];
    expect(a!.id).toBe(b!.id);
    const state = (await sb.api('GET', '/sandbox/state', undefined, null)).body.data;
    expect(state.orders.filter((o: Json) => o.merchantOrderId === a!.merchantOrderId)).toHaveLength(1);
  });

  it('creates exactly one order through 500 and 429 bursts', async () => {
    sb.sandbox.faults.set({ http500: 2 });
    const a = await create();
    sb.sandbox.faults.set({ http429: 2 });
    const b = await create();
    sb.sandbox.faults.reset();
    const state = (await sb.api('GET', '/sandbox/state', undefined, null)).body.data;
    for (const o of [a, b])
      expect(state.orders.filter((x: Json) => x.merchantOrderId === o.merchantOrderId)).toHaveLength(1);
  });

  it('refuses invalid input at the contract, before anything is sent', async () => {
    await expect(
      h.core.invoke('orders.create', { lines: [], requestKey: randomUUID() }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(
      h.core.invoke('orders.create', { lines: [{ ...LINES[0], unitPrice: 1.5 }], requestKey: randomUUID() }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      fields: [expect.objectContaining({ name: 'lines.0.unitPrice' })],
    });
    await expect(h.core.invoke('nope' as never, {})).rejects.toMatchObject({ code: 'unknown_method' });
  });

  it('cancels an unpaid order and refuses to cancel a paid one, with the request id', async () => {
    const order = await create();
    const canceled = (await h.core.invoke('orders.cancel', { id: order.id })) as OrderView;
    expect(canceled.status).toBe('canceled');
    const p = await paid();
    const err = (await h.core.invoke('orders.cancel', { id: p.id }).catch((e: unknown) => e)) as Json;
    expect(err.code).toBe('wrong_order_status');
    expect(err.requestId).toMatch(/\S+/);
    expect(statusOf(p.id)).toBe('completed');
  });

  it('refunds part of a paid order once, even on a double click', async () => {
    const order = await paid();
    const items = (await h.core.invoke('refunds.items', { orderId: order.id })) as Json[];
    expect(items).toHaveLength(3);
    const requestKey = randomUUID();
    const input = { orderId: order.id, lines: [{ index: 0, quantity: 1_000 }], requestKey };
    const [r1, r2] = (await Promise.all([
      h.core.invoke('refunds.create', input),
      h.core.invoke('refunds.create', input),
    ])) as Json[];
    expect(r1.id).toBe(r2.id);
    expect(r1.amount).toBe(25_000);
    const state = (await sb.api('GET', '/sandbox/state', undefined, null)).body.data;
    expect(state.refunds.filter((r: Json) => r.parentId === order.id)).toHaveLength(1);
    await waitFor(() => h.core.store.refundsForOrder(order.id)[0]?.status === 'completed', {
      what: 'the refund to complete',
    });
    const left = (await h.core.invoke('refunds.items', { orderId: order.id })) as Json[];
    expect(left[0].quantity).toBe(1_000);
    await expect(
      h.core.invoke('refunds.create', {
        orderId: order.id,
        lines: [{ index: 0, quantity: 5_000 }],
        requestKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ code: 'refund_too_much' });
  });

  it('finds orders by number, status and amount', async () => {
    const order = await create();
    const byNumber = (await h.core.invoke('orders.search', { text: order.merchantOrderId })) as Json;
    expect(byNumber.rows.map((r: Json) => r.id)).toEqual([order.id]);
    const created = (await h.core.invoke('orders.search', {
      status: ['created'],
      minAmount: order.amount,
      maxAmount: order.amount,
    })) as Json;
    expect(created.rows.map((r: Json) => r.id)).toContain(order.id);
  });
});

describe('the live gate listener', () => {
  it('records orders the console did not create (another till, the web shop)', async () => {
    const req = demoOrder();
    const res = await sb.api('POST', '/v3/billing/api/order/order', req);
    expect(res.status).toBe(200);
    await control(`/sandbox/orders/${res.body.data.id}/pay`);
    await waitFor(() => statusOf(res.body.data.id) === 'completed', { what: 'the foreign order' });
    expect(h.core.store.getOrder(res.body.data.id)!.order.origin).toBe('foreign');
  });

  it('answers a duplicate with success and applies it once; a late `created` is recorded, not applied', async () => {
    const order = await paid();
    const current = (await sb.api('GET', `/v3/filter/api/order/order?id=${order.id}`)).body.data[0];
    expect(await gateCall([current])).toMatchObject({ outcome: 'result', result: { status: 'success' } });
    expect(await gateCall([{ ...current, status: 'created' }])).toMatchObject({
      result: { status: 'success' },
    });
    const detail = h.core.store.getOrder(order.id)!;
    expect(detail.order.status).toBe('completed');
    expect(detail.history.filter((e) => e.status === 'completed')).toHaveLength(1);
    expect(detail.history.find((e) => e.status === 'created' && !e.applied)).toBeDefined();
  });

  it('survives duplicated and reordered notifications', async () => {
    sb.sandbox.faults.set({ notifyDuplicate: true, notifyReorderWindow: 3 });
    const orders = await Promise.all([create(), create(), create()]);
    for (const o of orders) await control(`/sandbox/orders/${o.id}/pay`);
    for (const o of orders) await waitFor(() => statusOf(o.id) === 'completed', { what: `order ${o.id}` });
    sb.sandbox.faults.reset();
    for (const o of orders) {
      expect(
        h.core.store.getOrder(o.id)!.history.filter((e) => e.status === 'completed' && e.applied),
      ).toHaveLength(1);
    }
  });

  it("refuses an amount that differs from the console's record, and other merchants' orders", async () => {
    const order = await create();
    const current = (await sb.api('GET', `/v3/filter/api/order/order?id=${order.id}`)).body.data[0];
    expect(await gateCall([{ ...current, status: 'completed', amount: current.amount + 1 }])).toMatchObject({
      result: { status: 'error', code: 'order_wrong_amount' },
    });
    expect(statusOf(order.id)).toBe('created');
    expect(
      await gateCall([{ ...current, merchantId: '00000000-0000-0000-0000-000000000001' }]),
    ).toMatchObject({
      result: { status: 'error', code: 'order_not_found' },
    });
  });

  it('answers the monitoring test notification', async () => {
    const res = await control('/sandbox/notifications/test');
    expect(res.body.data).toEqual([
      expect.objectContaining({ outcome: 'result', result: { status: 'success' } }),
    ]);
  });

  it('answers getStatus with version, type device, settings and the last log lines', async () => {
    const res = await control('/sandbox/gate/get-status', { logQuantity: 5 });
    const answer = res.body.data[0];
    expect(answer.outcome).toBe('result');
    expect(answer.result).toMatchObject({
      version: expect.any(String),
      type: 'device',
      settings: { merchantId: DEMO_MERCHANT_ID },
    });
    expect(answer.result.log).toHaveLength(5);
    expect(JSON.stringify(answer)).not.toContain(DEMO_TOKEN);
  });

  it('gives spec-correct JSON-RPC errors', async () => {
    const reply = async (frame: string) => JSON.parse((await raw(frame)).text) as Json;
    expect(await reply('{garbage')).toMatchObject({ id: null, error: { code: -32700 } });
    expect(await reply('{"jsonrpc":"2.0","id":"x1"}')).toMatchObject({ id: 'x1', error: { code: -32600 } });
    expect(await reply('{"jsonrpc":"2.0","id":"x2","method":"nope"}')).toMatchObject({
      id: 'x2',
      error: { code: -32601 },
    });
    expect(
      await reply('{"jsonrpc":"2.0","id":"x3","method":"onOrderStatusChange","params":[{"id":1}]}'),
    ).toMatchObject({
      id: 'x3',
      error: { code: -32602 },
    });
    expect(
      await reply('{"jsonrpc":"2.0","id":"x4","method":"getStatus","params":{"logQuantity":-1}}'),
    ).toMatchObject({ error: { code: -32602 } });
    expect(
      await reply(
        '[{"jsonrpc":"2.0","id":"b1","method":"getStatus","params":{"logQuantity":1}},{"jsonrpc":"2.0","id":"b2","method":"nope"}]',
      ),
    ).toEqual([
      expect.objectContaining({ id: 'b1', result: expect.objectContaining({ type: 'device' }) }),
      expect.objectContaining({ id: 'b2', error: expect.objectContaining({ code: -32601 }) }),
    ]);
  });

  it('stores nothing from thousands of hostile frames and keeps answering', async () => {
    const before = h.core.store.countByStatus();
    const frames = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
        fc
          .jsonValue({ maxDepth: 3 })
          .map((v) => JSON.stringify({ jsonrpc: '2.0', id: 'f', method: 'onOrderStatusChange', params: v })),
        fc
          .record({
            id: fc.string(),
            amount: fc.oneof(fc.double(), fc.string()),
            status: fc.string(),
            merchantId: fc.constant(DEMO_MERCHANT_ID),
          })
          .map((n) =>
            JSON.stringify({ jsonrpc: '2.0', id: 'g', method: 'onOrderStatusChange', params: [n] }),
          ),
        fc.constant(
          '{"jsonrpc":"2.0","id":"p","method":"onOrderStatusChange","params":[{"__proto__":{"admin":true},"id":"x"}]}',
        ),
        fc.constant('['.repeat(5000) + ']'.repeat(5000)),
        fc.constant(
          JSON.stringify({
            jsonrpc: '2.0',
            id: 'big',
            method: 'getStatus',
            params: { pad: 'x'.repeat(900_000) },
          }),
        ),
      ),
      { numRuns: 1500, seed: 42 },
    );
    for (const frame of frames) {
      const answer = await raw(frame);
      expect(['frame', 'timeout']).toContain(answer.outcome);
      if (answer.outcome === 'frame') {
        const parsed = JSON.parse(answer.text) as Json;
        for (const r of Array.isArray(parsed) ? parsed : [parsed]) {
          if (r.error) expect([-32700, -32600, -32601, -32602]).toContain(r.error.code);
        }
      }
    }
    expect(({} as Json).admin).toBeUndefined();
    expect(h.core.store.countByStatus()).toEqual(before);
    expect(h.core.session().connection.view().state).toBe('live');
  }, 120_000);
});

describe('losing nothing while disconnected', () => {
  it('follows payments by polling while the gate refuses sockets, then goes live again', async () => {
    const order = await create();
    await control('/sandbox/sockets/drop', { refuseForSeconds: 2 });
    await waitFor(() => h.core.session().connection.view().state === 'degraded', { what: 'degraded' });
    await control(`/sandbox/orders/${order.id}/pay`);
    await waitFor(() => statusOf(order.id) === 'completed', { what: 'reconciliation' });
    const applied = h.core.store
      .getOrder(order.id)!
      .history.find((e) => e.status === 'completed' && e.applied);
    expect(applied?.source).toBe('reconcile');
    await waitFor(() => h.core.session().connection.view().state === 'live', { what: 'live again' });
    const history = h.core
      .session()
      .connection.history()
      .map((v) => v.state);
    expect(history).toEqual(expect.arrayContaining(['live', 'degraded']));
  });

  it('detects a silent (half-dead) socket by its heartbeat and reconnects', async () => {
    const order = await create();
    sb.sandbox.faults.set({ silentUntil: Date.now() + 1_500 });
    await waitFor(() => h.core.session().connection.view().state !== 'live', {
      what: 'the dead socket to be noticed',
    });
    await control(`/sandbox/orders/${order.id}/pay`);
    await waitFor(() => statusOf(order.id) === 'completed', { what: 'the payment' });
    await waitFor(() => h.core.session().connection.view().state === 'live', { what: 'live again' });
  });
});

describe('secrets', () => {
  it('the token appears in no log line, file, diagnostic, event or store', async () => {
    const report = (await h.core.invoke('diagnostics.report', {})) as string;
    const diag = JSON.stringify(await h.core.invoke('diagnostics.get', { logLines: 2000 }));
    const settings = JSON.stringify(await h.core.invoke('settings.get', {}));
    const status = JSON.stringify(await h.core.invoke('token.status', {}));
    h.core.log.flush();
    const logDir = join(h.dataDir, 'logs');
    const files = readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8'));
    const db = readFileSync(join(h.dataDir, 'paydesk.sqlite')).toString('latin1');
    expect(h.core.log.lines().some((l) => l.includes('token=***'))).toBe(true); // the gate URL was logged, masked
    for (const text of [
      report,
      diag,
      settings,
      status,
      ...files,
      ...h.core.log.lines(),
      db,
      JSON.stringify(seen),
    ]) {
      expect(text).not.toContain(DEMO_TOKEN);
    }
    expect(status).toContain('env');
  });
});
