/**
 * The shop's PIN policy: whether selling needs an open shift, and which actions need a senior's PIN. Changing it
 * always takes a senior's PIN (the core insists); the dialog asks.
 */
import { useState } from 'react';
import type { GuardableMethod } from '../../../../shared/contract/shifts.ts';
import { useT } from '../../i18n/index.ts';
import { useApprovalAction } from '../../state/approval.ts';
import { useSettings } from '../../state/settings.ts';
import { Button } from '../../ui/Button.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { useFlash } from '../../ui/hooks.ts';
import '../../ui/shift.css';

/** The contract's GUARDABLE_METHODS, listed here so the renderer does not load zod; the type keeps the two equal. */
const GUARDABLE_METHODS = [
  'refunds.create',
  'orders.cancel',
  'settings.update',
  'token.save',
  'token.remove',
] as const satisfies readonly GuardableMethod[];
const allListed: Exclude<GuardableMethod, (typeof GUARDABLE_METHODS)[number]> extends never ? true : false =
  true;
void allListed;

export function PinPolicySection() {
  const t = useT();
  const policy = useSettings((s) => s.settings?.pinPolicy);
  const [draft, setDraft] = useState<{ requireShift: boolean; seniorPinFor: GuardableMethod[] } | null>(null);
  const { busy, error, setError, run } = useApprovalAction();
  const [saved, flashSaved] = useFlash(3000);
  if (!policy) return null;
  const value = draft ?? { requireShift: policy.requireShift, seniorPinFor: [...policy.seniorPinFor] };
  const toggle = (m: GuardableMethod): void =>
    setDraft({
      ...value,
      seniorPinFor: value.seniorPinFor.includes(m)
        ? value.seniorPinFor.filter((x) => x !== m)
        : [...value.seniorPinFor, m],
    });

  const save = async (): Promise<void> => {
    await run(async () => {
      await useSettings.getState().update({ pinPolicy: value });
      setDraft(null);
      flashSaved();
    });
  };

  return (
    <section className="card" aria-labelledby="pin-policy-h" data-testid="pin-policy">
      <div className="card-head">
        <h2 className="card-title" id="pin-policy-h">
          {t('staff.policy')}
        </h2>
        <span className="card-hint">{saved ? t('staff.saved') : t('staff.hint')}</span>
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={value.requireShift}
          onChange={(e) => setDraft({ ...value, requireShift: e.target.checked })}
          data-testid="policy-require-shift"
        />{' '}
        {t('staff.policy.requireShift')}
      </label>
      <fieldset className="policy-list">
        <legend className="field-label">{t('staff.policy.senior')}</legend>
        {GUARDABLE_METHODS.map((m) => (
          <label key={m} className="check">
            <input
              type="checkbox"
              checked={value.seniorPinFor.includes(m)}
              onChange={() => toggle(m)}
              data-testid={`policy-${m}`}
            />{' '}
            {t(`staff.policy.${m}`)}
          </label>
        ))}
      </fieldset>
      <p className="muted small">{t('staff.policy.attempts', { n: policy.maxAttempts })}</p>
      {error ? <ErrorNotice error={error} onDismiss={() => setError(null)} /> : null}
      <div className="form-actions">
        <Button
          variant="primary"
          size="lg"
          busy={busy}
          disabled={draft === null}
          onClick={() => void save()}
          data-testid="policy-save"
        >
          {t('staff.save')}
        </Button>
      </div>
    </section>
  );
}
