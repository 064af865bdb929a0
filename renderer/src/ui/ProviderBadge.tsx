/**
 * Which gateway an order belongs to, and its status in both words: the provider-neutral one the console reasons in
 * (`Оплачен`) and the gateway's own, verbatim in meaning (`send card` → «Ожидает оплаты на карту»).
 *
 * The `…View` variants take `t` and `lang` as props and use no hooks: the orders list renders them in every row it
 * scrolls past, where one store subscription per badge would be measurable.
 */
import { isMessageKey, useLang, useT, type Lang, type MessageKey, type T } from '../i18n/index.ts';
import {
  neutralKey,
  neutralOf,
  providerOf,
  rawOf,
  rawStatusText,
  statusTone,
  type ProviderId,
  type ProviderOrder,
} from '../lib/providers.ts';
import './providers.css';

export function ProviderBadgeView({
  provider,
  t,
  testId = 'provider-badge',
}: {
  provider: ProviderId;
  t: T;
  testId?: string;
}) {
  return (
    <span className={`gw-badge gw-${provider}`} data-testid={testId} data-provider={provider}>
      <span className="sr-only">{t('provider.gateway')}: </span>
      {t(`provider.name.${provider}` as MessageKey)}
    </span>
  );
}

/**
 * The gateway as one coloured word, for the orders list: the same test id and data as the badge, but one element
 * and no box (every scrolled row renders it; a bordered, flex-laid badge per row made scrolling measurably slower).
 */
export function ProviderTag({ provider, t }: { provider: ProviderId; t: T }) {
  return (
    <span className={`gw-tag gw-${provider}`} data-testid="provider-badge" data-provider={provider}>
      {t(`provider.name.${provider}` as MessageKey)}
    </span>
  );
}

export function ProviderBadge({ provider, testId }: { provider: ProviderId; testId?: string }) {
  const t = useT();
  return <ProviderBadgeView provider={provider} t={t} {...(testId ? { testId } : {})} />;
}

export function rawText(order: ProviderOrder, t: T, lang: Lang): string {
  return rawStatusText(order, lang, (key) => (isMessageKey(key) ? t(key) : null));
}

/** The neutral status as a badge; with `withRaw`, the gateway's own status after it (not for Invoicebox, whose
 * own statuses are the neutral ones in other words). */
export function NeutralStatusView({
  order,
  t,
  lang,
  testId,
  withRaw = false,
}: {
  order: ProviderOrder;
  t: T;
  lang: Lang;
  testId?: string | undefined;
  withRaw?: boolean;
}) {
  const neutral = neutralOf(order);
  const raw = rawOf(order);
  const showRaw = withRaw && providerOf(order) !== 'invoicebox';
  if (!showRaw)
    // One element: the list renders this in every row it scrolls past.
    return (
      <span
        className={`badge badge-tone-${statusTone(neutral)}`}
        data-testid={testId}
        data-neutral={neutral}
        data-raw={raw}
      >
        <span className="badge-dot" aria-hidden="true" />
        {t(neutralKey(neutral))}
      </span>
    );
  return (
    <span className="gw-status" data-testid={testId} data-neutral={neutral} data-raw={raw}>
      <span className={`badge badge-tone-${statusTone(neutral)}`}>
        <span className="badge-dot" aria-hidden="true" />
        {t(neutralKey(neutral))}
      </span>
      {showRaw ? (
        <span className="gw-raw" data-testid="raw-status" title={`${t('provider.rawStatus')}: ${raw}`}>
          <span className="sr-only">{t('provider.rawStatus')}: </span>
          {rawText(order, t, lang)}
        </span>
      ) : null}
    </span>
  );
}

export function NeutralStatusBadge(props: { order: ProviderOrder; testId?: string; withRaw?: boolean }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  return <NeutralStatusView {...props} t={t} lang={lang} />;
}

export function useRawStatusText(order: ProviderOrder): string {
  const t = useT();
  const lang = useLang((s) => s.lang);
  return rawText(order, t, lang);
}
