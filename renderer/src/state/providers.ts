/**
 * Every gateway adapter as the core reports it (`providers.list`, then the `provider` event): its connection and what
 * it can do. The renderer's own link to the core is laid over it at render time (useProviderConnection), as for the
 * Invoicebox indicator.
 */
import { create } from 'zustand';
import type { ProviderView } from '../../../shared/contract/providers.ts';
import {
  effectiveProviderConnection,
  PROVIDERS,
  type EffectiveProviderConnection,
  type ProviderId,
} from '../lib/providers.ts';
import { useConnection } from './connection.ts';

export interface ProvidersStore {
  byId: Partial<Record<ProviderId, ProviderView>>;
  /** `providers.list` answered at least once (an older core does not know it: the screens then offer Invoicebox only). */
  loaded: boolean;
  set(view: ProviderView): void;
  setAll(views: readonly ProviderView[]): void;
}

export const useProviders = create<ProvidersStore>()((set) => ({
  byId: {},
  loaded: false,
  set: (view) => set((s) => ({ byId: { ...s.byId, [view.provider]: view } })),
  setAll: (views) =>
    set(() => {
      const byId: Partial<Record<ProviderId, ProviderView>> = {};
      for (const v of views) byId[v.provider] = v;
      return { byId, loaded: true };
    }),
}));

export function useProviderConnection(provider: ProviderId): EffectiveProviderConnection {
  const view = useProviders((s) => s.byId[provider]);
  const link = useConnection((s) => s.link);
  return effectiveProviderConnection(provider, view, link);
}

/** Gateways the cashier can create an order with / follow an order of, in the order of PROVIDERS. */
export function useGateways(): { create: ProviderId[]; trackOnly: ProviderId[] } {
  const byId = useProviders((s) => s.byId);
  const loaded = useProviders((s) => s.loaded);
  if (!loaded) return { create: ['invoicebox'], trackOnly: [] };
  const create = PROVIDERS.filter((p) => p === 'invoicebox' || byId[p]?.capabilities.create);
  const trackOnly = PROVIDERS.filter(
    (p) => byId[p] && !byId[p].capabilities.create && byId[p].capabilities.track,
  );
  return { create, trackOnly };
}
