import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Faults } from './faults.ts';

/**
 * Another emulator sharing the sandbox's HTTP server (Xsolla, WellPay): it takes the requests and upgrades on its
 * own paths and answers false for the rest, which then reach the Invoicebox emulator.
 */
export interface SandboxMount {
  name: string;
  handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void | Promise<void>;
}
import type { SandboxState } from './state.ts';

export interface SandboxOptions {
  /** 0 = any free port. Always bound to 127.0.0.1 unless `host` says otherwise. */
  port?: number;
  host?: string;
  /** Extra token/merchant pairs besides the public demo shop. */
  accounts?: { token: string; merchantId: string; name?: string }[];
  /** Persist state to this JSON file (loaded at start, saved on change). In memory when absent. */
  stateFile?: string;
  /** Rate limit per account: requests per window (default 100 per 30 000 ms, as the real gateway). */
  rateLimit?: { requests: number; windowMs: number };
  /** Gate retry schedule for unanswered / out_of_service notifications, ms between tries (default compressed). */
  notifyRetryDelaysMs?: number[];
  /** How long the gate waits for a console's answer before counting it as not answered (default 20 000 ms). */
  notifyAnswerTimeoutMs?: number;
  /** Reorder fault: a partial group of held-back notifications is released after this many ms (default 1 000). */
  notifyReorderFlushMs?: number;
  /** Gate heartbeat: a WebSocket ping every this many ms; no pong by the next one → socket dropped (default 25 000; 0 = off). */
  gatePingIntervalMs?: number;
  /** How long the control API's calls to consoles (get-status, test notification, gate/call) wait (default 5 000 ms). */
  gateCallTimeoutMs?: number;
  /**
   * A refund is created as `created` and completed this many ms later, announced like a real settlement
   * (default 300). `null`: refunds stay `created` until `POST /sandbox/refunds/{id}/complete`.
   */
  refundAutoCompleteMs?: number | null;
  /** Max request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** Other emulators served on the same port (asked first, on their own paths). */
  mounts?: SandboxMount[];
}

/** What every part of the sandbox shares. */
export interface SandboxContext {
  state: SandboxState;
  faults: Faults;
  options: SandboxOptions;
  /** `http://127.0.0.1:<port>` once listening. */
  baseUrl(): string;
  /** Called after any change that a state file should capture. */
  changed(): void;
}
