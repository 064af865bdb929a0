/**
 * The parent's handle on a core child (core-child.ts): start it, call its commands, listen to its events, kill it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../electron/sandbox/server.ts';
import type { SessionTuning } from '../../electron/core/session.ts';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'core-child.ts');

export interface CoreChildOptions {
  sandbox: Sandbox;
  token: string;
  merchantId: string;
  dataDir: string;
  tuning?: SessionTuning;
  logToFile?: boolean;
  /** Serve this built renderer from the child too (the browser host, as `npm run web`). */
  rendererDir?: string;
  /** Extra Node flags, e.g. `--expose-gc`. */
  execArgv?: string[];
  /** Where the child's stderr goes (default: collected, printed when it fails to start). */
  onStderr?: (text: string) => void;
}

export interface ChildEvent {
  type: string;
  [key: string]: unknown;
}

export class CoreError extends Error {
  readonly code: string;
  readonly requestId: string | null;
  constructor(error: { code: string; message: string; requestId?: string | null }) {
    super(error.message);
    this.code = error.code;
    this.requestId = error.requestId ?? null;
  }
}

export interface CoreProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly events: EventEmitter<{ event: [ChildEvent]; exit: [number | null, string | null] }>;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  invoke<T = unknown>(method: string, input: unknown): Promise<T>;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  /** A clean stop (core.stop()), or SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  readonly exited: Promise<void>;
}

export async function startCoreProcess(options: CoreChildOptions): Promise<CoreProcess> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PAYDESK_API_URL: options.sandbox.url,
    PAYDESK_GATE_URL: options.sandbox.gateUrl,
    PAYDESK_TOKEN: options.token,
    PAYDESK_MERCHANT_ID: options.merchantId,
    PAYDESK_DATA_DIR: options.dataDir,
    PAYDESK_BENCH_LOG_TO_FILE: options.logToFile === false ? '0' : '1',
    // Benchmarks create orders without a cashier's shift (shifts/policy.ts: requireShift).
    PAYDESK_REQUIRE_SHIFT: '0',
  };
  if (options.tuning) env.PAYDESK_BENCH_TUNING = JSON.stringify(options.tuning);
  if (options.rendererDir) env.PAYDESK_BENCH_RENDERER_DIR = options.rendererDir;
  const child = fork(CHILD, [], {
    execPath: process.execPath,
    execArgv: options.execArgv ?? [],
    env,
    // PAYDESK_BENCH_CHILD_STDOUT=1 shows the child's stdout (e.g. with execArgv ['--trace-gc']) when investigating.
    stdio: ['ignore', process.env.PAYDESK_BENCH_CHILD_STDOUT ? 'inherit' : 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  const events = new EventEmitter<{ event: [ChildEvent]; exit: [number | null, string | null] }>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    const text = d.toString();
    if (options.onStderr) options.onStderr(text);
    else stderr = (stderr + text).slice(-8_000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const p of pending.values()) p.reject(new Error(`core child exited (${code ?? signal})`));
      pending.clear();
      events.emit('exit', code, signal);
      resolve();
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`core child exited before it was ready (${code ?? signal}):\n${stderr}`)),
    );
    child.on('message', (raw) => {
      const m = raw as ChildEvent & {
        id?: number;
        ok?: boolean;
        result?: unknown;
        error?: { code: string; message: string };
      };
      if (typeof m.id === 'number') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (!p) return;
        if (m.ok) p.resolve(m.result);
        else p.reject(new CoreError(m.error ?? { code: 'error', message: 'unknown error' }));
        return;
      }
      if (m.type === 'ready') resolve();
      events.emit('event', m);
    });
  });
  await ready;

  const call = <T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) {
        reject(new Error('core child is not running'));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, cmd, args });
    });

  return {
    pid: child.pid!,
    child,
    events,
    call,
    invoke: <T>(method: string, input: unknown) => call<T>('invoke', { method, input }),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await call('stop').catch(() => undefined);
      await exited;
      clearTimeout(timer);
    },
    exited,
  };
}
