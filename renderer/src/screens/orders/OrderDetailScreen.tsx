/**
 * One order: facts, basket, the status history with the source of every change (our API call, the WebSocket gate,
 * a reconciliation poll, a local decision — and whether it was applied or ignored as stale), its refunds, and the
 * actions that make sense for its status. "Refresh from gateway" asks Invoicebox, not the local store.
 */
import { useCallback, useEffect, useState } from 'react';
import type { OrderDetail } from '../../../../shared/contract/contract.ts';
import { isOrderStatus } from '../../../../shared/domain/order-status.ts';
import { isVatCode } from '../../../../shared/domain/vat.ts';
import { back, navigate } from '../../app/router.ts';
import { bridge } from '../../bridge.ts';
import { isMessageKey, useLang, useT, type MessageKey } from '../../i18n/index.ts';
import { draftLinesFromBasket } from '../../lib/basket-parse.ts';
import { formatDateTime, formatMoney, formatQuantity, vatShort } from '../../lib/format.ts';
import { totalsOf } from '../../lib/draft.ts';
import { useCurrent } from '../../state/current.ts';
import { useOrders } from '../../state/orders.ts';
import { Button } from '../../ui/Button.tsx';
import { gatewayErrorText } from '../../ui/errors.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { useHotkeys } from '../../ui/hooks.ts';
import { formatMinor, orderActions, orderCurrency, providerOf, rawStatusKey } from '../../lib/providers.ts';
import { NeutralStatusBadge, ProviderBadge } from '../../ui/ProviderBadge.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';

export function OrderDetailScreen({ id }: { id: string }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const live = useOrders((s) => s.byId[id]);
  const upsert = useOrders((s) => s.upsert);
  const [detail, setDetail] = useState<OrderDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [reissuing, setReissuing] = useState(false);

  const load = useCallback(async () => {
    try {
      const d = await bridge.invoke('orders.get', { id });
      setDetail(d);
      upsert(d);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [id, upsert]);

  useEffect(() => {
    void load();
  }, [load]);
  // An event about this order (status, refund): re-read the detail for its history and refunds.
  const liveStamp = live ? `${live.status}|${live.updatedAt}|${live.refundedAmount}` : '';
  useEffect(() => {
    if (liveStamp && detail && liveStamp !== `${detail.status}|${detail.updatedAt}|${detail.refundedAmount}`)
      void load();
  }, [liveStamp, detail, load]);

  const refresh = async (): Promise<void> => {
    setRefreshing(true);
    setActionError(null);
    try {
      upsert(await bridge.invoke('orders.refresh', { id }));
      await load();
    } catch (err) {
      setActionError(err);
    } finally {
      setRefreshing(false);
    }
  };
  const reissue = async (): Promise<void> => {
    if (reissuing || useCurrent.getState().reissuing !== null) return;
    setReissuing(true);
    setActionError(null);
    try {
      const view = await useCurrent.getState().reissue(id);
      navigate({ name: 'pay', id: view.id });
    } catch (err) {
      setActionError(err);
    } finally {
      setReissuing(false);
    }
  };

  const order = detail ? { ...detail, ...(live ?? {}) } : null;
  useHotkeys({
    Escape: () => back({ name: 'orders' }),
    u: () => void refresh(),
    v: () => order && orderActions(order).refund.enabled && navigate({ name: 'refund', id }),
    r: () => order && orderActions(order).reissue.enabled && void reissue(),
  });

  if (!order || !detail) {
    return (
      <div className="screen">
        {error ? (
          <ErrorNotice error={error} onRetry={() => void load()} />
        ) : (
          <div className="loading">{t('common.loading')}</div>
        )}
      </div>
    );
  }
  const lines = draftLinesFromBasket(detail.basket);
  const basketTotals = lines ? totalsOf(lines) : null;
  const actions = orderActions(order);
  const provider = providerOf(order);
  /**
   * A history entry's status: for Invoicebox its own status; for the others the gateway's own status in words
   * (`send card` → «Ожидает оплаты на карту», Xsolla `done` → «Выполнен: товары выданы»), since several of them map
   * to one neutral status; else the neutral / legacy word, else verbatim.
   */
  const historyStatusText = (status: string, raw: string): string => {
    if (provider !== 'invoicebox') {
      const key = rawStatusKey(provider, raw);
      if (isMessageKey(key)) return t(key);
    }
    if (isOrderStatus(status)) return t(`status.${status}` as MessageKey);
    const neutral = `provider.status.${status}`;
    if (isMessageKey(neutral)) return t(neutral);
    return raw || status;
  };
  const money = (amount: number): string => formatMinor(amount, orderCurrency(order), lang);

  return (
    <div className="screen detail-screen" data-testid="order-detail" data-order-id={order.id}>
      <section className="card detail-head">
        <div className="detail-title">
          <div>
            <div className="muted small gw-head">
              {t('detail.order')} <ProviderBadge provider={provider} />
            </div>
            <h2 className="detail-number mono">{order.merchantOrderId}</h2>
            {order.description ? <div className="detail-desc">{order.description}</div> : null}
          </div>
          <div className="detail-amount">
            <div className="num big">{money(order.amount)}</div>
            <NeutralStatusBadge order={order} testId="order-status" withRaw />
          </div>
        </div>
        <dl className="facts facts-4">
          <div>
            <dt>{t('pay.created')}</dt>
            <dd>{formatDateTime(order.createdAt, lang, true)}</dd>
          </div>
          <div>
            <dt>{t('pay.validUntil')}</dt>
            <dd>{formatDateTime(order.expirationDate, lang, true)}</dd>
          </div>
          <div>
            <dt>{t('detail.paidAt')}</dt>
            <dd>{formatDateTime(order.paidAt, lang, true)}</dd>
          </div>
          {provider === 'invoicebox' ? (
            <div>
              <dt>{t('pay.vatIncluded')}</dt>
              <dd className="num">{formatMoney(order.vatAmount, lang)}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t('pay.refunded')}</dt>
            <dd className="num">{money(order.refundedAmount)}</dd>
          </div>
          <div>
            <dt>{t('detail.origin')}</dt>
            <dd>{t(`detail.origin.${order.origin}` as MessageKey)}</dd>
          </div>
          <div className="span-2">
            <dt>{provider === 'invoicebox' ? t('detail.gatewayId') : t('provider.orderId')}</dt>
            <dd className="mono small">{order.id}</dd>
          </div>
        </dl>
        {actionError ? (
          <ErrorNotice
            error={actionError}
            text={gatewayErrorText(t, provider, actionError)}
            onDismiss={() => setActionError(null)}
            compact
          />
        ) : null}
        <div className="detail-actions">
          {actions.showQr.offered ? (
            <Button
              variant="primary"
              size="lg"
              onClick={() => navigate({ name: 'pay', id })}
              data-testid="show-qr"
            >
              {t('detail.showQr')}
            </Button>
          ) : null}
          {actions.reissue.offered ? (
            <Button
              variant="primary"
              size="lg"
              kbd="R"
              busy={reissuing}
              onClick={() => void reissue()}
              data-testid="reissue-order"
            >
              {t('pay.reissue')}
            </Button>
          ) : null}
          {actions.refund.offered ? (
            <Button
              variant="secondary"
              size="lg"
              kbd={actions.refund.enabled ? 'V' : undefined}
              disabled={!actions.refund.enabled}
              aria-describedby={actions.refund.reason ? 'detail-refund-why' : undefined}
              onClick={() => navigate({ name: 'refund', id })}
              data-testid="refund-order"
            >
              {t('pay.refund')}
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
            {t('detail.refresh')}
          </Button>
          {actions.refund.reason ? (
            <span className="gw-why" id="detail-refund-why" data-testid="refund-why">
              {t(actions.refund.reason)}
            </span>
          ) : null}
        </div>
      </section>

      <div className="detail-grid">
        <section className="card" aria-labelledby="basket-h">
          <h3 className="card-title" id="basket-h">
            {t('new.basket')}
          </h3>
          {lines && basketTotals ? (
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">{t('new.name')}</th>
                  <th scope="col" className="num">
                    {t('new.qty')}
                  </th>
                  <th scope="col">{t('new.vat')}</th>
                  <th scope="col" className="num">
                    {t('new.sum')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l, i) => (
                  <tr key={i}>
                    <td>
                      {l.name}
                      <div className="line-sub muted">
                        {formatMoney(l.unitPrice, lang)} × {formatQuantity(l.quantity, lang)} {l.measure}
                      </div>
                    </td>
                    <td className="num">{formatQuantity(l.quantity, lang)}</td>
                    <td>{isVatCode(l.vatCode) ? vatShort(l.vatCode, lang) : l.vatCode}</td>
                    <td className="num">{formatMoney(basketTotals.lines[i]!.totalAmount, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <div className="muted">{t('detail.noBasket')}</div>
          )}
        </section>

        <div className="detail-side">
          <section className="card" aria-labelledby="history-h">
            <h3 className="card-title" id="history-h">
              {t('detail.history')}
            </h3>
            <ol className="timeline" data-testid="status-history">
              {detail.history.map((h, i) => (
                <li key={i} className={h.applied ? '' : 'is-ignored'}>
                  <span className={`tl-dot tl-${h.status}`} aria-hidden="true" />
                  <div className="tl-main">
                    <div>
                      <strong>{historyStatusText(h.status, h.rawStatus)}</strong>
                      <span className="tl-source">
                        {' '}
                        ·{' '}
                        {isMessageKey(`source.${h.source}`)
                          ? t(`source.${h.source}` as MessageKey)
                          : h.source}
                      </span>
                      {!h.applied ? <span className="tl-ignored"> · {t('detail.notApplied')}</span> : null}
                    </div>
                    <div className="muted small">
                      {formatDateTime(h.at, lang, true)}
                      {h.detail ? <span className="mono"> · {h.detail}</span> : null}
                    </div>
                  </div>
                </li>
              ))}
            </ol>
          </section>

          <section className="card" aria-labelledby="refunds-h">
            <h3 className="card-title" id="refunds-h">
              {t('detail.refunds')}
            </h3>
            {detail.refunds.length === 0 ? (
              <div className="muted">{t('detail.noRefunds')}</div>
            ) : (
              <table className="table compact" data-testid="refunds">
                <thead>
                  <tr>
                    <th scope="col">{t('detail.refundNumber')}</th>
                    <th scope="col" className="num">
                      {t('pay.amount')}
                    </th>
                    <th scope="col">{t('orders.col.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.refunds.map((r) => (
                    <tr key={r.id} data-testid="refund-row" data-status={r.status}>
                      <td>
                        <div className="mono small">{r.merchantOrderId}</div>
                        <div className="line-sub muted">{formatDateTime(r.createdAt, lang)}</div>
                      </td>
                      <td className="num">{formatMoney(r.amount, lang)}</td>
                      <td>
                        <StatusBadge status={r.status} refund />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}
