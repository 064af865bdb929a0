/**
 * Crash safety of the store: a child process (store-crash-child.ts) writes through the store in a loop and prints
 * each operation right after its commit returned; it is SIGKILLed at random moments, several times, each round
 * reopening the same database. Afterwards the file must be sound and every printed operation present exactly once.
 *
 * (SIGKILL loses the process, not the OS page cache: this proves atomicity and recovery, not fsync durability on
 * power loss, which synchronous=FULL is for.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from '../../electron/core/store/database.ts';
import { openStore } from '../../electron/core/store/store.ts';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'store-crash-child.ts');
const ROUNDS = 10;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface RoundResult {
  lines: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
  killedAfterMs: number;
}

/**
 * Runs the child for one round and SIGKILLs it `delayMs` after it said `ready` (or after the spawn when `early`, so
 * that it may die while opening or migrating).
 */
function runRound(dir: string, round: number, delayMs: number, early: boolean): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', CHILD, dir, String(round)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => {
      timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const wasReady = out.startsWith('ready\n');
      out += chunk;
      if (!early && !wasReady && out.startsWith('ready\n')) kill();
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(watchdog);
      // Only complete lines count: a line is printed after its commit returned.
      const lines = out.split('\n').slice(0, -1);
      resolve({ lines, signal, code, stderr, killedAfterMs: delayMs });
    });
    if (early) kill();
  });
}

describe('store crash safety', () => {
  it('keeps every committed operation exactly once across random SIGKILLs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paydesk-crash-'));
    dirs.push(dir);
    const results: RoundResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const early = round === 0;
      const delay = early ? Math.floor(Math.random() * 150) : 20 + Math.floor(Math.random() * 250);
      const r = await runRound(dir, round, delay, early);
      const context = `round ${round}, killed after ${delay} ms; stderr: ${r.stderr}`;
      // Killed by us, never died on its own (an exception in the child would be a failed invariant).
      expect(r.signal, context).toBe('SIGKILL');
      results.push(r);
      verify(
        dir,
        results.flatMap((x) => x.lines),
      );
    }
    const ops = results.flatMap((r) => r.lines).filter((l) => l !== 'ready');
    // The test is only meaningful if the child got work done in most rounds.
    expect(ops.filter((l) => l.startsWith('C ')).length).toBeGreaterThan(10);
    expect(results.slice(1).filter((r) => r.lines.length > 1).length).toBeGreaterThanOrEqual(ROUNDS - 2);

    // The store itself reopens cleanly, with a consistent description index.
    const store = openStore({ dir });
    try {
      expect(store.checkIntegrity()).toEqual(['ok']);
      expect(store.pendingIntents().length).toBeLessThanOrEqual(ROUNDS);
    } finally {
      store.close();
    }
  }, 120_000);
});

/** Checks the file with plain SQL, independently of the store's code. */
function verify(dir: string, lines: string[]): void {
  const db = new DatabaseSync(join(dir, DB_FILE_NAME));
  try {
    const one = (sql: string, ...params: (string | number)[]) => db.prepare(sql).get(...params);
    const count = (sql: string, ...params: (string | number)[]) => Number(one(sql, ...params)?.n ?? -1);

    expect(
      db
        .prepare('PRAGMA integrity_check')
        .all()
        .map((r) => Object.values(r)[0]),
    ).toEqual(['ok']);
    if (lines.filter((l) => l !== 'ready').length === 0) return;

    for (const line of lines) {
      const [kind, ...args] = line.split(' ');
      const [a = '', b = ''] = args;
      switch (kind) {
        case 'ready':
          break;
        case 'I':
          expect(
            count(
              "SELECT count(*) AS n FROM intents WHERE merchant_order_id = ? AND kind = 'create_order'",
              a,
            ),
            line,
          ).toBe(1);
          break;
        case 'C':
          expect(count('SELECT count(*) AS n FROM orders WHERE id = ?', a), line).toBe(1);
          expect(
            count(
              "SELECT count(*) AS n FROM status_history WHERE order_id = ? AND status = 'created' AND applied = 1",
              a,
            ),
            line,
          ).toBe(1);
          expect(one('SELECT origin FROM orders WHERE id = ?', a)?.origin, line).toBe('console');
          break;
        case 'D':
          expect(
            one(
              "SELECT i.state, i.result_id = o.id AS linked FROM intents i JOIN orders o ON o.merchant_order_id = i.merchant_order_id WHERE i.merchant_order_id = ? AND i.kind = 'create_order'",
              a,
            ),
            line,
          ).toEqual(expect.objectContaining({ state: 'done', linked: 1 }));
          break;
        case 'P':
          expect(one('SELECT status FROM orders WHERE id = ?', a)?.status, line).toBe('completed');
          expect(
            count(
              "SELECT count(*) AS n FROM status_history WHERE order_id = ? AND status = 'completed' AND applied = 1",
              a,
            ),
            line,
          ).toBe(1);
          expect(
            count(
              "SELECT count(*) AS n FROM notifications WHERE rpc_id = ? AND order_id = ? AND outcome = 'success'",
              b,
              a,
            ),
            line,
          ).toBe(1);
          break;
        case 'N':
          expect(
            count(
              "SELECT count(*) AS n FROM notifications WHERE rpc_id = ? AND order_id = ? AND outcome = 'duplicate'",
              b,
              a,
            ),
            line,
          ).toBe(1);
          break;
        case 'S':
          expect(
            count(
              "SELECT count(*) AS n FROM status_history WHERE order_id = ? AND status = 'created' AND applied = 0",
              a,
            ),
            line,
          ).toBe(1);
          expect(one('SELECT status FROM orders WHERE id = ?', a)?.status, line).toBe('completed');
          break;
        case 'R':
          expect(count('SELECT count(*) AS n FROM orders WHERE id = ?', a), line).toBe(1);
          break;
        case 'B':
          for (const id of args) {
            expect(
              count("SELECT count(*) AS n FROM orders WHERE id = ? AND origin = 'foreign'", id),
              line,
            ).toBe(1);
            expect(count('SELECT count(*) AS n FROM status_history WHERE order_id = ?', id), line).toBe(1);
          }
          break;
        default:
          throw new Error(`unexpected line from the child: ${line}`);
      }
    }

    // Whole-database invariants, which also cover operations committed but not yet printed when the child died.
    expect(
      db
        .prepare(
          'SELECT order_id, status, applied, count(*) AS n FROM status_history GROUP BY 1, 2, 3 HAVING n > 1',
        )
        .all(),
      'no status recorded twice',
    ).toEqual([]);
    expect(
      db.prepare('SELECT rpc_id, count(*) AS n FROM notifications GROUP BY rpc_id HAVING n > 1').all(),
    ).toEqual([]);
    expect(
      count(
        'SELECT count(*) AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM status_history h WHERE h.order_id = o.id)',
      ),
      'an order without its history row (insert and history are one commit)',
    ).toBe(0);
    expect(
      count(
        `SELECT count(*) AS n FROM status_history h WHERE h.source = 'gate' AND h.detail LIKE 'rpc %'
         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.rpc_id = substr(h.detail, 5))`,
      ),
      'a gate status without its notification log entry (they are one commit)',
    ).toBe(0);
    expect(
      count(
        "SELECT count(*) AS n FROM intents i WHERE i.state = 'done' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = i.result_id)",
      ),
      'a completed intent without its order',
    ).toBe(0);
  } finally {
    db.close();
  }
}
