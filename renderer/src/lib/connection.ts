/**
 * What the connection indicator shows, pure: the core's view, downgraded when the renderer's own link to the core is
 * down (then nothing on screen can be trusted as live).
 */
import type { ConnectionState, ConnectionView } from '../../../shared/contract/contract.ts';

/** The renderer's link to the core: always `up` over Electron IPC; the event stream's state in a browser. */
export type LinkState = 'connecting' | 'up' | 'down';

export interface EffectiveConnection {
  state: ConnectionState;
  /** `host_link` when the renderer lost the core itself. */
  reason: string | null;
  view: ConnectionView | null;
}

/** What the indicator shows: never `live` unless both the core says so and the link to the core is up. */
export function effectiveConnection(view: ConnectionView | null, link: LinkState): EffectiveConnection {
  if (link === 'down') return { state: 'offline', reason: 'host_link', view };
  if (link === 'connecting' || view === null)
    return { state: 'connecting', reason: view?.reason ?? null, view };
  return { state: view.state, reason: view.reason, view };
}
