/**
 * The order at the counter: what the payment screen shows and the customer display follows, plus the basket each
 * order was made of (to re-issue an expired or canceled one as a new QR in one keystroke).
 */
import { create } from 'zustand';
import type { CreateOrderInput, OrderView } from '../../../shared/contract/contract.ts';
import { bridge } from '../bridge.ts';
import { draftLinesFromBasket } from '../lib/basket-parse.ts';
import { newRequestKey } from '../lib/draft.ts';
import { publishCurrentOrder } from './customer-channel.ts';
import { useOrders } from './orders.ts';

/** Everything of a create input except its key: enough to make the same order again. */
export type OrderRecipe = Omit<CreateOrderInput, 'requestKey'>;

export interface CurrentStore {
  currentId: string | null;
  recipes: Record<string, OrderRecipe>;
  /**
   * Per source order: the key of its re-issue. Kept after success too, so that the same source is never re-issued
   * twice (a second R that lands while the screen is still switching gets the same order back, not a new one).
   */
  reissueKeys: Record<string, string>;
  /** Source order → the order that replaced it. */
  reissuedTo: Record<string, string>;
  reissuing: string | null;
  setCurrent(id: string | null): void;
  remember(id: string, recipe: OrderRecipe): void;
  /** A new order with the same basket as `sourceId` (once: again, the same new order); resolves to that order. */
  reissue(sourceId: string): Promise<OrderView>;
}

export class ReissueError extends Error {
  readonly code = 'basket_unknown';
}

export const useCurrent = create<CurrentStore>()((set, get) => ({
  currentId: null,
  recipes: {},
  reissueKeys: {},
  reissuedTo: {},
  reissuing: null,
  setCurrent(id) {
    set({ currentId: id });
    publishCurrentOrder(id);
  },
  remember(id, recipe) {
    set((s) => ({ recipes: { ...s.recipes, [id]: recipe } }));
  },
  async reissue(sourceId) {
    if (get().reissuing !== null) throw new Error('a re-issue is already running');
    const done = get().reissuedTo[sourceId];
    if (done) {
      const known = useOrders.getState().byId[done];
      return known ?? (await bridge.invoke('orders.get', { id: done }));
    }
    // Claimed before any await: a second call now finds `reissuing` set.
    set({ reissuing: sourceId });
    try {
      let recipe = get().recipes[sourceId];
      if (!recipe) {
        const detail = await bridge.invoke('orders.get', { id: sourceId });
        const lines = draftLinesFromBasket(detail.basket);
        if (!lines) throw new ReissueError('the basket of this order cannot be read');
        recipe = { lines, ...(detail.description ? { description: detail.description.slice(0, 1000) } : {}) };
      }
      const key = get().reissueKeys[sourceId] ?? newRequestKey();
      set((s) => ({ reissueKeys: { ...s.reissueKeys, [sourceId]: key } }));
      const view = await bridge.invoke('orders.create', { ...recipe, requestKey: key });
      useOrders.getState().upsert(view);
      const used = recipe;
      set((s) => ({
        reissuedTo: { ...s.reissuedTo, [sourceId]: view.id },
        recipes: { ...s.recipes, [view.id]: used },
      }));
      get().setCurrent(view.id);
      return view;
    } finally {
      set({ reissuing: null });
    }
  },
}));
