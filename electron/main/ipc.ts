/**
 * The contract over IPC: one `ipcMain.handle` per method on `paydesk:<method>`, and the core's events forwarded to
 * the windows with `webContents.send`. Every call is checked twice before the core sees it (which validates again):
 *  1. the SENDER — the main frame of one of our windows showing our own origin, else the call is dropped;
 *  2. the INPUT — a plain, bounded object that the method's zod schema accepts.
 * Answers are envelopes (`{ok, data}` / `{ok:false, error}`): an Error thrown in a handler would reach the renderer
 * as its message only, without the code and request id the cashier's screen needs.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { ConnectionView, EventName, OrderView } from '../../shared/contract/contract.ts';
import type { ProviderView } from '../../shared/contract/providers.ts';
import {
  checkInput,
  errorEnvelope,
  forbiddenEnvelope,
  METHOD_CHANNELS,
  methodAllowed,
  senderRole,
  type Envelope,
  type WindowRole,
} from './ipc-policy.ts';
import type { Windows } from './windows.ts';
import type { Core } from '../core/core.ts';

export interface IpcOptions {
  core: Pick<Core, 'invoke' | 'events'>;
  windows: Pick<Windows, 'roleOf' | 'broadcast'>;
  appOrigins: readonly string[];
  /** After a successful `settings.update` (the menu follows the language). */
  onSettingsChanged(): void;
  warn(event: string, fields: Record<string, string>): void;
}

export class DroppedSenderError extends Error {
  constructor() {
    super('paydesk: message from an unexpected sender was dropped');
  }
}

function identify(event: IpcMainInvokeEvent, options: IpcOptions): WindowRole | null {
  const owner = options.windows.roleOf(event.sender);
  const frame = event.senderFrame;
  let mainFrameToken: string | null;
  try {
    mainFrameToken = owner ? owner.window.webContents.mainFrame.frameToken : null;
  } catch {
    mainFrameToken = null; // the window is going away
  }
  return senderRole(
    {
      windowRole: owner?.role ?? null,
      frame: frame
        ? {
            url: frame.url,
            isMainFrame:
              frame.parent === null && mainFrameToken !== null && frame.frameToken === mainFrameToken,
            detached: frame.detached,
          }
        : null,
    },
    options.appOrigins,
  );
}

/** Registers the handlers and the event forwarding; returns the undo. */
export function registerIpc(options: IpcOptions): () => void {
  for (const { method, channel } of METHOD_CHANNELS) {
    ipcMain.handle(channel, async (event, input: unknown): Promise<Envelope> => {
      const role = identify(event, options);
      if (role === null) {
        options.warn('ipc.dropped', { method, url: (event.senderFrame?.url ?? '-').slice(0, 200) });
        throw new DroppedSenderError();
      }
      if (!methodAllowed(role, method)) {
        options.warn('ipc.forbidden', { method, role });
        return forbiddenEnvelope(method);
      }
      const checked = checkInput(method, input);
      if (!checked.ok) return { ok: false, error: checked.error };
      try {
        const data = await options.core.invoke(method, checked.input);
        if (method === 'settings.update') options.onSettingsChanged();
        return { ok: true, data };
      } catch (err) {
        return errorEnvelope(err);
      }
    });
  }

  const forward =
    <E extends EventName>(name: E) =>
    (payload: unknown): void =>
      options.windows.broadcast(name, payload);
  const onConnection = forward('connection') as (view: ConnectionView) => void;
  const onOrder = forward('order') as (view: OrderView) => void;
  const onLog = forward('log') as (line: string) => void;
  const onProvider = forward('provider') as (view: ProviderView) => void;
  options.core.events.on('provider', onProvider);
  options.core.events.on('connection', onConnection);
  options.core.events.on('order', onOrder);
  options.core.events.on('log', onLog);

  return () => {
    for (const { channel } of METHOD_CHANNELS) ipcMain.removeHandler(channel);
    options.core.events.off('connection', onConnection);
    options.core.events.off('order', onOrder);
    options.core.events.off('log', onLog);
    options.core.events.off('provider', onProvider);
  };
}
