/**
 * Who may call what over IPC, as plain functions (no Electron import; ipc.ts feeds them what Electron says about the
 * sender). One channel per contract method (`paydesk:<method>`), events on `paydesk:event:<name>`.
 *
 * A call is served only when its sender frame is the MAIN frame of one of our windows, still attached, showing a
 * page of our own origin; anything else (an iframe, a page that got navigated elsewhere, an unknown webContents)
 * is dropped. The customer display, which faces the customer, may only read.
 */
import {
  contract,
  EVENT_NAMES,
  METHOD_NAMES,
  type ContractError,
  type EventName,
  type MethodName,
} from '../../shared/contract/contract.ts';
import { eventChannel, methodChannel } from '../../shared/contract/names.ts';
import { APP_ORIGIN, isAppUrl } from './security.ts';

export type WindowRole = 'cashier' | 'customer';

/** Every channel ipc.ts registers a handler for: exactly one per contract method. */
export const METHOD_CHANNELS: readonly { method: MethodName; channel: string }[] = METHOD_NAMES.map(
  (method) => ({
    method,
    channel: methodChannel(method),
  }),
);

export const EVENT_CHANNELS: readonly { event: EventName; channel: string }[] = EVENT_NAMES.map((event) => ({
  event,
  channel: eventChannel(event),
}));

/** What the customer display needs: the connection, the shop's settings, and the order at the counter. */
const CUSTOMER_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'connection.get',
  'settings.get',
  'token.status',
  'orders.get',
  'orders.search',
]);
const CUSTOMER_EVENTS: ReadonlySet<EventName> = new Set<EventName>(['connection', 'order']);

export function methodAllowed(role: WindowRole, method: MethodName): boolean {
  return role === 'cashier' || CUSTOMER_METHODS.has(method);
}

/** The log stays on the cashier's screen. */
export function eventAllowed(role: WindowRole, event: EventName): boolean {
  return role === 'cashier' || CUSTOMER_EVENTS.has(event);
}

export interface SenderInfo {
  /** The role of the window whose webContents sent the message, or null when it is none of ours. */
  windowRole: WindowRole | null;
  /** `event.senderFrame` is null when the frame has gone away (navigated or destroyed). */
  frame: {
    url: string;
    /** True when this frame is the window's main frame (no parent, same frame token as `webContents.mainFrame`). */
    isMainFrame: boolean;
    detached: boolean;
  } | null;
}

/** The sender's role, or null: drop the message. */
export function senderRole(
  sender: SenderInfo,
  appOrigins: readonly string[] = [APP_ORIGIN],
): WindowRole | null {
  if (sender.windowRole === null || sender.frame === null) return null;
  if (!sender.frame.isMainFrame || sender.frame.detached) return null;
  if (!isAppUrl(sender.frame.url, appOrigins)) return null;
  return sender.windowRole;
}

/** Largest input accepted over IPC (JSON size); the contract's own limits are far below it. */
export const MAX_INPUT_BYTES = 256 * 1024;

export type InputCheck = { ok: true; input: unknown } | { ok: false; error: ContractError };

function invalid(message: string, fields?: ContractError['fields']): InputCheck {
  return {
    ok: false,
    error: { code: 'invalid_input', message, requestId: null, ...(fields ? { fields } : {}) },
  };
}

/**
 * Validate before the core does (it validates again, whoever calls it): a plain JSON object of bounded size that
 * the method's zod schema accepts. Returns the input as sent — the core parses it itself.
 */
export function checkInput(method: MethodName, input: unknown): InputCheck {
  const value = input === undefined || input === null ? {} : input;
  if (typeof value !== 'object' || Array.isArray(value)) return invalid('The request is not an object');
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return invalid('The request is not a plain object');
  let size: number;
  try {
    size = JSON.stringify(value).length;
  } catch {
    return invalid('The request is not JSON');
  }
  if (size > MAX_INPUT_BYTES) return invalid('The request is too large');
  const parsed = contract[method].input.safeParse(value);
  if (!parsed.success) {
    return invalid(
      'The request is not valid',
      parsed.error.issues.slice(0, 20).map((i) => ({ name: i.path.join('.'), code: i.code })),
    );
  }
  return { ok: true, input: value };
}

export type Envelope = { ok: true; data: unknown } | { ok: false; error: ContractError };

/**
 * Anything thrown → the contract's error data. Errors cross IPC (and the preload's contextBridge) as plain data:
 * Electron keeps only the message of an Error thrown in a handler, and the renderer needs the code and request id.
 */
export function errorEnvelope(err: unknown): Envelope {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; requestId?: unknown; fields?: unknown };
  if (typeof e.code !== 'string') {
    return {
      ok: false,
      error: {
        code: 'internal_error',
        message: 'Unexpected error in the console; see the log',
        requestId: null,
      },
    };
  }
  const error: ContractError = {
    code: e.code,
    message: typeof e.message === 'string' ? e.message : e.code,
    requestId: typeof e.requestId === 'string' ? e.requestId : null,
  };
  if (Array.isArray(e.fields)) {
    error.fields = (e.fields as unknown[])
      .filter((f): f is { name: string; code: string } => {
        const x = f as { name?: unknown; code?: unknown } | null;
        return (
          typeof x === 'object' && x !== null && typeof x.name === 'string' && typeof x.code === 'string'
        );
      })
      .map((f) => ({ name: f.name, code: f.code }));
  }
  return { ok: false, error };
}

export function forbiddenEnvelope(method: MethodName): Envelope {
  return {
    ok: false,
    error: { code: 'forbidden', message: `The customer display may not call ${method}`, requestId: null },
  };
}
