/**
 * The emulator with the unmodified official `centrifuge` client (5.x, over `ws`), used exactly as Xsolla's docs show:
 * connect data `{user_external_id?, auth, project_id}`, `subscribed` → history, `publication` events.
 */
import { Centrifuge, type Options, type PublicationContext, type ServerSubscribedContext } from 'centrifuge';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { onCleanup, startXs, type Json } from './harness.ts';
import { waitFor } from '../helpers/wait.ts';

interface Recorder {
  client: Centrifuge;
  subscribed: ServerSubscribedContext[];
  publications: { channel: string; data: Json; offset: number | undefined }[];
  connecting: { code: number; reason: string }[];
  disconnected: { code: number; reason: string }[];
  errors: { type: string; code: number }[];
  history: PublicationContext[][];
}

function client(wsUrl: string, data: Json, options: Partial<Options> = {}): Recorder {
  const c = new Centrifuge(wsUrl, {
    websocket: WebSocket,
    data,
    minReconnectDelay: 20,
    maxReconnectDelay: 100,
    ...options,
  });
  const r: Recorder = {
    client: c,
    subscribed: [],
    publications: [],
    connecting: [],
    disconnected: [],
    errors: [],
    history: [],
  };
  c.on('subscribed', (ctx) => {
    r.subscribed.push(ctx);
    // As the Xsolla docs: read the whole history on every subscribed.
    void c.history(ctx.channel, { limit: -1, since: { offset: 0, epoch: '' }, reverse: false }).then(
      (res) => {
        r.history.push(res.publications);
      },
      // A history call cut short by a dropped socket rejects (code 11, "connection closed"); the client
      // asks again on the next `subscribed`. Recorded, so no test can mistake it for history read.
      (e: { code?: number }) => r.errors.push({ type: 'history', code: e.code ?? -1 }),
    );
  });
  c.on('publication', (ctx) =>
    r.publications.push({ channel: ctx.channel, data: ctx.data, offset: ctx.offset }),
  );
  c.on('connecting', (ctx) => r.connecting.push(ctx));
  c.on('disconnected', (ctx) => r.disconnected.push(ctx));
  c.on('error', (ctx) => r.errors.push({ type: ctx.type, code: ctx.error.code }));
  onCleanup(() => c.disconnect());
  return r;
}

describe('xsolla emulator with the official centrifuge client', () => {
  it('connects, gets the server-side subscription, its history and live publications', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const r = client(xs.wsUrl, { auth: o.token, project_id: o.project_id });
    r.client.connect();
    await waitFor(() => r.history.length === 1);
    expect(r.subscribed[0]).toMatchObject({ channel: o.channel, recoverable: true, positioned: true });
    expect(r.history[0]!.map((p) => p.data)).toEqual([{ order_id: o.order_id, status: 'new' }]);
    await xs.setStatus(o.order_id, 'paid');
    await xs.setStatus(o.order_id, 'done');
    await waitFor(() => r.publications.length === 2);
    expect(r.publications).toEqual([
      { channel: o.channel, data: { order_id: o.order_id, status: 'paid' }, offset: 2 },
      { channel: o.channel, data: { order_id: o.order_id, status: 'done' }, offset: 3 },
    ]);
  });

  it('recovers the publications missed while the socket was dropped', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const r = client(xs.wsUrl, { user_external_id: 'ext-1', auth: o.token, project_id: o.project_id });
    r.client.connect();
    await waitFor(() => r.subscribed.length === 1);
    await xs.setStatus(o.order_id, 'paid');
    await waitFor(() => r.publications.length === 1);
    // Drop, and keep the door shut while two statuses go by.
    await xs.faults({ dropSockets: true, refuseConnectsForMs: 300 });
    await xs.setStatus(o.order_id, 'done');
    await xs.setStatus(o.order_id, 'canceled');
    await waitFor(() => r.subscribed.length === 2, { timeoutMs: 10_000 });
    expect(r.connecting.some((c) => c.code === 1)).toBe(true); // transport closed → reconnect
    expect(r.subscribed[1]).toMatchObject({
      wasRecovering: true,
      recovered: true,
      hasRecoveredPublications: true,
    });
    await waitFor(() => r.publications.length === 3);
    expect(r.publications.map((p) => [p.data.status, p.offset])).toEqual([
      ['paid', 2],
      ['done', 3],
      ['canceled', 4],
    ]);
    // subscribed fired again, so the history was read again: the whole stream, duplicates included.
    await waitFor(() => r.history.length === 2);
    expect(r.history[1]!.map((p) => p.offset)).toEqual([1, 2, 3, 4]);
  });

  it('a bad JWT: error 101, the client stays disconnected', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const r = client(xs.wsUrl, { auth: 'bad', project_id: o.project_id });
    r.client.connect();
    await waitFor(() => r.disconnected.length === 1);
    expect(r.disconnected[0]).toEqual({ code: 101, reason: 'unauthorized' });
    expect(r.client.state).toBe('disconnected');
  });

  it('close code 3500: the client does not reconnect', async () => {
    const xs = await startXs({ invalidTokenAs: 'close' });
    const r = client(xs.wsUrl, { auth: 'bad', project_id: 1 });
    r.client.connect();
    await waitFor(() => r.disconnected.length === 1);
    expect(r.disconnected[0]).toEqual({ code: 3500, reason: 'invalid token' });
    expect(r.client.state).toBe('disconnected');
  });

  it('a reconnectable close code (3001 shutdown) makes it reconnect and recover', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const r = client(xs.wsUrl, { auth: o.token, project_id: o.project_id });
    r.client.connect();
    await waitFor(() => r.subscribed.length === 1);
    await xs.faults({ closeSockets: { code: 3001, reason: 'shutdown' } });
    await waitFor(() => r.subscribed.length === 2);
    expect(r.connecting).toContainEqual({ code: 3001, reason: 'shutdown' });
    expect(r.subscribed[1]).toMatchObject({ wasRecovering: true, recovered: true });
  });

  it('a close code in 4500–4999 also stops it', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const r = client(xs.wsUrl, { auth: o.token, project_id: o.project_id });
    r.client.connect();
    await waitFor(() => r.subscribed.length === 1);
    await xs.faults({ closeSockets: { code: 4501, reason: 'go away' } });
    await waitFor(() => r.disconnected.length === 1);
    expect(r.disconnected[0]).toEqual({ code: 4501, reason: 'go away' });
    expect(r.client.state).toBe('disconnected');
  });

  it('an expired JWT: error 109, then a reconnect with a refreshed token through getData', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    let token = o.token;
    let stale = false;
    const r = client(xs.wsUrl, null, {
      getData: async () => {
        if (stale) {
          const res = await xs.control('POST', `/sandbox/orders/${o.order_id}/token`);
          token = res.body.data.token;
          stale = false;
        }
        return { auth: token, project_id: o.project_id };
      },
    });
    r.client.on('error', (ctx) => {
      if (ctx.error.code === 109) {
        stale = true;
        r.client.setToken(''); // the JWT lives in the connect data: no getToken, renew it in getData
      }
    });
    r.client.connect();
    await waitFor(() => r.subscribed.length === 1);
    await xs.faults({ expireTokens: true }); // open sessions are closed with 3005, their JWTs now count as expired
    await waitFor(() => r.subscribed.length === 2, { timeoutMs: 10_000 });
    expect(r.connecting).toContainEqual({ code: 3005, reason: 'connection expired' });
    expect(r.errors).toContainEqual({ type: 'connect', code: 109 });
    expect(token).not.toBe(o.token);
    await xs.setStatus(o.order_id, 'paid');
    await waitFor(() => r.publications.length === 1);
  });

  it('answers pongs to the server pings and stays connected', async () => {
    const xs = await startXs({ pingIntervalMs: 30, pongTimeoutMs: 200 });
    const o = await xs.createOrder();
    const r = client(xs.wsUrl, { auth: o.token, project_id: o.project_id });
    r.client.connect();
    await waitFor(() => (xs.sandbox.handlers.ws.sessions()[0]?.pongs ?? 0) >= 4);
    expect(r.connecting.filter((c) => c.code !== 0)).toEqual([]);
    expect(r.subscribed).toHaveLength(1);
  });

  it('notices silenced pings ("no ping") and reconnects', async () => {
    const xs = await startXs({ pingIntervalMs: 50 });
    const o = await xs.createOrder();
    const r = client(xs.wsUrl, { auth: o.token, project_id: o.project_id }, { maxServerPingDelay: 50 });
    r.client.connect();
    await waitFor(() => r.subscribed.length === 1);
    await xs.faults({ silencePingsForMs: 150 });
    await waitFor(() => r.connecting.some((c) => c.code === 2));
    expect(r.connecting.find((c) => c.code === 2)).toEqual({ code: 2, reason: 'no ping' });
    await waitFor(() => r.subscribed.length >= 2);
  });

  it('retries while connections are refused, then connects', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    await xs.faults({ refuseConnectsForMs: 250 });
    const r = client(xs.wsUrl, { auth: o.token, project_id: o.project_id });
    r.client.connect();
    await waitFor(() => r.subscribed.length === 1);
    expect(r.errors.some((e) => e.type === 'transport')).toBe(true);
    expect(xs.sandbox.faults.fired.refuseConnectsUntil).toBeGreaterThan(0);
  });
});
