/** The emulator's Get order API and its control API, over real HTTP. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createXsollaHandlers } from '../../electron/sandbox/xsolla/index.ts';
import { onCleanup, startXs, type Json } from './harness.ts';

describe('xsolla emulator: Get order', () => {
  it('answers the documented body for the token owner', async () => {
    const xs = await startXs();
    const o = await xs.createOrder({
      currency: 'EUR',
      items: [
        { sku: 'gems-100', quantity: 2, price: '4.50' },
        { sku: 'bonus', price: 0 },
      ],
    });
    const res = await xs.getOrder(o.project_id, o.order_id, o.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      order_id: o.order_id,
      status: 'new',
      content: {
        price: { amount: '9.00', amount_without_discount: '9.00', currency: 'EUR' },
        virtual_price: null,
        is_free: 'false',
        items: [
          {
            sku: 'gems-100',
            quantity: 2,
            is_free: 'false',
            price: { amount: '4.50', amount_without_discount: '4.50', currency: 'EUR' },
          },
          {
            sku: 'bonus',
            quantity: 1,
            is_free: 'true',
            price: { amount: '0.00', amount_without_discount: '0.00', currency: 'EUR' },
          },
        ],
      },
    });
    await xs.setStatus(o.order_id, 'paid', false);
    expect((await xs.getOrder(o.project_id, o.order_id, o.token)).body.status).toBe('paid');
  });

  it('formats amounts in the currency exponent (JPY has none)', async () => {
    const xs = await startXs();
    const o = await xs.createOrder({ currency: 'JPY', amount: 1200 });
    expect((await xs.getOrder(o.project_id, o.order_id, o.token)).body.content.price.amount).toBe('1200');
    const bad = await xs.control('POST', '/sandbox/orders', { currency: 'JPY', amount: '12.5' });
    expect(bad.status).toBe(422);
  });

  it('401 without a token, with a bad or an expired one; 404 for an unknown order or another user', async () => {
    const xs = await startXs();
    const o = await xs.createOrder({ user: 'alice' });
    const bob = await xs.createOrder({ user: 'bob' });
    expect((await xs.getOrder(o.project_id, o.order_id, null)).status).toBe(401);
    expect((await xs.getOrder(o.project_id, o.order_id, 'x.y.z')).status).toBe(401);
    const expired = (await xs.control('POST', `/sandbox/orders/${o.order_id}/token`, { ttl_seconds: -1 }))
      .body.data.token;
    const res401 = await xs.getOrder(o.project_id, o.order_id, expired);
    expect(res401.status).toBe(401);
    expect(res401.body).toMatchObject({ statusCode: 401, errorCode: 1501 });
    expect((await xs.getOrder(o.project_id, 1, o.token)).status).toBe(404);
    expect((await xs.getOrder(o.project_id, bob.order_id, o.token)).status).toBe(404);
    expect((await xs.getOrder(o.project_id + 1, o.order_id, o.token)).status).toBe(404);
  });

  it('the http500 fault answers 500 N times; the expireTokens fault turns issued tokens into 401', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    await xs.faults({ http500: 2 });
    expect((await xs.getOrder(o.project_id, o.order_id, o.token)).status).toBe(500);
    expect((await xs.getOrder(o.project_id, o.order_id, o.token)).status).toBe(500);
    expect((await xs.getOrder(o.project_id, o.order_id, o.token)).status).toBe(200);
    const view = await xs.faults({ expireTokens: true });
    expect(view.actions.expiredTokens).toBe(1);
    expect((await xs.getOrder(o.project_id, o.order_id, o.token)).status).toBe(401);
    const fresh = (await xs.control('POST', `/sandbox/orders/${o.order_id}/token`)).body.data.token;
    expect((await xs.getOrder(o.project_id, o.order_id, fresh)).status).toBe(200);
  });
});

describe('xsolla emulator: control API', () => {
  it('creates orders, moves statuses forward only, and shows the whole state', async () => {
    const xs = await startXs();
    const o = await xs.createOrder({ user: 'carol', project_id: 777, amount: '19.99' });
    expect(o).toMatchObject({ project_id: 777, user: 'carol', channel: 'orders:777:carol', status: 'new' });
    expect(o.token.split('.')).toHaveLength(3);
    expect((await xs.setStatus(o.order_id, 'paid')).status).toBe('paid');
    const back = await xs.control('POST', `/sandbox/orders/${o.order_id}/status`, { status: 'new' });
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe('wrong_order_status');
    expect((await xs.control('POST', '/sandbox/orders/1/status', { status: 'paid' })).status).toBe(404);
    expect(
      (await xs.control('POST', `/sandbox/orders/${o.order_id}/status`, { status: 'lost' })).status,
    ).toBe(422);
    const state = (await xs.control('GET', '/sandbox/state')).body.data;
    expect(state.orders[0].status_history.map((h: { status: string }) => h.status)).toEqual(['new', 'paid']);
    expect(state.streams[0]).toMatchObject({ channel: 'orders:777:carol', offset: 2 });
    expect((await xs.control('GET', `/sandbox/orders/${o.order_id}`)).body.data.content.price.amount).toBe(
      '19.99',
    );
  });

  it('answers under /sandbox/xsolla/ as well, and resets', async () => {
    const xs = await startXs();
    await xs.createOrder();
    expect((await xs.control('GET', '/sandbox/xsolla/orders')).body.data).toHaveLength(1);
    await xs.faults({ http500: 3 });
    await xs.control('POST', '/sandbox/xsolla/reset');
    const state = (await xs.control('GET', '/sandbox/state')).body.data;
    expect(state.orders).toEqual([]);
    expect(state.faults.config.http500).toBe(0);
    expect((await xs.control('PUT', '/sandbox/faults')).status).toBe(405);
    expect((await xs.control('POST', '/sandbox/faults', { nope: 1 })).status).toBe(422);
  });

  it('shares a server: createXsollaHandlers on a plain http server, control API only under /sandbox/xsolla', async () => {
    const h = createXsollaHandlers();
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      void h.handleRequest(req, res, url).then((done) => {
        if (!done) res.writeHead(418).end();
      });
    });
    server.on('upgrade', (req, socket, head) => {
      if (!h.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onCleanup(async () => {
      await h.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/sandbox/orders`, { method: 'POST' })).status).toBe(418);
    const created: Json = await fetch(`${base}/sandbox/xsolla/orders`, { method: 'POST' }).then((r) =>
      r.json(),
    );
    const { project_id: projectId, order_id: orderId, token } = created.data;
    const order = await fetch(`${base}/api/v2/project/${projectId}/order/${orderId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(order.status).toBe(200);
    const ws = new WebSocket(`${base.replace('http', 'ws')}/connection/websocket`);
    onCleanup(() => ws.terminate());
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () =>
        ws.send(JSON.stringify({ id: 1, connect: { data: { auth: token, project_id: projectId } } })),
      );
      ws.on('message', (d) => resolve(d.toString()));
      ws.on('error', reject);
    });
    expect(JSON.parse(reply).connect.subs).toHaveProperty(`orders:${projectId}:${created.data.user}`);
  });
});
