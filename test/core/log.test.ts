import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLog } from '../../electron/core/diagnostics/log.ts';
import type { Log } from '../../electron/core/diagnostics/log.ts';

const TOKEN = '5f2b9c0d7e4a41b8a6c3d2e1f0a9b8c7';
const T0 = Date.parse('2026-11-23T10:00:00.000Z');

/** A clock that advances by 1 ms per call. */
function steppingClock(start = T0): () => number {
  let t = start;
  return () => t++;
}

let dir: string;
const logs: Log[] = [];
const make = (...args: Parameters<typeof createLog>): Log => {
  const log = createLog(...args);
  logs.push(log);
  return log;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-log-'));
});

afterEach(() => {
  for (const log of logs.splice(0)) log.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('line format', () => {
  it('formats timestamp, level, event and key=value fields', () => {
    const log = make({ secrets: () => [], clock: () => T0 });
    log.info('gate.connected', { state: 'live', attempt: 2, ok: true, nothing: null, skipped: undefined });
    log.warn('gate.slow', { ms: 1500 });
    log.error('gate.failed', { reason: 'connection refused', err: new TypeError('boom') });
    expect(log.lines()).toEqual([
      '2026-11-23T10:00:00.000Z INFO gate.connected state=live attempt=2 ok=true nothing=null',
      '2026-11-23T10:00:00.000Z WARN gate.slow ms=1500',
      '2026-11-23T10:00:00.000Z ERROR gate.failed reason="connection refused" err="TypeError: boom"',
    ]);
  });

  it('keeps each entry on one line and quotes values that need it', () => {
    const log = make({ secrets: () => [], clock: () => T0 });
    log.info('multi line\nevent', { text: 'a\nb', eq: 'a=b', q: 'say "hi"', obj: { a: [1, 2] } });
    const [line] = log.lines();
    expect(line).toBe(
      '2026-11-23T10:00:00.000Z INFO multi_line_event text="a\\nb" eq=a=b q="say \\"hi\\"" obj={"a":[1,2]}',
    );
    expect(line).not.toContain('\n');
  });

  it('accepts a Date clock', () => {
    const log = make({ secrets: () => [], clock: () => new Date(T0 + 5) });
    log.info('x');
    expect(log.lines()).toEqual(['2026-11-23T10:00:00.005Z INFO x']);
  });

  it('caps very long lines after masking', () => {
    const log = make({ secrets: () => [TOKEN], clock: () => T0, maxLineLength: 200 });
    log.info('big', { blob: 'x'.repeat(5000) + TOKEN });
    const [line] = log.lines();
    expect(line!.length).toBeLessThan(260);
    expect(line).toMatch(/…\[\+\d+ chars\]$/);
    expect(log.entries(1)[0]!.fields).toBeUndefined();
  });
});

describe('masking before storage', () => {
  it('masks the token in URLs, free text, nested fields and secret-named keys', () => {
    const log = make({ secrets: () => [TOKEN], clock: () => T0 });
    const seen: string[] = [];
    log.onLine((line) => seen.push(line));
    log.info('gate.connected', {
      url: `wss://ws-gate.invoicebox.ru/v3/gate/rpc?token=${TOKEN}`,
      state: 'live',
    });
    log.info('api.request', {
      headers: { Authorization: `Bearer ${TOKEN}` },
      token: TOKEN,
      note: `t=${TOKEN}`,
    });
    log.error('api.failed', { err: new Error(`401 for ${TOKEN}`), customer: 'petr@example.com' });
    log.info(`event-with-${TOKEN}`);

    expect(log.lines()[0]).toBe(
      '2026-11-23T10:00:00.000Z INFO gate.connected url=wss://ws-gate.invoicebox.ru/v3/gate/rpc?token=*** state=live',
    );
    const all = [...log.lines(), ...seen, JSON.stringify(log.entries())];
    for (const text of all) expect(text).not.toContain(TOKEN);
    expect(log.lines()[2]).toContain('customer=p***@example.com');
    expect(log.entries(3)[0]!.fields).toEqual({
      headers: { Authorization: '***' },
      token: '***',
      note: 't=***',
    });
  });

  it('masks a secret it learns about later (secrets() is called per line)', () => {
    let secrets: string[] = [];
    const log = make({ secrets: () => secrets, clock: () => T0 });
    const custom = 'custom-secret-value';
    log.info('before', { v: custom });
    secrets = [custom];
    log.info('after', { v: custom });
    expect(log.lines()).toEqual([
      `2026-11-23T10:00:00.000Z INFO before v=${custom}`,
      '2026-11-23T10:00:00.000Z INFO after v=***',
    ]);
  });

  it('masks even when secrets() throws', () => {
    const log = make({
      secrets: () => {
        throw new Error('no');
      },
      clock: () => T0,
    });
    log.info('x', { url: `?token=${TOKEN}` });
    expect(log.lines()).toEqual(['2026-11-23T10:00:00.000Z INFO x url=?token=***']);
  });

  it('writes only masked text to the file', () => {
    const log = make({ secrets: () => [TOKEN], clock: () => T0, file: { dir } });
    log.info('gate.connected', { url: `wss://h/rpc?token=${TOKEN}` });
    log.close();
    const text = fs.readFileSync(path.join(dir, 'paydesk.log'), 'utf8');
    expect(text).toBe('2026-11-23T10:00:00.000Z INFO gate.connected url=wss://h/rpc?token=***\n');
  });
});

describe('ring', () => {
  it('keeps only the last ringSize lines, newest last', () => {
    const log = make({ ringSize: 5, secrets: () => [], clock: steppingClock() });
    for (let i = 0; i < 12; i++) log.info('tick', { i });
    const lines = log.lines();
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => l.split(' ').pop())).toEqual(['i=7', 'i=8', 'i=9', 'i=10', 'i=11']);
    expect(log.entries().map((e) => e.fields?.i)).toEqual([7, 8, 9, 10, 11]);
  });

  it('lines(n) returns the last n, clamped', () => {
    const log = make({ ringSize: 10, secrets: () => [], clock: steppingClock() });
    expect(log.lines(3)).toEqual([]);
    for (let i = 0; i < 4; i++) log.info('tick', { i });
    expect(log.lines(2).map((l) => l.split(' ').pop())).toEqual(['i=2', 'i=3']);
    expect(log.lines(40)).toHaveLength(4);
    expect(log.lines(0)).toEqual([]);
    expect(log.lines(-3)).toEqual([]);
    expect(log.lines()).toHaveLength(4);
  });

  it('stays bounded under a flood', () => {
    const log = make({ ringSize: 500, secrets: () => [], clock: steppingClock() });
    for (let i = 0; i < 20_000; i++) log.info('flood', { i });
    expect(log.lines()).toHaveLength(500);
    expect(log.lines(1)[0]).toMatch(/ i=19999$/);
    expect(log.lines()[0]).toMatch(/ i=19500$/);
  });

  it('notifies listeners until they unsubscribe; a throwing listener does not break logging', () => {
    const log = make({ secrets: () => [], clock: () => T0 });
    const got: string[] = [];
    log.onLine(() => {
      throw new Error('bad listener');
    });
    const off = log.onLine((line, entry) => got.push(`${entry.level}:${line}`));
    log.info('one');
    off();
    log.info('two');
    expect(got).toEqual(['info:2026-11-23T10:00:00.000Z INFO one']);
    expect(log.lines()).toHaveLength(2);
  });
});

describe('file rotation', () => {
  const files = () => fs.readdirSync(dir).sort();
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

  it('rotates paydesk.log → paydesk.1.log … and keeps at most `keep` old files', () => {
    // Each line is 48 bytes with the newline: 3 lines fit in 150 bytes, the 4th starts a new file.
    const log = make({ secrets: () => [], clock: () => T0, file: { dir, maxBytes: 150, keep: 2 } });
    for (let i = 0; i < 15; i++) log.info('rotate.test', { n: String(i).padStart(3, '0') });
    log.flush();

    expect(files()).toEqual(['paydesk.1.log', 'paydesk.2.log', 'paydesk.log']);
    for (const f of files()) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(150);
    const numbers = (name: string) => [...read(name).matchAll(/n=(\d+)/g)].map((m) => Number(m[1]));
    expect(numbers('paydesk.log')).toEqual([12, 13, 14]);
    expect(numbers('paydesk.1.log')).toEqual([9, 10, 11]);
    expect(numbers('paydesk.2.log')).toEqual([6, 7, 8]);
  });

  it('continues an existing file and rotates it when it is full', () => {
    fs.writeFileSync(path.join(dir, 'paydesk.log'), 'x'.repeat(190) + '\n');
    const log = make({ secrets: () => [], clock: () => T0, file: { dir, maxBytes: 200, keep: 1 } });
    log.info('after.restart');
    log.close();
    expect(files()).toEqual(['paydesk.1.log', 'paydesk.log']);
    expect(read('paydesk.log')).toBe('2026-11-23T10:00:00.000Z INFO after.restart\n');
    expect(read('paydesk.1.log')).toBe('x'.repeat(190) + '\n');
  });

  it('keep: 0 keeps no old files', () => {
    const log = make({ secrets: () => [], clock: () => T0, file: { dir, maxBytes: 100, keep: 0 } });
    for (let i = 0; i < 10; i++) log.info('k0', { i });
    log.close();
    expect(files()).toEqual(['paydesk.log']);
    expect(read('paydesk.log')).toBe(
      '2026-11-23T10:00:00.000Z INFO k0 i=8\n2026-11-23T10:00:00.000Z INFO k0 i=9\n',
    );
  });

  it('buffers: nothing is written until flush, an error line, or the flush interval', async () => {
    const log = make({ secrets: () => [], clock: () => T0, file: { dir }, flushIntervalMs: 50 });
    log.info('buffered');
    expect(fs.existsSync(path.join(dir, 'paydesk.log'))).toBe(false);
    log.error('urgent');
    expect(read('paydesk.log')).toBe(
      '2026-11-23T10:00:00.000Z INFO buffered\n2026-11-23T10:00:00.000Z ERROR urgent\n',
    );
    log.info('later');
    await new Promise((r) => setTimeout(r, 200));
    expect(read('paydesk.log')).toMatch(/INFO later\n$/);
  });

  it('creates the directory, and close() stops file output but not the ring', () => {
    const nested = path.join(dir, 'a', 'b');
    const log = make({ secrets: () => [], clock: () => T0, file: { dir: nested } });
    log.info('one');
    log.close();
    log.info('two');
    log.flush();
    expect(fs.readFileSync(path.join(nested, 'paydesk.log'), 'utf8')).toBe(
      '2026-11-23T10:00:00.000Z INFO one\n',
    );
    expect(log.lines()).toHaveLength(2);
  });
});
