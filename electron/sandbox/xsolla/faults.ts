/**
 * Fault switches of the Xsolla emulator, set through `POST /sandbox/faults` (see docs/sandbox-xsolla.md). Durations
 * are stored as deadlines on the emulator's clock; counters are consumed as the faults fire.
 */

export interface XsollaFaultConfig {
  /** WebSocket upgrades on /connection/websocket answer HTTP 503 until this epoch-ms. */
  refuseConnectsUntil: number;
  /** The server sends no pings (and expects no pongs) until this epoch-ms: clients notice "no ping". */
  silentUntil: number;
  /** The next N Get order calls answer 500. */
  http500: number;
  /** Each publication push waits this long before it is sent (history has it at once). */
  publishDelayMs: number;
  /** The next N history commands answer error 100 (internal, temporary). */
  historyErrors: number;
}

export const NO_XSOLLA_FAULTS: Readonly<XsollaFaultConfig> = Object.freeze({
  refuseConnectsUntil: 0,
  silentUntil: 0,
  http500: 0,
  publishDelayMs: 0,
  historyErrors: 0,
});

export class XsollaFaults {
  config: XsollaFaultConfig = { ...NO_XSOLLA_FAULTS };
  readonly fired: Record<string, number> = {};
  readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  set(patch: Partial<XsollaFaultConfig>): XsollaFaultConfig {
    this.config = { ...this.config, ...patch };
    return this.config;
  }

  reset(): void {
    this.config = { ...NO_XSOLLA_FAULTS };
  }

  count(kind: string): void {
    this.fired[kind] = (this.fired[kind] ?? 0) + 1;
  }

  connectsRefused(): boolean {
    return this.now() < this.config.refuseConnectsUntil;
  }

  silent(): boolean {
    return this.now() < this.config.silentUntil;
  }

  /** Consumes one counter fault, if armed. */
  take(kind: 'http500' | 'historyErrors'): boolean {
    if (this.config[kind] <= 0) return false;
    this.config[kind] -= 1;
    this.count(kind);
    return true;
  }
}
