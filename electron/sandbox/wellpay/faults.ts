/** The WellPay emulator's fault switches, set through `POST /sandbox/faults`; counters are consumed as they fire. */

export interface WellpayFaultConfig {
  /** The next N REST calls (key and RemoteInvoiceApi) answer 500 with an HTML body, as a crashed PHP backend. */
  http500: number;
  /** Every REST answer waits this long first. */
  httpDelayMs: number;
  /** socket.io handshakes are refused until this epoch-ms (the client's manager keeps retrying). */
  refuseSocketsUntil: number;
  /**
   * `get` answers with a malformed `exchange_log`: `truncated` cuts the closing `]` (as in the documented sample),
   * `garbage` cuts it in the middle (not JSON at all); false = well formed.
   */
  malformedExchangeLog: false | 'truncated' | 'garbage';
}

export const NO_WELLPAY_FAULTS: Readonly<WellpayFaultConfig> = Object.freeze({
  http500: 0,
  httpDelayMs: 0,
  refuseSocketsUntil: 0,
  malformedExchangeLog: false,
});

export class WellpayFaults {
  config: WellpayFaultConfig = { ...NO_WELLPAY_FAULTS };
  /** How many times each fault fired. */
  readonly fired: Record<string, number> = {};
  readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  set(patch: Partial<WellpayFaultConfig>): WellpayFaultConfig {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    this.config = { ...this.config, ...defined };
    return this.config;
  }

  reset(): void {
    this.config = { ...NO_WELLPAY_FAULTS };
  }

  count(kind: string): void {
    this.fired[kind] = (this.fired[kind] ?? 0) + 1;
  }

  take500(): boolean {
    if (this.config.http500 <= 0) return false;
    this.config.http500 -= 1;
    this.count('http500');
    return true;
  }

  socketsRefused(): boolean {
    return this.now() < this.config.refuseSocketsUntil;
  }
}
