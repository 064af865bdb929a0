/**
 * Which gateway an order belongs to, and its status in both words: the provider-neutral one the console reasons in
 * (`Оплачен`) and the gateway's own, verbatim in meaning (`send card` → «Ожидает оплаты на карту»).
 */
import { isMessageKey, useLang, useT, type MessageKey } from '../i18n/index.ts';
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

export function ProviderBadge({
  provider,
  testId = 'provider-badge',
}: {
  provider: ProviderId;
  testId?: string;
}) {
  const t = useT();
  return (
    <span className={`gw-badge gw-${provider}`} data-testid={testId} data-provider={provider}>
      <span className="sr-only">{t('provider.gateway')}: </span>
      {t(`provider.name.${provider}` as MessageKey)}
    </span>
  );
}

/** The neutral status as a badge; with `withRaw`, the gateway's own status after it. */
export function NeutralStatusBadge({
  order,
  testId,
  withRaw = false,
}: {
  order: ProviderOrder;
  testId?: string;
  withRaw?: boolean;
}) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const neutral = neutralOf(order);
  const raw = rawOf(order);
  const rawText = useRawStatusText(order);
  const provider = providerOf(order);
  // Invoicebox's own statuses are the neutral ones in other words: no second label for them.
  const showRaw = withRaw && provider !== 'invoicebox';
  return (
    <span className="gw-status" data-testid={testId} data-neutral={neutral} data-raw={raw}>
      <span className={`badge badge-tone-${statusTone(neutral)}`} lang={lang}>
        <span className="badge-dot" aria-hidden="true" />
        {t(neutralKey(neutral))}
      </span>
      {showRaw ? (
        <span className="gw-raw" data-testid="raw-status" title={`${t('provider.rawStatus')}: ${raw}`}>
          <span className="sr-only">{t('provider.rawStatus')}: </span>
          {rawText}
        </span>
      ) : null}
    </span>
  );
}

export function useRawStatusText(order: ProviderOrder): string {
  const t = useT();
  const lang = useLang((s) => s.lang);
  return rawStatusText(order, lang, (key) => (isMessageKey(key) ? t(key) : null));
}
