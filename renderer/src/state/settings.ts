/** Settings and token status as the core reports them. The token itself never comes back: only set / not set. */
import { create } from 'zustand';
import type { MethodInput, MethodOutput } from '../../../shared/contract/contract.ts';
import { bridge } from '../bridge.ts';
import { useLang } from '../i18n/index.ts';

export type SettingsView = MethodOutput<'settings.get'>;
export type TokenStatus = MethodOutput<'token.status'>;

export interface SettingsStore {
  settings: SettingsView | null;
  token: TokenStatus | null;
  /** WellPay's access token: set / not set, like Invoicebox's (null: unknown, or a core without WellPay). */
  wellpayToken: TokenStatus | null;
  load(): Promise<void>;
  update(patch: MethodInput<'settings.update'>): Promise<SettingsView>;
  saveToken(token: string): Promise<TokenStatus>;
  removeToken(): Promise<TokenStatus>;
  saveWellpayToken(token: string): Promise<TokenStatus>;
  removeWellpayToken(): Promise<TokenStatus>;
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
  async update(patch) {
    const settings = await bridge.invoke('settings.update', patch);
    set({ settings });
    useLang.getState().setLang(settings.language);
    return settings;
  },
  async saveToken(token) {
    const status = await bridge.invoke('token.save', { token });
    set({ token: status });
    return status;
  },
  async removeToken() {
    const status = await bridge.invoke('token.remove', {});
    set({ token: status });
    return status;
  },
  async saveWellpayToken(token) {
    const status = await bridge.invoke('token.save', { token, provider: 'wellpay' });
    set({ wellpayToken: status });
    return status;
  },
  async removeWellpayToken() {
    const status = await bridge.invoke('token.remove', { provider: 'wellpay' });
    set({ wellpayToken: status });
    return status;
  },
}));
