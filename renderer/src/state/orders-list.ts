/**
 * The orders list: filter, the rows loaded so far, keyset paging via `nextCursor`. Kept in a store so that opening an
 * order and coming back (Esc) finds the list, the filter and the scroll position as they were. The rows stay here
 * and not in the orders store: live changes (`order` events) are laid over them at render time.
 */
import { create } from 'zustand';
import type { OrderView } from '../../../shared/contract/contract.ts';
import { bridge } from '../bridge.ts';
import { buildSearchInput, emptyFilter, type FilterErrors, type OrdersFilter } from '../lib/search-query.ts';

/** The contract's largest page: fewest round trips when the cashier jumps far (End on 100 000 rows). */
export const PAGE_SIZE = 500;

export interface OrdersListStore {
  filter: OrdersFilter;
  filterErrors: FilterErrors;
  rows: OrderView[];
  total: number | null;
  nextCursor: string | null;
  loading: boolean;
  error: unknown;
  loadedAt: string | null;
  activeIndex: number;
  /** Which search the rows belong to: a page of an older search is dropped when it arrives late. */
  generation: number;
  setFilter(patch: Partial<OrdersFilter>): void;
  resetFilter(): void;
  search(): Promise<void>;
  loadMore(): Promise<void>;
  setActive(index: number): void;
}

export const useOrdersList = create<OrdersListStore>()((set, get) => ({
  filter: emptyFilter(),
  filterErrors: {},
  rows: [],
  total: null,
  nextCursor: null,
  loading: false,
  error: null,
  loadedAt: null,
  activeIndex: 0,
  generation: 0,

  setFilter(patch) {
    set({ filter: { ...get().filter, ...patch } });
  },
  resetFilter() {
    set({ filter: emptyFilter() });
  },

  async search() {
    const { input, errors } = buildSearchInput(get().filter, PAGE_SIZE);
    set({ filterErrors: errors });
    if (!input) return;
    const generation = get().generation + 1;
    const loadedAt = new Date().toISOString();
    set({ generation, loading: true, error: null });
    try {
      const res = await bridge.invoke('orders.search', input);
      if (get().generation !== generation) return;
      set({
        rows: res.rows,
        total: res.total,
        nextCursor: res.nextCursor,
        loading: false,
        loadedAt,
        activeIndex: Math.min(get().activeIndex, Math.max(0, res.rows.length - 1)),
      });
    } catch (error) {
      if (get().generation === generation) set({ loading: false, error });
    }
  },

  async loadMore() {
    const { nextCursor, loading, generation } = get();
    if (!nextCursor || loading) return;
    const { input } = buildSearchInput(get().filter, PAGE_SIZE);
    if (!input) return;
    set({ loading: true });
    try {
      const res = await bridge.invoke('orders.search', { ...input, cursor: nextCursor });
      if (get().generation !== generation) return;
      // Keyset paging never repeats a row, but an order created meanwhile could shift `total`: trust the page.
      set((s) => ({
        rows: [...s.rows, ...res.rows],
        nextCursor: res.nextCursor,
        total: res.nextCursor
          ? Math.max(res.total, s.rows.length + res.rows.length)
          : s.rows.length + res.rows.length,
        loading: false,
      }));
    } catch (error) {
      if (get().generation === generation) set({ loading: false, error });
    }
  },

  setActive(index) {
    set({ activeIndex: index });
  },
}));

/** Where the list was scrolled to: kept outside the store, so that scrolling re-renders nothing but the rows. */
export const listScroll = { offset: 0 };
