import { useT, type MessageKey } from '../../i18n/index.ts';
import type { FieldError } from '../../lib/draft.ts';
import { useDraft } from '../../state/draft.ts';
import { TextField } from '../../ui/Field.tsx';

/** Optional customer: hidden until asked for, so the common case (no customer) stays one screen. */
export function CustomerSection() {
  const t = useT();
  const open = useDraft((s) => s.customerOpen);
  const customer = useDraft((s) => s.customer);
  const errors = useDraft((s) => s.errors.customer);
  const showErrors = useDraft((s) => s.showErrors);
  const setCustomer = useDraft((s) => s.setCustomer);
  const setOpen = useDraft((s) => s.setCustomerOpen);
  // Format errors show as soon as a field has text; only "required"-like ones wait for a send attempt.
  const fe = (code: FieldError | undefined, value: string): string | null =>
    code && (showErrors || value.trim() !== '') ? t(`field.${code}` as MessageKey) : null;
  return (
    <div className="customer">
      <button
        type="button"
        className="disclosure"
        aria-expanded={open}
        aria-controls="customer-fields"
        onClick={() => setOpen(!open)}
        data-testid="customer-toggle"
      >
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {t('customer.title')}
        <span className="muted"> {t('customer.optional')}</span>
      </button>
      {open ? (
        <div id="customer-fields" className="customer-fields">
          <fieldset className="segmented">
            <legend className="sr-only">{t('customer.type')}</legend>
            {(['private', 'legal'] as const).map((type) => (
              <label key={type} className={customer.type === type ? 'is-on' : ''}>
                <input
                  type="radio"
                  name="customer-type"
                  value={type}
                  checked={customer.type === type}
                  onChange={() => setCustomer({ type })}
                />
                {t(`customer.${type}` as MessageKey)}
              </label>
            ))}
          </fieldset>
          <TextField
            label={customer.type === 'legal' ? t('customer.orgName') : t('customer.name')}
            value={customer.name}
            maxLength={500}
            onChange={(e) => setCustomer({ name: e.target.value })}
            error={fe(errors.name, customer.name)}
            data-testid="customer-name"
            autoComplete="off"
          />
          <div className="two-col">
            <TextField
              label={t('customer.phone')}
              type="tel"
              value={customer.phone}
              onChange={(e) => setCustomer({ phone: e.target.value })}
              error={fe(errors.phone, customer.phone)}
              placeholder="+7 900 000-00-00"
              data-testid="customer-phone"
              autoComplete="off"
            />
            <TextField
              label={t('customer.email')}
              type="email"
              value={customer.email}
              onChange={(e) => setCustomer({ email: e.target.value })}
              error={fe(errors.email, customer.email)}
              data-testid="customer-email"
              autoComplete="off"
            />
          </div>
          <TextField
            label={t('customer.inn')}
            inputMode="numeric"
            value={customer.inn}
            maxLength={14}
            onChange={(e) => setCustomer({ inn: e.target.value })}
            error={fe(errors.inn, customer.inn)}
            hint={t('customer.innHint')}
            data-testid="customer-inn"
            autoComplete="off"
          />
        </div>
      ) : null}
    </div>
  );
}
