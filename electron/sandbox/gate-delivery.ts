/**
 * Delivery of `onOrderStatusChange` to a merchant's consoles, the way the real gateway does it:
 * - sent to the merchant's sockets open at the moment of sending; if none is open at the first attempt nothing is
 *   kept (catching up through the filter API is the console's job);
 * - each console's answer is awaited (`notifyAnswerTimeoutMs`); `{"status":"success"}` from any console = delivered;
 *   otherwise an error `code` other than `out_of_service`, or a JSON-RPC error, is final (`rejected`); `out_of_service`,
 *   no answer, a closed socket or an unreadable answer are retried on `notifyRetryDelaysMs`, to the sockets open at
 *   the time of each retry, until the schedule runs out (`failed`);
 * - every notification gets an entry in a bounded delivery log (GET /sandbox/notifications).
 * Faults applied here: `notifyDelayMs`, `notifyDuplicate`, `notifyReorderWindow` (silence is the sockets' business).
 */
import type { Faults } from './faults.ts';
import type { CallOutcome, GateConnection, GateSockets } from './gate-sockets.ts';
import type { TimerSet } from './timer-set.ts';

export type AnswerVerdict = 'success' | 'retry' | 'final';
export type AnswerLabel =
  'success' | 'out_of_service' | 'rejected' | 'rpc_error' | 'invalid_answer' | 'timeout' | 'closed';

export interface DeliveryAnswer {
  socket: string;
  rpcId: string;
  outcome: AnswerLabel;
  /** The console's error code (`order_wrong_amount`, …) or JSON-RPC error code. */
  code?: string | number;
  result?: unknown;
  /** The JSON-RPC error object, as answered (cut when huge). */
  error?: unknown;
}

export interface DeliveryAttempt {
  n: number;
  at: string;
  /** How many of the merchant's sockets were open when it was sent. */
  sockets: number;
  answers: DeliveryAnswer[];
}

export type DeliveryOutcome = 'pending' | 'delivered' | 'rejected' | 'failed' | 'no_consoles' | 'cancelled';

export interface DeliveryRecord {
  id: string;
  orderId: string;
  merchantId: string;
  merchantOrderId: string | null;
  status: string | null;
  subtype: string | null;
  amount: number | null;
  announcedAt: string;
  outcome: DeliveryOutcome;
  finishedAt: string | null;
  nextAttemptAt: string | null;
  attempts: DeliveryAttempt[];
}

export interface DeliverySettings {
  retryDelaysMs: readonly number[];
  answerTimeoutMs: number;
  reorderFlushMs: number;
  /** Log entries kept; the oldest finished ones go first. */
  logLimit: number;
}

/**
 * One frame of a notification leaving the gate, or one answer arriving: for benchmarks and the chaos run, which
 * measure from the moment the gateway sends. `at` is wall-clock epoch ms with sub-millisecond resolution
 * (`performance.timeOrigin + performance.now()`), comparable with the same clock in another process or a browser page
 * on this machine.
 */
export interface DeliveryTrace {
  orderId: string;
  status: string | null;
  subtype: string | null;
  socket: string;
  /** Try number (1 = the first). */
  attempt: number;
  at: number;
}

export interface DeliveryObserver {
  sent?(trace: DeliveryTrace): void;
  answered?(trace: DeliveryTrace & { outcome: AnswerLabel }): void;
}

export interface DeliveryDeps {
  sockets: GateSockets;
  faults: Faults;
  timers: TimerSet;
  now: () => Date;
  settings: DeliverySettings;
  observer?: DeliveryObserver;
}

const wallClock = (): number => performance.timeOrigin + performance.now();

interface Job {
  readonly record: DeliveryRecord;
  readonly notification: Record<string, unknown>;
}

interface HeldGroup {
  readonly jobs: Job[];
  readonly cancelFlush: () => void;
}

/** An answer stored in the log is cut to this many characters of JSON (a console may answer with 1 MiB). */
const MAX_LOGGED_ANSWER_CHARS = 4_096;

export class NotificationDelivery {
  readonly #sockets: GateSockets;
  readonly #faults: Faults;
  readonly #timers: TimerSet;
  readonly #now: () => Date;
  readonly #settings: DeliverySettings;
  readonly #observer: DeliveryObserver | undefined;
  readonly #log: DeliveryRecord[] = [];
  readonly #pending = new Set<Job>();
  /** Reorder fault: notifications held back per merchant. */
  readonly #held = new Map<string, HeldGroup>();
  #seq = 0;
  #closed = false;

  constructor(deps: DeliveryDeps) {
    this.#sockets = deps.sockets;
    this.#faults = deps.faults;
    this.#timers = deps.timers;
    this.#now = deps.now;
    this.#settings = deps.settings;
    this.#observer = deps.observer;
  }

  /** Starts delivering one notification; returns its (live) log entry. */
  announce(merchantId: string, notification: Record<string, unknown>): DeliveryRecord {
    const job: Job = { record: this.#newRecord(merchantId, notification), notification };
    this.#remember(job.record);
    if (this.#closed) {
      this.#finish(job, 'cancelled');
      return job.record;
    }
    this.#pending.add(job);
    this.#admit(job);
    return job.record;
  }

  records(filter: { orderId?: string; merchantId?: string } = {}): DeliveryRecord[] {
    const matching = this.#log.filter(
      (r) =>
        (filter.orderId === undefined || r.orderId === filter.orderId) &&
        (filter.merchantId === undefined || r.merchantId === filter.merchantId),
    );
    return structuredClone(matching);
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Stops everything: held and unfinished notifications are marked `cancelled`. Timers are the owner's to clear. */
  close(): void {
    this.#closed = true;
    for (const group of this.#held.values()) group.cancelFlush();
    this.#held.clear();
    for (const job of [...this.#pending]) this.#finish(job, 'cancelled');
  }

  #newRecord(merchantId: string, n: Record<string, unknown>): DeliveryRecord {
    this.#seq += 1;
    return {
      id: `n${this.#seq}`,
      orderId: typeof n.id === 'string' ? n.id : '',
      merchantId,
      merchantOrderId: typeof n.merchantOrderId === 'string' ? n.merchantOrderId : null,
      status: typeof n.status === 'string' ? n.status : null,
      subtype: typeof n.subtype === 'string' ? n.subtype : null,
      amount: typeof n.amount === 'number' ? n.amount : null,
      announcedAt: this.#now().toISOString(),
      outcome: 'pending',
      finishedAt: null,
      nextAttemptAt: null,
      attempts: [],
    };
  }

  #remember(record: DeliveryRecord): void {
    this.#log.push(record);
    if (this.#log.length <= this.#settings.logLimit) return;
    const oldestFinished = this.#log.findIndex((r) => r.outcome !== 'pending');
    this.#log.splice(Math.max(oldestFinished, 0), 1);
  }

  // ---- reorder fault: hold a merchant's notifications, release each group of N in reverse ----

  #admit(job: Job): void {
    const window = this.#faults.config.notifyReorderWindow;
    const key = job.record.merchantId;
    if (window <= 1 && !this.#held.has(key)) {
      this.#attempt(job, 1);
      return;
    }
    const group = this.#held.get(key) ?? this.#holdGroup(key);
    group.jobs.push(job);
    if (group.jobs.length >= window) this.#release(key);
  }

  #holdGroup(key: string): HeldGroup {
    // A partial group is flushed after a short while, so nothing is stuck when the traffic stops.
    const group: HeldGroup = {
      jobs: [],
      cancelFlush: this.#timers.after(this.#settings.reorderFlushMs, () => this.#release(key)),
    };
    this.#held.set(key, group);
    return group;
  }

  #release(key: string): void {
    const group = this.#held.get(key);
    if (!group) return;
    this.#held.delete(key);
    group.cancelFlush();
    if (group.jobs.length > 1) this.#faults.count('notifyReorderWindow');
    for (const job of group.jobs.reverse()) this.#attempt(job, 1);
  }

  // ---- attempts and retries ----

  #attempt(job: Job, n: number): void {
    job.record.nextAttemptAt = null;
    const delayMs = this.#faults.config.notifyDelayMs;
    if (delayMs <= 0) {
      void this.#send(job, n);
      return;
    }
    this.#faults.count('notifyDelayMs');
    this.#timers.after(delayMs, () => void this.#send(job, n));
  }

  async #send(job: Job, n: number): Promise<void> {
    if (!this.#pending.has(job)) return;
    const targets = this.#sockets.list(job.record.merchantId);
    const attempt: DeliveryAttempt = {
      n,
      at: this.#now().toISOString(),
      sockets: targets.length,
      answers: [],
    };
    job.record.attempts.push(attempt);
    if (targets.length === 0) {
      // Nobody online when the change happened: nothing is kept. A retry finding nobody just counts as a failed try.
      if (n === 1) this.#finish(job, 'no_consoles');
      else this.#retryOrFail(job, n);
      return;
    }
    const copies = this.#faults.config.notifyDuplicate ? 2 : 1;
    if (copies > 1) this.#faults.count('notifyDuplicate');
    const verdicts = await Promise.all(
      targets.flatMap((conn) => Array.from({ length: copies }, () => this.#callOne(conn, job, attempt))),
    );
    if (!this.#pending.has(job)) return; // cancelled by close() while waiting
    if (verdicts.includes('success')) this.#finish(job, 'delivered');
    else if (verdicts.includes('final')) this.#finish(job, 'rejected');
    else this.#retryOrFail(job, n);
  }

  async #callOne(conn: GateConnection, job: Job, attempt: DeliveryAttempt): Promise<AnswerVerdict> {
    const trace = (): DeliveryTrace => ({
      orderId: job.record.orderId,
      status: job.record.status,
      subtype: job.record.subtype,
      socket: conn.id,
      attempt: attempt.n,
      at: wallClock(),
    });
    this.#observer?.sent?.(trace());
    const answer = await this.#sockets.call(
      conn,
      'onOrderStatusChange',
      [job.notification],
      this.#settings.answerTimeoutMs,
    );
    const judged = judgeAnswer(answer);
    this.#observer?.answered?.({ ...trace(), outcome: judged.entry.outcome });
    attempt.answers.push({ socket: answer.socket, rpcId: answer.rpcId, ...judged.entry });
    return judged.verdict;
  }

  #retryOrFail(job: Job, n: number): void {
    const delayMs = this.#settings.retryDelaysMs[n - 1];
    if (delayMs === undefined) {
      this.#finish(job, 'failed');
      return;
    }
    job.record.nextAttemptAt = new Date(this.#now().getTime() + delayMs).toISOString();
    this.#timers.after(delayMs, () => this.#attempt(job, n + 1));
  }

  #finish(job: Job, outcome: Exclude<DeliveryOutcome, 'pending'>): void {
    this.#pending.delete(job);
    job.record.outcome = outcome;
    job.record.finishedAt = this.#now().toISOString();
    job.record.nextAttemptAt = null;
  }
}

/**
 * One console's answer to `onOrderStatusChange` → what the gateway does next. The `result` mirrors the HTTP
 * notification answer (inferred): `{"status":"success"}` or `{"status":"error","code":…,"message":…}`.
 */
export function judgeAnswer(answer: CallOutcome): {
  verdict: AnswerVerdict;
  entry: Omit<DeliveryAnswer, 'socket' | 'rpcId'>;
} {
  switch (answer.outcome) {
    case 'timeout':
    case 'closed':
      return { verdict: 'retry', entry: { outcome: answer.outcome } };
    case 'error':
      return {
        verdict: 'final',
        entry: { outcome: 'rpc_error', code: answer.error.code, error: bounded(answer.error) },
      };
    case 'result':
      return judgeResult(answer.result);
  }
}

function judgeResult(result: unknown): ReturnType<typeof judgeAnswer> {
  const logged = bounded(result);
  const r = result !== null && typeof result === 'object' ? (result as Record<string, unknown>) : {};
  if (r.status === 'success') return { verdict: 'success', entry: { outcome: 'success', result: logged } };
  if (r.status === 'error' && typeof r.code === 'string') {
    return r.code === 'out_of_service'
      ? { verdict: 'retry', entry: { outcome: 'out_of_service', code: r.code, result: logged } }
      : { verdict: 'final', entry: { outcome: 'rejected', code: r.code, result: logged } };
  }
  // Neither success nor a readable refusal: the gateway cannot tell, so it tries again.
  return { verdict: 'retry', entry: { outcome: 'invalid_answer', result: logged } };
}

function bounded(value: unknown): unknown {
  const text = JSON.stringify(value) ?? 'null';
  return text.length <= MAX_LOGGED_ANSWER_CHARS
    ? value
    : { truncated: true, preview: text.slice(0, MAX_LOGGED_ANSWER_CHARS) };
}
