/**
 * New order: an entry row (the line being typed) that Enter appends to the basket, the basket, live totals and VAT
 * in kopecks (computeBasket, the gateway's own arithmetic), expiry, optional customer. Enter in an empty entry row
 * (or Ctrl+Enter anywhere) creates the order; Esc goes back. Nothing is sent while a field is invalid, and nothing is
 * sent twice: the button is disabled while the order is in flight and a retry reuses the attempt's key.
 */
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { VAT_CODES, type VatCode } from '../../../../shared/domain/vat.ts';
import { back, navigate } from '../../app/router.ts';
import { useLang, useT, type MessageKey } from '../../i18n/index.ts';
import {
  isEntryBlank,
  ITEM_TYPES,
  PAYMENT_TYPES,
  totalsOf,
  validateEntry,
  type FieldError,
  type ItemType,
  type PaymentType,
} from '../../lib/draft.ts';
import { formatMoney, formatQuantity, vatLabel, vatShort } from '../../lib/format.ts';
import { OKEI_UNITS, unitByCode } from '../../lib/okei.ts';
import { useDraft } from '../../state/draft.ts';
import { useSettings } from '../../state/settings.ts';
import { useShift } from '../../state/shift.ts';
import { ShiftRequired } from '../shift/ShiftRequired.tsx';
import { Button } from '../../ui/Button.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { SelectField, TextField } from '../../ui/Field.tsx';
import { useHotkeys } from '../../ui/hooks.ts';
import { CustomerSection } from './CustomerSection.tsx';
import { GatewayChoice, useChosenGateway } from './GatewayChoice.tsx';
import { WellpayForm } from './WellpayForm.tsx';
import { XsollaTrackForm } from './XsollaTrackForm.tsx';

const TTL_PRESETS = [5, 15, 30, 60];

/**
 * New order: the gateway choice (when there is more than Invoicebox), then that gateway's form — or, without an open
 * shift where the shop requires one (the default), a call to open one: nothing is sold outside a shift.
 */
export function NewOrderScreen() {
  const gateway = useChosenGateway();
  const requireShift = useSettings((s) => s.settings?.pinPolicy.requireShift ?? true);
  const noShift = useShift((s) => s.current === null) && requireShift;
  if (noShift) return <ShiftRequired />;
  return (
    <div className="screen gw-new" data-testid="new-order" data-gateway={gateway}>
      <GatewayChoice gateway={gateway} />
      {gateway === 'wellpay' ? (
        <WellpayForm />
      ) : gateway === 'xsolla' ? (
        <XsollaTrackForm />
      ) : (
        <InvoiceboxOrderForm />
      )}
    </div>
  );
}

function InvoiceboxOrderForm() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const d = useDraft();
  const defaultTtl = useSettings((s) => s.settings?.orderTtlMinutes);
  const nameRef = useRef<HTMLInputElement>(null);
  const totals = useMemo(() => totalsOf(d.lines), [d.lines]);
  const entryCheck = useMemo(() => validateEntry(d.entry), [d.entry]);
  const fe = (code: FieldError | undefined): string | null =>
    code ? t(`field.${code}` as MessageKey) : null;

  // The saved default expiry, for a draft nobody has touched yet.
  useEffect(() => {
    const s = useDraft.getState();
    if (defaultTtl && s.lines.length === 0 && s.ttl === '15' && defaultTtl !== 15)
      s.setTtl(String(defaultTtl));
  }, [defaultTtl]);

  useEffect(() => {
    nameRef.current?.focus();
  }, [d.focusEntry]);

  const submit = async (): Promise<void> => {
    const view = await useDraft.getState().submit();
    if (view) navigate({ name: 'pay', id: view.id });
    else if (!isEntryBlank(useDraft.getState().entry)) nameRef.current?.focus();
  };

  useHotkeys(
    { Escape: () => back({ name: 'orders' }), 'Ctrl+Enter': () => void submit() },
    { inInputs: true },
  );

  const onEntryKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.nativeEvent.isComposing) return;
    if ((e.target as HTMLElement).tagName === 'BUTTON') return; // a button's own Enter is its click
    e.preventDefault();
    const s = useDraft.getState();
    if (isEntryBlank(s.entry) && s.lines.length > 0) void submit();
    else s.addEntry();
  };
  const onFormKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.nativeEvent.isComposing) return;
    const target = e.target as HTMLElement;
    if (target.tagName === 'BUTTON' || target.tagName === 'TEXTAREA') return;
    e.preventDefault();
    void submit();
  };

  const showEntry = d.showEntryErrors;
  const entryTotal = entryCheck.line ? totalsOf([entryCheck.line]).amount : null;
  const vatOptions = VAT_CODES.map((code) => ({ value: code, label: vatLabel(code, lang) }));
  const unitOptions = OKEI_UNITS.map((u) => ({
    value: u.code,
    label: `${lang === 'ru' ? u.symbol : u.symbolEn} — ${u.name}`,
  }));
  const vatEntries = Object.entries(totals.vatByCode) as [VatCode, number][];

  return (
    <div className="new-order" data-testid="invoicebox-form">
      <div className="new-order-main">
        <section className="card entry-card" aria-labelledby="entry-title" onKeyDown={onEntryKey}>
          <div className="card-head">
            <h2 className="card-title" id="entry-title">
              {t('new.entryTitle')}
            </h2>
            <span className="card-hint entry-total" aria-live="polite">
              {entryTotal !== null ? (
                <>
                  {t('new.lineTotal')} <strong className="num">{formatMoney(entryTotal, lang)}</strong> ·
                  Enter
                </>
              ) : (
                t('new.entryHint')
              )}
            </span>
          </div>
          <div className="entry-grid">
            <TextField
              fieldClassName="f-name"
              label={t('new.name')}
              data-testid="item-name"
              inputRef={nameRef}
              value={d.entry.name}
              maxLength={500}
              autoComplete="off"
              placeholder={t('new.namePlaceholder')}
              onChange={(e) => d.setEntry({ name: e.target.value })}
              error={showEntry ? fe(d.entryErrors.name) : null}
            />
            <TextField
              fieldClassName="f-price"
              label={t('new.price')}
              data-testid="item-price"
              value={d.entry.price}
              inputMode="decimal"
              autoComplete="off"
              placeholder={lang === 'ru' ? '0,00' : '0.00'}
              className="num"
              onChange={(e) => d.setEntry({ price: e.target.value })}
              error={
                showEntry || (d.entry.price !== '' && d.entryErrors.price !== 'required')
                  ? fe(d.entryErrors.price)
                  : null
              }
            />
            <TextField
              fieldClassName="f-qty"
              label={t('new.qty')}
              data-testid="item-qty"
              value={d.entry.qty}
              inputMode="decimal"
              autoComplete="off"
              className="num"
              onChange={(e) => d.setEntry({ qty: e.target.value })}
              error={
                showEntry || (d.entry.qty !== '' && d.entryErrors.qty !== 'required')
                  ? fe(d.entryErrors.qty)
                  : null
              }
            />
            <SelectField
              fieldClassName="f-unit"
              label={t('new.unit')}
              data-testid="item-unit"
              value={d.entry.unitCode}
              options={unitOptions}
              onChange={(e) => d.setEntry({ unitCode: e.target.value })}
              error={showEntry ? fe(d.entryErrors.unit) : null}
            />
            <SelectField
              fieldClassName="f-vat"
              label={t('new.vat')}
              data-testid="item-vat"
              value={d.entry.vatCode}
              options={vatOptions}
              onChange={(e) => d.setEntry({ vatCode: e.target.value as VatCode })}
            />
            <SelectField
              fieldClassName="f-type"
              label={t('new.itemType')}
              data-testid="item-type"
              value={d.entry.type}
              options={ITEM_TYPES.map((v) => ({ value: v, label: t(`itemType.${v}` as MessageKey) }))}
              onChange={(e) => d.setEntry({ type: e.target.value as ItemType })}
            />
            <SelectField
              fieldClassName="f-paytype"
              label={t('new.paymentType')}
              data-testid="item-payment-type"
              value={d.entry.paymentType}
              options={PAYMENT_TYPES.map((v) => ({ value: v, label: t(`paymentType.${v}` as MessageKey) }))}
              onChange={(e) => d.setEntry({ paymentType: e.target.value as PaymentType })}
            />
            <div className="f-add">
              <Button variant="primary" size="lg" data-testid="add-item" onClick={() => d.addEntry()}>
                {t('new.add')}
              </Button>
            </div>
          </div>
        </section>

        <section className="card basket-card" aria-labelledby="basket-title">
          <div className="card-head">
            <h2 className="card-title" id="basket-title">
              {t('new.basket')} <span className="count-pill">{d.lines.length}</span>
            </h2>
            {d.lines.length > 0 ? <span className="card-hint">{t('new.basketHint')}</span> : null}
          </div>
          {d.lines.length === 0 ? (
            <div
              className={['empty', d.showErrors && d.errors.lines ? 'empty-error' : ''].join(' ')}
              role={d.showErrors && d.errors.lines ? 'alert' : undefined}
            >
              <div className="empty-title">
                {d.showErrors && d.errors.lines ? fe(d.errors.lines) : t('new.emptyTitle')}
              </div>
              <div className="empty-text">{t('new.emptyText')}</div>
            </div>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="basket-title">
              <table className="table basket-table" data-testid="basket">
                <thead>
                  <tr>
                    <th scope="col" className="c-idx">
                      №
                    </th>
                    <th scope="col">{t('new.name')}</th>
                    <th scope="col" className="num">
                      {t('new.price')}
                    </th>
                    <th scope="col" className="num">
                      {t('new.qty')}
                    </th>
                    <th scope="col">{t('new.vat')}</th>
                    <th scope="col" className="num">
                      {t('new.sum')}
                    </th>
                    <th scope="col" className="c-actions">
                      <span className="sr-only">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.lines.map((line, i) => {
                    const unit = unitByCode(line.measureCode);
                    const amounts = totals.lines[i]!;
                    return (
                      <tr key={`${i}-${line.name}`} data-testid="basket-line">
                        <td className="c-idx muted">{i + 1}</td>
                        <td className="c-name">
                          <div className="line-name">{line.name}</div>
                          {line.type !== 'commodity' || line.paymentType !== 'full_payment' ? (
                            <div className="line-sub muted">
                              {t(`itemType.${line.type}` as MessageKey)} ·{' '}
                              {t(`paymentType.${line.paymentType}` as MessageKey)}
                            </div>
                          ) : null}
                        </td>
                        <td className="num">{formatMoney(line.unitPrice, lang)}</td>
                        <td className="num">
                          {formatQuantity(line.quantity, lang)}{' '}
                          {unit ? (lang === 'ru' ? unit.symbol : unit.symbolEn) : line.measure}
                        </td>
                        <td>
                          <div className="nowrap">{vatShort(line.vatCode, lang)}</div>
                          <div className="line-sub muted nowrap">
                            {formatMoney(amounts.totalVatAmount, lang)}
                          </div>
                        </td>
                        <td className="num strong">{formatMoney(amounts.totalAmount, lang)}</td>
                        <td className="c-actions">
                          <button
                            type="button"
                            className="icon-button"
                            onClick={() => d.editLine(i)}
                            aria-label={t('new.editLine', { name: line.name })}
                            title={t('new.editLine', { name: line.name })}
                          >
                            ✎
                          </button>
                          <button
                            type="button"
                            className="icon-button danger"
                            onClick={() => d.removeLine(i)}
                            aria-label={t('new.removeLine', { name: line.name })}
                            title={t('new.removeLine', { name: line.name })}
                          >
                            ✕
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>

      <aside className="new-order-side" aria-label={t('new.summary')} onKeyDown={onFormKey}>
        <section className="card totals-card">
          <div className="totals-label">{t('new.total')}</div>
          <div className="totals-amount num" data-testid="order-total" data-kopecks={totals.amount}>
            {formatMoney(totals.amount, lang)}
          </div>
          <div className="totals-vat">
            <span>{t('new.vatTotal')}</span>
            <span className="num" data-testid="order-vat-total" data-kopecks={totals.vatAmount}>
              {formatMoney(totals.vatAmount, lang)}
            </span>
          </div>
          {vatEntries.length > 1 || (vatEntries.length === 1 && vatEntries[0]![0] !== 'RUS_VAT22') ? (
            <ul className="vat-breakdown">
              {vatEntries.map(([code, amount]) => (
                <li key={code}>
                  <span>{vatLabel(code, lang)}</span>
                  <span className="num">{formatMoney(amount, lang)}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </section>

        <section className="card side-card">
          <div className="ttl-row">
            <TextField
              fieldClassName="f-ttl"
              label={t('new.ttl')}
              data-testid="order-ttl"
              value={d.ttl}
              inputMode="numeric"
              className="num"
              onChange={(e) => d.setTtl(e.target.value.replace(/[^\d]/g, ''))}
              error={d.errors.ttl ? fe(d.errors.ttl) : null}
            />
            <div className="ttl-presets" role="group" aria-label={t('new.ttlPresets')}>
              {TTL_PRESETS.map((m) => (
                <button
                  key={m}
                  type="button"
                  className={['chip', d.ttl === String(m) ? 'is-on' : ''].join(' ')}
                  aria-pressed={d.ttl === String(m)}
                  onClick={() => d.setTtl(String(m))}
                >
                  {t('new.minutes', { n: m })}
                </button>
              ))}
            </div>
          </div>
          <TextField
            label={t('new.description')}
            data-testid="order-description"
            value={d.description}
            maxLength={1000}
            placeholder={t('new.descriptionPlaceholder')}
            onChange={(e) => d.setDescription(e.target.value)}
            error={d.errors.description ? fe(d.errors.description) : null}
          />
          <CustomerSection />
        </section>

        {d.submitError ? (
          <ErrorNotice
            error={d.submitError}
            title={t('new.createFailed')}
            onRetry={() => void submit()}
            retryLabel={t('new.retrySame')}
          />
        ) : null}

        <Button
          variant="primary"
          size="xl"
          className="create-button"
          data-testid="create-order"
          busy={d.submitting}
          disabled={d.lines.length === 0 && isEntryBlank(d.entry)}
          kbd="Ctrl+Enter"
          onClick={() => void submit()}
        >
          {d.submitting ? t('new.creating') : t('new.create')}
        </Button>
      </aside>
    </div>
  );
}
