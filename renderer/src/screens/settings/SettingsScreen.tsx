/**
 * Settings: sandbox (training) or live, merchant id, API and gate URLs, the `/v3/` or `/l3/` prefix, shop name,
 * default expiry, language; and the token, which goes in (`token.save`) and never comes back — only whether it is
 * set. Values fixed by the environment (PAYDESK_*) are shown read-only with a note.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { MethodInput } from '../../../../shared/contract/contract.ts';
import { back } from '../../app/router.ts';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { isCancelled } from '../../state/approval.ts';
import { useSettings, type SettingsView } from '../../state/settings.ts';
import { Button } from '../../ui/Button.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { SelectField, TextField } from '../../ui/Field.tsx';
import { useFlash, useHotkeys } from '../../ui/hooks.ts';
import { WellpayTokenCard } from './WellpayTokenCard.tsx';
import { PinPolicySection } from './PinPolicySection.tsx';
import { StaffSection } from './StaffSection.tsx';

type Form = Omit<SettingsView, 'fromEnv' | 'orderTtlMinutes'> & { orderTtlMinutes: string };

const ENV_OF: Partial<Record<keyof Form, string>> = {
  apiUrl: 'PAYDESK_API_URL',
  gateUrl: 'PAYDESK_GATE_URL',
  merchantId: 'PAYDESK_MERCHANT_ID',
  mode: 'PAYDESK_MODE',
};

function toForm(s: SettingsView): Form {
  const { fromEnv: _env, orderTtlMinutes, ...rest } = s;
  return { ...rest, orderTtlMinutes: String(orderTtlMinutes) };
}

type FormErrors = Partial<Record<keyof Form, MessageKey>>;

function validate(f: Form): FormErrors {
  const e: FormErrors = {};
  const url = (v: string, schemes: string[]): boolean => {
    try {
      const u = new URL(v);
      const loop = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
      return schemes.includes(u.protocol) || (loop && (u.protocol === 'http:' || u.protocol === 'ws:'));
    } catch {
      return false;
    }
  };
  if (!url(f.apiUrl, ['https:'])) e.apiUrl = 'settings.err.apiUrl';
  if (!url(f.gateUrl, ['wss:'])) e.gateUrl = 'settings.err.gateUrl';
  if (f.mode === 'live' && !/^[0-9a-fA-F-]{8,64}$/.test(f.merchantId.trim()))
    e.merchantId = 'settings.err.merchantId';
  const ttl = Number(f.orderTtlMinutes);
  if (!/^\d+$/.test(f.orderTtlMinutes) || ttl < 1 || ttl > 43200) e.orderTtlMinutes = 'field.ttl_invalid';
  if (f.shopName.length > 200) e.shopName = 'field.too_long';
  return e;
}

export function SettingsScreen() {
  const t = useT();
  const settings = useSettings((s) => s.settings);
  const token = useSettings((s) => s.token);
  const [form, setForm] = useState<Form | null>(settings ? toForm(settings) : null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, flashSaved] = useFlash(3000);
  const [tokenValue, setTokenValue] = useState('');
  const [tokenBusy, setTokenBusy] = useState(false);
  const [tokenError, setTokenError] = useState<unknown>(null);
  const [tokenSaved, flashToken] = useFlash(3000);
  const [tried, setTried] = useState(false);

  useEffect(() => {
    if (settings && form === null) setForm(toForm(settings));
  }, [settings, form]);
  useEffect(() => {
    void useSettings.getState().load().catch(setError);
  }, []);
  useHotkeys({ Escape: () => back({ name: 'new' }) });

  if (!form || !settings)
    return (
      <div className="screen">
        {error ? <ErrorNotice error={error} /> : <div className="loading">{t('common.loading')}</div>}
      </div>
    );

  const errors = validate(form);
  const locked = (k: keyof Form): boolean => {
    const env = ENV_OF[k];
    return env !== undefined && settings.fromEnv.includes(env);
  };
  const fe = (k: keyof Form): string | null =>
    errors[k] && (tried || form[k] !== toForm(settings)[k]) ? t(errors[k]!) : null;
  const lockedHint = (k: keyof Form): string | undefined =>
    locked(k) ? t('settings.fromEnv', { name: ENV_OF[k]! }) : undefined;
  const set = (patch: Partial<Form>): void => setForm({ ...form, ...patch });

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setTried(true);
    if (Object.keys(errors).length > 0) return;
    setSaving(true);
    setError(null);
    const patch: MethodInput<'settings.update'> = {
      shopName: form.shopName.trim(),
      language: form.language,
      orderTtlMinutes: Number(form.orderTtlMinutes),
      apiPrefix: form.apiPrefix,
    };
    if (!locked('mode')) patch.mode = form.mode;
    if (!locked('merchantId')) patch.merchantId = form.merchantId.trim();
    if (!locked('apiUrl')) patch.apiUrl = form.apiUrl.trim();
    if (!locked('gateUrl')) patch.gateUrl = form.gateUrl.trim();
    try {
      const next = await useSettings.getState().update(patch);
      setForm(toForm(next));
      flashSaved();
    } catch (err) {
      if (!isCancelled(err)) setError(err);
    } finally {
      setSaving(false);
    }
  };

  const saveToken = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (tokenValue.trim() === '') return;
    setTokenBusy(true);
    setTokenError(null);
    try {
      await useSettings.getState().saveToken(tokenValue.trim());
      setTokenValue('');
      flashToken();
    } catch (err) {
      if (!isCancelled(err)) setTokenError(err);
    } finally {
      setTokenBusy(false);
    }
  };
  const removeToken = async (): Promise<void> => {
    setTokenBusy(true);
    setTokenError(null);
    try {
      await useSettings.getState().removeToken();
    } catch (err) {
      if (!isCancelled(err)) setTokenError(err);
    } finally {
      setTokenBusy(false);
    }
  };

  return (
    <div className="screen settings-screen">
      <form
        className="card settings-form"
        onSubmit={(e) => void save(e)}
        noValidate
        aria-labelledby="settings-h"
      >
        <h2 className="card-title" id="settings-h">
          {t('settings.connection')}
        </h2>
        <fieldset className="segmented big" disabled={locked('mode')}>
          <legend className="field-label">{t('settings.mode')}</legend>
          {(['sandbox', 'live'] as const).map((m) => (
            <label key={m} className={form.mode === m ? 'is-on' : ''}>
              <input
                type="radio"
                name="mode"
                value={m}
                checked={form.mode === m}
                onChange={() => set({ mode: m })}
                data-testid={`mode-${m}`}
              />
              <span>
                <strong>{t(m === 'sandbox' ? 'mode.sandbox' : 'mode.live')}</strong>
                <span className="muted small block">{t(`settings.mode.${m}` as MessageKey)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {locked('mode') ? <div className="field-hint">{lockedHint('mode')}</div> : null}
        <TextField
          label={t('settings.merchantId')}
          value={form.merchantId}
          onChange={(e) => set({ merchantId: e.target.value })}
          disabled={locked('merchantId')}
          hint={lockedHint('merchantId')}
          error={fe('merchantId')}
          className="mono"
          data-testid="settings-merchant"
          autoComplete="off"
          spellCheck={false}
        />
        <div className="api-row">
          <TextField
            label={t('settings.apiUrl')}
            value={form.apiUrl}
            onChange={(e) => set({ apiUrl: e.target.value })}
            disabled={locked('apiUrl')}
            hint={lockedHint('apiUrl')}
            error={fe('apiUrl')}
            className="mono"
            data-testid="settings-api"
            spellCheck={false}
          />
          <SelectField
            label={t('settings.prefix')}
            value={form.apiPrefix}
            onChange={(e) => set({ apiPrefix: e.target.value as Form['apiPrefix'] })}
            options={[
              { value: 'v3', label: t('settings.prefix.v3') },
              { value: 'l3', label: t('settings.prefix.l3') },
            ]}
            data-testid="settings-prefix"
          />
        </div>
        <TextField
          label={t('settings.gateUrl')}
          value={form.gateUrl}
          onChange={(e) => set({ gateUrl: e.target.value })}
          disabled={locked('gateUrl')}
          hint={lockedHint('gateUrl') ?? t('settings.gateHint')}
          error={fe('gateUrl')}
          className="mono"
          data-testid="settings-gate"
          spellCheck={false}
        />
        <div className="shop-row">
          <TextField
            label={t('settings.shopName')}
            value={form.shopName}
            onChange={(e) => set({ shopName: e.target.value })}
            error={fe('shopName')}
            data-testid="settings-shop"
            maxLength={200}
          />
          <TextField
            label={t('settings.ttl')}
            value={form.orderTtlMinutes}
            inputMode="numeric"
            className="num"
            onChange={(e) => set({ orderTtlMinutes: e.target.value.replace(/[^\d]/g, '') })}
            error={fe('orderTtlMinutes')}
            data-testid="settings-ttl"
          />
          <SelectField
            label={t('settings.language')}
            value={form.language}
            onChange={(e) => set({ language: e.target.value as Form['language'] })}
            options={[
              { value: 'ru', label: 'Русский' },
              { value: 'en', label: 'English' },
            ]}
            data-testid="settings-language"
          />
        </div>
        {error ? <ErrorNotice error={error} title={t('settings.saveFailed')} compact /> : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" size="lg" busy={saving} data-testid="settings-save">
            {saved ? t('settings.saved') : t('settings.save')}
          </Button>
        </div>
      </form>

      <div className="token-column">
        <form className="card token-card" onSubmit={(e) => void saveToken(e)} aria-labelledby="token-h">
          <h2 className="card-title" id="token-h">
            {t('settings.token')}
          </h2>
          <div
            className={`token-state token-${token?.state ?? 'unknown'}`}
            data-testid="token-state"
            data-state={token?.state ?? 'unknown'}
            role="status"
          >
            {t(`token.${token?.state ?? 'unknown'}` as MessageKey)}
            {token?.reason ? <span className="muted small block">{token.reason}</span> : null}
          </div>
          <p className="muted small">{t('settings.tokenNote')}</p>
          <TextField
            label={t('settings.tokenNew')}
            type="password"
            value={tokenValue}
            onChange={(e) => setTokenValue(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            className="mono"
            data-testid="token-input"
            disabled={token?.state === 'env'}
            hint={token?.state === 'env' ? t('settings.fromEnv', { name: 'PAYDESK_TOKEN' }) : undefined}
          />
          {tokenError ? <ErrorNotice error={tokenError} compact /> : null}
          <div className="form-actions">
            <Button
              type="submit"
              variant="primary"
              busy={tokenBusy}
              disabled={tokenValue.trim() === '' || token?.state === 'env'}
              data-testid="token-save"
            >
              {tokenSaved ? t('settings.tokenSaved') : t('settings.tokenSave')}
            </Button>
            {token?.state === 'set' ? (
              <Button
                variant="danger"
                onClick={() => void removeToken()}
                disabled={tokenBusy}
                data-testid="token-remove"
              >
                {t('settings.tokenRemove')}
              </Button>
            ) : null}
          </div>
        </form>

        <WellpayTokenCard />
      </div>
      <StaffSection />
      <PinPolicySection />
    </div>
  );
}
