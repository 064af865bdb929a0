/** The gate inside the whole sandbox: an order created and paid over HTTP reaches a console over the WebSocket. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox/server.ts';
import { DEMO_ACCOUNT } from '../../electron/sandbox/state.ts';
import { orderDraft } from '../helpers/api-requests.ts';
import { FAST, connectConsole, eventually, type FakeConsole, type Json } from './gate-harness.ts';

let sandbox: Sandbox;
const consoles: FakeConsole[] = [];

beforeEach(async () => {
  sandbox = await startSandbox(FAST);
});

afterEach(async () => {
  await Promise.all(consoles.splice(0).map((c) => c.close()));
  await sandbox.stop();
  expect(sandbox.gate.stats()).toEqual({ connections: 0, pendingCalls: 0, pendingDeliveries: 0, timers: 0 });
});

async function request(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    authorization: `Bearer ${DEMO_ACCOUNT.token}`,
    'user-agent': 'PayDesk/0.1.0 (gate-e2e 1)',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(sandbox.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function createOrder(): Promise<string> {
  const created = await request('POST', '/v3/billing/api/order/order', {
    ...orderDraft(),
    merchantOrderId: `E2E-${Date.now()}-${Math.random()}`,
  });
  expect(created.status).toBe(200);
  return created.body.data.id as string;
}

describe('gate in the sandbox', () => {
  it('announces an order paid over HTTP to the connected console', async () => {
    const c = await connectConsole(sandbox.gateUrl);
    consoles.push(c);
    const id = await createOrder();
    expect((await request('POST', `/sandbox/orders/${id}/pay`)).status).toBe(200);

    const frame = await c.next();
    expect(frame).toMatchObject({ jsonrpc: '2.0', method: 'onOrderStatusChange' });
    expect(frame.params[0]).toMatchObject({ id, status: 'completed', merchantId: DEMO_ACCOUNT.merchantId });
    expect(typeof frame.params[0].paidAt).toBe('string');

    const log = await eventually(async () => {
      const res = await request('GET', `/sandbox/notifications?orderId=${id}`);
      return res.body.data[0]?.outcome === 'delivered' && res.body.data;
    });
    expect(log).toHaveLength(1);
  });

  it('takes its faults from /sandbox/faults and its routes come before the other control routes', async () => {
    const c = await connectConsole(sandbox.gateUrl);
    consoles.push(c);
    expect((await request('POST', '/sandbox/faults', { notifyDuplicate: true })).status).toBe(200);
    const id = await createOrder();
    await request('POST', `/sandbox/orders/${id}/pay`);
    const [a, b] = [await c.next(), await c.next()];
    expect(a.params[0].id).toBe(id);
    expect(b.params[0].id).toBe(id);
    expect(a.id).not.toBe(b.id);

    const sockets = await request('GET', '/sandbox/sockets');
    expect(sockets.body.data).toHaveLength(1);
  });
});
