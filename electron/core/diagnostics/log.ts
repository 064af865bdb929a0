// Structured, masked, bounded logger for the core (Electron main process).
//
// One entry = one line: `2026-11-23T10:00:00.000Z INFO gate.connected url=wss://…?token=*** state=live`.
// Masking (mask.ts) is applied to the fields and then to the whole formatted line BEFORE the line reaches
// the ring, the listeners or the file: nothing unmasked is ever stored. The ring holds the last `ringSize`
// lines (the gateway's getStatus answers with them); lines are capped at `maxLineLength` characters.
//
// File output (optional): `<dir>/paydesk.log`, rotated to paydesk.1.log … paydesk.<keep>.log when it would
// exceed maxBytes. Lines are buffered and appended in batches (at most every flushIntervalMs, or at once
// when the buffer grows past 64 KiB or an error is logged); close() flushes.
import fs from 'node:fs';
import path from 'node:path';
import { maskDeep, maskSecrets } from './mask.ts';

export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface LogEntry {
  /** ISO 8601 UTC timestamp. */
  ts: string;
  level: LogLevel;
  event: string;
  /** Masked fields; omitted when the line had to be truncated (keeps memory bounded). */
  fields?: LogFields;
  /** The formatted, masked line. */
  line: string;
}

export interface LogFileOptions {
  dir: string;
  /** Rotate before the current file would exceed this many bytes. Default 1 000 000. */
  maxBytes?: number;
  /** Rotated files to keep besides the current one (paydesk.1.log … paydesk.<keep>.log). Default 5. */
  keep?: number;
  /** Base name. Default 'paydesk'. */
  name?: string;
}

export interface LogOptions {
  /** Lines kept in memory. Default 500. */
  ringSize?: number;
  file?: LogFileOptions;
  /** The secrets known right now (the token); called for every line. */
  secrets: () => readonly string[];
  /** Current time (epoch ms or Date). Default Date.now. */
  clock?: () => number | Date;
  /** Longer lines are cut (after masking). Default 4000. */
  maxLineLength?: number;
  /** Longest time a line waits in the file buffer. Default 250 ms. */
  flushIntervalMs?: number;
}

export type LineListener = (line: string, entry: LogEntry) => void;

export interface Log {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** The last n formatted lines (all kept lines when n is omitted), newest last. */
  lines(n?: number): string[];
  /** The last n entries, newest last. */
  entries(n?: number): LogEntry[];
  /** Called after each line is stored. Returns an unsubscribe function. */
  onLine(cb: LineListener): () => void;
  /** Write buffered lines to the file now. */
  flush(): void;
  /** Flush and stop writing to the file. Later lines still reach the ring and the listeners. */
  close(): void;
}

const LEVEL_LABEL: Record<LogLevel, string> = { info: 'INFO', warn: 'WARN', error: 'ERROR' };
const FLUSH_BYTES = 64 * 1024;
// Unquoted unless the value has whitespace, quotes or backslashes (URLs with ?a=b stay readable).
const BARE_VALUE = /^[^\s"'\\]+$/;

function formatValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return BARE_VALUE.test(value) ? value : JSON.stringify(value);
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default: {
      if (isErrorLike(value)) {
        const code = value.code === undefined ? '' : ` [${String(value.code)}]`;
        return JSON.stringify(`${value.name}: ${value.message}${code}`);
      }
      try {
        return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      } catch {
        return JSON.stringify(String(value));
      }
    }
  }
}

function isErrorLike(v: unknown): v is { name: string; message: string; code?: unknown } {
  if (v instanceof Error) return true;
  // maskDeep turns Errors into {name, message, code?, cause?}
  if (typeof v !== 'object' || v === null) return false;
  const keys = Object.keys(v);
  const o = v as Record<string, unknown>;
  return (
    typeof o.name === 'string' &&
    typeof o.message === 'string' &&
    keys.every((k) => k === 'name' || k === 'message' || k === 'code' || k === 'cause') &&
    /Error$/.test(o.name)
  );
}

function sanitizeToken(s: string, fallback: string): string {
  const t = s.replace(/[\s"=]+/g, '_');
  return t === '' ? fallback : t;
}

export function createLog(options: LogOptions): Log {
  const ringSize = Math.max(1, Math.floor(options.ringSize ?? 500));
  const maxLineLength = Math.max(80, Math.floor(options.maxLineLength ?? 4000));
  const clock = options.clock ?? Date.now;
  const listeners = new Set<LineListener>();
  const ring: (LogEntry | undefined)[] = new Array<LogEntry | undefined>(ringSize);
  let head = 0; // next slot to write
  let count = 0;

  const currentSecrets = (): readonly string[] => {
    try {
      return options.secrets().filter((s) => typeof s === 'string' && s !== '');
    } catch {
      return [];
    }
  };

  const now = (): string => {
    let t: number;
    try {
      const v = clock();
      t = v instanceof Date ? v.getTime() : v;
    } catch {
      t = Date.now();
    }
    if (!Number.isFinite(t)) t = Date.now();
    return new Date(t).toISOString();
  };

  const file = options.file ? createFileSink(options.file, options.flushIntervalMs ?? 250) : null;

  const write = (level: LogLevel, event: string, fields?: LogFields): void => {
    const secrets = currentSecrets();
    const ts = now();
    const ev = sanitizeToken(maskSecrets(String(event), secrets), 'event');
    const masked =
      fields && typeof fields === 'object' ? (maskDeep(fields, secrets) as LogFields) : undefined;
    let line = `${ts} ${LEVEL_LABEL[level]} ${ev}`;
    if (masked) {
      for (const [key, value] of Object.entries(masked)) {
        const v = formatValue(value);
        if (v !== undefined) line += ` ${sanitizeToken(key, '_')}=${v}`;
      }
    }
    // Second pass over the whole line: catches anything the formatting produced (e.g. a secret that was
    // split across keys) — masking is idempotent, so this is safe.
    line = maskSecrets(line, secrets);
    let truncated = false;
    if (line.length > maxLineLength) {
      const dropped = line.length - maxLineLength;
      line = `${line.slice(0, maxLineLength)}…[+${dropped} chars]`;
      truncated = true;
    }
    const entry: LogEntry = truncated
      ? { ts, level, event: ev, line }
      : { ts, level, event: ev, fields: masked ?? {}, line };
    ring[head] = entry;
    head = (head + 1) % ringSize;
    if (count < ringSize) count++;
    file?.push(line, level === 'error');
    for (const cb of listeners) {
      try {
        cb(line, entry);
      } catch {
        // A broken listener must not break logging.
      }
    }
  };

  const last = (n?: number): LogEntry[] => {
    const k = n === undefined ? count : Math.max(0, Math.min(count, Math.floor(n)));
    const out: LogEntry[] = [];
    for (let i = count - k; i < count; i++) {
      const entry = ring[(head - count + i + ringSize) % ringSize];
      if (entry) out.push(entry);
    }
    return out;
  };

  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
    lines: (n) => last(n).map((e) => e.line),
    entries: (n) => last(n),
    onLine(cb) {
      listeners.add(cb);
      return () => {
        listeners.delete(cb);
      };
    },
    flush: () => file?.flush(),
    close: () => file?.close(),
  };
}

interface FileSink {
  push(line: string, urgent: boolean): void;
  flush(): void;
  close(): void;
}

function createFileSink(opts: LogFileOptions, flushIntervalMs: number): FileSink {
  const maxBytes = Math.max(1, Math.floor(opts.maxBytes ?? 1_000_000));
  const keep = Math.max(0, Math.floor(opts.keep ?? 5));
  const base = opts.name ?? 'paydesk';
  const dir = opts.dir;
  const current = path.join(dir, `${base}.log`);
  const rotated = (i: number): string => path.join(dir, `${base}.${i}.log`);

  let pending: string[] = [];
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let reportedError = false;
  let size = -1; // unknown until the first flush

  const report = (err: unknown): void => {
    if (reportedError) return;
    reportedError = true;
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`paydesk log: cannot write ${current}: ${maskSecrets(msg)}\n`);
  };

  const ignoreMissing = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  };

  const rotate = (): void => {
    if (keep === 0) {
      ignoreMissing(() => fs.unlinkSync(current));
    } else {
      ignoreMissing(() => fs.unlinkSync(rotated(keep)));
      for (let i = keep - 1; i >= 1; i--) ignoreMissing(() => fs.renameSync(rotated(i), rotated(i + 1)));
      ignoreMissing(() => fs.renameSync(current, rotated(1)));
    }
    size = 0;
  };

  const append = (chunk: string): void => {
    if (chunk === '') return;
    fs.appendFileSync(current, chunk, { mode: 0o600 });
    size += Buffer.byteLength(chunk);
  };

  const flush = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (pending.length === 0) return;
    const lines = pending;
    pending = [];
    pendingBytes = 0;
    try {
      if (size < 0) {
        fs.mkdirSync(dir, { recursive: true });
        try {
          size = fs.statSync(current).size;
        } catch {
          size = 0;
        }
      }
      let chunk = '';
      let chunkBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (size + chunkBytes > 0 && size + chunkBytes + bytes > maxBytes) {
          append(chunk);
          chunk = '';
          chunkBytes = 0;
          rotate();
        }
        chunk += line;
        chunkBytes += bytes;
      }
      append(chunk);
    } catch (err) {
      size = -1; // re-stat on the next attempt
      report(err);
    }
  };

  return {
    push(line, urgent) {
      if (closed) return;
      const text = `${line}\n`;
      pending.push(text);
      pendingBytes += Buffer.byteLength(text);
      if (urgent || pendingBytes >= FLUSH_BYTES) {
        flush();
      } else if (!timer) {
        timer = setTimeout(flush, flushIntervalMs);
        timer.unref();
      }
    },
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
    },
  };
}
