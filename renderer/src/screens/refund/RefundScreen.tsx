/**
 * Refund of a paid order: the lines still refundable (`refunds.items`), choose lines and quantities, see the amount
 * (the order's own line arithmetic), confirm, `refunds.create`, then follow the refund's status. A double click never
 * refunds twice: one key per chosen selection, kept for retries of that selection, button disabled while in flight.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MethodOutput, RefundView } from '../../../../shared/contract/contract.ts';
import { isVatCode } from '../../../../shared/domain/vat.ts';
import { back, navigate } from '../../app/router.ts';
import { bridge } from '../../bridge.ts';
import { useLang, useT, type MessageKey } from '../../i18n/index.ts';
import { newRequestKey } from '../../lib/draft.ts';
import { formatMoney, quantityToInput, vatShort, formatQuantity } from '../../lib/format.ts';
import { planRefund, planSignature, type RefundSelection } from '../../lib/refund.ts';
import { isCancelled, withApproval } from '../../state/approval.ts';
import { useOrders } from '../../state/orders.ts';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { useHotkeys } from '../../ui/hooks.ts';
import { StatusBadge } from '../../ui/StatusBadge.tsx';

type Items = MethodOutput<'refunds.items'>;
const FOLLOW_MS = 2_000;

export function RefundScreen({ id }: { id: string }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const order = useOrders((s) => s.byId[id]);
  const upsert = useOrders((s) => s.upsert);
  const [items, setItems] = useState<Items | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [selection, setSelection] = useState<RefundSelection>({});
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<unknown>(null);
  const [refund, setRefund] = useState<RefundView | null>(null);
  const keyRef = useRef<{ signature: string; key: string } | null>(null);

  const load = useCallback(async () => {
    try {
      const [list, detail] = await Promise.all([
        bridge.invoke('refunds.items', { orderId: id }),
        bridge.invoke('orders.get', { id }),
      ]);
      upsert(detail);
      setItems(list);
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, [id, upsert]);
  useEffect(() => {
    void load();
  }, [load]);

  const plan = useMemo(() => planRefund(items ?? [], selection), [items, selection]);
  const hasErrors = Object.keys(plan.errors).length > 0;
  const canSend = plan.lines.length > 0 && !hasErrors && !sending && refund === null;

  // Follow the refund's status until it is final.
  useEffect(() => {
    if (!refund || refund.status === 'completed' || refund.status === 'canceled') return;
    const timer = setInterval(() => {
      bridge
        .invoke('orders.get', { id })
        .then((d) => {
          upsert(d);
          const mine = d.refunds.find((r) => r.id === refund.id);
          if (mine) setRefund(mine);
        })
        .catch(() => {});
    }, FOLLOW_MS);
    return () => clearInterval(timer);
  }, [refund, id, upsert]);

  const setQty = (index: number, value: string): void => setSelection((s) => ({ ...s, [index]: value }));
  const toggle = (index: number, max: number): void =>
    setSelection((s) => {
      const on = s[index] !== undefined && s[index] !== '' && s[index] !== '0';
      const next = { ...s };
      if (on) delete next[index];
      else next[index] = quantityToInput(max, lang);
      return next;
    });
  const selectAll = (): void => {
    if (!items) return;
    const all = items.every((i) => selection[i.index] === quantityToInput(i.quantity, lang));
    setSelection(
      all ? {} : Object.fromEntries(items.map((i) => [i.index, quantityToInput(i.quantity, lang)])),
    );
  };

  const send = async (): Promise<void> => {
    if (sending || !canSend) return;
    const signature = planSignature(plan);
    if (!keyRef.current || keyRef.current.signature !== signature)
      keyRef.current = { signature, key: newRequestKey() };
    setSending(true);
    setSendError(null);
    try {
      const input = { orderId: id, lines: plan.lines, requestKey: keyRef.current.key };
      // A senior approves refunds by PIN when the core asks (pin_required): same request, same key, plus approval.
      const created = await withApproval('refund', (approval) =>
        bridge.invoke('refunds.create', approval ? { ...input, approval } : input),
      );
      setRefund(created);
      setConfirming(false);
      void bridge
        .invoke('orders.get', { id })
        .then(upsert)
        .catch(() => {});
    } catch (err) {
      if (!isCancelled(err)) setSendError(err);
      setConfirming(false);
    } finally {
      setSending(false);
    }
  };

  useHotkeys({ Escape: () => back({ name: 'order', id }), a: () => selectAll() }, { enabled: !confirming });

  if (loadError && !items)
    return (
      <div className="screen">
        <ErrorNotice error={loadError} onRetry={() => void load()} />
      </div>
    );
  if (!items)
    return (
      <div className="screen">
        <div className="loading">{t('common.loading')}</div>
      </div>
    );

  return (
    <div className="screen refund-screen" data-testid="refund-screen">
      <section className="card refund-main">
        <div className="card-head">
          <h2 className="card-title">{t('refund.title', { number: order?.merchantOrderId ?? '' })}</h2>
          <span className="card-hint">{t('refund.hint')}</span>
        </div>
        {items.length === 0 ? (
          <div className="empty">
            <div className="empty-title">{t('refund.nothing')}</div>
          </div>
        ) : (
          <table className="table refund-table">
            <thead>
              <tr>
                <th scope="col" className="c-check">
                  <input
                    type="checkbox"
                    aria-label={t('refund.all')}
                    checked={
                      items.length > 0 &&
                      items.every((i) => selection[i.index] === quantityToInput(i.quantity, lang))
                    }
                    onChange={selectAll}
                    data-testid="refund-all"
                  />
                </th>
                <th scope="col">{t('new.name')}</th>
                <th scope="col" className="num">
                  {t('new.price')}
                </th>
                <th scope="col" className="num">
                  {t('refund.available')}
                </th>
                <th scope="col" className="num">
                  {t('refund.qty')}
                </th>
                <th scope="col">{t('new.vat')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const on = selection[item.index] !== undefined && selection[item.index] !== '';
                const err = plan.errors[item.index];
                return (
                  <tr key={item.index} className={on ? 'is-selected' : ''} data-testid="refund-line">
                    <td className="c-check">
                      <input
                        type="checkbox"
                        checked={on}
                        onChange={() => toggle(item.index, item.quantity)}
                        aria-label={t('refund.pick', { name: item.name })}
                        data-testid={`refund-pick-${item.index}`}
                        disabled={item.quantity === 0 || refund !== null}
                      />
                    </td>
                    <td>{item.name}</td>
                    <td className="num">{formatMoney(item.unitPrice, lang)}</td>
                    <td className="num">{formatQuantity(item.quantity, lang)}</td>
                    <td className="num">
                      <input
                        className={['input num qty-input', err ? 'is-invalid' : ''].join(' ')}
                        inputMode="decimal"
                        value={selection[item.index] ?? ''}
                        placeholder="0"
                        onChange={(e) => setQty(item.index, e.target.value)}
                        aria-label={t('refund.qtyFor', { name: item.name })}
                        aria-invalid={err ? true : undefined}
                        data-testid={`refund-qty-${item.index}`}
                        disabled={refund !== null}
                      />
                      {err ? (
                        <div className="field-error" role="alert">
                          {t(`field.${err}` as MessageKey)}
                        </div>
                      ) : null}
                    </td>
                    <td>{isVatCode(item.vatCode) ? vatShort(item.vatCode, lang) : item.vatCode}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <aside className="refund-side">
        <section className="card totals-card refund-totals">
          <div className="totals-label">{t('refund.amount')}</div>
          <div className="totals-amount num" data-testid="refund-amount" data-kopecks={plan.amount}>
            {formatMoney(plan.amount, lang)}
          </div>
          <div className="totals-vat">
            <span>{t('new.vatTotal')}</span>
            <span className="num">{formatMoney(plan.vatAmount, lang)}</span>
          </div>
          {order ? (
            <div className="totals-vat muted">
              <span>{t('refund.paid')}</span>
              <span className="num">{formatMoney(order.amount, lang)}</span>
            </div>
          ) : null}
        </section>

        {sendError ? (
          <ErrorNotice
            error={sendError}
            title={t('refund.failed')}
            onRetry={() => setConfirming(true)}
            retryLabel={t('refund.retrySame')}
          />
        ) : null}

        {refund ? (
          <section
            className={`card refund-result refund-${refund.status}`}
            data-testid="refund-result"
            role="status"
            aria-live="polite"
          >
            <div className="muted small">{t('refund.created', { number: refund.merchantOrderId })}</div>
            <div className="num big">{formatMoney(refund.amount, lang)}</div>
            <div data-testid="refund-status" data-status={refund.status}>
              <StatusBadge status={refund.status} refund />
            </div>
            <p className="small">{t(`refund.statusText.${refund.status}` as MessageKey)}</p>
            <Button variant="primary" size="lg" onClick={() => navigate({ name: 'order', id })}>
              {t('refund.toOrder')}
            </Button>
          </section>
        ) : (
          <Button
            variant="danger"
            size="xl"
            className="create-button"
            data-testid="refund-submit"
            disabled={!canSend}
            busy={sending}
            onClick={() => setConfirming(true)}
          >
            {plan.amount > 0
              ? t('refund.submitAmount', { amount: formatMoney(plan.amount, lang) })
              : t('refund.submit')}
          </Button>
        )}
      </aside>

      <ConfirmDialog
        open={confirming}
        testId="refund-dialog"
        title={t('refund.confirmTitle', { amount: formatMoney(plan.amount, lang) })}
        confirmLabel={t('refund.confirm')}
        variant="danger"
        busy={sending}
        onConfirm={() => void send()}
        onCancel={() => setConfirming(false)}
      >
        <ul className="confirm-lines">
          {plan.lines.map((l) => {
            const item = items.find((i) => i.index === l.index);
            return (
              <li key={l.index}>
                {item?.name} — {formatQuantity(l.quantity, lang)}
              </li>
            );
          })}
        </ul>
        <p>{t('refund.confirmBody')}</p>
      </ConfirmDialog>
    </div>
  );
}
