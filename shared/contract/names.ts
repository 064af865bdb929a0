/**
 * The contract's method and event NAMES, as plain arrays without zod: the Electron preload (one sandboxed CommonJS
 * file) needs the lists to refuse unknown names before IPC, and must not carry a schema library to do it.
 * contract.ts checks at compile time that these lists and its schemas name exactly the same things.
 */
export const METHOD_NAMES = [
  'orders.create',
  'orders.cancel',
  'orders.refresh',
  'orders.get',
  'orders.search',
  'refunds.items',
  'refunds.create',
  'connection.get',
  'diagnostics.get',
  'diagnostics.report',
  'settings.get',
  'settings.update',
  'token.status',
  'token.save',
  'token.remove',
  // shifts (shared/contract/shifts.ts)
  'staff.list',
  'staff.save',
  'staff.remove',
  'shift.current',
  'shift.open',
  'shift.close',
  'shift.report',
  'shift.list',
  'shift.exportCsv',
  'shift.exportPdf',
] as const;

export const EVENT_NAMES = ['connection', 'order', 'log'] as const;

/** One IPC channel per method: `paydesk:<method>`. */
export const CHANNEL_PREFIX = 'paydesk:';
/** Events travel main → renderer on `paydesk:event:<name>`. */
export const EVENT_CHANNEL_PREFIX = 'paydesk:event:';

export type MethodNameFromList = (typeof METHOD_NAMES)[number];
export type EventNameFromList = (typeof EVENT_NAMES)[number];

const methodSet: ReadonlySet<string> = new Set(METHOD_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isMethodName(value: unknown): value is MethodNameFromList {
  return typeof value === 'string' && methodSet.has(value);
}

export function isEventName(value: unknown): value is EventNameFromList {
  return typeof value === 'string' && eventSet.has(value);
}

export const methodChannel = (method: MethodNameFromList): string => `${CHANNEL_PREFIX}${method}`;
export const eventChannel = (event: EventNameFromList): string => `${EVENT_CHANNEL_PREFIX}${event}`;
