/**
 * The sandbox's WebSocket gate: upgrade and auth, delivery of onOrderStatusChange to the consoles connected at that
 * moment, answers and retries, JSON-RPC hygiene, shutdown. Faults: gate-faults.test.ts; control routes:
 * gate-control.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../electron/sandbox/state.ts';
import {
  OTHER_ACCOUNT,
  addOrder,
  eventually,
  payNewOrder,
  useGateHarness,
  upgradeStatus,
  type FakeConsoleOptions,
} from './gate-harness.ts';

const gate = useGateHarness();
const open = (token?: string, options?: FakeConsoleOptions) => gate.open(token, options);

describe('upgrade', () => {
  it('opens with a known token and counts the connection per merchant', async () => {
    await open();
    await open(OTHER_ACCOUNT.token);
    expect(gate.h.gate.connections()).toBe(2);
    expect(gate.h.gate.connections(DEMO_ACCOUNT.merchantId)).toBe(1);
    expect(gate.h.gate.connections(OTHER_ACCOUNT.merchantId)).toBe(1);
  });

  it('answers 401 without a token or with an unknown one, and never echoes the token', async () => {
    const secret = 'deadbeefdeadbeefdeadbeefdeadbeef';
    expect((await upgradeStatus(gate.h.gateUrl)).status).toBe(401);
    expect((await upgradeStatus(`${gate.h.gateUrl}?token=`)).status).toBe(401);
    const unknown = await upgradeStatus(`${gate.h.gateUrl}?token=${secret}`);
    expect(unknown.status).toBe(401);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: { code: 'unauthorized' } });
    expect(unknown.body).not.toContain(secret);
    expect(gate.h.gate.connections()).toBe(0);
  });

  it('serves /v3/ only: /l3/ and other paths get 404', async () => {
    const l3 = gate.h.gateUrl.replace('/v3/', '/l3/');
    expect((await upgradeStatus(`${l3}?token=${DEMO_ACCOUNT.token}`)).status).toBe(404);
    expect(
      (await upgradeStatus(`${gate.h.url.replace('http', 'ws')}/v3/gate?token=${DEMO_ACCOUNT.token}`)).status,
    ).toBe(404);
  });

  it('answers 503 while sockets are refused, and opens again afterwards', async () => {
    gate.h.faults.set({ refuseSocketsUntil: Date.now() + 60_000 });
    const refused = await upgradeStatus(`${gate.h.gateUrl}?token=${DEMO_ACCOUNT.token}`);
    expect(refused.status).toBe(503);
    expect(gate.h.faults.fired.refuseSocketsUntil).toBe(1);
    gate.h.faults.set({ refuseSocketsUntil: 0 });
    expect((await upgradeStatus(`${gate.h.gateUrl}?token=${DEMO_ACCOUNT.token}`)).status).toBe(101);
  });
});

describe('delivery', () => {
  it('calls onOrderStatusChange on every socket of the merchant, and on no other merchant', async () => {
    const a = await open();
    const b = await open();
    const other = await open(OTHER_ACCOUNT.token);
    const orderId = payNewOrder(gate.h.state);

    const [fa, fb] = await Promise.all([a.next(), b.next()]);
    for (const f of [fa, fb]) {
      expect(f).toMatchObject({ jsonrpc: '2.0', method: 'onOrderStatusChange' });
      expect(typeof f.id).toBe('string');
      expect(f.params).toHaveLength(1);
      expect(f.params[0]).toMatchObject({
        id: orderId,
        status: 'completed',
        merchantId: DEMO_ACCOUNT.merchantId,
      });
    }
    expect(fa.id).not.toBe(fb.id);

    // The other merchant's first frame is its own order, not ours.
    const otherOrder = payNewOrder(gate.h.state, OTHER_ACCOUNT.merchantId);
    expect((await other.next()).params[0].id).toBe(otherOrder);

    const [record] = await eventually(() => {
      const r = gate.h.gate.deliveries({ orderId });
      return r[0]?.outcome === 'delivered' && r;
    });
    expect(record!.attempts).toHaveLength(1);
    expect(record!.attempts[0]!.sockets).toBe(2);
    expect(record!.attempts[0]!.answers.map((x) => x.outcome)).toEqual(['success', 'success']);
  });

  it('keeps nothing for a console that was offline when the status changed', async () => {
    const missed = payNewOrder(gate.h.state);
    expect(gate.h.gate.deliveries({ orderId: missed })[0]).toMatchObject({ outcome: 'no_consoles' });
    expect(gate.h.gate.stats().timers).toBe(0);

    const c = await open();
    const seen = payNewOrder(gate.h.state);
    expect((await c.next()).params[0].id).toBe(seen);
    expect(c.received.some((f) => f.params?.[0]?.id === missed)).toBe(false);
  });

  it('stops after a success: no retry is scheduled', async () => {
    await open();
    const orderId = payNewOrder(gate.h.state);
    await eventually(() => gate.h.gate.deliveries({ orderId })[0]?.outcome === 'delivered');
    expect(gate.h.gate.stats()).toMatchObject({ timers: 0, pendingCalls: 0, pendingDeliveries: 0 });
  });

  it('retries out_of_service on the schedule, under a new RPC id, until success', async () => {
    let calls = 0;
    const c = await open(DEMO_ACCOUNT.token, {
      methods: {
        onOrderStatusChange: () =>
          ++calls < 3 ? { status: 'error', code: 'out_of_service', message: 'busy' } : { status: 'success' },
      },
    });
    const orderId = payNewOrder(gate.h.state);
    const frames = [await c.next(), await c.next(), await c.next()];
    expect(frames.map((f) => f.params[0].id)).toEqual([orderId, orderId, orderId]);
    expect(new Set(frames.map((f) => f.id)).size).toBe(3);

    const record = await eventually(() => {
      const r = gate.h.gate.deliveries({ orderId })[0];
      return r?.outcome === 'delivered' && r;
    });
    expect(record.attempts.map((a) => a.answers[0]!.outcome)).toEqual([
      'out_of_service',
      'out_of_service',
      'success',
    ]);
    expect(record.attempts[0]!.answers[0]).toMatchObject({ code: 'out_of_service' });
  });

  it('retries when nobody answers, then gives up when the schedule runs out', async () => {
    const c = await open(DEMO_ACCOUNT.token, { mute: true });
    const orderId = payNewOrder(gate.h.state);
    const record = await eventually(() => {
      const r = gate.h.gate.deliveries({ orderId })[0];
      return r?.outcome === 'failed' && r;
    });
    // 1 try + the 2 retries of the test schedule [50, 100].
    expect(record.attempts.map((a) => a.answers[0]!.outcome)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(c.received.filter((f) => f.method === 'onOrderStatusChange')).toHaveLength(3);
    expect(gate.h.gate.stats()).toMatchObject({ timers: 0, pendingCalls: 0 });
  });

  it('retries to the sockets open at the time of the retry', async () => {
    const first = await open(DEMO_ACCOUNT.token, {
      methods: { onOrderStatusChange: () => ({ status: 'error', code: 'out_of_service', message: '' }) },
    });
    const orderId = payNewOrder(gate.h.state);
    await first.next();
    await first.close();
    const second = await open();
    expect((await second.next()).params[0].id).toBe(orderId);
    await eventually(() => gate.h.gate.deliveries({ orderId })[0]?.outcome === 'delivered');
  });

  it.each([['order_wrong_amount'], ['order_not_found'], ['order_already_paid'], ['shipping_unavailable']])(
    'does not retry a final refusal (%s)',
    async (code) => {
      const c = await open(DEMO_ACCOUNT.token, {
        methods: { onOrderStatusChange: () => ({ status: 'error', code, message: 'no' }) },
      });
      const orderId = payNewOrder(gate.h.state);
      const record = await eventually(() => {
        const r = gate.h.gate.deliveries({ orderId })[0];
        return r?.outcome === 'rejected' && r;
      });
      expect(record.attempts).toHaveLength(1);
      expect(record.attempts[0]!.answers[0]).toMatchObject({ outcome: 'rejected', code });
      expect(gate.h.gate.stats().timers).toBe(0);
      expect(c.received).toHaveLength(1);
    },
  );

  it('does not retry a JSON-RPC error answer', async () => {
    await open(DEMO_ACCOUNT.token, { methods: {} }); // → −32601 from the console's dispatcher
    const orderId = payNewOrder(gate.h.state);
    const record = await eventually(() => {
      const r = gate.h.gate.deliveries({ orderId })[0];
      return r?.outcome === 'rejected' && r;
    });
    expect(record.attempts[0]!.answers[0]).toMatchObject({ outcome: 'rpc_error', code: -32601 });
  });

  it('retries an answer it cannot read', async () => {
    let calls = 0;
    await open(DEMO_ACCOUNT.token, {
      methods: { onOrderStatusChange: () => (++calls === 1 ? { ok: true } : { status: 'success' }) },
    });
    const orderId = payNewOrder(gate.h.state);
    const record = await eventually(() => {
      const r = gate.h.gate.deliveries({ orderId })[0];
      return r?.outcome === 'delivered' && r;
    });
    expect(record.attempts.map((a) => a.answers[0]!.outcome)).toEqual(['invalid_answer', 'success']);
  });

  it('counts one success as delivered even when another console stays mute', async () => {
    await open(DEMO_ACCOUNT.token, { mute: true });
    await open();
    const order = addOrder(gate.h.state);
    gate.h.state.setOrderStatus(order.view.id, 'completed');
    const record = await eventually(() => {
      const r = gate.h.gate.deliveries({ orderId: order.view.id })[0];
      return r?.outcome !== 'pending' && r;
    });
    expect(record.outcome).toBe('delivered');
    expect(record.attempts).toHaveLength(1);
  });

  it('lets only the socket that was asked answer a call', async () => {
    const asked = await open(DEMO_ACCOUNT.token, { mute: true });
    const intruder = await open(OTHER_ACCOUNT.token, { mute: true });
    const orderId = payNewOrder(gate.h.state);
    const call = await asked.next();
    intruder.send({ jsonrpc: '2.0', id: call.id, result: { status: 'success' } });
    asked.send({
      jsonrpc: '2.0',
      id: call.id,
      result: { status: 'error', code: 'order_not_found', message: '' },
    });
    const record = await eventually(() => {
      const r = gate.h.gate.deliveries({ orderId })[0];
      return r?.outcome !== 'pending' && r;
    });
    expect(record.outcome).toBe('rejected');
  });
});

describe('what a console sends the gate', () => {
  it('gets JSON-RPC errors for garbage and requests, nothing for notifications, and the gate keeps working', async () => {
    const c = await open(DEMO_ACCOUNT.token, { mute: true });
    c.send('{not json');
    expect(await c.next()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error' },
    });
    c.send({ jsonrpc: '2.0', id: 7, method: 'getOrders' });
    expect(await c.next()).toMatchObject({ id: 7, error: { code: -32601 } });
    c.send({ hello: 'world' });
    expect(await c.next()).toMatchObject({ id: null, error: { code: -32600 } });
    c.send([]);
    expect(await c.next()).toMatchObject({ id: null, error: { code: -32600 } });
    c.send([
      { jsonrpc: '2.0', id: 'a', method: 'x' },
      { jsonrpc: '2.0', method: 'y' },
    ]);
    const batch = await c.next();
    expect(batch).toEqual([
      { jsonrpc: '2.0', id: 'a', error: { code: -32601, message: 'Method not found' } },
    ]);
    c.send({ jsonrpc: '2.0', method: 'ping' }); // a notification: no answer
    c.send({ jsonrpc: '2.0', id: 'stray', result: { status: 'success' } }); // answers nothing we asked: ignored
    expect(await c.quietFor(100)).toBe(true);

    const orderId = payNewOrder(gate.h.state);
    expect((await c.next()).params[0].id).toBe(orderId);
  });

  it('closes a socket that sends a frame over 1 MiB, and serves the others', async () => {
    const big = await open();
    const other = await open();
    big.send('x'.repeat(1_048_577));
    expect((await big.closed).code).toBe(1009);
    const orderId = payNewOrder(gate.h.state);
    expect((await other.next()).params[0].id).toBe(orderId);
    expect(gate.h.gate.connections()).toBe(1);
  });
});

describe('heartbeat', () => {
  it('pings consoles and terminates one that does not pong', async () => {
    await gate.restart({ gatePingIntervalMs: 40 });
    const healthy = await open();
    const pings: number[] = [];
    healthy.ws.on('ping', () => pings.push(1));
    const deaf = await open(DEMO_ACCOUNT.token, { autoPong: false });
    await deaf.closed;
    await eventually(() => pings.length >= 2);
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    expect(gate.h.gate.connections()).toBe(1);
  });
});

describe('close()', () => {
  it('terminates sockets, cancels deliveries and leaves no timers behind', async () => {
    const c = await open(DEMO_ACCOUNT.token, { mute: true });
    const orderId = payNewOrder(gate.h.state);
    await c.next();
    gate.h.faults.set({ notifyReorderWindow: 5 });
    payNewOrder(gate.h.state); // held by the reorder fault
    expect(gate.h.gate.stats().timers).toBeGreaterThan(0);

    await gate.h.gate.close();
    await c.closed;
    expect(gate.h.gate.connections()).toBe(0);
    expect(gate.h.gate.stats()).toEqual({ connections: 0, pendingCalls: 0, pendingDeliveries: 0, timers: 0 });
    expect(gate.h.gate.deliveries({ orderId })[0]!.outcome).toBe('cancelled');
    expect(gate.h.gate.deliveries().every((d) => d.outcome !== 'pending')).toBe(true);

    // Status changes after close reach nobody and arm nothing.
    payNewOrder(gate.h.state);
    expect(gate.h.gate.stats().timers).toBe(0);
    expect((await upgradeStatus(`${gate.h.gateUrl}?token=${DEMO_ACCOUNT.token}`)).status).toBe(503);
  });
});
