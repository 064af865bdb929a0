/**
 * The one connection state a cashier sees, derived from the gate socket and the reconciliation loop:
 *  - `connecting`: the first connection attempt, nothing known yet;
 *  - `live`: the socket is open and answering heartbeats — statuses arrive the moment they change;
 *  - `degraded`: the socket is down but the API answers — statuses are followed by polling every few seconds;
 *  - `offline`: neither the socket nor the API is reachable — what is on screen may be stale, and says so.
 * Pure: fed events, emits a new view only when something a cashier would notice changed.
 */
import type { ConnectionState, ConnectionView } from '../../shared/contract/contract.ts';
import type { SocketStateEvent } from './gate/listener.ts';

export interface ConnectionInputs {
  socket: SocketStateEvent;
  /** Outcome of the last reconciliation cycle, null before the first one. */
  lastReconcile: { ok: boolean; at: string } | null;
  everLive: boolean;
}

export function deriveState(inputs: ConnectionInputs): { state: ConnectionState; reason: string | null } {
  const { socket, lastReconcile, everLive } = inputs;
  if (socket.state === 'open') return { state: 'live', reason: null };
  const reason = socket.reason ?? (socket.state === 'connecting' ? 'connecting' : null);
  if (reason === 'no_token' || reason === 'unauthorized') {
    return { state: lastReconcile?.ok ? 'degraded' : 'offline', reason };
  }
  if (lastReconcile === null) return { state: everLive ? 'degraded' : 'connecting', reason };
  return lastReconcile.ok ? { state: 'degraded', reason } : { state: 'offline', reason: 'api_unreachable' };
}

export interface ConnectionTracker {
  update(patch: Partial<ConnectionInputs>): ConnectionView | null;
  view(): ConnectionView;
  history(): ConnectionView[];
}

export function createConnectionTracker(options: {
  mode: 'sandbox' | 'live';
  gateUrl: string; // masked
  now?: () => Date;
  historySize?: number;
}): ConnectionTracker {
  const now = options.now ?? (() => new Date());
  const historySize = options.historySize ?? 100;
  const inputs: ConnectionInputs = {
    socket: { state: 'idle', attempt: 0 },
    lastReconcile: null,
    everLive: false,
  };
  let current: ConnectionView = {
    state: 'connecting',
    reason: null,
    since: now().toISOString(),
    mode: options.mode,
    gateUrl: options.gateUrl,
    lastReconcileAt: null,
    retryInMs: null,
  };
  const past: ConnectionView[] = [current];

  return {
    update(patch) {
      Object.assign(inputs, patch);
      if (inputs.socket.state === 'open') inputs.everLive = true;
      const { state, reason } = deriveState(inputs);
      const lastReconcileAt = inputs.lastReconcile?.at ?? null;
      const retryInMs = inputs.socket.retryInMs ?? null;
      const changed = state !== current.state || reason !== current.reason;
      if (!changed && lastReconcileAt === current.lastReconcileAt && retryInMs === current.retryInMs)
        return null;
      current = {
        ...current,
        state,
        reason,
        since: changed ? now().toISOString() : current.since,
        lastReconcileAt,
        retryInMs,
      };
      if (changed) {
        past.push(current);
        if (past.length > historySize) past.shift();
      }
      return current;
    },
    view: () => current,
    history: () => [...past],
  };
}
