/**
 * PayDeskBridge over the browser host's loopback bridge (electron/web/host.ts): `POST /bridge/<method>` for calls and
 * one server-sent-events stream `GET /bridge/events` for the core's events. The session cookie the host set when the
 * one-time link was opened authenticates both; the renderer never sees it (HttpOnly).
 *
 * Besides the contract, the web bridge reports the health of its own link (`onLink`): when the event stream is down
 * the renderer must not show any status as live, whatever the core last said.
 */
import type { PayDeskBridge } from '../../../shared/contract/bridge.ts';
import { BridgeError } from '../../../shared/contract/bridge.ts';
import type {
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../../../shared/contract/contract.ts';

import type { LinkState } from '../lib/connection.ts';

export type { LinkState } from '../lib/connection.ts';

export interface WebBridge extends PayDeskBridge {
  link(): LinkState;
  onLink(listener: (state: LinkState) => void): () => void;
  close(): void;
}

/** Events the host sends: the contract's four plus `ping` (a heartbeat every 10 s). */
const EVENT_NAMES: readonly EventName[] = ['connection', 'order', 'log', 'provider'];
/** No event or ping for this long → the stream is considered dead and is reopened. */
const STALE_MS = 25_000;

interface Envelope {
  ok: boolean;
  data?: unknown;
  error?: { code?: unknown; message?: unknown; requestId?: unknown; fields?: unknown };
}

function toBridgeError(status: number, body: Envelope | null): BridgeError {
  const e = body?.error;
  if (e && typeof e.code === 'string') {
    return new BridgeError({
      code: e.code,
      message: typeof e.message === 'string' ? e.message : e.code,
      requestId: typeof e.requestId === 'string' ? e.requestId : null,
      fields: Array.isArray(e.fields) ? (e.fields as { name: string; code: string }[]) : undefined,
    });
  }
  if (status === 401 || status === 403) {
    return new BridgeError({
      code: 'host_unauthorized',
      message: `browser host refused the session (${status})`,
      requestId: null,
    });
  }
  return new BridgeError({ code: 'host_error', message: `browser host answered ${status}`, requestId: null });
}

export function createWebBridge(base = ''): WebBridge {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const linkListeners = new Set<(state: LinkState) => void>();
  let link: LinkState = 'connecting';
  let source: EventSource | null = null;
  let staleTimer: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryMs = 500;
  let closed = false;

  const setLink = (next: LinkState): void => {
    if (next === link) return;
    link = next;
    for (const l of linkListeners) l(next);
  };

  const armStale = (): void => {
    if (staleTimer) clearTimeout(staleTimer);
    staleTimer = setTimeout(() => {
      // A half-open connection delivers nothing and reports nothing: treat silence as a dead link.
      setLink('down');
      reopen();
    }, STALE_MS);
  };

  const dispatch = (event: EventName, raw: string): void => {
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      return;
    }
    for (const l of listeners.get(event) ?? []) {
      try {
        (l as (p: unknown) => void)(payload);
      } catch (err) {
        console.error('[paydesk] event listener failed', err);
      }
    }
  };

  const open = (): void => {
    if (closed) return;
    const es = new EventSource(`${base}/bridge/events`, { withCredentials: true });
    source = es;
    es.addEventListener('open', () => {
      retryMs = 500;
      setLink('up');
      armStale();
    });
    es.addEventListener('ping', () => armStale());
    for (const name of EVENT_NAMES) {
      es.addEventListener(name, (ev) => {
        armStale();
        dispatch(name, (ev as MessageEvent<string>).data);
      });
    }
    es.addEventListener('error', () => {
      setLink('down');
      // EventSource retries by itself after a network error, but gives up for good on an HTTP error (401/403):
      // close and reopen with a backoff in both cases, so that the behaviour is the same.
      reopen();
    });
  };

  const reopen = (): void => {
    if (closed) return;
    source?.close();
    source = null;
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (link !== 'up') setLink('connecting');
      open();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 5_000);
  };

  open();

  return {
    host: 'browser',
    async invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      let res: Response;
      try {
        res = await fetch(`${base}/bridge/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
          cache: 'no-store',
        });
      } catch {
        throw new BridgeError({
          code: 'host_unreachable',
          message: 'the PayDesk host does not answer',
          requestId: null,
        });
      }
      let body: Envelope | null;
      try {
        body = (await res.json()) as Envelope;
      } catch {
        body = null;
      }
      if (res.ok && body?.ok === true) return body.data as MethodOutput<M>;
      throw toBridgeError(res.status, body);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    link: () => link,
    onLink(listener) {
      linkListeners.add(listener);
      return () => linkListeners.delete(listener);
    },
    close() {
      closed = true;
      source?.close();
      if (staleTimer) clearTimeout(staleTimer);
      if (retryTimer) clearTimeout(retryTimer);
    },
  };
}
