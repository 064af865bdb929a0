import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MASK, isSecretKey, maskDeep, maskSecrets } from '../../electron/core/diagnostics/mask.ts';

const DEMO = 'b37c4c689295904ed21eee5d9a48d42e';
const ORDER_ID = '01823fda-667f-6ddb-02a3-c4b7a7b5a3ac';

describe('maskSecrets: known secrets', () => {
  it('replaces every occurrence of a known secret', () => {
    const secret = 'not-hex-but-secret-42';
    expect(maskSecrets(`a ${secret} b ${secret}${secret}`, [secret])).toBe('a *** b ******');
  });

  it('masks the URL-encoded form of a known secret', () => {
    const l3 = `29078-API:${DEMO}`;
    const url = `https://example.test/?x=${encodeURIComponent(l3)}`;
    expect(maskSecrets(url, [l3])).toBe('https://example.test/?x=***');
  });

  it('replaces the longest secret first', () => {
    expect(maskSecrets('abcdefgh-ijkl', ['abcdefgh', 'abcdefgh-ijkl'])).toBe('***');
  });

  it('ignores empty and very short secrets instead of destroying the text', () => {
    expect(maskSecrets('a b c amount=1487.52', ['', 'a', 'b'])).toBe('a b c amount=1487.52');
  });

  it('handles regex metacharacters in secrets literally', () => {
    expect(maskSecrets('x (a+b)*[c] y', ['(a+b)*[c]'])).toBe('x *** y');
  });
});

describe('maskSecrets: token-shaped things', () => {
  it('masks the token query parameter of the gate URL', () => {
    expect(maskSecrets(`wss://ws-gate.invoicebox.ru/v3/gate/rpc?token=${DEMO}`)).toBe(
      'wss://ws-gate.invoicebox.ru/v3/gate/rpc?token=***',
    );
    expect(maskSecrets(`https://h/p?a=1&token=whatever-value&b=2#frag`)).toBe(
      'https://h/p?a=1&token=***&b=2#frag',
    );
    expect(maskSecrets('GET /x?TOKEN=short')).toBe('GET /x?TOKEN=***');
    expect(maskSecrets('see /x?access_token=zzz end')).toBe('see /x?access_token=*** end');
  });

  it('masks a URL-encoded token parameter inside another URL', () => {
    const inner = `wss://ws-gate.invoicebox.ru/v3/gate/rpc?token=sEcReT-1&x=1`;
    const outer = `https://proxy.test/?target=${encodeURIComponent(inner)}`;
    const masked = maskSecrets(outer);
    expect(masked).not.toContain('sEcReT-1');
    expect(masked).toContain('%3Ftoken%3D***%26x%3D1');
  });

  it('masks an l3 token in the query string, URL-encoded', () => {
    const masked = maskSecrets(`?token=${encodeURIComponent(`29078-API:${DEMO}`)}`);
    expect(masked).toBe('?token=***');
  });

  it('masks secret fields in JSON text', () => {
    const body =
      '{"data":{"userId":7,"profile":{},"accessToken":"opaque \\"quoted\\" value"},"password": "p@ss"}';
    expect(maskSecrets(body)).toBe(
      '{"data":{"userId":7,"profile":{},"accessToken":"***"},"password": "***"}',
    );
    expect(maskSecrets('{"tokenKind":"v3"}')).toBe('{"tokenKind":"v3"}');
  });

  it('masks Bearer credentials', () => {
    expect(maskSecrets('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer ***');
    expect(maskSecrets('{"auth":"bearer xyz"}')).toBe('{"auth":"bearer ***"}');
    expect(maskSecrets('{"authorization":"bearer xyz"}')).toBe('{"authorization":"***"}');
  });

  it('masks bare v3 and l3 tokens', () => {
    expect(maskSecrets(`token is ${DEMO}.`)).toBe('token is ***.');
    expect(maskSecrets(`key ${DEMO.toUpperCase()}`)).toBe('key ***');
    expect(maskSecrets(`l3: 29078-API:${DEMO} done`)).toBe('l3: *** done');
    expect(maskSecrets(`x=${DEMO}${DEMO}`)).toBe('x=***');
  });

  it('masks longer hex runs too (an HMAC-SHA1 signature is as sensitive as a token)', () => {
    expect(maskSecrets('X-Signature: 3f786850e387550fdab836ed7e6dc881de23001b')).toBe('X-Signature: ***');
  });

  it('masks a token glued to hex-looking neighbours', () => {
    expect(maskSecrets(`abc${DEMO}def`)).toBe('***');
  });
});

describe('maskSecrets: personal data', () => {
  it('masks e-mail addresses keeping the first character and the domain', () => {
    expect(maskSecrets('customer petr.ivanov@example.com paid')).toBe('customer p***@example.com paid');
    expect(maskSecrets('"email":"a@b.co"')).toBe('"email":"a***@b.co"');
    expect(maskSecrets('mailto:ivan+shop@mail.ru,')).toBe('mailto:i***@mail.ru,');
    expect(maskSecrets('почта: анна@пример.рф')).toBe('почта: а***@пример.рф');
  });

  it.each([
    ['+7 900 111-22-33'],
    ['79001112233'],
    ['+79001112233'],
    ['8 (900) 111 22 33'],
    ['8(900)111-22-33'],
    ['+7(900)111-22-33'],
    ['8-900-111-22-33'],
  ])('masks the Russian phone number %s keeping the last two digits', (phone) => {
    expect(maskSecrets(`call ${phone} now`)).toBe('call +7*******33 now');
    expect(maskSecrets(`phone=${phone}`)).toBe('phone=+7*******33');
    expect(maskSecrets(`"${phone}"`)).toBe('"+7*******33"');
  });

  it('masks a phone at the end of a sentence', () => {
    expect(maskSecrets('Звоните: 8 900 111 22 44.')).toBe('Звоните: +7*******44.');
  });
});

describe('maskSecrets: leaves ordinary data alone', () => {
  it.each([
    [ORDER_ID],
    ['ffffffff-ffff-ffff-ffff-ffffffffffff'],
    ['78001112-2334-4556-8778-789001112233'],
    ['2026-11-23T10:00:00.000Z'],
    ['2020-12-22T00:00:00+00:00'],
    ['amount=1487.52 vatAmount=268.24 currency=RUB'],
    ['quantity=3 measureCode=796 measure=шт.'],
    ['ts=1700000000000'],
    ['amount=79001112233.50'],
    ['0.79001112233'],
    ['31 hex digits are not a token: 3f786850e387550fdab836ed7e6dc88'],
    ['merchantOrderId=ORD-2026-000123'],
    ['X-Request-Id: 6f1d3a2b-0c4e-4f5a-9b8c-7d6e5f4a3b2c'],
    ['gate.connected url=wss://ws-gate.invoicebox.ru/v3/gate/rpc state=live'],
    ['Bearer'],
    ['price 8 900 ₽'],
  ])('does not touch %s', (text) => {
    expect(maskSecrets(text)).toBe(text);
  });

  it('keeps an order id intact next to a masked token', () => {
    const line = `order=${ORDER_ID} url=wss://h/rpc?token=${DEMO} amount=1487.52`;
    expect(maskSecrets(line, [DEMO])).toBe(`order=${ORDER_ID} url=wss://h/rpc?token=*** amount=1487.52`);
  });

  it('returns non-strings and empty strings unchanged', () => {
    expect(maskSecrets('')).toBe('');
  });
});

describe('maskSecrets: properties', () => {
  const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
  const anyText = fc.string({ unit: 'grapheme-ascii', maxLength: 60 });
  const mixedText = fc.string({ unit: 'binary', maxLength: 40 });

  it('a random 32-hex token embedded in random text never survives (pattern rule alone)', () => {
    fc.assert(
      fc.property(anyText, hex32, anyText, mixedText, (before, token, after, more) => {
        const masked = maskSecrets(`${before}${token}${after}${more}`);
        expect(masked.toLowerCase()).not.toContain(token);
      }),
      { numRuns: 2000 },
    );
  });

  it('a random 32-hex token survives neither as a known secret nor in a gate URL', () => {
    fc.assert(
      fc.property(anyText, hex32, anyText, (before, token, after) => {
        const text = `${before}wss://ws-gate.invoicebox.ru/v3/gate/rpc?token=${token}${after} ${token}`;
        const masked = maskSecrets(text, [token]);
        expect(masked).not.toContain(token);
        expect(masked).not.toContain(token.slice(0, 16));
      }),
      { numRuns: 1000 },
    );
  });

  it('a random l3 token never survives, raw or URL-encoded', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.integer({ min: 1, max: 99_999_999 }),
        hex32,
        anyText,
        (before, n, hex, after) => {
          const token = `${n}-API:${hex}`;
          for (const form of [token, encodeURIComponent(token)]) {
            const masked = maskSecrets(`${before}${form}${after}`);
            expect(masked).not.toContain(hex);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('is idempotent', () => {
    const piece = fc.oneof(
      anyText,
      hex32,
      fc.constantFrom(ORDER_ID, 'petr@example.com', '+7 900 111-22-33', '?token=abc', 'Bearer x', '1487.52'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const once = maskSecrets(pieces.join(' '));
        expect(maskSecrets(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('UUIDs survive masking wherever they appear', () => {
    fc.assert(
      fc.property(anyText, fc.uuid(), anyText, (before, uuid, after) => {
        // Keep the UUID delimited so that the surrounding random text cannot legitimately extend it.
        expect(maskSecrets(`${before} ${uuid} ${after}`)).toContain(` ${uuid} `);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('maskDeep', () => {
  it('masks strings recursively and secret-named keys wholesale, without mutating the input', () => {
    const input = {
      url: `wss://h/rpc?token=${DEMO}`,
      token: 'anything at all',
      accessToken: 12345,
      headers: { Authorization: 'Bearer abc', 'X-Request-Id': ORDER_ID },
      nested: [{ password: { deep: 'x' } }, 'mail petr@example.com', 1487.52, null, true],
      customer: { phone: '+7 900 111-22-33', email: 'a@b.co' },
      api_token: 'x',
    };
    const copy = structuredClone(input);
    const out = maskDeep(input, [DEMO]);
    expect(out).toEqual({
      url: 'wss://h/rpc?token=***',
      token: MASK,
      accessToken: MASK,
      headers: { Authorization: MASK, 'X-Request-Id': ORDER_ID },
      nested: [{ password: MASK }, 'mail p***@example.com', 1487.52, null, true],
      customer: { phone: '+7*******33', email: 'a***@b.co' },
      api_token: MASK,
    });
    expect(input).toEqual(copy);
  });

  it('turns errors into plain masked objects and survives cycles', () => {
    const err = Object.assign(new Error(`connect failed: wss://h/rpc?token=${DEMO}`), {
      code: 'ECONNREFUSED',
    });
    const cyclic: Record<string, unknown> = { name: 'loop', err };
    cyclic.self = cyclic;
    expect(maskDeep(cyclic, [])).toEqual({
      name: 'loop',
      err: { name: 'Error', message: 'connect failed: wss://h/rpc?token=***', code: 'ECONNREFUSED' },
      self: '[Circular]',
    });
  });

  it('keeps shared (non-cyclic) references', () => {
    const shared = { v: 'petr@example.com' };
    expect(maskDeep({ a: shared, b: shared }, [])).toEqual({
      a: { v: 'p***@example.com' },
      b: { v: 'p***@example.com' },
    });
  });

  it('handles primitives, dates, maps and sets', () => {
    expect(maskDeep(DEMO, [])).toBe(MASK);
    expect(maskDeep(42, [])).toBe(42);
    expect(maskDeep(undefined, [])).toBe(undefined);
    expect(maskDeep(new Date('2026-11-23T10:00:00Z'), [])).toBe('2026-11-23T10:00:00.000Z');
    expect(maskDeep(new Map([['token', 'x']]), [])).toEqual({ token: MASK });
    expect(maskDeep(new Set([DEMO]), [])).toEqual([MASK]);
  });

  it('recognises secret keys case- and separator-insensitively', () => {
    for (const k of [
      'token',
      'Token',
      'access_token',
      'accessToken',
      'AUTHORIZATION',
      'password',
      'x-api-key',
    ]) {
      expect(isSecretKey(k), k).toBe(true);
    }
    for (const k of ['tokenKind', 'amount', 'merchantId', 'url']) expect(isSecretKey(k), k).toBe(false);
  });
});
