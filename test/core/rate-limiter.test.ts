/**
 * The client-side rate limiter: its logic on a fake clock, and one real run proving that 101 quick calls against a
 * sandbox with the gateway's default limit (100 / 30 s) never meet a 429.
 */
import { describe, expect, it } from 'vitest';
import {
  createRateLimiter,
  parseRetryAfter,
  type LimiterClock,
} from '../../electron/core/api/rate-limiter.ts';
import { createApiClient, type ApiCallRecord } from '../../electron/core/api/client.ts';
import { DEMO_TOKEN, withSandbox } from '../helpers/sandbox.ts';

class FakeClock implements LimiterClock {
  t = 1_000_000;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order, letting promise callbacks run in between. */
  async advance(ms: number): Promise<void> {
    await flush();
    const end = this.t + ms;
    for (;;) {
      const next = [...this.timers.entries()]
        .filter(([, v]) => v.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/**
 * Starts `n` acquires; returns those granted so far (by index, in grant order). By default each request is over the
 * moment it is granted (released at once); `hold: true` keeps them in flight (release them through `releases`).
 */
function acquireMany(
  limiter: ReturnType<typeof createRateLimiter>,
  n: number,
  options: { signal?: AbortSignal; hold?: boolean } = {},
) {
  const granted: number[] = [];
  const errors: unknown[] = [];
  const releases: (() => void)[] = [];
  for (let i = 0; i < n; i++) {
    limiter.acquire(options.signal).then(
      (release) => {
        granted.push(i);
        if (options.hold) releases.push(release);
        else release();
      },
      (e: unknown) => errors.push(e),
    );
  }
  return { granted, errors, releases };
}

describe('rate limiter (fake clock)', () => {
  it('grants up to the limit at once, queues the rest in order, releases them as the window slides', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 3, windowMs: 1000, clock });
    const { granted } = acquireMany(limiter, 7);
    await flush();
    expect(granted).toEqual([0, 1, 2]);
    expect(limiter.stats()).toMatchObject({ inWindow: 3, queued: 4, granted: 3, delayed: 0 });

    await clock.advance(999);
    expect(granted).toEqual([0, 1, 2]);
    await clock.advance(1);
    expect(granted).toEqual([0, 1, 2, 3, 4, 5]);
    await clock.advance(1000);
    expect(granted).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(limiter.stats()).toMatchObject({ queued: 0, granted: 7, delayed: 4, maxWaitMs: 2000 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('never lets more than `limit` start in any window (sliding, not fixed)', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 5, windowMs: 1000, clock });
    const starts: number[] = [];
    for (let i = 0; i < 40; i++) {
      void limiter.acquire().then((release) => {
        starts.push(clock.now());
        release();
      });
      if (i % 3 === 0) await clock.advance(170);
    }
    await clock.advance(20_000);
    expect(starts).toHaveLength(40);
    for (let i = 5; i < starts.length; i++) expect(starts[i]! - starts[i - 5]!).toBeGreaterThanOrEqual(1000);
  });

  it('Retry-After pauses everybody, even under the limit; a shorter pause never shortens it; capped', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 100, windowMs: 1000, maxPauseMs: 10_000, clock });
    limiter.pauseFor(3000);
    limiter.pauseFor(1000); // does not shorten
    const { granted } = acquireMany(limiter, 2);
    await clock.advance(2999);
    expect(granted).toEqual([]);
    expect(limiter.stats()).toMatchObject({ queued: 2, pausedUntil: clock.now() + 1, pauses: 1 });
    await clock.advance(1);
    expect(granted).toEqual([0, 1]);
    expect(limiter.stats().pausedUntil).toBeNull();

    limiter.pauseFor(3_600_000); // a garbage Retry-After: one hour
    expect(limiter.stats().pausedUntil).toBe(clock.now() + 10_000);
    const later = acquireMany(limiter, 1);
    await clock.advance(10_000);
    expect(later.granted).toEqual([0]);
  });

  it('an aborted waiter leaves the queue; the others keep their turn', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, clock });
    (await limiter.acquire())();
    const controller = new AbortController();
    const a = acquireMany(limiter, 1, { signal: controller.signal });
    const b = acquireMany(limiter, 1);
    controller.abort(new Error('closed the dialog'));
    await flush();
    expect(a.errors).toHaveLength(1);
    expect(limiter.stats().queued).toBe(1);
    await clock.advance(1000);
    expect(b.granted).toEqual([0]);
    await expect(limiter.acquire(AbortSignal.abort())).rejects.toBeDefined();
  });

  it('a slot counts from the answer, not the start: a slow request holds the window longer', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 2, windowMs: 1000, clock });
    const first = acquireMany(limiter, 2, { hold: true }); // two requests in flight
    const next = acquireMany(limiter, 1);
    await clock.advance(5000); // still in flight after 5 s: nothing frees, no timer spins
    expect(next.granted).toEqual([]);
    expect(limiter.stats()).toMatchObject({ inFlight: 2, queued: 1 });
    expect(clock.pendingTimers).toBe(0);
    first.releases[0]!(); // answered now: its slot frees a whole window later
    first.releases[0]!(); // idempotent
    await clock.advance(999);
    expect(next.granted).toEqual([]);
    await clock.advance(1);
    expect(next.granted).toEqual([0]);
    expect(limiter.stats()).toMatchObject({ inFlight: 1, queued: 0 });
  });

  it('dispose rejects the waiters and clears the timer', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, clock });
    const { errors } = acquireMany(limiter, 3);
    limiter.dispose();
    await flush();
    expect(errors).toHaveLength(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses nonsense options', () => {
    expect(() => createRateLimiter({ limit: 0 })).toThrow(RangeError);
    expect(() => createRateLimiter({ windowMs: 0 })).toThrow(RangeError);
  });

  it('parseRetryAfter: seconds, an HTTP date, garbage', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('rate limiter (real sandbox, default limits)', () => {
  const sb = withSandbox(); // the gateway's limit: 100 requests / 30 s per account

  it('101 quick calls with the default client limiter never get a 429', async () => {
    const records: ApiCallRecord[] = [];
    const api = createApiClient({
      baseUrl: sb.url,
      getToken: async () => DEMO_TOKEN,
      appVersion: '0.1.0',
      onCall: (r) => records.push(r),
    });
    const results = await Promise.all(Array.from({ length: 101 }, () => api.findOrders({ pageSize: 1 })));
    expect(results).toHaveLength(101);
    expect(records.filter((r) => r.status !== 200)).toEqual([]);
    expect(records).toHaveLength(101); // one try each: nothing was refused and retried
    expect(records.filter((r) => r.status !== 200)).toEqual([]);
    const stats = api.limiter.stats();
    expect(stats.limit).toBe(90);
    expect(stats.granted).toBe(101);
    expect(stats.delayed).toBe(11); // the 11 over the client's 90 waited for the window to slide
  }, 90_000);
});
