/**
 * Wires the core's events into the stores, once per window, and re-reads everything after the link to the core comes
 * back: whatever happened while the renderer was cut off arrives through the re-read, not through events it missed.
 */
import { bridge, linkState, onLinkState } from '../bridge.ts';
import { useConnection } from './connection.ts';
import { useCurrent } from './current.ts';
import { useLog } from './log.ts';
import { useOrders } from './orders.ts';
import { useProviders } from './providers.ts';
import { useSettings } from './settings.ts';
import { useShift } from './shift.ts';

let started = false;

export async function resync(): Promise<void> {
  const tasks: Promise<unknown>[] = [
    bridge.invoke('connection.get', {}).then((v) => useConnection.getState().setView(v)),
    useSettings.getState().load(),
    bridge.invoke('providers.list', {}).then((list) => useProviders.getState().setAll(list)),
    useShift.getState().load(),
  ];
  const current = useCurrent.getState().currentId;
  if (current)
    tasks.push(bridge.invoke('orders.get', { id: current }).then((d) => useOrders.getState().upsert(d)));
  const results = await Promise.allSettled(tasks);
  for (const r of results) if (r.status === 'rejected') console.warn('[paydesk] resync', r.reason);
}

export function startSync(): void {
  if (started) return;
  started = true;
  bridge.on('connection', (view) => useConnection.getState().setView(view));
  bridge.on('order', (view) => useOrders.getState().upsert(view));
  bridge.on('log', (line) => useLog.getState().append(line));
  bridge.on('provider', (view) => useProviders.getState().set(view));

  useConnection.getState().setLink(linkState());
  onLinkState((state) => {
    useConnection.getState().setLink(state);
    // Every (re)opened stream: read again what may have changed before it was listening.
    if (state === 'up') void resync();
  });
  void resync();
}
