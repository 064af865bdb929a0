/**
 * The gate's open sockets: who is connected, calls to a console that wait for its answer (or time out), the heartbeat,
 * and whatever a console sends on its own. JSON-RPC framing and parsing come from shared/protocol/jsonrpc.ts; nothing
 * here knows about notifications or retries (gate-delivery.ts).
 *
 * The `silentUntil` fault lives here: while it is armed, nothing leaves the gate (frames, pongs, pings) and nothing a
 * console sends is taken in: a half-dead socket that only the console's own heartbeat can detect.
 */
import { randomBytes } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import {
  dispatch,
  rpcRequest,
  type RpcErrorObject,
  type RpcResponse,
} from '../../shared/protocol/jsonrpc.ts';
import type { Faults } from './faults.ts';
import type { TimerSet } from './timer-set.ts';

export interface GateConnection {
  readonly id: string;
  readonly merchantId: string;
  readonly connectedAt: string;
  /** `address:port` of the console. */
  readonly remote: string;
  readonly ws: WebSocket;
  /** A pong came (or nothing was asked yet) since the last heartbeat ping. */
  alive: boolean;
  /** Waiters for the next frame that answers none of our calls; `null` = the socket closed first. */
  readonly unsolicited: ((text: string | null) => void)[];
}

export type CallOutcome =
  | { outcome: 'result'; result: unknown }
  | { outcome: 'error'; error: RpcErrorObject }
  | { outcome: 'timeout' }
  | { outcome: 'closed' };

export type CallAnswer = CallOutcome & { socket: string; merchantId: string; rpcId: string };

export type RawAnswer = { socket: string; merchantId: string } & (
  { outcome: 'frame'; text: string } | { outcome: 'timeout' } | { outcome: 'closed' }
);

interface PendingCall {
  readonly conn: GateConnection;
  readonly settle: (outcome: CallOutcome) => void;
}

/** The gate serves no methods: a request from a console gets −32601, garbage −32700 (see dispatch). */
const NO_METHODS = Object.freeze({});

/** 20 hex characters, like the ids in Invoicebox's examples (`01823fdac4b7a7b5a3ac`). */
export function newRpcId(): string {
  return randomBytes(10).toString('hex');
}

export interface GateSocketsDeps {
  faults: Faults;
  timers: TimerSet;
  now: () => Date;
}

export class GateSockets {
  readonly #faults: Faults;
  readonly #timers: TimerSet;
  readonly #now: () => Date;
  readonly #conns = new Map<string, GateConnection>();
  readonly #pending = new Map<string, PendingCall>();
  #seq = 0;
  #heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(deps: GateSocketsDeps) {
    this.#faults = deps.faults;
    this.#timers = deps.timers;
    this.#now = deps.now;
  }

  add(ws: WebSocket, merchantId: string, remote: string): GateConnection {
    this.#seq += 1;
    const conn: GateConnection = {
      id: `s${this.#seq}`,
      merchantId,
      connectedAt: this.#now().toISOString(),
      remote,
      ws,
      alive: true,
      unsolicited: [],
    };
    this.#conns.set(conn.id, conn);
    ws.on('message', (data: RawData) => void this.#onFrame(conn, frameText(data)));
    ws.on('ping', (data: Buffer) => this.#onPing(conn, data));
    ws.on('pong', () => {
      conn.alive = true;
    });
    // ws reports protocol violations (e.g. a frame over maxPayload) here and closes the socket itself.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.#forget(conn));
    return conn;
  }

  list(merchantId?: string): GateConnection[] {
    const all = [...this.#conns.values()];
    return merchantId === undefined ? all : all.filter((c) => c.merchantId === merchantId);
  }

  get pendingCalls(): number {
    return this.#pending.size;
  }

  /** Calls `method` on one console and waits for its answer; never rejects. */
  call(conn: GateConnection, method: string, params: unknown, timeoutMs: number): Promise<CallAnswer> {
    const rpcId = newRpcId();
    const tag = { socket: conn.id, merchantId: conn.merchantId, rpcId };
    if (!this.#conns.has(conn.id)) return Promise.resolve({ ...tag, outcome: 'closed' });
    return new Promise((resolve) => {
      let cancelTimer = (): void => {};
      const settle = (outcome: CallOutcome): void => {
        cancelTimer();
        this.#pending.delete(rpcId);
        resolve({ ...tag, ...outcome });
      };
      this.#pending.set(rpcId, { conn, settle });
      cancelTimer = this.#timers.after(timeoutMs, () => settle({ outcome: 'timeout' }));
      this.#transmit(conn, JSON.stringify(rpcRequest(rpcId, method, params)));
    });
  }

  /** Sends a frame as is and waits for the next frame from that console that answers none of our calls. */
  sendRaw(conn: GateConnection, text: string, timeoutMs: number): Promise<RawAnswer> {
    const tag = { socket: conn.id, merchantId: conn.merchantId };
    if (!this.#conns.has(conn.id)) return Promise.resolve({ ...tag, outcome: 'closed' });
    return new Promise((resolve) => {
      const waiter = (frame: string | null): void => {
        cancelTimer();
        resolve(frame === null ? { ...tag, outcome: 'closed' } : { ...tag, outcome: 'frame', text: frame });
      };
      const cancelTimer = this.#timers.after(timeoutMs, () => {
        const at = conn.unsolicited.indexOf(waiter);
        if (at >= 0) conn.unsolicited.splice(at, 1);
        resolve({ ...tag, outcome: 'timeout' });
      });
      conn.unsolicited.push(waiter);
      this.#transmit(conn, text);
    });
  }

  /** Pings every socket each `intervalMs`; one that has not ponged by the next round is terminated. 0 = off. */
  startHeartbeat(intervalMs: number): void {
    if (intervalMs <= 0 || this.#heartbeat) return;
    this.#heartbeat = setInterval(() => this.#beat(), intervalMs);
  }

  /** Terminates the sockets (all, or one merchant's) at once; returns how many. */
  drop(merchantId?: string): number {
    const victims = this.list(merchantId);
    for (const conn of victims) {
      this.#forget(conn);
      conn.ws.terminate();
    }
    return victims.length;
  }

  close(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    this.drop();
  }

  #beat(): void {
    const silent = this.#faults.silent();
    for (const conn of this.#conns.values()) {
      if (silent) {
        // A silent gate neither pings nor judges: the console is the one that must notice.
        conn.alive = true;
      } else if (!conn.alive) {
        this.#forget(conn);
        conn.ws.terminate();
      } else {
        conn.alive = false;
        conn.ws.ping();
      }
    }
  }

  async #onFrame(conn: GateConnection, text: string): Promise<void> {
    if (this.#faults.silent()) {
      this.#faults.count('silentUntil');
      return;
    }
    let answeredOurCall = false;
    const reply = await dispatch(text, NO_METHODS, {
      onResponse: (response) => {
        if (this.#settle(conn, response)) answeredOurCall = true;
      },
    });
    if (!answeredOurCall) conn.unsolicited.shift()?.(text);
    if (reply !== null) this.#transmit(conn, reply);
  }

  /** Routes an answer to the call it answers; only the socket that was asked may answer. */
  #settle(conn: GateConnection, response: RpcResponse): boolean {
    if (typeof response.id !== 'string') return false;
    const call = this.#pending.get(response.id);
    if (!call || call.conn !== conn) return false;
    call.settle(
      'error' in response
        ? { outcome: 'error', error: response.error }
        : { outcome: 'result', result: response.result },
    );
    return true;
  }

  #onPing(conn: GateConnection, data: Buffer): void {
    if (this.#faults.silent()) {
      this.#faults.count('silentUntil');
      return;
    }
    if (this.#conns.has(conn.id)) conn.ws.pong(data);
  }

  /** Sends a text frame unless the gate is silent (then it is swallowed, as by a dead link) or the socket is gone. */
  #transmit(conn: GateConnection, text: string): void {
    if (this.#faults.silent()) {
      this.#faults.count('silentUntil');
      return;
    }
    if (!this.#conns.has(conn.id)) return;
    conn.ws.send(text);
  }

  #forget(conn: GateConnection): void {
    if (!this.#conns.delete(conn.id)) return;
    for (const call of [...this.#pending.values()]) {
      if (call.conn === conn) call.settle({ outcome: 'closed' });
    }
    for (const waiter of conn.unsolicited.splice(0)) waiter(null);
  }
}

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
