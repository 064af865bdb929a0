/**
 * Fault injection switches, set through the control API (`/sandbox/faults`), read by the HTTP API and the gate.
 * All counters are consumed as the faults fire; durations are wall-clock from when they were set.
 */

export interface FaultConfig {
  /** The next N API calls under /v3/ answer 500. */
  http500: number;
  /** The next N API calls under /v3/ answer 429. */
  http429: number;
  /** Every API response is delayed by this many ms. */
  httpDelayMs: number;
  /** New gate sockets are refused (HTTP 503 on upgrade) until this epoch-ms. */
  refuseSocketsUntil: number;
  /** Each notification is delayed by this many ms before sending. */
  notifyDelayMs: number;
  /** Each notification is sent twice: the same payload under a new JSON-RPC id, as a gateway retry would. */
  notifyDuplicate: boolean;
  /** Notifications are held back and released in reverse order in groups of this size (0/1 = off). */
  notifyReorderWindow: number;
  /** The gate stops answering pings (a half-dead socket) until this epoch-ms. */
  silentUntil: number;
}

export const NO_FAULTS: Readonly<FaultConfig> = Object.freeze({
  http500: 0,
  http429: 0,
  httpDelayMs: 0,
  refuseSocketsUntil: 0,
  notifyDelayMs: 0,
  notifyDuplicate: false,
  notifyReorderWindow: 0,
  silentUntil: 0,
});

export class Faults {
  config: FaultConfig = { ...NO_FAULTS };
  readonly now: () => number;
  /** How many faults of each kind actually fired (the chaos run reports these). */
  readonly fired: Record<string, number> = {};

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  set(patch: Partial<FaultConfig>): FaultConfig {
    this.config = { ...this.config, ...patch };
    return this.config;
  }

  reset(): void {
    this.config = { ...NO_FAULTS };
  }

  count(kind: string): void {
    this.fired[kind] = (this.fired[kind] ?? 0) + 1;
  }

  /** Consumes one HTTP fault, if any is armed. */
  takeHttpFault(): 500 | 429 | null {
    if (this.config.http500 > 0) {
      this.config.http500 -= 1;
      this.count('http500');
      return 500;
    }
    if (this.config.http429 > 0) {
      this.config.http429 -= 1;
      this.count('http429');
      return 429;
    }
    return null;
  }

  socketsRefused(): boolean {
    return this.now() < this.config.refuseSocketsUntil;
  }

  silent(): boolean {
    return this.now() < this.config.silentUntil;
  }
}
