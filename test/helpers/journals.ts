/**
 * Two IntentJournal implementations for tests (the console's real one is the SQLite store):
 *  - MemoryJournal: a Map; requests are stored as JSON text, as a database would.
 *  - FileJournal: an append-only JSON-lines file, every line fsync'd before the call returns (so `begin` is durable
 *    when the POST goes out); a torn last line (a crash mid-write) is ignored on replay. Used by the crash test's
 *    child process (test/fixtures/crash-create.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Intent, IntentJournal, PendingIntent } from '../../electron/core/api/idempotent.ts';

export interface JournalEntry {
  merchantOrderId: string;
  kind: string;
  request: unknown;
  state: 'pending' | 'done' | 'failed';
  resultId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  requestId: string | null;
}

type Line =
  | { op: 'begin'; at: string; merchantOrderId: string; kind: string; request: unknown }
  | { op: 'complete'; at: string; merchantOrderId: string; resultId: string; requestId: string | null }
  | {
      op: 'fail';
      at: string;
      merchantOrderId: string;
      code: string;
      message: string;
      requestId: string | null;
    };

function apply(entries: Map<string, JournalEntry>, line: Line): void {
  if (line.op === 'begin') {
    if (entries.has(line.merchantOrderId))
      throw new Error(`intent_conflict: ${line.merchantOrderId} already journaled`);
    entries.set(line.merchantOrderId, {
      merchantOrderId: line.merchantOrderId,
      kind: line.kind,
      request: line.request,
      state: 'pending',
      resultId: null,
      errorCode: null,
      errorMessage: null,
      requestId: null,
    });
    return;
  }
  const entry = entries.get(line.merchantOrderId);
  if (!entry) throw new Error(`intent_unknown: ${line.merchantOrderId}`);
  if (line.op === 'complete') {
    entry.state = 'done';
    entry.resultId = line.resultId;
    entry.requestId = line.requestId ?? entry.requestId;
  } else {
    entry.state = 'failed';
    entry.errorCode = line.code;
    entry.errorMessage = line.message;
    entry.requestId = line.requestId ?? entry.requestId;
  }
}

function pendingOf(entries: Map<string, JournalEntry>): PendingIntent[] {
  return [...entries.values()]
    .filter((e) => e.state === 'pending')
    .map((e) => ({ merchantOrderId: e.merchantOrderId, kind: e.kind, request: structuredClone(e.request) }));
}

/** Checks applied before a line is written, so that a refused call leaves no trace. */
function check(entries: Map<string, JournalEntry>, line: Line): void {
  apply(new Map([...entries].map(([k, v]) => [k, { ...v }])), line);
}

/** The journal's operations as lines; subclasses decide where a line goes before it is applied. */
abstract class LineJournal implements IntentJournal {
  readonly entries: Map<string, JournalEntry>;

  constructor(entries = new Map<string, JournalEntry>()) {
    this.entries = entries;
  }

  protected abstract record(line: Line): void;

  begin(intent: Intent): void {
    this.record({ op: 'begin', at: new Date().toISOString(), ...intent, request: jsonCopy(intent.request) });
  }

  complete(merchantOrderId: string, resultId: string, requestId?: string | null): void {
    this.record({
      op: 'complete',
      at: new Date().toISOString(),
      merchantOrderId,
      resultId,
      requestId: requestId ?? null,
    });
  }

  fail(merchantOrderId: string, code: string, message: string, requestId?: string | null): void {
    this.record({
      op: 'fail',
      at: new Date().toISOString(),
      merchantOrderId,
      code,
      message,
      requestId: requestId ?? null,
    });
  }

  pending(): PendingIntent[] {
    return pendingOf(this.entries);
  }

  get(merchantOrderId: string): JournalEntry | null {
    const e = this.entries.get(merchantOrderId);
    return e ? { ...e } : null;
  }
}

export class MemoryJournal extends LineJournal {
  protected record(line: Line): void {
    apply(this.entries, line);
  }
}

export class FileJournal extends LineJournal {
  readonly file: string;
  private fd: number;

  constructor(file: string) {
    super(FileJournal.read(file));
    this.file = file;
    const existed = fs.existsSync(file);
    this.fd = fs.openSync(file, 'a');
    if (!existed) {
      // A new file's directory entry must be durable too.
      const dir = fs.openSync(path.dirname(file), 'r');
      try {
        fs.fsyncSync(dir);
      } finally {
        fs.closeSync(dir);
      }
    }
  }

  /** Replays the file; a torn (unparsable) LAST line is a crash mid-write and is ignored. */
  static read(file: string): Map<string, JournalEntry> {
    const entries = new Map<string, JournalEntry>();
    if (!fs.existsSync(file)) return entries;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (text.trim() === '') return;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch (err) {
        if (i >= lines.length - 2) return; // the last line (there may be a trailing '')
        throw err;
      }
      apply(entries, line);
    });
    return entries;
  }

  /** Checked, written and fsync'd, then applied: a refused call leaves no trace, an accepted one is durable. */
  protected record(line: Line): void {
    if (this.fd < 0) throw new Error('journal closed');
    check(this.entries, line);
    fs.writeSync(this.fd, `${JSON.stringify(line)}\n`);
    fs.fsyncSync(this.fd);
    apply(this.entries, line);
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

function jsonCopy(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
