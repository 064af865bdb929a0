/**
 * The customer-facing display (`#/customer`): QR, amount, shop name and status, nothing a customer could press. It
 * follows the order the cashier's window publishes (customer-channel.ts); when it has never heard from a cashier
 * window (another origin, another machine) it shows the newest open order instead, re-checked every few seconds.
 */
import { useEffect, useState } from 'react';
import { bridge } from '../../bridge.ts';
import { useLang, useT, type MessageKey } from '../../i18n/index.ts';
import { formatTimeLeft } from '../../lib/format.ts';
import { formatMinor, orderCurrency, providerOf } from '../../lib/providers.ts';
import { readCurrentOrder, subscribeCurrentOrder } from '../../state/customer-channel.ts';
import { useEffectiveConnection } from '../../state/connection.ts';
import { useOrders } from '../../state/orders.ts';
import { useSettings } from '../../state/settings.ts';
import { usePassed, useTimeLeft } from '../../ui/hooks.ts';
import { rawText } from '../../ui/ProviderBadge.tsx';
import { Qr } from '../../ui/Qr.tsx';

const FALLBACK_POLL_MS = 3_000;
const ORDER_POLL_MS = 10_000;
const SHOW_FINISHED_MS = 60_000;

export function CustomerDisplay() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const shopName = useSettings((s) => s.settings?.shopName);
  const [orderId, setOrderId] = useState<string | null>(() => readCurrentOrder()?.id ?? null);
  const [heard, setHeard] = useState<boolean>(() => readCurrentOrder() !== null);
  const current = useOrders((s) => (orderId ? s.byId[orderId] : undefined));
  const upsert = useOrders((s) => s.upsert);
  const conn = useEffectiveConnection();
  // Re-rendered when something shown changes: the time left, or the minute a finished order leaves the display.
  const finishedPassed = usePassed(
    current && current.status !== 'created' ? Date.parse(current.updatedAt) + SHOW_FINISHED_MS : null,
  );
  const left = useTimeLeft(
    current?.status === 'created' && current.expirationDate ? Date.parse(current.expirationDate) : null,
  );

  useEffect(
    () =>
      subscribeCurrentOrder((msg) => {
        setHeard(true);
        setOrderId(msg.id);
      }),
    [],
  );

  // No cashier window to follow: the newest order still waiting for payment.
  useEffect(() => {
    if (heard) return;
    let alive = true;
    const poll = async (): Promise<void> => {
      try {
        const res = await bridge.invoke('orders.search', { status: ['created'], limit: 1 });
        const newest = res.rows[0];
        if (alive && newest) {
          upsert(newest);
          setOrderId(newest.id);
        }
      } catch {
        // next round
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), FALLBACK_POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [heard, upsert]);

  const status = current?.status;
  useEffect(() => {
    if (!orderId) return;
    let alive = true;
    const load = (): void => {
      bridge
        .invoke('orders.get', { id: orderId })
        .then((d) => alive && upsert(d))
        .catch(() => {});
    };
    load();
    if (status !== undefined && status !== 'created') return () => void (alive = false);
    const timer = setInterval(load, ORDER_POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [orderId, status, upsert]);

  // A finished order stays on the display for a minute ("paid, thank you"), then the display returns to its welcome.
  const order = current && (current.status === 'created' || !finishedPassed) ? current : undefined;
  const shop = shopName || t('app.shopFallback');

  return (
    <div
      className={`customer-display cd-${order?.status ?? 'idle'}`}
      data-testid="customer-display"
      data-order-id={order?.id ?? ''}
    >
      <header className="cd-head">
        <div className="cd-shop">{shop}</div>
        {conn.state !== 'live' && order?.status === 'created' ? (
          <div className="cd-wait">{t('cd.checking')}</div>
        ) : null}
      </header>
      <main className="cd-main">
        {!order ? (
          <div className="cd-idle">
            <h1 className="cd-welcome">{t('cd.welcome')}</h1>
            <p className="cd-text">{t('cd.idle')}</p>
          </div>
        ) : (
          <>
            <div className="cd-amount-block">
              <div className="cd-amount-label">
                {order.status === 'completed' ? t('cd.paidAmount') : t('cd.toPay')}
              </div>
              <div className="cd-amount num">{formatMinor(order.amount, orderCurrency(order), lang)}</div>
            </div>
            {order.status === 'created' && order.paymentUrl ? (
              <div className="cd-qr">
                <Qr
                  value={order.paymentUrl}
                  size={560}
                  fluid
                  label={t('pay.qrAlt', { number: order.merchantOrderId })}
                  testId="qr"
                />
              </div>
            ) : null}
            <div
              className={`cd-status cd-status-${order.status}`}
              data-testid="order-status"
              data-status={order.status}
              role="status"
              aria-live="assertive"
            >
              {order.status === 'completed' ? (
                <span className="cd-check" aria-hidden="true">
                  ✓
                </span>
              ) : null}
              <div>
                <h1 className="cd-status-title">{t(`cd.status.${order.status}` as MessageKey)}</h1>
                {providerOf(order) !== 'invoicebox' && order.status === 'created' ? (
                  // The payer follows the gateway's own steps (a trader checking a WellPay payment, …).
                  <p className="cd-text" data-testid="raw-status">
                    {rawText(order, t, lang)}
                  </p>
                ) : null}
                <p className="cd-text">
                  {order.status === 'created'
                    ? left !== null && left > 0
                      ? t('cd.scan', { time: formatTimeLeft(left, lang) })
                      : t('cd.scanNoTime')
                    : t(`cd.sub.${order.status}` as MessageKey)}
                </p>
              </div>
            </div>
          </>
        )}
      </main>
      <footer className="cd-foot">
        <span>{t('cd.number', { number: order?.merchantOrderId ?? '—' })}</span>
        <span>{t(`provider.name.${order ? providerOf(order) : 'invoicebox'}` as MessageKey)} · PayDesk</span>
      </footer>
    </div>
  );
}
