import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  dispatch,
  parseFrame,
  RpcError,
  RPC_INVALID_PARAMS,
  RPC_INVALID_REQUEST,
  RPC_METHOD_NOT_FOUND,
  RPC_PARSE_ERROR,
  RPC_INTERNAL_ERROR,
  type MethodHandler,
} from '../../shared/protocol/jsonrpc.ts';

const calls: unknown[] = [];
const methods: Record<string, MethodHandler> = {
  echo: (params) => params,
  fail: () => {
    throw new RpcError(RPC_INVALID_PARAMS, 'Invalid params');
  },
  crash: () => {
    throw new Error('secret internal detail');
  },
  record: (params) => {
    calls.push(params);
    return { status: 'success' };
  },
};

const run = async (frame: string) => {
  const out = await dispatch(frame, methods);
  return out === null ? null : (JSON.parse(out) as unknown);
};

describe('JSON-RPC 2.0 dispatch', () => {
  it('answers a call', async () => {
    expect(await run('{"jsonrpc":"2.0","id":"a1","method":"echo","params":{"x":1}}')).toEqual({
      jsonrpc: '2.0',
      id: 'a1',
      result: { x: 1 },
    });
  });

  it('gives spec codes for parse errors, invalid requests, unknown methods and bad params', async () => {
    expect(await run('{not json')).toMatchObject({ id: null, error: { code: RPC_PARSE_ERROR } });
    expect(await run('{"jsonrpc":"1.0","id":1,"method":"echo"}')).toMatchObject({
      id: 1,
      error: { code: RPC_INVALID_REQUEST },
    });
    expect(await run('{"jsonrpc":"2.0","id":1,"method":5}')).toMatchObject({
      id: 1,
      error: { code: RPC_INVALID_REQUEST },
    });
    expect(await run('{"jsonrpc":"2.0","id":{},"method":"echo"}')).toMatchObject({
      id: null,
      error: { code: RPC_INVALID_REQUEST },
    });
    expect(await run('{"jsonrpc":"2.0","id":2,"method":"echo","params":"str"}')).toMatchObject({
      error: { code: RPC_INVALID_REQUEST },
    });
    expect(await run('{"jsonrpc":"2.0","id":3,"method":"nope"}')).toMatchObject({
      id: 3,
      error: { code: RPC_METHOD_NOT_FOUND },
    });
    expect(await run('{"jsonrpc":"2.0","id":4,"method":"fail"}')).toMatchObject({
      id: 4,
      error: { code: RPC_INVALID_PARAMS },
    });
    expect(await run('"just a string"')).toMatchObject({ error: { code: RPC_INVALID_REQUEST } });
  });

  it('never leaks an internal error', async () => {
    const out = await dispatch('{"jsonrpc":"2.0","id":5,"method":"crash"}', methods);
    expect(JSON.parse(out!)).toMatchObject({
      id: 5,
      error: { code: RPC_INTERNAL_ERROR, message: 'Internal error' },
    });
    expect(out).not.toContain('secret');
  });

  it('does not answer notifications, answers batches with an array', async () => {
    expect(await run('{"jsonrpc":"2.0","method":"echo","params":[1]}')).toBeNull();
    expect(await run('[]')).toMatchObject({ error: { code: RPC_INVALID_REQUEST } });
    expect(await run('[1]')).toEqual([
      { jsonrpc: '2.0', id: null, error: expect.objectContaining({ code: RPC_INVALID_REQUEST }) },
    ]);
    expect(
      await run(
        '[{"jsonrpc":"2.0","id":1,"method":"echo","params":[1]},{"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","id":2,"method":"nope"}]',
      ),
    ).toEqual([
      { jsonrpc: '2.0', id: 1, result: [1] },
      { jsonrpc: '2.0', id: 2, error: { code: RPC_METHOD_NOT_FOUND, message: 'Method not found' } },
    ]);
    expect(await run('[{"jsonrpc":"2.0","method":"echo"}]')).toBeNull();
  });

  it('routes replies to the caller and does not answer them', async () => {
    const seen: unknown[] = [];
    const out = await dispatch('{"jsonrpc":"2.0","id":9,"result":{"status":"success"}}', methods, {
      onResponse: (r) => seen.push(r),
    });
    expect(out).toBeNull();
    expect(seen).toEqual([{ jsonrpc: '2.0', id: 9, result: { status: 'success' } }]);
  });

  it('drops prototype-polluting keys and bounds depth and size', () => {
    const f = parseFrame('{"__proto__":{"polluted":true},"a":{"constructor":{"prototype":{"x":1}}}}');
    expect(f.kind).toBe('single');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(f.kind === 'single' && Object.keys(f.value as object)).toEqual(['a']);
    expect(parseFrame('['.repeat(100) + ']'.repeat(100)).kind).toBe('parse_error');
    expect(parseFrame('"' + 'x'.repeat(2_000_000) + '"').kind).toBe('parse_error');
    expect(parseFrame('['.repeat(200_000)).kind).toBe('parse_error');
  });

  it('survives thousands of hostile frames with a correct error and no handler call', async () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .jsonValue()
        .map((v) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'record', params: v, __proto__: 1 })),
      fc
        .record({ jsonrpc: fc.constantFrom('2.0', '1.0', 2), id: fc.jsonValue(), method: fc.jsonValue() })
        .map((v) => JSON.stringify(v)),
      fc.array(fc.jsonValue(), { maxLength: 5 }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (frame) => {
        calls.length = 0;
        const out = await dispatch(frame, methods);
        if (out === null) return;
        const parsed = JSON.parse(out) as unknown;
        const replies = Array.isArray(parsed) ? parsed : [parsed];
        for (const r of replies as Record<string, unknown>[]) {
          expect(r.jsonrpc).toBe('2.0');
          expect('result' in r !== 'error' in r).toBe(true);
          if ('error' in r)
            expect([
              RPC_PARSE_ERROR,
              RPC_INVALID_REQUEST,
              RPC_METHOD_NOT_FOUND,
              RPC_INVALID_PARAMS,
            ]).toContain((r.error as { code: number }).code);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
