/**
 * The newest known view of every order the renderer has seen, fed by `order` events and by every call that returns
 * an order. Screens read an order from here, so that a status change shows wherever the order is on screen.
 */
import { create } from 'zustand';
import type { OrderView } from '../../../shared/contract/contract.ts';

export interface OrdersStore {
  byId: Record<string, OrderView>;
  upsert(view: OrderView): void;
}

/** Newer wins; an older copy (a late list page) never overwrites a newer event. */
function newer(a: OrderView | undefined, b: OrderView): boolean {
  if (!a) return true;
  return b.updatedAt >= a.updatedAt;
}

export const useOrders = create<OrdersStore>()((set) => ({
  byId: {},
  upsert: (view) => set((s) => (newer(s.byId[view.id], view) ? { byId: { ...s.byId, [view.id]: view } } : s)),
}));
