/**
 * The PayDeskBridge over IPC, built from a minimal ipcRenderer-like object so it is tested without Electron.
 * preload.ts hands it the real ipcRenderer and exposes the result — and nothing else — as `window.paydesk`.
 *
 *  - `invoke` knows the contract's method names (names.ts, no zod here) and refuses any other name BEFORE IPC;
 *    the main process answers with an envelope, and a failure rejects with the contract's error as plain data
 *    (`{code, message, requestId, fields}`): contextBridge drops custom properties of Error objects, plain objects
 *    cross intact, and the renderer reads errors by their fields (renderer/src/ui/errors.ts).
 *  - `on` knows the event names, subscribes one listener on `paydesk:event:<name>`, passes the payload only (never
 *    the IpcRendererEvent, which would leak `sender`), and returns an idempotent unsubscribe.
 */
import type { PayDeskBridge } from '../../shared/contract/bridge.ts';
import type { ContractError } from '../../shared/contract/contract.ts';
import { eventChannel, isEventName, isMethodName, methodChannel } from '../../shared/contract/names.ts';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

function contractError(code: string, message: string): ContractError {
  return { code, message, requestId: null };
}

/** The envelope's error, re-built field by field: only the contract's fields, only of the right types. */
function fromEnvelopeError(raw: unknown): ContractError {
  const e = (raw ?? {}) as { code?: unknown; message?: unknown; requestId?: unknown; fields?: unknown };
  if (typeof e.code !== 'string')
    return contractError('internal_error', 'The console answered with an error');
  const error: ContractError = {
    code: e.code,
    message: typeof e.message === 'string' ? e.message : e.code,
    requestId: typeof e.requestId === 'string' ? e.requestId : null,
  };
  if (Array.isArray(e.fields)) {
    error.fields = (e.fields as unknown[]).flatMap((f) => {
      const x = (f ?? {}) as { name?: unknown; code?: unknown };
      return typeof x.name === 'string' && typeof x.code === 'string' ? [{ name: x.name, code: x.code }] : [];
    });
  }
  return error;
}

export function createIpcBridge(ipc: IpcLike): PayDeskBridge {
  async function invoke(method: unknown, input: unknown): Promise<unknown> {
    if (!isMethodName(method)) {
      throw contractError('unknown_method', `Unknown method ${String(method).slice(0, 64)}`);
    }
    let reply: unknown;
    try {
      reply = await ipc.invoke(methodChannel(method), input ?? {});
    } catch {
      throw contractError('ipc_failed', 'The console did not answer');
    }
    const envelope = (reply ?? {}) as { ok?: unknown; data?: unknown; error?: unknown };
    if (envelope.ok === true) return envelope.data;
    if (envelope.ok === false) throw fromEnvelopeError(envelope.error);
    throw contractError('ipc_failed', 'The console answered something unexpected');
  }

  function on(event: unknown, listener: unknown): () => void {
    if (!isEventName(event))
      throw contractError('unknown_event', `Unknown event ${String(event).slice(0, 64)}`);
    if (typeof listener !== 'function')
      throw contractError('invalid_listener', 'The listener is not a function');
    const channel = eventChannel(event);
    const wrapped = (_event: unknown, payload: unknown): void => {
      (listener as (payload: unknown) => void)(payload);
    };
    ipc.on(channel, wrapped);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, wrapped);
    };
  }

  return {
    host: 'electron',
    invoke: invoke as PayDeskBridge['invoke'],
    on: on as PayDeskBridge['on'],
  };
}
