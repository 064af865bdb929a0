/**
 * The payment screen: the order's payment link as a big QR, the amount, its number, a countdown to expiry, and the
 * status live from the `order` event. Paid is unmistakable (big green «Оплачено»); expired or canceled says so and
 * offers a new QR for the same basket in one keystroke (R). An unpaid order can be canceled (Del, confirmed).
 * While the connection is not live the screen says that the status may lag, and offers a check now.
 */
import { useCallback, useEffect, useState } from 'react';
import { navigate } from '../../app/router.ts';
import { openCustomerDisplay } from '../../app/Layout.tsx';
import { bridge } from '../../bridge.ts';
import { useLang, useT, type MessageKey } from '../../i18n/index.ts';
import { draftLinesFromBasket } from '../../lib/basket-parse.ts';
import { totalsOf, type DraftLineInput } from '../../lib/draft.ts';
import {
  formatTimeLeft,
  formatDateTime,
  formatMoney,
  formatQuantity,
  formatTime,
  kopecksToInput,
} from '../../lib/format.ts';
import {
  formatMinor,
  isStale,
  neutralKey,
  neutralOf,
  orderActions,
  orderCurrency,
  providerOf,
  rawOf,
} from '../../lib/providers.ts';
import { isCancelled, withApproval } from '../../state/approval.ts';
import { useEffectiveConnection } from '../../state/connection.ts';
import { useCurrent } from '../../state/current.ts';
import { useGateway } from '../../state/gateway.ts';
import { useOrders } from '../../state/orders.ts';
import { useProviderConnection } from '../../state/providers.ts';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { gatewayErrorText } from '../../ui/errors.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { useFlash, useHotkeys, useTimeLeft } from '../../ui/hooks.ts';
import { ProviderBadge, useRawStatusText } from '../../ui/ProviderBadge.tsx';
import { Qr } from '../../ui/Qr.tsx';

/** While an order waits, re-read it from the core now and then, in case an event was lost on the way here. */
const POLL_MS = 10_000;

export function PaymentScreen({ id }: { id: string }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const order = useOrders((s) => s.byId[id]);
  const upsert = useOrders((s) => s.upsert);
  const reissuing = useCurrent((s) => s.reissuing);
  const replacement = useCurrent((s) => s.reissuedTo[id]);
  const invoiceboxConn = useEffectiveConnection();
  const provider = order ? providerOf(order) : 'invoicebox';
  const providerConn = useProviderConnection(provider);
  // Only a waiting order counts down; the screen re-renders when the time shown changes, not on a tick.
  const left = useTimeLeft(
    order?.status === 'created' && order.expirationDate ? Date.parse(order.expirationDate) : null,
  );
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [canceling, setCanceling] = useState(false);
  const [refreshing, setRefreshing] = useState(false);
  const [copied, flashCopied] = useFlash();
  const recipe = useCurrent((s) => s.recipes[id]);
  const [basket, setBasket] = useState<DraftLineInput[] | null>(null);

  const load = useCallback(async () => {
    try {
      const detail = await bridge.invoke('orders.get', { id });
      upsert(detail);
      setBasket((b) => b ?? draftLinesFromBasket(detail.basket));
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, [id, upsert]);

  useEffect(() => {
    useCurrent.getState().setCurrent(id);
    void load();
  }, [id, load]);

  const status = order?.status;
  useEffect(() => {
    if (status !== 'created') return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [status, load]);

  const refresh = async (): Promise<void> => {
    setRefreshing(true);
    setActionError(null);
    try {
      upsert(await bridge.invoke('orders.refresh', { id }));
    } catch (err) {
      setActionError(err);
    } finally {
      setRefreshing(false);
    }
  };

  const cancel = async (): Promise<void> => {
    if (canceling) return;
    setCanceling(true);
    setActionError(null);
    try {
      // A senior's PIN where the shop guards cancellations (pin_required → the PIN dialog, the same call again).
      upsert(
        await withApproval('cancel', (approval) =>
          bridge.invoke('orders.cancel', approval ? { id, approval } : { id }),
        ),
      );
      setConfirmCancel(false);
    } catch (err) {
      if (!isCancelled(err)) setActionError(err);
      setConfirmCancel(false);
    } finally {
      setCanceling(false);
    }
  };

  const reissue = async (): Promise<void> => {
    if (useCurrent.getState().reissuing !== null) return;
    setActionError(null);
    try {
      const view = await useCurrent.getState().reissue(id);
      navigate({ name: 'pay', id: view.id });
    } catch (err) {
      setActionError(err);
    }
  };

  const ended = status === 'expired' || status === 'canceled';
  const actions = order ? orderActions(order) : null;
  /** An ended WellPay invoice: the same title and amount, back in the WellPay form, one Enter from a new invoice. */
  const wellpayAgain =
    order && ended && providerOf(order) === 'wellpay'
      ? (): void => {
          const g = useGateway.getState();
          g.setGateway('wellpay');
          g.setWellpay({ title: order.description, amount: kopecksToInput(order.amount, lang) });
          navigate({ name: 'new' });
        }
      : null;
  const rawText = useRawStatusText(order ?? { status: 'created', amount: 0, refundedAmount: 0 });
  useHotkeys(
    {
      Escape: () => navigate({ name: 'new' }),
      n: () => navigate({ name: 'new' }),
      r: () => (actions?.reissue.enabled ? void reissue() : wellpayAgain?.()),
      Delete: () => actions?.cancel.enabled && setConfirmCancel(true),
      u: () => void refresh(),
      v: () => actions?.refund.enabled && navigate({ name: 'refund', id }),
      d: () => openCustomerDisplay(),
    },
    { enabled: !confirmCancel },
  );

  if (!order) {
    return (
      <div className="screen pay-screen">
        {loadError ? (
          <ErrorNotice error={loadError} title={t('pay.loadFailed')} onRetry={() => void load()} />
        ) : (
          <div className="loading">{t('common.loading')}</div>
        )}
      </div>
    );
  }

  const isInvoicebox = provider === 'invoicebox';
  const wellpay = provider === 'wellpay';
  const neutral = neutralOf(order);
  const currency = orderCurrency(order);
  const money = (amount: number): string => formatMinor(amount, currency, lang);
  const conn = isInvoicebox ? invoiceboxConn : providerConn;
  const stale =
    order.status === 'created' && (isInvoicebox ? conn.state !== 'live' : isStale(providerConn.state));
  const cancelAction = actions!.cancel;
  const refundAction = actions!.refund;
  const copyUrl = async (): Promise<void> => {
    if (!order.paymentUrl) return;
    try {
      await navigator.clipboard.writeText(order.paymentUrl);
      flashCopied();
    } catch {
      // clipboard refused: the link is selectable on screen
    }
  };

  return (
    <div
      className={`screen pay-screen pay-${order.status}`}
      data-testid="payment-screen"
      data-order-id={order.id}
    >
      <section className="card pay-qr-card" aria-label={t('pay.qrSection')}>
        {order.status === 'completed' ? (
          <div className="paid-mark" aria-hidden="true">
            <svg viewBox="0 0 120 120" width="260" height="260">
              <circle cx="60" cy="60" r="56" fill="currentColor" opacity="0.14" />
              <path
                d="M34 62 L52 80 L88 42"
                fill="none"
                stroke="currentColor"
                strokeWidth="10"
                strokeLinecap="round"
                strokeLinejoin="round"
              />
            </svg>
          </div>
        ) : order.paymentUrl ? (
          <div className="qr-wrap">
            <Qr
              value={order.paymentUrl}
              size={380}
              label={t('pay.qrAlt', { number: order.merchantOrderId })}
              testId="qr"
              dimmed={ended}
            />
            {ended ? <div className="qr-overlay">{t('pay.qrInvalid')}</div> : null}
          </div>
        ) : (
          <div className="empty">{provider === 'xsolla' ? t('xsolla.noQr') : t('pay.noUrl')}</div>
        )}
        <div className="pay-qr-hint">
          {order.status === 'completed'
            ? t('pay.paidHint')
            : ended
              ? t('pay.endedHint')
              : wellpay
                ? t('wellpay.scanHint')
                : t('pay.scanHint')}
        </div>
        {order.paymentUrl && order.status === 'created' ? (
          <div className="pay-url">
            <a
              href={order.paymentUrl}
              target="_blank"
              rel="noreferrer noopener"
              data-testid="payment-url"
              className="mono"
            >
              {order.paymentUrl}
            </a>
            <button type="button" className="link-button" onClick={() => void copyUrl()}>
              {copied ? t('common.copied') : t('common.copy')}
            </button>
          </div>
        ) : null}
      </section>

      <section className="pay-info">
        <div
          className={`pay-status pay-status-${order.status}`}
          data-testid="order-status"
          data-status={order.status}
          data-neutral={neutral}
          data-raw={rawOf(order)}
          data-provider={provider}
          role="status"
          aria-live="assertive"
        >
          <div className="pay-status-icon" aria-hidden="true">
            {order.status === 'completed' ? (
              '✓'
            ) : order.status === 'created' ? (
              <span className="pulse" />
            ) : (
              '✕'
            )}
          </div>
          <div>
            <div className="pay-status-title">
              {isInvoicebox ? t(`pay.status.${order.status}` as MessageKey) : t(neutralKey(neutral))}
            </div>
            {!isInvoicebox ? (
              <div className="pay-status-raw" data-testid="raw-status">
                <span className="sr-only">{t('provider.rawStatus')}: </span>
                {rawText}
              </div>
            ) : null}
            <div className="pay-status-sub">
              {order.status === 'completed'
                ? t('pay.paidAt', { time: formatTime(order.paidAt ?? order.updatedAt) })
                : order.status === 'created'
                  ? left !== null
                    ? left > 0
                      ? t('pay.timeLeft', { time: formatTimeLeft(left, lang) })
                      : t('pay.expiring')
                    : t('pay.noExpiry')
                  : order.status === 'expired'
                    ? t('pay.expiredSub')
                    : t('pay.canceledSub')}
            </div>
          </div>
        </div>

        {stale ? (
          <div className={`stale-note stale-${conn.state}`} role="note" data-testid="stale-note">
            <span>
              {isInvoicebox
                ? t(`pay.stale.${conn.state}` as MessageKey)
                : t('provider.stale', { name: t(`provider.name.${provider}` as MessageKey) })}
            </span>
            <Button size="sm" variant="secondary" onClick={() => void refresh()} busy={refreshing}>
              {t('pay.checkNow')}
            </Button>
          </div>
        ) : null}

        <div className="pay-amount-block">
          <div className="pay-amount-label gw-head">
            {t('pay.amount')} <ProviderBadge provider={provider} />
          </div>
          <div
            className="pay-amount num"
            data-testid="pay-amount"
            data-kopecks={order.amount}
            data-currency={currency}
          >
            {money(order.amount)}
          </div>
          {isInvoicebox ? (
            <div className="pay-vat muted">
              {t('pay.vatIncluded')} <span className="num">{formatMoney(order.vatAmount, lang)}</span>
            </div>
          ) : null}
        </div>

        <dl className="facts">
          <div>
            <dt>{t('pay.number')}</dt>
            <dd className="mono" data-testid="order-number">
              {order.merchantOrderId}
            </dd>
          </div>
          <div>
            <dt>{t('pay.created')}</dt>
            <dd>{formatDateTime(order.createdAt, lang)}</dd>
          </div>
          <div>
            <dt>{t('pay.validUntil')}</dt>
            <dd>{formatDateTime(order.expirationDate, lang)}</dd>
          </div>
          {order.refundedAmount > 0 ? (
            <div>
              <dt>{t('pay.refunded')}</dt>
              <dd className="num">{money(order.refundedAmount)}</dd>
            </div>
          ) : null}
        </dl>

        {actionError ? (
          <ErrorNotice
            error={actionError}
            text={gatewayErrorText(t, provider, actionError)}
            onDismiss={() => setActionError(null)}
          />
        ) : null}

        <div className="pay-actions">
          {wellpayAgain ? (
            <Button variant="primary" size="xl" kbd="R" data-testid="wellpay-again" onClick={wellpayAgain}>
              {t('wellpay.again')}
            </Button>
          ) : null}
          {actions!.reissue.offered ? (
            <Button
              variant="primary"
              size="xl"
              kbd="R"
              data-testid="reissue-order"
              busy={reissuing === id}
              onClick={() => void reissue()}
            >
              {replacement ? t('pay.openReplacement') : t('pay.reissue')}
            </Button>
          ) : null}
          {order.status === 'completed' ? (
            <Button
              variant="primary"
              size="xl"
              kbd="N"
              data-testid="next-order"
              onClick={() => navigate({ name: 'new' })}
            >
              {t('pay.next')}
            </Button>
          ) : null}
          <div className="pay-actions-row">
            {cancelAction.offered ? (
              <Button
                variant="danger"
                size="lg"
                kbd={cancelAction.enabled ? 'Del' : undefined}
                data-testid={wellpay ? 'wellpay-remove' : 'cancel-order'}
                disabled={!cancelAction.enabled}
                aria-describedby={cancelAction.reason ? 'cancel-why' : undefined}
                onClick={() => setConfirmCancel(true)}
              >
                {wellpay ? t('wellpay.remove') : t('pay.cancel')}
              </Button>
            ) : null}
            {refundAction.offered ? (
              <Button
                variant="secondary"
                size="lg"
                kbd={refundAction.enabled ? 'V' : undefined}
                data-testid="refund-order"
                disabled={!refundAction.enabled}
                aria-describedby={refundAction.reason ? 'refund-why' : undefined}
                onClick={() => navigate({ name: 'refund', id })}
              >
                {t('pay.refund')}
              </Button>
            ) : null}
            {order.status !== 'completed' ? (
              <Button variant="secondary" size="lg" kbd="N" onClick={() => navigate({ name: 'new' })}>
                {t('pay.newOrder')}
              </Button>
            ) : null}
            <Button
              variant="ghost"
              size="lg"
              kbd="U"
              busy={refreshing}
              onClick={() => void refresh()}
              data-testid="refresh-order"
            >
              {t('pay.refresh')}
            </Button>
            <Button variant="ghost" size="lg" onClick={() => navigate({ name: 'order', id })}>
              {t('pay.details')}
            </Button>
          </div>
          {cancelAction.reason ? (
            <div className="gw-why" id="cancel-why" data-testid="cancel-why">
              {t(cancelAction.reason)}
            </div>
          ) : null}
          {refundAction.reason ? (
            <div className="gw-why" id="refund-why" data-testid="refund-why">
              {t(refundAction.reason)}
            </div>
          ) : null}
        </div>
        <BasketSummary lines={recipe?.lines ?? basket} lang={lang} title={t('pay.basket')} />
      </section>

      <ConfirmDialog
        open={confirmCancel}
        testId="cancel-dialog"
        title={t(wellpay ? 'wellpay.removeTitle' : 'pay.cancelTitle', { number: order.merchantOrderId })}
        confirmLabel={t(wellpay ? 'wellpay.removeConfirm' : 'pay.cancelConfirm')}
        cancelLabel={t(wellpay ? 'wellpay.removeKeep' : 'pay.cancelKeep')}
        variant="danger"
        busy={canceling}
        onConfirm={() => void cancel()}
        onCancel={() => setConfirmCancel(false)}
      >
        <p>{t(wellpay ? 'wellpay.removeBody' : 'pay.cancelBody', { amount: money(order.amount) })}</p>
      </ConfirmDialog>
    </div>
  );
}

function BasketSummary({
  lines,
  lang,
  title,
}: {
  lines: DraftLineInput[] | null | undefined;
  lang: 'ru' | 'en';
  title: string;
}) {
  if (!lines || lines.length === 0) return null;
  const totals = totalsOf(lines);
  return (
    <section className="card pay-basket" aria-label={title}>
      <h2 className="sub-title">{title}</h2>
      <ul className="pay-basket-lines" tabIndex={0} aria-label={title}>
        {lines.map((l, i) => (
          <li key={i}>
            <span className="pb-name">{l.name}</span>
            <span className="pb-qty muted num">
              {formatQuantity(l.quantity, lang)} {l.measure} × {formatMoney(l.unitPrice, lang)}
            </span>
            <span className="pb-sum num">{formatMoney(totals.lines[i]!.totalAmount, lang)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
