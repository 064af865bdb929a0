/**
 * The renderer's only way out: `window.paydesk`. Electron's preload defines it (IPC); in a plain browser served by
 * the browser host it is not there, so this installs the web bridge (loopback HTTP + server-sent events) under the
 * same name. Everything else in the renderer imports `bridge` from here and never touches `window.paydesk` again.
 */
import type { PayDeskBridge } from '../../shared/contract/bridge.ts';
import { createWebBridge, type LinkState, type WebBridge } from './bridge/web-bridge.ts';

export type { LinkState } from './bridge/web-bridge.ts';

function install(): PayDeskBridge {
  if (window.paydesk) return window.paydesk;
  const web = createWebBridge();
  window.paydesk = web;
  return web;
}

export const bridge: PayDeskBridge = install();

function isWebBridge(b: PayDeskBridge): b is WebBridge {
  return typeof (b as Partial<WebBridge>).onLink === 'function';
}

/** Health of the renderer↔core link: always `up` over Electron IPC; the event stream's state in a browser. */
export function linkState(): LinkState {
  return isWebBridge(bridge) ? bridge.link() : 'up';
}

export function onLinkState(listener: (state: LinkState) => void): () => void {
  return isWebBridge(bridge) ? bridge.onLink(listener) : () => {};
}
