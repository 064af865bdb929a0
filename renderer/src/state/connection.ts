/**
 * Connection to the gateway as the cashier must see it: the core's ConnectionView, downgraded when the renderer's own
 * link to the core (the browser host's event stream) is down, because then no status on screen can be trusted.
 */
import { create } from 'zustand';
import type { ConnectionView } from '../../../shared/contract/contract.ts';
import { effectiveConnection, type EffectiveConnection, type LinkState } from '../lib/connection.ts';

export interface ConnectionStore {
  view: ConnectionView | null;
  /** When `view` arrived (Date.now()), to count its `retryInMs` down. */
  viewAt: number;
  history: ConnectionView[];
  link: LinkState;
  setView(view: ConnectionView): void;
  setHistory(history: ConnectionView[]): void;
  setLink(link: LinkState): void;
}

export const useConnection = create<ConnectionStore>()((set) => ({
  view: null,
  viewAt: 0,
  history: [],
  link: 'connecting',
  setView: (view) =>
    set((s) => {
      const last = s.history.at(-1);
      const changed =
        !last || last.state !== view.state || last.reason !== view.reason || last.since !== view.since;
      return { view, viewAt: Date.now(), history: changed ? [...s.history, view].slice(-200) : s.history };
    }),
  setHistory: (history) => set({ history: history.slice(-200) }),
  setLink: (link) => set({ link }),
}));

export { effectiveConnection, type EffectiveConnection } from '../lib/connection.ts';

export function useEffectiveConnection(): EffectiveConnection {
  const view = useConnection((s) => s.view);
  const link = useConnection((s) => s.link);
  return effectiveConnection(view, link);
}
