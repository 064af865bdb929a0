/**
 * The Xsolla adapter: follows store orders' statuses (track only — Xsolla's orders are created by the payment flow,
 * and the console cannot cancel or refund them). One tracker per order (tracker.ts): its own Centrifuge connection
 * while the payment screen is open, Get order polling when that fails. The adapter's `connection` is the worst of
 * its active trackers' (offline > degraded > connecting > live), `idle` when it follows nothing.
 *
 *   const xsolla = createXsollaAdapter({ wsUrl: 'wss://ws-store.xsolla.com/connection/websocket',
 *                                         apiUrl: 'https://store.xsolla.com' });
 *   xsolla.events.on('update', (order) => …);
 *   xsolla.track({ projectId: 44056, orderId: 59614241, token: userJwt });
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { Options } from 'centrifuge';
import type {
  ProviderAdapter,
  ProviderCapabilities,
  ProviderConnection,
  ProviderConnectionState,
  ProviderEvents,
} from '../types.ts';
import {
  createOrderTracker,
  type LogFn,
  type OrderTracker,
  type Timers,
  type TrackerConnection,
  type TrackerDeps,
  type TrackerView,
  type XsollaTrackInput,
} from './tracker.ts';

export type { XsollaTrackInput, TrackerView as XsollaTrackerView, Timers, LogFn } from './tracker.ts';

export const XSOLLA_DEFAULTS = Object.freeze({
  /** Xsolla's recommended delay between Get order calls. */
  pollIntervalMs: 3_000,
  /** Xsolla's recommended maximum wait on the socket. */
  socketMaxWaitMs: 5 * 60_000,
  /** How long the SDKs keep polling. */
  pollMaxMs: 10 * 60_000,
  requestTimeoutMs: 10_000,
});

export interface XsollaAdapterOptions {
  /** `wss://ws-store.xsolla.com/connection/websocket` (or the sandbox's `wsUrl`). */
  wsUrl: string;
  /** `https://store.xsolla.com` — the origin; the adapter adds `/api/v2/project/…`. */
  apiUrl: string;
  log?: LogFn;
  /** ms since the epoch; for `at` and the polling deadline. */
  clock?: () => number;
  timers?: Timers;
  pollIntervalMs?: number;
  socketMaxWaitMs?: number;
  pollMaxMs?: number;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  /** Extra options for the Centrifuge client (reconnect delays, timeouts). */
  centrifuge?: Partial<Options>;
  /** WebSocket constructor for the Centrifuge client (default: `ws`). */
  websocket?: unknown;
}

export interface XsollaAdapter extends ProviderAdapter {
  /** Starts following an order (again, if it had finished); for an order already followed, just takes the token. */
  track(input: XsollaTrackInput): TrackerView;
  /** Stops following an order and forgets it; false if it was not tracked. */
  untrack(orderId: number | string): boolean;
  /** What the adapter knows of one order, or of all it holds (finished ones too, until untracked). */
  tracked(orderId: number | string): TrackerView | null;
  trackedAll(): TrackerView[];
}

const CAPABILITIES: Readonly<ProviderCapabilities> = Object.freeze({
  create: false,
  cancel: false,
  refund: false,
  track: true,
});

const SEVERITY: Record<TrackerConnection['state'], number> = {
  live: 1,
  connecting: 2,
  degraded: 3,
  offline: 4,
};

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createXsollaAdapter(options: XsollaAdapterOptions): XsollaAdapter {
  const clock = options.clock ?? Date.now;
  const log: LogFn = options.log ?? (() => {});
  const events = new EventEmitter<ProviderEvents>();
  const trackers = new Map<string, OrderTracker>();
  let current: ProviderConnection = { provider: 'xsolla', state: 'idle', reason: null, at: iso(clock()) };

  const deps: Omit<TrackerDeps, 'onUpdate'> = {
    wsUrl: options.wsUrl,
    apiUrl: options.apiUrl,
    clock,
    timers: options.timers ?? defaultTimers,
    pollIntervalMs: options.pollIntervalMs ?? XSOLLA_DEFAULTS.pollIntervalMs,
    socketMaxWaitMs: options.socketMaxWaitMs ?? XSOLLA_DEFAULTS.socketMaxWaitMs,
    pollMaxMs: options.pollMaxMs ?? XSOLLA_DEFAULTS.pollMaxMs,
    requestTimeoutMs: options.requestTimeoutMs ?? XSOLLA_DEFAULTS.requestTimeoutMs,
    fetch: options.fetch ?? globalThis.fetch,
    log,
    websocket: options.websocket ?? WebSocket,
    centrifuge: options.centrifuge ?? {},
    onChange: recompute,
  };

  function recompute(): void {
    let worst: TrackerConnection | null = null;
    for (const t of trackers.values()) {
      const c = t.connection();
      if (c && (worst === null || SEVERITY[c.state] > SEVERITY[worst.state])) worst = c;
    }
    const state: ProviderConnectionState = worst?.state ?? 'idle';
    const reason = worst?.reason ?? null;
    if (state === current.state && reason === current.reason) return;
    current = { provider: 'xsolla', state, reason, at: iso(clock()) };
    events.emit('connection', current);
  }

  return {
    provider: 'xsolla',
    capabilities: CAPABILITIES,
    events,
    connection: () => current,
    track(input) {
      const id = String(input.orderId);
      if (!Number.isSafeInteger(input.projectId) || input.projectId <= 0) {
        throw new TypeError('xsolla: projectId must be a positive integer');
      }
      if (!/^[0-9A-Za-z_-]{1,64}$/.test(id)) throw new TypeError('xsolla: orderId is not an order id');
      if (typeof input.token !== 'string' || input.token === '')
        throw new TypeError('xsolla: token is required');
      const existing = trackers.get(id);
      if (existing && existing.view().phase === 'active') {
        existing.setToken(input.token);
        return existing.view();
      }
      existing?.stop();
      const tracker = createOrderTracker(input, {
        ...deps,
        onUpdate: (order) => {
          events.emit('update', order);
        },
      });
      trackers.set(id, tracker);
      log('info', 'xsolla.track', { orderId: id, projectId: input.projectId });
      tracker.start();
      recompute();
      return tracker.view();
    },
    untrack(orderId) {
      const id = String(orderId);
      const tracker = trackers.get(id);
      if (!tracker) return false;
      trackers.delete(id);
      tracker.stop();
      recompute();
      return true;
    },
    tracked: (orderId) => trackers.get(String(orderId))?.view() ?? null,
    trackedAll: () => [...trackers.values()].map((t) => t.view()),
    async stop() {
      const all = [...trackers.values()];
      trackers.clear();
      for (const t of all) t.stop();
      recompute();
    },
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
