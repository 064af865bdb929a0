/**
 * The new-order form. Kept in a store (not in the screen) so that stepping away to the orders list and back keeps
 * what the cashier typed. One idempotency key per attempt: made when the order is first sent, reused when the same
 * draft is sent again (a retry after a timeout returns the same order), dropped as soon as the draft changes.
 */
import { create } from 'zustand';
import type { OrderView } from '../../../shared/contract/contract.ts';
import { bridge } from '../bridge.ts';
import { useLang } from '../i18n/index.ts';
import { kopecksToInput, quantityToInput } from '../lib/format.ts';
import {
  buildCreateInput,
  emptyCustomer,
  emptyEntry,
  isEntryBlank,
  newRequestKey,
  validateEntry,
  type CustomerDraft,
  type DraftLineInput,
  type EntryErrors,
  type EntryRow,
  type OrderDraftState,
  type OrderErrors,
} from '../lib/draft.ts';
import { useCurrent } from './current.ts';
import { useOrders } from './orders.ts';
import { useSettings } from './settings.ts';

export interface DraftStore extends OrderDraftState {
  entry: EntryRow;
  entryErrors: EntryErrors;
  /** Shown only after a first attempt to add/send, then live as the cashier fixes things. */
  showEntryErrors: boolean;
  errors: OrderErrors;
  showErrors: boolean;
  requestKey: string | null;
  submitting: boolean;
  submitError: unknown;
  /** Bumped when the entry row should take the focus again (after adding a line). */
  focusEntry: number;
  setEntry(patch: Partial<EntryRow>): void;
  addEntry(): boolean;
  removeLine(index: number): void;
  editLine(index: number): void;
  setCustomer(patch: Partial<CustomerDraft>): void;
  setCustomerOpen(open: boolean): void;
  setTtl(ttl: string): void;
  setDescription(description: string): void;
  reset(ttlMinutes?: number): void;
  submit(): Promise<OrderView | null>;
}

const initial = (ttlMinutes = 15): OrderDraftState => ({
  lines: [],
  customer: emptyCustomer(),
  customerOpen: false,
  description: '',
  ttl: String(ttlMinutes),
});

export const useDraft = create<DraftStore>()((set, get) => {
  /** Any change to what would be sent: the next send is a new order. */
  const changed = (patch: Partial<DraftStore>): void => {
    const next = { ...get(), ...patch };
    const { errors } = buildCreateInput(next, 'x'.repeat(8));
    set({ ...patch, requestKey: null, submitError: null, errors });
  };

  return {
    ...initial(),
    entry: emptyEntry(),
    entryErrors: {},
    showEntryErrors: false,
    errors: { customer: {} },
    showErrors: false,
    requestKey: null,
    submitting: false,
    submitError: null,
    focusEntry: 0,

    setEntry(patch) {
      const entry = { ...get().entry, ...patch };
      // A row the cashier cleared is not an error: the errors come back with the next attempt to add it.
      const blank = isEntryBlank(entry);
      set({
        entry,
        entryErrors: blank ? {} : validateEntry(entry).errors,
        showEntryErrors: blank ? false : get().showEntryErrors,
      });
    },

    addEntry() {
      const { entry, lines } = get();
      const { line, errors } = validateEntry(entry);
      if (!line) {
        set({ entryErrors: errors, showEntryErrors: true });
        return false;
      }
      // The next line keeps the VAT rate, unit and types of the last one: baskets are usually uniform.
      const next = emptyEntry({ vatCode: entry.vatCode, type: entry.type, paymentType: entry.paymentType });
      changed({
        lines: [...lines, line],
        entry: next,
        entryErrors: {},
        showEntryErrors: false,
        focusEntry: get().focusEntry + 1,
      });
      return true;
    },

    removeLine(index) {
      changed({ lines: get().lines.filter((_, i) => i !== index) });
    },

    editLine(index) {
      const line = get().lines[index];
      if (!line) return;
      const entry = lineToEntry(line, useLang.getState().lang);
      changed({
        lines: get().lines.filter((_, i) => i !== index),
        entry,
        entryErrors: {},
        focusEntry: get().focusEntry + 1,
      });
    },

    setCustomer(patch) {
      changed({ customer: { ...get().customer, ...patch } });
    },
    setCustomerOpen(open) {
      changed({ customerOpen: open });
    },
    setTtl(ttl) {
      changed({ ttl });
    },
    setDescription(description) {
      changed({ description });
    },

    reset(ttlMinutes) {
      set({
        // The next order starts from the shop's default expiry, not from whatever the last one was given.
        ...initial(ttlMinutes ?? useSettings.getState().settings?.orderTtlMinutes ?? 15),
        entry: emptyEntry({ vatCode: get().entry.vatCode }),
        entryErrors: {},
        showEntryErrors: false,
        errors: { customer: {} },
        showErrors: false,
        requestKey: null,
        submitError: null,
        focusEntry: get().focusEntry + 1,
      });
    },

    async submit() {
      if (get().submitting) return null; // a second Enter while the first is in flight does nothing
      // A filled-in entry row goes into the basket first; a half-filled one stops the send at its fields.
      if (!isEntryBlank(get().entry) && !get().addEntry()) return null;
      const key = get().requestKey ?? newRequestKey();
      const { input, errors } = buildCreateInput(get(), key);
      if (!input) {
        set({ errors, showErrors: true });
        return null;
      }
      set({ requestKey: key, submitting: true, submitError: null, errors, showErrors: false });
      try {
        const view = await bridge.invoke('orders.create', input);
        useOrders.getState().upsert(view);
        const { requestKey: _k, ...recipe } = input;
        useCurrent.getState().remember(view.id, recipe);
        useCurrent.getState().setCurrent(view.id);
        get().reset();
        return view;
      } catch (err) {
        // The key stays: sending the same draft again is the same order, never a second one.
        set({ submitError: err });
        return null;
      } finally {
        set({ submitting: false });
      }
    },
  };
});

function lineToEntry(line: DraftLineInput, lang: 'ru' | 'en'): EntryRow {
  return {
    name: line.name,
    price: kopecksToInput(line.unitPrice, lang),
    qty: quantityToInput(line.quantity, lang),
    unitCode: line.measureCode,
    vatCode: line.vatCode,
    type: line.type,
    paymentType: line.paymentType,
  };
}
