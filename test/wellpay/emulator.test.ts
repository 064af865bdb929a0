/**
 * The WellPay emulator on its own, driven by hand-written crypto (helpers.ts) and the unmodified socket.io-client.
 */
import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createWellpayMount, INVOICE_COLUMNS } from '../../electron/sandbox/wellpay/index.ts';
import { waitFor } from '../helpers/wait.ts';
import { TOKEN, controlCall, controlInvoice, moveTo, post, withWellpay, type Json } from './helpers.ts';

const sb = withWellpay();
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await sb.control('DELETE', '/sandbox/faults');
});

interface Recorder {
  socket: Socket;
  events: { name: string; args: unknown[] }[];
  count(name: string): number;
}

/** An unmodified socket.io-client that joins `uid` on every connect and records what it is told. */
function joiner(uid: string, opts: Record<string, unknown> = {}): Recorder {
  const socket = io(sb.url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 50, ...opts });
  sockets.push(socket);
  const rec: Recorder = {
    socket,
    events: [],
    count: (name) => rec.events.filter((e) => e.name === name).length,
  };
  socket.on('connect', () => {
    rec.events.push({ name: 'connect', args: [] });
    socket.emit('invoice:join', uid);
  });
  socket.onAny((name: string, ...args: unknown[]) => rec.events.push({ name, args }));
  socket.on('disconnect', (reason) => rec.events.push({ name: 'disconnect', args: [reason] }));
  return rec;
}

describe('REST: key and RemoteInvoiceApi', () => {
  it('publishes base64(ROT13(PKCS#1 PEM)) of a 4096-bit RSA key', async () => {
    const pem = await sb.publicPem();
    expect(pem.startsWith('-----BEGIN RSA PUBLIC KEY-----')).toBe(true);
    const key = createPublicKey(pem);
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096);
    const raw = await post(
      sb.url,
      '/helpers/getLatestPublicRemoteRsaKey.php',
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
      `access_token=${TOKEN}`,
    );
    expect(raw.body.status).toBe(true);
    // "-----BEGIN RSA" after ROT13 is "-----ORTVA EFN": base64 of that starts like the documented sample.
    expect(raw.body.response.data.result.startsWith('LS0tLS1PUlRWQSBFRk4g')).toBe(true);
  });

  it('refuses unknown tokens and wrong content types', async () => {
    const bad = await post(
      sb.url,
      '/helpers/getLatestPublicRemoteRsaKey.php',
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
      'access_token=nope',
    );
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ status: false, message: 'Invalid access token' });
    const json = await post(
      sb.url,
      '/helpers/getLatestPublicRemoteRsaKey.php',
      { 'content-type': 'application/json' },
      '{}',
    );
    expect(json.status).toBe(415);
    const method = await sb.call(
      { type: 'get', uid_link: 'x' },
      { token: 'unknown-token', pem: await sb.publicPem() },
    );
    expect(method.status).toBe(401);
  });

  it('create → get → remove, the invoice as an array of one all-strings object', async () => {
    const created = await sb.call({ type: 'create', title: 'Кава з собою', price: '1500.50' });
    expect(created.status).toBe(200);
    const uid = created.body.response.data.yourLink as string;
    expect(uid).toMatch(/^[a-z0-9]{30}$/);

    const got = await sb.call({ type: 'get', uid_link: uid });
    expect(got.body.status).toBe(true);
    const list = got.body.response.data.invoice as Json[];
    expect(list).toHaveLength(1);
    const invoice = list[0];
    expect(Object.keys(invoice)).toEqual([...INVOICE_COLUMNS]);
    for (const value of Object.values(invoice))
      expect(value === null || typeof value === 'string').toBe(true);
    expect(invoice).toMatchObject({
      uid_link: uid,
      status: 'not approve exchange',
      send_value: '1500.50',
      name_ex: 'Кава з собою',
      payment_timeout: '960',
      exchange_type: 'invoice',
    });
    expect(invoice.date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(JSON.parse(invoice.exchange_log)).toEqual([{ date: invoice.date, status: 'Инвойс создан' }]);

    expect((await sb.call({ type: 'remove', uid_link: uid })).body).toEqual({ status: true });
    const gone = await sb.call({ type: 'get', uid_link: uid });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ status: false, message: 'Invoice not found' });
  });

  it('validates create and hides other tokens’ invoices', async () => {
    expect((await sb.call({ type: 'create', title: 'x', price: 150 })).status).toBe(400);
    expect((await sb.call({ type: 'create', title: 'x', price: '-1' })).status).toBe(400);
    expect((await sb.call({ type: 'create', title: 'x', price: '1.005' })).status).toBe(400);
    expect((await sb.call({ type: 'create', title: '', price: '1' })).status).toBe(400);
    expect((await sb.call({ type: 'nonsense' })).body.message).toBe('Unknown type');

    const uid = await controlInvoice(sb);
    const other = (await sb.control('POST', '/sandbox/tokens', {})).body.data.token as string;
    const res = await sb.call({ type: 'get', uid_link: uid }, { token: other });
    expect(res.status).toBe(404);
  });

  it('one answer for a wrong verification word, garbage and a wrong key', async () => {
    const { publicEncrypt, constants, generateKeyPairSync } = await import('node:crypto');
    const pem = await sb.publicPem();
    const send = (data: string) =>
      post(
        sb.url,
        '/method/RemoteInvoiceApi',
        { 'content-type': 'application/json' },
        JSON.stringify({ data, access_token: TOKEN }),
      );
    const wrongWord = publicEncrypt(
      { key: pem, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from(JSON.stringify({ type: 'get', uid_link: 'x', verificationWord: 'nope' })),
    ).toString('base64');
    const other = generateKeyPairSync('rsa', { modulusLength: 4096 }).publicKey;
    const wrongKey = publicEncrypt(
      { key: other, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from(JSON.stringify({ type: 'get', uid_link: 'x', verificationWord: 'bandasosamba' })),
    ).toString('base64');
    for (const data of [wrongWord, 'AAAA', '!!!', wrongKey]) {
      const res = await send(data);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ status: false, message: 'Could not decrypt data' });
    }
  });
});

describe('socket.io with the unmodified socket.io-client', () => {
  it('answers invoice:join with ip:send (normalised IPv4) and tells the room to refetch on every change', async () => {
    const uid = await controlInvoice(sb);
    const otherUid = await controlInvoice(sb);
    const a = joiner(uid);
    const other = joiner(otherUid);
    await waitFor(() => a.count('ip:send') === 1 && other.count('ip:send') === 1, { what: 'ip:send' });
    expect(a.events.find((e) => e.name === 'ip:send')!.args).toEqual(['127.0.0.1']);

    expect((await moveTo(sb, uid, { status: 'wait card' })).status).toBe(200);
    await waitFor(() => a.count('invoce:refetch') === 1, { what: 'refetch' });
    expect(a.events.find((e) => e.name === 'invoce:refetch')!.args).toEqual([]);
    await moveTo(sb, uid, { status: 'send card', card_f_pay: '4149-0000-1111-2222' });
    await waitFor(() => a.count('invoce:refetch') === 2, { what: 'second refetch' });
    // The other invoice's room heard nothing.
    await moveTo(sb, otherUid, { status: 'wait card' });
    await waitFor(() => other.count('invoce:refetch') === 1, { what: 'other refetch' });
    expect(other.count('invoce:refetch')).toBe(1);
    expect(a.count('invoce:refetch')).toBe(2);

    const state = (await sb.control('GET', '/sandbox/state')).body.data;
    expect(state.sockets.some((s: Json) => s.rooms.includes(uid) && s.ip === '127.0.0.1')).toBe(true);
  });

  it('first joiner rule: only the first joiner’s IP may update; ip:send always names it', async () => {
    const uid = await controlInvoice(sb);
    const first = joiner(uid, { localAddress: '127.0.0.2' });
    await waitFor(() => first.count('ip:send') === 1, { what: 'first ip:send' });
    const second = joiner(uid, { localAddress: '127.0.0.1' });
    await waitFor(() => second.count('ip:send') === 1, { what: 'second ip:send' });
    expect(first.events.find((e) => e.name === 'ip:send')!.args).toEqual(['127.0.0.2']);
    expect(second.events.find((e) => e.name === 'ip:send')!.args).toEqual(['127.0.0.2']);

    await moveTo(sb, uid, { status: 'send card' });
    const intruder = await sb.call(
      { type: 'update', uid_link: uid, status: 'pay' },
      { localAddress: '127.0.0.1' },
    );
    expect(intruder.status).toBe(403);
    expect(intruder.body).toEqual({
      status: false,
      message: 'Only the IP that joined the invoice first may update it',
    });

    const before = first.count('invoce:refetch');
    const payer = await sb.call(
      { type: 'update', uid_link: uid, status: 'pay', log: 'Заявка оплаченна клієнтом' },
      { localAddress: '127.0.0.2' },
    );
    expect(payer.body).toEqual({ status: true });
    await waitFor(() => first.count('invoce:refetch') > before && second.count('invoce:refetch') > 0, {
      what: 'refetch after the payer update',
    });
    const row = (await sb.control('GET', `/sandbox/invoices/${uid}`)).body.data;
    expect(row.row.status).toBe('pay');
    expect(row.row.ip).toBe('127.0.0.2');
    expect(row.log.at(-1).status).toBe('Заявка оплаченна клієнтом');

    // The payer's other moves: photo in waitPhoto, then to the admin.
    await moveTo(sb, uid, { status: 'waitPhoto' });
    const noStatusYet = await sb.call(
      { type: 'update', uid_link: uid, status: 'success' },
      { localAddress: '127.0.0.2' },
    );
    expect(noStatusYet.status).toBe(409);
    const photo = await sb.call(
      {
        type: 'update',
        uid_link: uid,
        status: 'notApprove',
        approve_photo: 'https://example.com/p.jpg',
        log: 'Фото',
      },
      { localAddress: '127.0.0.2' },
    );
    expect(photo.body).toEqual({ status: true });
    const forbidden = await sb.call(
      { type: 'update', uid_link: uid, send_value: '1' },
      { localAddress: '127.0.0.2' },
    );
    expect(forbidden.status).toBe(403);
  });

  it('dropped sockets reconnect by themselves; refused handshakes are retried until allowed', async () => {
    const uid = await controlInvoice(sb);
    const a = joiner(uid);
    await waitFor(() => a.count('ip:send') === 1, { what: 'join' });
    const errors: Error[] = [];
    a.socket.io.on('error', (err) => errors.push(err));

    const dropped = await sb.control('POST', '/sandbox/sockets/drop', { refuseSeconds: 3600 });
    expect(dropped.body.data.dropped).toBeGreaterThanOrEqual(1);
    await waitFor(() => a.events.some((e) => e.name === 'disconnect' && e.args[0] === 'transport close'), {
      what: 'transport close',
    });
    await waitFor(() => errors.length >= 2, { what: 'refused reconnection attempts' });
    expect(a.socket.connected).toBe(false);

    await sb.control('POST', '/sandbox/faults', { refuseSocketsSeconds: 0 });
    await waitFor(() => a.count('connect') === 2 && a.count('ip:send') === 2, {
      what: 'reconnect and re-join',
    });
    await moveTo(sb, uid, { status: 'wait card' });
    await waitFor(() => a.count('invoce:refetch') === 1, { what: 'refetch after reconnect' });
    const faults = (await sb.control('GET', '/sandbox/faults')).body.data;
    expect(faults.fired.refuseSockets).toBeGreaterThanOrEqual(2);
  });
});

describe('key rotation and faults', () => {
  it('after a rotation the old key is "too old" (non-2xx) and the new one works', async () => {
    const oldPem = await sb.publicPem();
    const uid = await controlInvoice(sb);
    const rotated = await sb.control('POST', '/sandbox/key/rotate');
    expect(rotated.body.data.generation).toBe(1);
    const stale = await sb.call({ type: 'get', uid_link: uid }, { pem: oldPem });
    expect(stale.status).toBeGreaterThanOrEqual(300);
    expect(stale.body).toEqual({ status: false, message: 'Your key is too old' });
    const newPem = await sb.publicPem();
    expect(newPem).not.toBe(oldPem);
    expect((await sb.call({ type: 'get', uid_link: uid }, { pem: newPem })).body.status).toBe(true);
  });

  it('500 bursts answer HTML, then the service is back', async () => {
    await sb.control('POST', '/sandbox/faults', { http500: 2 });
    const pem = await sb.publicPem().catch((e: Error) => e);
    expect(pem).toBeInstanceOf(Error);
    const raw = await post(sb.url, '/method/RemoteInvoiceApi', { 'content-type': 'application/json' }, '{}');
    expect(raw.status).toBe(500);
    expect(String(raw.body)).toContain('Internal Server Error');
    expect((await sb.call({ type: 'create', title: 'ok', price: '1' })).status).toBe(200);
  });

  it('malformed exchange_log: the closing bracket is cut, as in the documented sample', async () => {
    const uid = await controlInvoice(sb);
    await sb.control('POST', '/sandbox/faults', { malformedExchangeLog: true });
    const log = (await sb.call({ type: 'get', uid_link: uid })).body.response.data.invoice[0]
      .exchange_log as string;
    expect(log.startsWith('[{')).toBe(true);
    expect(() => JSON.parse(log)).toThrow();
    await sb.control('DELETE', '/sandbox/faults');
    const fixed = (await sb.call({ type: 'get', uid_link: uid })).body.response.data.invoice[0]
      .exchange_log as string;
    expect(JSON.parse(fixed)).toHaveLength(1);
  });
});

describe('control API', () => {
  it('validates status moves, keeps final statuses final, refuses removal while a payment is checked', async () => {
    const uid = await controlInvoice(sb);
    expect((await moveTo(sb, uid, { status: 'paid' })).status).toBe(422);
    expect((await moveTo(sb, uid, { status: 'send card', uid_link: 'x' })).status).toBe(422);
    expect((await moveTo(sb, uid, { status: 'send card', bogus: '1' })).status).toBe(422);
    const sent = await moveTo(sb, uid, { status: 'send card' });
    expect(sent.body.data.row).toMatchObject({ status: 'send card', card_f_pay: '9999-9999-9999-9999' });
    await moveTo(sb, uid, { status: 'pay' });
    const removal = await sb.call({ type: 'remove', uid_link: uid });
    expect(removal.status).toBe(409);
    const priced = await moveTo(sb, uid, { status: 'pay', send_value: '1600' });
    expect(priced.body.data.row.send_value).toBe('1600');
    expect(priced.body.data.history.map((h: Json) => h.status)).toEqual([
      'not approve exchange',
      'send card',
      'pay',
      'pay',
    ]);
    await moveTo(sb, uid, { status: 'success' });
    expect((await moveTo(sb, uid, { status: 'canceled' })).status).toBe(409);
    expect((await sb.control('GET', '/sandbox/invoices/nope')).status).toBe(404);
  });

  it('answers under /sandbox/wellpay/ too, and reset clears invoices', async () => {
    const state = await sb.control('GET', '/sandbox/wellpay/state');
    expect(state.status).toBe(200);
    expect(state.body.data.tokens).toContain(`…${TOKEN.slice(-4)}`);
    expect(JSON.stringify(state.body)).not.toContain(TOKEN);
    const reset = await sb.control('POST', '/sandbox/reset');
    expect(reset.body.data.invoices).toEqual([]);
  });
});

describe('mounted on a shared server', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  it('serves REST, control and socket.io next to another app without taking its listeners', async () => {
    const mount = await createWellpayMount({ tokens: [TOKEN] });
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x.invalid');
      void mount.handleRequest(req, res, url).then((served) => {
        if (!served) res.writeHead(200, { 'content-type': 'text/plain' }).end('other app');
      });
    });
    server.on('upgrade', (req, socket, head) => {
      if (!mount.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${origin}/v3/anything`)).text()).toBe('other app');
      expect((await controlCall(origin, 'GET', '/sandbox/state')).body).toBe('other app');
      const created = await controlCall(origin, 'POST', '/sandbox/wellpay/invoices', {
        title: 't',
        price: '5',
      });
      const uid = created.body.data.row.uid_link as string;
      const socket = io(origin, { transports: ['websocket'], forceNew: true });
      sockets.push(socket);
      const ip = await new Promise<unknown>((resolve) => {
        socket.on('connect', () => socket.emit('invoice:join', uid));
        socket.on('ip:send', resolve);
      });
      expect(ip).toBe('127.0.0.1');
      socket.disconnect();
    } finally {
      await mount.close();
      server.closeAllConnections();
    }
  });
});
