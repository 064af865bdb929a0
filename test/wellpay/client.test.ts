/** The encrypted REST client against the real emulator: crypto round trip, the k − 11 limit, key refresh, secrecy. */
import { constants, createPrivateKey, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  WellpayClient,
  WellpayError,
  decodePublishedKey,
  encryptPayload,
  plaintextLimit,
  plaintextOf,
  rot13,
  type WellpayLogger,
} from '../../electron/core/providers/wellpay/index.ts';
import { keyPair } from '../../electron/sandbox/wellpay/keys.ts';
import { decryptPkcs1v15, publishKey, unpadPkcs1v15 } from '../../electron/sandbox/wellpay/rsa.ts';
import { TOKEN, controlInvoice, withWellpay } from './helpers.ts';

const sb = withWellpay();

interface Line {
  level: string;
  event: string;
  fields: Record<string, unknown> | undefined;
}

function recordingLog(): WellpayLogger & { lines: Line[] } {
  const lines: Line[] = [];
  const push = (level: string) => (event: string, fields?: Record<string, unknown>) => {
    lines.push({ level, event, fields });
  };
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

function client(options: { token?: string; log?: WellpayLogger; apiUrl?: string } = {}): WellpayClient {
  return new WellpayClient({
    apiUrl: options.apiUrl ?? sb.url,
    token: () => options.token ?? TOKEN,
    ...(options.log ? { log: options.log } : {}),
  });
}

function requests(): { key: number; method: number } {
  const { key, method } = sb.sandbox.state.requests;
  return { key, method };
}

/** A `create` payload whose plaintext is exactly `bytes` bytes (title of 2-byte Cyrillic letters plus ASCII). */
function createOfSize(bytes: number): Record<string, unknown> {
  const base = plaintextOf({ type: 'create', title: '', price: '1' });
  const room = bytes - Buffer.byteLength(base);
  const title = 'ж'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2);
  const payload = { type: 'create', title, price: '1' };
  expect(Buffer.byteLength(plaintextOf(payload))).toBe(bytes);
  return payload;
}

async function failure(promise: Promise<unknown>): Promise<WellpayError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WellpayError);
  return err as WellpayError;
}

describe('crypto', () => {
  it('ROT13 touches letters only and is its own inverse', () => {
    expect(rot13('-----BEGIN RSA PUBLIC KEY-----\nMIIC+/=09')).toBe(
      '-----ORTVA EFN CHOYVP XRL-----\nZVVP+/=09',
    );
    expect(rot13(rot13('Hello, Світ 123'))).toBe('Hello, Світ 123');
  });

  it('decodes the published key and encrypts what the emulator decrypts (PKCS#1 v1.5, round trip)', async () => {
    const pair = await keyPair(4096, 0);
    const info = decodePublishedKey(publishKey(pair.publicPem));
    expect(info.pem).toBe(pair.publicPem);
    expect(info.bits).toBe(4096);
    expect(info.maxPlaintextBytes).toBe(501);
    const payload = { type: 'create', title: 'Кава ☕', price: '150.50' };
    const data = encryptPayload(info, payload);
    const ciphertext = Buffer.from(data, 'base64');
    expect(ciphertext).toHaveLength(512);
    const plain = decryptPkcs1v15(pair.privateKey, ciphertext, 4096);
    expect(plain?.toString('utf8')).toBe(JSON.stringify({ ...payload, verificationWord: 'bandasosamba' }));
    // Randomised padding: the same payload never encrypts the same way twice.
    expect(encryptPayload(info, payload)).not.toBe(data);
  });

  it('the emulator’s padding check refuses malformed blocks', () => {
    const k = 16;
    const good = Buffer.from([0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0x41, 0x42, 0x43, 0x44, 0x45]);
    expect(unpadPkcs1v15(good, k)?.toString()).toBe('ABCDE');
    const variants: Buffer[] = [
      Buffer.from([1, ...good.subarray(1)]),
      Buffer.from([0, 1, ...good.subarray(2)]),
      Buffer.from([0, 2, 1, 2, 3, 4, 5, 6, 7, 0, 9, 0x41, 0x42, 0x43, 0x44, 0x45]), // 7 bytes of padding
      Buffer.from([0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]), // no separator
      good.subarray(1),
    ];
    for (const block of variants) expect(unpadPkcs1v15(block, k)).toBeNull();
    // And Node's own v1.5 decryption, where still allowed, agrees on a real ciphertext (sanity of the fixture key).
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const info = decodePublishedKey(Buffer.from(rot13(pem)).toString('base64'));
    const ct = Buffer.from(encryptPayload(info, { a: 1 }), 'base64');
    const ours = decryptPkcs1v15(
      createPrivateKey(privateKey.export({ type: 'pkcs1', format: 'pem' })),
      ct,
      1024,
    );
    const raw = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ct);
    expect(raw[0]).toBe(0);
    expect(raw[1]).toBe(2);
    expect(ours?.toString()).toBe('{"a":1,"verificationWord":"bandasosamba"}');
  });

  it('refuses keys that are not RSA public keys', () => {
    expect(() => decodePublishedKey('***')).toThrow(/not base64/);
    expect(() => decodePublishedKey(Buffer.from('hello').toString('base64'))).toThrow(/no PEM header/);
    const broken = rot13('-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n');
    expect(() => decodePublishedKey(Buffer.from(broken).toString('base64'))).toThrow(/does not parse/);
    expect(plaintextLimit(4096)).toBe(501);
    expect(plaintextLimit(2048)).toBe(245);
  });
});

describe('the k − 11 limit', () => {
  it('501 bytes go through; 502 bytes throw before any request — cold (no key yet) and warm', async () => {
    const cold = client();
    const before = requests();
    const err = await failure(cold.call(createOfSize(502)));
    expect(err.code).toBe('payload_too_large');
    expect(err.message).toContain('502 bytes');
    expect(err.message).toContain('at most 501');
    expect(requests()).toEqual(before); // not even the key was asked for

    const ok = await cold.call(createOfSize(501));
    expect(ok.status).toBe(true);
    const warm = requests();
    expect(warm).toEqual({ key: before.key + 1, method: before.method + 1 });

    const again = await failure(cold.call(createOfSize(502)));
    expect(again.code).toBe('payload_too_large');
    // Multi-byte text counts in bytes: 251 Cyrillic letters are 502 bytes of title alone.
    const cyr = await failure(cold.create('ж'.repeat(251), 100));
    expect(cyr.code).toBe('payload_too_large');
    expect(requests()).toEqual(warm);
  });
});

describe('key refresh', () => {
  it('"Your key is too old" → one new key, the call repeated, success', async () => {
    const log = recordingLog();
    const c = client({ log });
    const uid = await controlInvoice(sb);
    expect((await c.get(uid)).uid_link).toBe(uid);
    const generation = sb.sandbox.keys.current.generation;
    await sb.control('POST', '/sandbox/key/rotate');
    expect(sb.sandbox.keys.current.generation).toBe(generation + 1);

    const before = requests();
    const invoice = await c.get(uid);
    expect(invoice.uid_link).toBe(uid);
    expect(requests()).toEqual({ key: before.key + 1, method: before.method + 2 });
    expect(log.lines.map((l) => l.event)).toContain('wellpay.key_too_old');
    expect(c.keyBits()).toBe(4096);
  });
});

describe('errors and the access token', () => {
  it('maps answers to error codes; the token appears in no error and no log line', async () => {
    const log = recordingLog();
    const secret = 'zz9secrettokenvalue00000000000000';
    await sb.control('POST', '/sandbox/tokens', { token: secret });
    const c = client({ token: secret, log });
    const errors: WellpayError[] = [];

    errors.push(await failure(c.get('no-such-invoice')));
    expect(errors.at(-1)!.code).toBe('not_found');
    expect(errors.at(-1)!.httpStatus).toBe(404);

    await sb.control('POST', '/sandbox/faults', { http500: 1 });
    errors.push(await failure(c.get('no-such-invoice')));
    expect(errors.at(-1)!.code).toBe('http');
    expect(errors.at(-1)!.message).toContain('HTTP 500');
    expect(errors.at(-1)!.message).toContain('Internal Server Error');

    errors.push(await failure(client({ token: `${secret}x`, log }).get('x')));
    expect(errors.at(-1)!.code).toBe('unauthorized');

    errors.push(await failure(new WellpayClient({ apiUrl: sb.url, token: () => '' }).get('x')));
    expect(errors.at(-1)!.code).toBe('unauthorized');

    // A server that echoes the token back in its message (as a careless backend might).
    const echo = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: false, message: `bad request: ${body}` }));
      });
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    try {
      errors.push(await failure(client({ token: secret, log, apiUrl: echoUrl }).get('x')));
      expect(errors.at(-1)!.code).toBe('http');
      expect(errors.at(-1)!.message).toContain('access_token=');
    } finally {
      await new Promise<void>((r) => echo.close(() => r()));
    }

    // Nobody listening.
    errors.push(await failure(client({ token: secret, log, apiUrl: echoUrl }).get('x')));
    expect(errors.at(-1)!.code).toBe('network');

    for (const err of errors) {
      for (const text of [
        err.message,
        String(err),
        err.stack ?? '',
        JSON.stringify(err),
        inspect(err, { depth: 5 }),
      ]) {
        expect(text).not.toContain(secret);
      }
    }
    expect(log.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(log.lines)).not.toContain(secret);
  });
});
