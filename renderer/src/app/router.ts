/**
 * Hash routing (`#/orders/<id>`): works the same from the browser host and from Electron's file:// page, and the
 * customer display is just `#/customer`. Seven routes do not need a router library: a parser and a hook on
 * `hashchange` are all there is.
 */
import { useSyncExternalStore } from 'react';

import { parseRoute, routeHref, type Route } from './routes.ts';

export { parseRoute, routeHref, type Route } from './routes.ts';

/** Hashes visited before the current one, for Esc = back (our own stack: history.back() could leave the app). */
const trail: string[] = [];
let current = typeof location === 'undefined' ? '' : location.hash;
const listeners = new Set<() => void>();

function onHashChange(): void {
  if (location.hash === current) return;
  if (current !== '') trail.push(current);
  if (trail.length > 50) trail.shift();
  current = location.hash;
  for (const l of listeners) l();
}

if (typeof window !== 'undefined') window.addEventListener('hashchange', onHashChange);

export function navigate(route: Route, replace = false): void {
  const href = routeHref(route);
  if (location.hash === href) return;
  if (replace) {
    history.replaceState(null, '', href);
    current = href;
    for (const l of listeners) l();
  } else location.hash = href;
}

/** Esc: the screen the cashier came from, or `fallback` when there is none (never out of the app). */
export function back(fallback: Route): void {
  let prev = trail.pop();
  while (prev !== undefined && prev === location.hash) prev = trail.pop();
  const target = prev ?? routeHref(fallback);
  history.replaceState(null, '', target);
  current = target;
  for (const l of listeners) l();
}

function subscribe(cb: () => void): () => void {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => current);
  return parseRoute(hash);
}
