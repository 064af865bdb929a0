/**
 * Screens loaded on demand. The first screen (new order) and the app frame are in the entry chunk; every other screen
 * is its own chunk (React.lazy + dynamic import), so a cold start parses only what it shows. The others are fetched
 * as soon as the first screen is on screen (`preloadScreens`, on idle), so that the next screen — above all the
 * payment screen right after an order is created — does not wait for the network when the cashier gets there.
 */
import { lazy, type ComponentType } from 'react';

type Loader = () => Promise<unknown>;
const loaders: Loader[] = [];

/** A lazy component for `load()`'s export `name`; its chunk is also fetched by `preloadScreens`. */
export function lazyScreen<P extends object, K extends string>(
  load: () => Promise<Record<K, ComponentType<P>>>,
  name: K,
): ComponentType<P> {
  let pending: Promise<{ default: ComponentType<P> }> | null = null;
  const get = (): Promise<{ default: ComponentType<P> }> =>
    (pending ??= load().then(
      (m) => ({ default: m[name] }),
      (err: unknown) => {
        pending = null; // a failed fetch (host restarting) is tried again on the next visit
        throw err;
      },
    ));
  loaders.push(get);
  return lazy(get);
}

let preloaded = false;

/** Fetch every screen's chunk in the background, once (after the first screen has painted). */
export function preloadScreens(): void {
  if (preloaded) return;
  preloaded = true;
  const run = (): void => {
    for (const load of loaders) load().catch(() => {});
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 1500 });
  else setTimeout(run, 200);
}
