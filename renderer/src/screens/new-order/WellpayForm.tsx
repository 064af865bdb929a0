/**
 * A WellPay invoice: a title and a price in hryvnias; Enter issues it (once: a retry reuses the attempt's key), then
 * the payment screen shows the payer link as a QR and follows the invoice live. Esc goes back.
 */
import { useEffect, useRef, type FormEvent } from 'react';
import { back, navigate } from '../../app/router.ts';
import { useLang, useT, type MessageKey } from '../../i18n/index.ts';
import { formatMinor } from '../../lib/providers.ts';
import { validateWellpay, type GatewayFieldError } from '../../lib/gateway-forms.ts';
import { useGateway } from '../../state/gateway.ts';
import { Button } from '../../ui/Button.tsx';
import { gatewayErrorText } from '../../ui/errors.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { TextField } from '../../ui/Field.tsx';
import { useHotkeys } from '../../ui/hooks.ts';
import { GatewayFormCard } from './GatewayFormCard.tsx';
import '../../ui/providers.css';

export function WellpayForm() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const g = useGateway();
  const titleRef = useRef<HTMLInputElement>(null);
  const fe = (code: GatewayFieldError | undefined, value: string): string | null =>
    code && (g.showErrors || (value.trim() !== '' && code !== 'required'))
      ? t(`gateway.err.${code}` as MessageKey)
      : null;
  const preview = validateWellpay({ title: 'x', amount: g.amount }).value?.amount ?? null;

  useEffect(() => {
    titleRef.current?.focus();
  }, []);

  const submit = async (e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    const view = await useGateway.getState().submitWellpay();
    if (view) navigate({ name: 'pay', id: view.id });
    else if (useGateway.getState().errors.title) titleRef.current?.focus();
  };
  useHotkeys({ Escape: () => back({ name: 'orders' }) }, { inInputs: true });

  return (
    <GatewayFormCard
      testId="wellpay-form"
      headingId="wellpay-h"
      title={t('wellpay.formTitle')}
      hint={t('wellpay.formHint')}
      onSubmit={(e) => void submit(e)}
    >
      <div className="gw-form-row">
        <TextField
          label={t('wellpay.title')}
          data-testid="wellpay-title"
          inputRef={titleRef}
          value={g.title}
          maxLength={200}
          autoComplete="off"
          placeholder={t('wellpay.titlePlaceholder')}
          onChange={(e) => g.setWellpay({ title: e.target.value })}
          error={fe(g.errors.title, g.title)}
        />
        <TextField
          label={t('wellpay.amount')}
          data-testid="wellpay-amount"
          value={g.amount}
          inputMode="decimal"
          autoComplete="off"
          className="num"
          placeholder={lang === 'ru' ? '0,00' : '0.00'}
          onChange={(e) => g.setWellpay({ amount: e.target.value })}
          error={fe(g.errors.amount, g.amount)}
          hint={preview !== null ? formatMinor(preview, 'UAH', lang) : undefined}
        />
      </div>
      {g.submitError ? (
        <ErrorNotice
          error={g.submitError}
          title={t('wellpay.createFailed')}
          text={gatewayErrorText(t, 'wellpay', g.submitError)}
          onRetry={() => void submit()}
          retryLabel={t('new.retrySame')}
        />
      ) : null}
      <div className="form-actions">
        <Button
          type="submit"
          variant="primary"
          size="xl"
          kbd="Enter"
          busy={g.submitting}
          data-testid="wellpay-create"
        >
          {g.submitting ? t('wellpay.creating') : t('wellpay.create')}
        </Button>
      </div>
    </GatewayFormCard>
  );
}
