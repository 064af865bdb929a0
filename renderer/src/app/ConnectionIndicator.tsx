/**
 * Always visible: is what the cashier sees live? `data-state` is the effective state (the core's, downgraded to
 * offline when the renderer lost the core itself), so a test and a cashier read the same thing.
 */
import { useT, type MessageKey } from '../i18n/index.ts';
import { formatTime } from '../lib/format.ts';
import { useConnection, useEffectiveConnection } from '../state/connection.ts';
import { reasonText } from '../ui/errors.ts';
import { useNow } from '../ui/hooks.ts';

export function ConnectionIndicator() {
  const t = useT();
  const { state, reason, view } = useEffectiveConnection();
  // Ticks only while a retry countdown is on screen; a live console does not re-render every second.
  const now = useNow(state !== 'live' && (view?.retryInMs ?? null) !== null ? 1000 : null);
  const viewAt = useConnection((s) => s.viewAt);
  const retryMs = view?.retryInMs ?? null;
  const retryIn =
    retryMs !== null && state !== 'live' ? Math.max(0, Math.ceil((retryMs - (now - viewAt)) / 1000)) : null;
  const why = reasonText(t, reason);
  const title = [
    t(`conn.${state}.long` as MessageKey),
    why,
    view ? `${t('conn.since')} ${formatTime(view.since)}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <div
      className={`conn conn-${state}`}
      data-testid="connection-state"
      data-state={state}
      role="status"
      aria-live="polite"
      title={title}
    >
      <span className="conn-dot" aria-hidden="true" />
      <span className="conn-text">
        <span className="gw-pill-name">{t('provider.name.invoicebox')}</span>
        <span className="conn-label">{t(`conn.${state}` as MessageKey)}</span>
        <span className="conn-sub">
          {state === 'live' ? t('conn.live.sub') : (why ?? t(`conn.${state}.sub` as MessageKey))}
          {retryIn !== null && retryIn > 0 && state !== 'offline'
            ? ` · ${t('conn.retryIn', { s: retryIn })}`
            : null}
        </span>
      </span>
    </div>
  );
}
