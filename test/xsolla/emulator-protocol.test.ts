/**
 * The emulator's Centrifuge protocol v2 (JSON) on the wire, with a bare `ws` socket: frames, replies, errors, close
 * codes, history semantics, recovery and pings — as /work/shared/spec/xsolla.md describes them.
 */
import { describe, expect, it } from 'vitest';
import { RawClient, startXs, type Json } from './harness.ts';
import { waitFor } from '../helpers/wait.ts';

describe('xsolla emulator: connect', () => {
  it('answers connect with client, version, ping/pong and the server-side subscription of the user channel', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const raw = await RawClient.open(xs.wsUrl);
    const reply = await raw.connect({ auth: o.token, project_id: o.project_id });
    expect(reply.error).toBeUndefined();
    const c = reply.connect;
    expect(typeof c.client).toBe('string');
    expect(typeof c.version).toBe('string');
    expect(c.ping).toBe(25);
    expect(c.pong).toBe(true);
    expect(Object.keys(c.subs)).toEqual([o.channel]);
    const sub = c.subs[o.channel];
    expect(sub).toMatchObject({ recoverable: true, positioned: true, offset: 1 });
    expect(typeof sub.epoch).toBe('string');
  });

  it('accepts the optional user_external_id', async () => {
    const xs = await startXs();
    const o = await xs.createOrder({ user: 'player-7' });
    const raw = await RawClient.open(xs.wsUrl);
    const reply = await raw.connect({ user_external_id: 'ext-7', auth: o.token, project_id: o.project_id });
    expect(Object.keys(reply.connect.subs)).toEqual([`orders:${o.project_id}:player-7`]);
  });

  it('refuses a bad JWT with error 101, an expired one with 109, another project with 103, a bad project_id with 107', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const cases: [Record<string, unknown>, number][] = [
      [{ auth: 'not.a.jwt', project_id: o.project_id }, 101],
      [{ auth: `${o.token.slice(0, -2)}xx`, project_id: o.project_id }, 101],
      [{ project_id: o.project_id }, 101],
      [{ auth: o.token, project_id: o.project_id + 1 }, 103],
      [{ auth: o.token, project_id: String(o.project_id) }, 107],
    ];
    const expired = (await xs.control('POST', `/sandbox/orders/${o.order_id}/token`, { ttl_seconds: -60 }))
      .body.data.token;
    cases.push([{ auth: expired, project_id: o.project_id }, 109]);
    for (const [data, code] of cases) {
      const raw = await RawClient.open(xs.wsUrl);
      const reply = await raw.connect(data);
      expect(reply.error?.code, JSON.stringify(data)).toBe(code);
      expect(reply.connect).toBeUndefined();
    }
  });

  it('with invalidTokenAs "close", closes with 3500 instead', async () => {
    const xs = await startXs({ invalidTokenAs: 'close' });
    const raw = await RawClient.open(xs.wsUrl);
    raw.send({ id: 1, connect: { data: { auth: 'garbage', project_id: 1 } } });
    expect(await raw.waitClosed()).toEqual({ code: 3500, reason: 'invalid token' });
  });

  it('closes with 3501 bad request on a command before connect, malformed JSON, or a second connect', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const early = await RawClient.open(xs.wsUrl);
    early.send({ id: 1, history: { channel: o.channel } });
    expect((await early.waitClosed()).code).toBe(3501);

    const garbage = await RawClient.open(xs.wsUrl);
    garbage.send('{not json');
    expect((await garbage.waitClosed()).code).toBe(3501);

    const twice = await RawClient.open(xs.wsUrl);
    await twice.connect({ auth: o.token, project_id: o.project_id });
    twice.send({ id: 2, connect: { data: { auth: o.token, project_id: o.project_id } } });
    expect((await twice.waitClosed()).code).toBe(3501);
  });
});

describe('xsolla emulator: frames and commands', () => {
  it('answers several commands of one frame in one frame, in order', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const raw = await RawClient.open(xs.wsUrl);
    raw.send(
      { id: 1, connect: { data: { auth: o.token, project_id: o.project_id } } },
      { id: 2, history: { channel: o.channel, since: { offset: 0 }, limit: -1 } },
      {},
      { id: 3, rpc: { method: 'x' } },
    );
    await raw.reply(3);
    expect(raw.frames).toHaveLength(1);
    const lines = raw.frames[0]!.split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => l.id)).toEqual([1, 2, 3]);
    expect(lines[1].history.publications).toEqual([
      { data: { order_id: o.order_id, status: 'new' }, offset: 1 },
    ]);
  });

  it('answers every other command that has an id with error 108, and ignores async ones', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const raw = await RawClient.open(xs.wsUrl);
    await raw.connect({ auth: o.token, project_id: o.project_id });
    raw.send(
      { id: 2, subscribe: { channel: 'news' } },
      { id: 3, publish: { channel: o.channel, data: {} } },
      { id: 4, presence: { channel: o.channel } },
      { id: 5, refresh: { token: 'x' } },
      { id: 6, whatever: {} },
      { send: { data: { hello: 1 } } },
    );
    for (const id of [2, 3, 4, 5, 6]) {
      expect((await raw.reply(id)).error).toEqual({ code: 108, message: 'not available' });
    }
    expect(raw.messages().filter((m) => m.id === undefined)).toEqual([]);
    expect(raw.closed).toBeNull();
  });

  it('pushes publications to the user channel in the documented shape', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const raw = await RawClient.open(xs.wsUrl);
    await raw.connect({ auth: o.token, project_id: o.project_id });
    await xs.setStatus(o.order_id, 'paid');
    const push = await waitFor(() => raw.messages().find((m) => m.push));
    expect(push).toEqual({
      push: { channel: o.channel, pub: { data: { order_id: o.order_id, status: 'paid' }, offset: 2 } },
    });
  });

  it('the publishDelayMs fault delays the push, not the history', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const raw = await RawClient.open(xs.wsUrl);
    await raw.connect({ auth: o.token, project_id: o.project_id });
    await xs.faults({ publishDelayMs: 200 });
    await xs.setStatus(o.order_id, 'paid');
    raw.send({ id: 2, history: { channel: o.channel, since: { offset: 1 }, limit: -1 } });
    const history = await raw.reply(2);
    expect(history.history.publications).toEqual([
      { data: { order_id: o.order_id, status: 'paid' }, offset: 2 },
    ]);
    expect(raw.messages().filter((m) => m.push)).toEqual([]);
    await waitFor(() => raw.messages().find((m) => m.push));
    expect(xs.sandbox.faults.fired.publishDelayMs).toBe(1);
  });

  it('delivers only the user own channel: another user of the project sees nothing', async () => {
    const xs = await startXs();
    const mine = await xs.createOrder({ user: 'alice' });
    const theirs = await xs.createOrder({ user: 'bob' });
    const raw = await RawClient.open(xs.wsUrl);
    await raw.connect({ auth: mine.token, project_id: mine.project_id });
    await xs.setStatus(theirs.order_id, 'paid');
    await xs.setStatus(mine.order_id, 'paid');
    const push = await waitFor(() => raw.messages().find((m) => m.push));
    expect(push.push.pub.data.order_id).toBe(mine.order_id);
    expect(raw.messages().filter((m) => m.push)).toHaveLength(1);
  });
});

describe('xsolla emulator: history', () => {
  async function withHistory(historySize?: number) {
    const xs = await startXs(historySize === undefined ? {} : { historySize });
    const o = await xs.createOrder({ user: 'hist' });
    const second = await xs.createOrder({ user: 'hist' });
    await xs.setStatus(o.order_id, 'paid');
    await xs.setStatus(o.order_id, 'done'); // offsets: 1 new(o), 2 new(second), 3 paid, 4 done
    const raw = await RawClient.open(xs.wsUrl);
    const reply = await raw.connect({ auth: o.token, project_id: o.project_id });
    let id = 10;
    const history = async (req: Record<string, unknown>): Promise<Json> => {
      id += 1;
      raw.send({ id, history: { channel: o.channel, ...req } });
      return raw.reply(id);
    };
    return { xs, o, second, raw, epoch: reply.connect.subs[o.channel].epoch as string, history };
  }

  it('limit 0 (or none) gives only the stream position; -1 all; N the first N', async () => {
    const { history, epoch } = await withHistory();
    expect((await history({ limit: 0 })).history).toEqual({ epoch, offset: 4 });
    expect((await history({})).history).toEqual({ epoch, offset: 4 });
    const all = (await history({ limit: -1, since: { offset: 0 } })).history;
    expect(all.publications.map((p: Json) => p.offset)).toEqual([1, 2, 3, 4]);
    expect(all.publications.map((p: Json) => p.data.status)).toEqual(['new', 'new', 'paid', 'done']);
    expect(all).toMatchObject({ epoch, offset: 4 });
    expect((await history({ limit: 2 })).history.publications.map((p: Json) => p.offset)).toEqual([1, 2]);
    expect(
      (await history({ limit: 2, reverse: true })).history.publications.map((p: Json) => p.offset),
    ).toEqual([4, 3]);
  });

  it('since returns the publications after the offset; another epoch or a trimmed gap is error 112', async () => {
    const { history, epoch } = await withHistory();
    const after2 = (await history({ since: { offset: 2, epoch }, limit: -1 })).history;
    expect(after2.publications.map((p: Json) => p.offset)).toEqual([3, 4]);
    const top = (await history({ since: { offset: 4, epoch }, limit: -1 })).history;
    expect(top).toEqual({ epoch, offset: 4 });
    expect((await history({ since: { offset: 2, epoch: 'other' }, limit: -1 })).error.code).toBe(112);
    expect((await history({ since: { offset: 9 }, limit: -1 })).error.code).toBe(112);
  });

  it('keeps historySize publications: since an offset before the kept tail is 112, limit -1 without since is capped', async () => {
    const { history } = await withHistory(2);
    expect((await history({ since: { offset: 0 }, limit: -1 })).error).toEqual({
      code: 112,
      message: 'unrecoverable position',
    });
    expect((await history({ since: { offset: 2 }, limit: -1 })).history.publications).toHaveLength(2);
    expect((await history({ limit: -1 })).history.publications.map((p: Json) => p.offset)).toEqual([3, 4]);
  });

  it('refuses a missing channel (107), a foreign prefix (102), another user channel (103), a bad limit (107)', async () => {
    const { history, raw, xs } = await withHistory();
    raw.send({ id: 50, history: {} });
    expect((await raw.reply(50)).error.code).toBe(107);
    raw.send({ id: 51, history: { channel: 'chat:lobby' } });
    expect((await raw.reply(51)).error.code).toBe(102);
    const other = await xs.createOrder({ user: 'someone-else' });
    raw.send({ id: 52, history: { channel: other.channel } });
    expect((await raw.reply(52)).error.code).toBe(103);
    expect((await history({ limit: -5 })).error.code).toBe(107);
    expect((await history({ limit: 1.5 })).error.code).toBe(107);
  });

  it('the historyErrors fault answers error 100, temporary', async () => {
    const { history, xs } = await withHistory();
    await xs.faults({ historyErrors: 1 });
    expect((await history({ limit: -1 })).error).toEqual({
      code: 100,
      message: 'internal server error',
      temporary: true,
    });
    expect((await history({ limit: -1 })).history.publications).toHaveLength(4);
  });
});

describe('xsolla emulator: recovery', () => {
  it('a connect that asks to recover from a known position gets the missed publications', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const first = await RawClient.open(xs.wsUrl);
    const sub = (await first.connect({ auth: o.token, project_id: o.project_id })).connect.subs[o.channel];
    first.ws.terminate();
    await xs.setStatus(o.order_id, 'paid');
    await xs.setStatus(o.order_id, 'done');
    const again = await RawClient.open(xs.wsUrl);
    const reply = await again.connect(
      { auth: o.token, project_id: o.project_id },
      { subs: { [o.channel]: { recover: true, offset: sub.offset, epoch: sub.epoch } } },
    );
    expect(reply.connect.subs[o.channel]).toMatchObject({
      recoverable: true,
      positioned: true,
      recovered: true,
      was_recovering: true,
      epoch: sub.epoch,
      offset: 3,
      publications: [
        { data: { order_id: o.order_id, status: 'paid' }, offset: 2 },
        { data: { order_id: o.order_id, status: 'done' }, offset: 3 },
      ],
    });
  });

  it('after the stream lost its history (new epoch) recovery fails: recovered false, no publications', async () => {
    const xs = await startXs();
    const o = await xs.createOrder();
    const first = await RawClient.open(xs.wsUrl);
    const sub = (await first.connect({ auth: o.token, project_id: o.project_id })).connect.subs[o.channel];
    await xs.faults({ resetStreams: true, dropSockets: true });
    await xs.setStatus(o.order_id, 'paid');
    const again = await RawClient.open(xs.wsUrl);
    const reply = await again.connect(
      { auth: o.token, project_id: o.project_id },
      { subs: { [o.channel]: { recover: true, offset: sub.offset, epoch: sub.epoch } } },
    );
    const got = reply.connect.subs[o.channel];
    expect(got.was_recovering).toBe(true);
    expect(got.recovered).toBeUndefined();
    expect(got.publications).toBeUndefined();
    expect(got.epoch).not.toBe(sub.epoch);
    expect(got.offset).toBe(1);
  });
});

describe('xsolla emulator: ping and pong', () => {
  it('pings with {} and keeps a client that answers {}; closes one that does not with 3012', async () => {
    const xs = await startXs({ pingIntervalMs: 40, pongTimeoutMs: 100 });
    const o = await xs.createOrder();
    const polite = await RawClient.open(xs.wsUrl);
    polite.ws.on('message', (data) => {
      if (data.toString() === '{}') polite.ws.send('{}');
    });
    const reply = await polite.connect({ auth: o.token, project_id: o.project_id });
    expect(reply.connect.ping).toBe(0.04);
    const rude = await RawClient.open(xs.wsUrl);
    await rude.connect({ auth: o.token, project_id: o.project_id });
    expect(await rude.waitClosed()).toEqual({ code: 3012, reason: 'no pong' });
    await waitFor(() => xs.sandbox.handlers.ws.sessions().find((s) => s.pongs >= 3));
    expect(polite.closed).toBeNull();
    expect(polite.frames.filter((f) => f === '{}').length).toBeGreaterThanOrEqual(3);
  });

  it('the silence fault stops pings', async () => {
    const xs = await startXs({ pingIntervalMs: 30, pongTimeoutMs: 1_000 });
    const o = await xs.createOrder();
    await xs.faults({ silencePingsForMs: 60_000 });
    const raw = await RawClient.open(xs.wsUrl);
    await raw.connect({ auth: o.token, project_id: o.project_id });
    await waitFor(() => (xs.sandbox.faults.fired.silentUntil ?? 0) >= 3);
    expect(raw.frames.filter((f) => f === '{}')).toEqual([]);
  });
});

describe('xsolla emulator: upgrade', () => {
  it('refuses upgrades with 503 while the refuse fault lasts, and other paths with 404', async () => {
    const xs = await startXs();
    await xs.faults({ refuseConnectsForMs: 60_000 });
    await expect(RawClient.open(xs.wsUrl)).rejects.toThrow(/503/);
    await xs.control('DELETE', '/sandbox/faults');
    await expect(RawClient.open(xs.wsUrl)).resolves.toBeInstanceOf(RawClient);
    await expect(RawClient.open(xs.wsUrl.replace('/connection/websocket', '/other'))).rejects.toThrow(/404/);
  });
});
