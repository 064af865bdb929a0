/**
 * Client-side sliding-window rate limiter for the Invoicebox API.
 *
 * The gateway allows 100 requests per 30 s per account (and answers 429 beyond that). The console keeps headroom:
 * by default at most 90 requests in any 30 s window. A caller over the limit is not failed, it waits (FIFO) until a
 * slot frees. When the gateway answers 429 with `Retry-After`, `pauseUntil()` holds EVERY caller until then (capped by
 * `maxPauseMs`, so a garbage header cannot freeze the console for an hour).
 *
 * A request occupies its slot from the moment it is granted until `windowMs` after it is RELEASED (its answer
 * arrived, or it failed) — not after it started. The gateway counts a request when it arrives, which is somewhere
 * between our start and our answer; counting from the start would let the client's window slide ahead of the
 * gateway's by the requests' latency, and a burst of 90 slow requests followed by 11 more 30 s later would meet a 429
 * (it did, in the real run of test/core/rate-limiter.test.ts). Counting from the answer is always on the safe side.
 *
 * Pure logic over an injectable clock (now + timers): tests drive it with a fake clock.
 */

export interface LimiterClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: LimiterClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface RateLimiterOptions {
  /** Requests per window. Default 90 (the gateway allows 100). */
  limit?: number;
  /** Window length, ms. Default 30 000. */
  windowMs?: number;
  /** Longest pause a Retry-After can impose, ms. Default 60 000. */
  maxPauseMs?: number;
  clock?: LimiterClock;
}

export interface RateLimiterStats {
  limit: number;
  windowMs: number;
  /** Slots taken: requests in flight plus those answered within the last window. */
  inWindow: number;
  /** Requests granted and not yet released. */
  inFlight: number;
  /** Callers waiting for a slot. */
  queued: number;
  /** Epoch ms until which everything is paused (a server Retry-After), or null. */
  pausedUntil: number | null;
  /** Total slots handed out. */
  granted: number;
  /** How many of those had to wait. */
  delayed: number;
  /** Longest wait so far, ms. */
  maxWaitMs: number;
  /** How many times a Retry-After paused the limiter. */
  pauses: number;
}

/** Call when the request is over (answered or failed); idempotent. */
export type ReleaseSlot = () => void;

export interface RateLimiter {
  /**
   * Resolves when the caller may send one request, with the function to call when it is over. Rejects only if
   * `signal` aborts (or the limiter is disposed).
   */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot>;
  /** Pause every caller for `ms` from now (a server `Retry-After`). Never shortens a pause already in force. */
  pauseFor(ms: number): void;
  /** Pause every caller until this epoch ms (capped at now + maxPauseMs). */
  pauseUntil(epochMs: number): void;
  stats(): RateLimiterStats;
  /** Rejects every waiter and clears the timer. */
  dispose(): void;
}

interface Waiter {
  resolve: (release: ReleaseSlot) => void;
  reject: (reason: unknown) => void;
  enqueuedAt: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export const DEFAULT_LIMIT = 90;
export const DEFAULT_WINDOW_MS = 30_000;
export const DEFAULT_MAX_PAUSE_MS = 60_000;

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const maxPauseMs = options.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS;
  const clock = options.clock ?? systemClock;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);

  /** Taken slots: `end` null while in flight, else the release time (the slot frees at end + windowMs). */
  const slots: { end: number | null }[] = [];
  const queue: Waiter[] = [];
  let pausedUntil = 0;
  let timer: unknown = null;
  let timerAt = 0;
  let granted = 0;
  let delayed = 0;
  let maxWaitMs = 0;
  let pauses = 0;

  const prune = (now: number): void => {
    for (let i = slots.length - 1; i >= 0; i--) {
      const end = slots[i]!.end;
      if (end !== null && end + windowMs <= now) slots.splice(i, 1);
    }
  };

  const schedule = (at: number, now: number): void => {
    if (timer !== null) {
      if (timerAt === at) return;
      clock.clearTimeout(timer);
    }
    timerAt = at;
    timer = clock.setTimeout(
      () => {
        timer = null;
        drain();
      },
      Math.max(0, at - now),
    );
  };

  /**
   * The earliest time a request may start, given the window and the pause (≤ now: right away; Infinity: only when a
   * request in flight is released).
   */
  const nextSlot = (now: number): number => {
    prune(now);
    let at = now;
    if (pausedUntil > at) at = pausedUntil;
    if (slots.length >= limit) {
      const frees = slots
        .filter((s) => s.end !== null)
        .map((s) => s.end! + windowMs)
        .sort((a, b) => a - b);
      const needed = slots.length - limit; // this many must free, plus one
      at = needed < frees.length ? Math.max(at, frees[needed]!) : Infinity;
    }
    return at;
  };

  function drain(): void {
    while (queue.length > 0) {
      const now = clock.now();
      const at = nextSlot(now);
      if (at > now) {
        if (at === Infinity) cancelTimer();
        else schedule(at, now);
        return;
      }
      const w = queue.shift()!;
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      w.resolve(grant(now, w.enqueuedAt));
    }
    cancelTimer();
  }

  function cancelTimer(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  }

  function grant(now: number, since: number): ReleaseSlot {
    const slot: { end: number | null } = { end: null };
    slots.push(slot);
    granted += 1;
    const waited = now - since;
    if (waited > 0) {
      delayed += 1;
      if (waited > maxWaitMs) maxWaitMs = waited;
    }
    return () => {
      if (slot.end !== null) return;
      slot.end = clock.now();
      if (queue.length > 0) drain();
    };
  }

  function pauseUntil(epochMs: number): void {
    if (!Number.isFinite(epochMs)) return;
    const now = clock.now();
    const until = Math.min(epochMs, now + maxPauseMs);
    if (until <= pausedUntil || until <= now) return;
    pausedUntil = until;
    pauses += 1;
    if (queue.length > 0) drain();
  }

  return {
    acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const now = clock.now();
      if (queue.length === 0 && nextSlot(now) <= now) return Promise.resolve(grant(now, now));
      return new Promise<ReleaseSlot>((resolve, reject) => {
        const w: Waiter = { resolve, reject, enqueuedAt: now, signal, onAbort: undefined };
        if (signal) {
          w.onAbort = () => {
            const i = queue.indexOf(w);
            if (i >= 0) queue.splice(i, 1);
            reject(signal.reason);
            drain();
          };
          signal.addEventListener('abort', w.onAbort, { once: true });
        }
        queue.push(w);
        drain();
      });
    },

    pauseFor(ms: number): void {
      pauseUntil(clock.now() + ms);
    },

    pauseUntil,

    stats(): RateLimiterStats {
      const now = clock.now();
      prune(now);
      return {
        limit,
        windowMs,
        inWindow: slots.length,
        inFlight: slots.filter((s) => s.end === null).length,
        queued: queue.length,
        pausedUntil: pausedUntil > now ? pausedUntil : null,
        granted,
        delayed,
        maxWaitMs,
        pauses,
      };
    },

    dispose(): void {
      cancelTimer();
      const waiters = queue.splice(0);
      for (const w of waiters) {
        if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
        w.reject(new Error('rate limiter disposed'));
      }
    },
  };
}

/**
 * `Retry-After` → ms from now: delta-seconds (`120`) or an HTTP date. Null when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}
