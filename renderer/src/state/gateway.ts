/**
 * The new-order screen's gateway choice and the WellPay invoice being typed, kept in a store so that stepping away and
 * back keeps them. One idempotency key per attempt, as for Invoicebox orders: made at the first send, reused when the
 * same invoice is sent again (a retry after a timeout is the same invoice), dropped as soon as the form changes.
 *
 * The Xsolla form keeps nothing here: the user's JWT must not live in renderer state (XsollaTrackForm reads it from
 * its field at submit and clears the field).
 */
import { create } from 'zustand';
import type { OrderView } from '../../../shared/contract/contract.ts';
import { bridge } from '../bridge.ts';
import { newRequestKey } from '../lib/draft.ts';
import { validateWellpay, type WellpayErrors } from '../lib/gateway-forms.ts';
import type { ProviderId } from '../lib/providers.ts';
import { useCurrent } from './current.ts';
import { useOrders } from './orders.ts';

export interface GatewayStore {
  gateway: ProviderId;
  setGateway(gateway: ProviderId): void;

  title: string;
  amount: string;
  showErrors: boolean;
  errors: WellpayErrors;
  requestKey: string | null;
  submitting: boolean;
  submitError: unknown;
  setWellpay(patch: { title?: string; amount?: string }): void;
  submitWellpay(): Promise<OrderView | null>;
}

export const useGateway = create<GatewayStore>()((set, get) => ({
  gateway: 'invoicebox',
  setGateway: (gateway) => set({ gateway }),

  title: '',
  amount: '',
  showErrors: false,
  errors: {},
  requestKey: null,
  submitting: false,
  submitError: null,
  setWellpay(patch) {
    const next = { title: get().title, amount: get().amount, ...patch };
    set({ ...next, errors: validateWellpay(next).errors, requestKey: null, submitError: null });
  },
  async submitWellpay() {
    if (get().submitting) return null;
    const { value, errors } = validateWellpay({ title: get().title, amount: get().amount });
    if (!value) {
      set({ errors, showErrors: true });
      return null;
    }
    const requestKey = get().requestKey ?? newRequestKey();
    set({ requestKey, submitting: true, submitError: null, errors, showErrors: false });
    try {
      const view = await bridge.invoke('wellpay.create', { ...value, requestKey });
      useOrders.getState().upsert(view);
      useCurrent.getState().setCurrent(view.id);
      set({ title: '', amount: '', requestKey: null, errors: {}, showErrors: false });
      return view;
    } catch (err) {
      // The key stays: the same invoice sent again is the same invoice, never a second one.
      set({ submitError: err });
      return null;
    } finally {
      set({ submitting: false });
    }
  },
}));
