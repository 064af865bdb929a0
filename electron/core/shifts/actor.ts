/**
 * Who is acting, for the duration of one contract call: core.invoke runs each action inside `runStamped(stamp, …)`
 * (node:async_hooks AsyncLocalStorage), and the store stamps what that action writes — the intent of an order or a
 * refund, the status-history row of a cancel — in the same transaction (store.ts `stamp`). Carried implicitly so that
 * the actions (and the providers added later) need no extra parameter to be attributed.
 *
 * Background work must not inherit a stamp: the session (gate listener, reconciler) is started through
 * `runUnstamped`, so a notification that arrives later is never attributed to whoever changed the settings.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ActionStamp } from '../store/types.ts';

const storage = new AsyncLocalStorage<ActionStamp>();

export function currentStamp(): ActionStamp | null {
  return storage.getStore() ?? null;
}

export function runStamped<T>(stamp: ActionStamp | null, fn: () => T): T {
  return stamp === null ? storage.exit(fn) : storage.run(stamp, fn);
}

export function runUnstamped<T>(fn: () => T): T {
  return storage.exit(fn);
}
