/**
 * "Which order is at the counter now": the cashier's window publishes it, the customer display follows it. Works
 * between two tabs of the browser host and between two Electron windows of the same origin: BroadcastChannel for the
 * live message, localStorage for a display opened later (and its `storage` event as a second path). A display that
 * hears nothing at all (a different origin) falls back to polling the newest open order (CustomerDisplay).
 */
const CHANNEL = 'paydesk-current-order';
const KEY = 'paydesk.currentOrder';

export interface CurrentOrderMessage {
  id: string | null;
  at: number;
}

let channel: BroadcastChannel | null = null;
function getChannel(): BroadcastChannel | null {
  if (channel) return channel;
  if (typeof BroadcastChannel === 'undefined') return null;
  channel = new BroadcastChannel(CHANNEL);
  return channel;
}

export function publishCurrentOrder(id: string | null): void {
  const msg: CurrentOrderMessage = { id, at: Date.now() };
  try {
    localStorage.setItem(KEY, JSON.stringify(msg));
  } catch {
    // storage unavailable: the channel still carries it
  }
  getChannel()?.postMessage(msg);
}

function parse(raw: unknown): CurrentOrderMessage | null {
  const v = typeof raw === 'string' ? safeJson(raw) : raw;
  if (typeof v !== 'object' || v === null) return null;
  const { id, at } = v as Record<string, unknown>;
  if ((typeof id === 'string' || id === null) && typeof at === 'number') return { id, at };
  return null;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

export function readCurrentOrder(): CurrentOrderMessage | null {
  try {
    return parse(localStorage.getItem(KEY));
  } catch {
    return null;
  }
}

export function subscribeCurrentOrder(listener: (msg: CurrentOrderMessage) => void): () => void {
  let last = 0;
  const deliver = (msg: CurrentOrderMessage | null): void => {
    if (!msg || msg.at < last) return;
    last = msg.at;
    listener(msg);
  };
  const ch = getChannel();
  const onMessage = (ev: MessageEvent): void => deliver(parse(ev.data));
  const onStorage = (ev: StorageEvent): void => {
    if (ev.key === KEY) deliver(parse(ev.newValue));
  };
  ch?.addEventListener('message', onMessage);
  window.addEventListener('storage', onStorage);
  return () => {
    ch?.removeEventListener('message', onMessage);
    window.removeEventListener('storage', onStorage);
  };
}
