/** Settings and token status as the core reports them. The token itself never comes back: only set / not set. */
import { create } from 'zustand';
import type { MethodInput, MethodOutput } from '../../../shared/contract/contract.ts';
import { bridge } from '../bridge.ts';
import { useLang } from '../i18n/index.ts';
import { withApproval } from './approval.ts';

export type SettingsView = MethodOutput<'settings.get'>;
export type TokenStatus = MethodOutput<'token.status'>;
type TokenProvider = NonNullable<MethodInput<'token.save'>['provider']>;

/** Where a gateway's token status lives in this store. */
const tokenKey = (provider: TokenProvider) => (provider === 'wellpay' ? 'wellpayToken' : 'token');

export interface SettingsStore {
  settings: SettingsView | null;
  token: TokenStatus | null;
  /** WellPay's access token: set / not set, like Invoicebox's (null: unknown, or a core without WellPay). */
  wellpayToken: TokenStatus | null;
  load(): Promise<void>;
  /**
   * `approve: false` never opens the PIN dialog (the language switch: a preference not worth a senior's PIN; if the
   * core asks for one, the choice simply stays on this screen and is not saved).
   */
  update(patch: MethodInput<'settings.update'>, options?: { approve?: boolean }): Promise<SettingsView>;
  /** Saves a gateway's token (Invoicebox unless said); a senior's PIN when the core asks for one. */
  saveToken(token: string, provider?: TokenProvider): Promise<TokenStatus>;
  removeToken(provider?: TokenProvider): Promise<TokenStatus>;
}

export const useSettings = create<SettingsStore>()((set) => ({
  settings: null,
  token: null,
  wellpayToken: null,
  async load() {
    const [settings, token, wellpayToken] = await Promise.all([
      bridge.invoke('settings.get', {}),
      bridge.invoke('token.status', {}).catch(() => null),
      bridge.invoke('token.status', { provider: 'wellpay' }).catch(() => null),
    ]);
    set({ settings, token, wellpayToken });
    useLang.getState().setLang(settings.language);
  },
  async update(patch, options = {}) {
    // A senior's PIN when the core asks for one (pin_required): the PIN dialog, then the same change again.
    const settings =
      options.approve === false
        ? await bridge.invoke('settings.update', patch)
        : await withApproval('settings', (approval) =>
            bridge.invoke('settings.update', approval ? { ...patch, approval } : patch),
          );
    set({ settings });
    useLang.getState().setLang(settings.language);
    return settings;
  },
  async saveToken(token, provider = 'invoicebox') {
    const input = provider === 'invoicebox' ? { token } : { token, provider };
    const status = await withApproval('token', (approval) =>
      bridge.invoke('token.save', approval ? { ...input, approval } : input),
    );
    set({ [tokenKey(provider)]: status });
    return status;
  },
  async removeToken(provider = 'invoicebox') {
    const input = provider === 'invoicebox' ? {} : { provider };
    const status = await withApproval('token', (approval) =>
      bridge.invoke('token.remove', approval ? { ...input, approval } : input),
    );
    set({ [tokenKey(provider)]: status });
    return status;
  },
}));
