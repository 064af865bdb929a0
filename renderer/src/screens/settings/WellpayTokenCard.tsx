/**
 * WellPay's access token, like Invoicebox's: it goes in (`token.save` with provider `wellpay`, into the system's
 * password store) and never comes back — the card shows only whether it is set. The field is cleared once sent.
 */
import { useState, type FormEvent } from 'react';
import { useT, type MessageKey, type T } from '../../i18n/index.ts';
import { useSettings } from '../../state/settings.ts';
import { Button } from '../../ui/Button.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { TextField } from '../../ui/Field.tsx';
import { errorInfo } from '../../ui/errors.ts';
import { useFlash } from '../../ui/hooks.ts';
import '../../ui/providers.css';
import { useApprovalAction } from '../../state/approval.ts';

/** The token errors whose generic text speaks of Invoicebox's token: WellPay's own words instead. */
function wellpayTokenError(error: unknown, t: T): string | null {
  const code = errorInfo(error).code;
  if (code === 'token_format') return t('wellpay.tokenFormat');
  if (code === 'token_rejected' || code === 'unauthorized') return t('wellpay.tokenRejected');
  return null;
}

export function WellpayTokenCard() {
  const t = useT();
  const token = useSettings((s) => s.wellpayToken);
  const [value, setValue] = useState('');
  const { busy, error, run } = useApprovalAction();
  const [saved, flashSaved] = useFlash(3000);
  const state = token?.state ?? 'unknown';

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const next = value.trim();
    if (next === '') return;
    setValue('');
    await run(async () => {
      await useSettings.getState().saveToken(next, 'wellpay');
      flashSaved();
    });
  };
  const remove = async (): Promise<void> => {
    await run(() => useSettings.getState().removeToken('wellpay'));
  };

  return (
    <form
      className="card token-card"
      onSubmit={(e) => void save(e)}
      aria-labelledby="wellpay-token-h"
      data-testid="wellpay-token-card"
    >
      <h2 className="card-title" id="wellpay-token-h">
        {t('wellpay.token')}
      </h2>
      <div
        className={`token-state token-${state}`}
        data-testid="wellpay-token-state"
        data-state={state}
        role="status"
      >
        {t(`token.${state}` as MessageKey)}
        {token?.reason ? <span className="muted small block">{token.reason}</span> : null}
      </div>
      <p className="muted small">{t('wellpay.tokenNote')}</p>
      <TextField
        label={t('wellpay.tokenNew')}
        type="password"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        className="mono"
        data-testid="wellpay-token-input"
        disabled={state === 'env'}
      />
      {error ? <ErrorNotice error={error} compact text={wellpayTokenError(error, t)} /> : null}
      <div className="form-actions">
        <Button
          type="submit"
          variant="primary"
          busy={busy}
          disabled={value.trim() === '' || state === 'env'}
          data-testid="wellpay-token-save"
        >
          {saved ? t('settings.tokenSaved') : t('settings.tokenSave')}
        </Button>
        {state === 'set' ? (
          <Button
            variant="danger"
            onClick={() => void remove()}
            disabled={busy}
            data-testid="wellpay-token-remove"
          >
            {t('settings.tokenRemove')}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
