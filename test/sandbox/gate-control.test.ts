/** The gate's control routes under /sandbox/: sockets, drop/refuse, getStatus, test notification, log, resend, call. */
import { describe, expect, it } from 'vitest';
import { TEST_NOTIFICATION_ORDER_ID } from '../../shared/invoicebox/schemas.ts';
import { DEMO_ACCOUNT } from '../../electron/sandbox/state.ts';
import {
  OTHER_ACCOUNT,
  addOrder,
  eventually,
  payNewOrder,
  useGateHarness,
  upgradeStatus,
  type FakeConsoleOptions,
  type Json,
} from './gate-harness.ts';

const gate = useGateHarness();
const open = (token?: string, options?: FakeConsoleOptions) => gate.open(token, options);

describe('GET /sandbox/sockets', () => {
  it('lists the connections without any token', async () => {
    await open();
    await open(OTHER_ACCOUNT.token);
    const res = await gate.h.get('/sandbox/sockets');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(2);
    expect(res.body.data[0]).toEqual({
      id: expect.any(String),
      merchantId: DEMO_ACCOUNT.merchantId,
      connectedAt: expect.any(String),
      remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    expect(JSON.stringify(res.body)).not.toContain(DEMO_ACCOUNT.token);
  });
});

describe('POST /sandbox/sockets/drop', () => {
  it('terminates every socket, or one merchant’s', async () => {
    const a = await open();
    const other = await open(OTHER_ACCOUNT.token);
    let res = await gate.h.post('/sandbox/sockets/drop', { merchantId: DEMO_ACCOUNT.merchantId });
    expect(res.body.data).toEqual({ dropped: 1, refuseSocketsUntil: null });
    await a.closed;
    expect(gate.h.gate.connections()).toBe(1);

    res = await gate.h.post('/sandbox/sockets/drop'); // no body at all
    expect(res.body.data.dropped).toBe(1);
    await other.closed;
    expect(gate.h.gate.connections()).toBe(0);
  });

  it('refuses reconnects for N seconds when asked', async () => {
    const c = await open();
    const res = await gate.h.post('/sandbox/sockets/drop', { refuseForSeconds: 30 });
    expect(res.body.data.dropped).toBe(1);
    expect(Date.parse(res.body.data.refuseSocketsUntil)).toBeGreaterThan(Date.now());
    await c.closed;
    expect((await upgradeStatus(`${gate.h.gateUrl}?token=${DEMO_ACCOUNT.token}`)).status).toBe(503);
    gate.h.faults.set({ refuseSocketsUntil: 0 });
    expect((await upgradeStatus(`${gate.h.gateUrl}?token=${DEMO_ACCOUNT.token}`)).status).toBe(101);
  });
});

describe('POST /sandbox/gate/get-status', () => {
  it('calls getStatus on every connected console and returns the answers', async () => {
    let asked: Json;
    await open(DEMO_ACCOUNT.token, {
      methods: {
        getStatus: (params) => {
          asked = params;
          return {
            version: '0.1.0',
            type: 'device',
            settings: { mode: 'sandbox' },
            log: ['line 1', 'line 2'],
          };
        },
      },
    });
    await open(OTHER_ACCOUNT.token, { mute: true });
    const res = await gate.h.post('/sandbox/gate/get-status', { logQuantity: 2, timeoutMs: 100 });
    expect(res.status).toBe(200);
    expect(asked).toEqual({ logQuantity: 2 });
    const byMerchant = Object.fromEntries(res.body.data.map((a: Json) => [a.merchantId, a]));
    expect(byMerchant[DEMO_ACCOUNT.merchantId]).toMatchObject({
      outcome: 'result',
      result: { type: 'device', log: ['line 1', 'line 2'] },
    });
    expect(byMerchant[OTHER_ACCOUNT.merchantId]).toMatchObject({ outcome: 'timeout' });
  });

  it('asks for 40 lines by default and can target one merchant', async () => {
    const c = await open(OTHER_ACCOUNT.token, { mute: true });
    const done = gate.h.post('/sandbox/gate/get-status', {
      merchantId: OTHER_ACCOUNT.merchantId,
      timeoutMs: 50,
    });
    expect(await c.next()).toMatchObject({
      jsonrpc: '2.0',
      method: 'getStatus',
      params: { logQuantity: 40 },
    });
    expect((await done).body.data).toHaveLength(1);
  });
});

describe('POST /sandbox/notifications/test', () => {
  it('sends the monitoring test notification with the console’s merchant id', async () => {
    const c = await open();
    const res = await gate.h.post('/sandbox/notifications/test');
    expect(res.body.data).toEqual([
      expect.objectContaining({
        outcome: 'result',
        result: { status: 'success' },
        merchantId: DEMO_ACCOUNT.merchantId,
      }),
    ]);
    const frame = await c.next();
    expect(frame.method).toBe('onOrderStatusChange');
    expect(frame.params[0]).toMatchObject({
      id: TEST_NOTIFICATION_ORDER_ID,
      merchantOrderId: '',
      merchantId: DEMO_ACCOUNT.merchantId,
      status: 'completed',
    });
    expect(frame.params[0].amount).toBeGreaterThan(0);
  });
});

describe('GET /sandbox/notifications and POST /sandbox/notifications/resend', () => {
  it('logs every notification and re-announces an order’s current state', async () => {
    const c = await open();
    const orderId = payNewOrder(gate.h.state);
    await c.next();
    const resent = await gate.h.post('/sandbox/notifications/resend', { orderId });
    expect(resent.status).toBe(202);
    expect(resent.body.data).toMatchObject({ orderId, status: 'completed' });
    const again = await c.next();
    expect(again.params[0]).toMatchObject({ id: orderId, status: 'completed' });

    const log = await eventually(async () => {
      const res = await gate.h.get(`/sandbox/notifications?orderId=${orderId}`);
      return res.body.data.every((n: Json) => n.outcome === 'delivered') && res.body.data;
    });
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ orderId, status: 'completed', merchantId: DEMO_ACCOUNT.merchantId });
    expect(log[0].attempts[0].answers[0]).toMatchObject({
      outcome: 'success',
      result: { status: 'success' },
    });
  });

  it('re-announces a refund as a refund', async () => {
    const c = await open();
    const parent = addOrder(gate.h.state);
    gate.h.state.addRefund({
      view: {
        id: gate.h.state.newId(),
        parentId: parent.view.id,
        merchantId: DEMO_ACCOUNT.merchantId,
        merchantOrderId: `R-${parent.view.id}`,
        status: 'completed',
        amount: 10,
      },
    });
    const first = await c.next();
    await gate.h.post('/sandbox/notifications/resend', { orderId: first.params[0].id });
    expect((await c.next()).params[0]).toMatchObject({ subtype: 'refund', parentId: parent.view.id });
  });

  it('answers 404 for an unknown order and 422 without an orderId', async () => {
    const missing = await gate.h.post('/sandbox/notifications/resend', { orderId: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('order_not_found');
    const bad = await gate.h.post('/sandbox/notifications/resend', {});
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields[0].name).toBe('orderId');
  });
});

describe('POST /sandbox/gate/call', () => {
  it('sends an arbitrary call and returns the answer', async () => {
    await open(DEMO_ACCOUNT.token, { methods: { echo: (params) => params } });
    const res = await gate.h.post('/sandbox/gate/call', { method: 'echo', params: { a: 1 } });
    expect(res.body.data).toEqual([
      expect.objectContaining({ outcome: 'result', result: { a: 1 }, rpcId: expect.any(String) }),
    ]);
    const unknown = await gate.h.post('/sandbox/gate/call', { method: 'nothing' });
    expect(unknown.body.data[0]).toMatchObject({ outcome: 'error', error: { code: -32601 } });
  });

  it('sends a raw frame and returns whatever comes back', async () => {
    await open();
    const res = await gate.h.post('/sandbox/gate/call', { raw: '{"jsonrpc":"2.0","id":1,"method"' });
    expect(JSON.parse(res.body.data[0].text)).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error' },
    });
    // A notification must not be answered.
    const quiet = await gate.h.post('/sandbox/gate/call', {
      raw: '{"jsonrpc":"2.0","method":"getStatus"}',
      timeoutMs: 100,
    });
    expect(quiet.body.data[0].outcome).toBe('timeout');
  });

  it('wants exactly one of method and raw', async () => {
    expect((await gate.h.post('/sandbox/gate/call', {})).status).toBe(422);
    expect((await gate.h.post('/sandbox/gate/call', { method: 'a', raw: 'b' })).status).toBe(422);
  });
});

describe('control API hygiene', () => {
  it('refuses a wrong content type, malformed JSON, unknown fields and wrong methods', async () => {
    const url = `${gate.h.url}/sandbox/sockets/drop`;
    const text = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(text.status).toBe(415);
    const broken = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(broken.status).toBe(400);
    const typo = await gate.h.post('/sandbox/sockets/drop', { merchantID: 'typo' });
    expect(typo.status).toBe(422);
    expect(typo.body.error.fields[0]).toMatchObject({ name: 'merchantID', code: 'unknown_field' });
    const wrongMethod = await fetch(url);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('leaves other routes alone', async () => {
    expect((await gate.h.get('/sandbox/faults')).status).toBe(404); // the harness's fallback: not the gate's route
  });
});
