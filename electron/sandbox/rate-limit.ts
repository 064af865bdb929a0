/**
 * Sliding-window rate limits, as the gateway's: by default 100 requests / 30 s per account and 500 / 30 s per IP.
 * A refused request is not counted. Over the limit: 429 `too_many_requests` with `Retry-After` (whole seconds until
 * the oldest counted request leaves the window).
 */
import { HttpError } from './http-util.ts';

export interface RateLimit {
  requests: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<RateLimit> = Object.freeze({ requests: 100, windowMs: 30_000 });
/** The per-IP limit is this many times the per-account one (500 / 30 s with the defaults). */
export const IP_LIMIT_FACTOR = 5;

export class TooManyRequests extends HttpError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message = 'Too many requests') {
    super(429, 'too_many_requests', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class SlidingWindowLimiter {
  readonly limit: Readonly<RateLimit>;
  /** Per key, the times of the counted requests still in the window, oldest first. */
  private readonly hits = new Map<string, number[]>();

  constructor(limit: Readonly<RateLimit>) {
    this.limit = limit;
  }

  /** Counts a request for `key` at `now`, or throws TooManyRequests. */
  take(key: string, now: number): void {
    const times = this.hits.get(key) ?? [];
    while (times.length > 0 && times[0]! <= now - this.limit.windowMs) times.shift();
    if (times.length >= this.limit.requests) {
      const wait = times[0]! + this.limit.windowMs - now;
      throw new TooManyRequests(Math.max(1, Math.ceil(wait / 1000)));
    }
    times.push(now);
    this.hits.set(key, times);
  }
}
