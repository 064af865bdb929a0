/**
 * The connection of every gateway adapter, side by side in the top bar: Invoicebox (the detailed indicator, with its
 * retry countdown) and one pill per other adapter. `data-state` is the effective state (downgraded when the renderer
 * lost the core), so a test and a cashier read the same thing; each pill says its gateway and state in words, for a
 * screen reader too, and the colour is never the only sign (the words and the dot's animation differ per state).
 */
import { isMessageKey, useT, type MessageKey, type T } from '../i18n/index.ts';
import { formatTime } from '../lib/format.ts';
import { PROVIDERS, type ProviderId } from '../lib/providers.ts';
import { useEffectiveConnection } from '../state/connection.ts';
import { useProviderConnection, useProviders } from '../state/providers.ts';
import { reasonText } from '../ui/errors.ts';
import { ConnectionIndicator } from './ConnectionIndicator.tsx';
import '../ui/providers.css';

/** `provider.reason.<code>` first (the adapters' own reasons), then the Invoicebox reasons, else the code. */
export function providerReasonText(t: T, reason: string | null): string | null {
  if (!reason) return null;
  const key = `provider.reason.${reason}`;
  return isMessageKey(key) ? t(key) : reasonText(t, reason);
}

export function ProviderStates() {
  const t = useT();
  const invoicebox = useEffectiveConnection();
  // A core without the provider layer (providers.list refused) follows Invoicebox only: no pills that never resolve.
  const loaded = useProviders((s) => s.loaded);
  return (
    <div className="gw-states" role="group" aria-label={t('provider.states')} data-testid="provider-states">
      <div className="gw-state-slot" data-testid="provider-state-invoicebox" data-state={invoicebox.state}>
        <ConnectionIndicator />
      </div>
      {loaded
        ? PROVIDERS.filter((p) => p !== 'invoicebox').map((p) => <ProviderPill key={p} provider={p} />)
        : null}
    </div>
  );
}

function ProviderPill({ provider }: { provider: Exclude<ProviderId, 'invoicebox'> }) {
  const t = useT();
  const conn = useProviderConnection(provider);
  const name = t(`provider.name.${provider}` as MessageKey);
  const stateText = t(`provider.state.${conn.state}` as MessageKey);
  const why = providerReasonText(t, conn.reason);
  const sub = conn.state === 'live' || conn.state === 'idle' ? null : why;
  const title = [
    `${name}: ${t(`provider.state.${conn.state}.long` as MessageKey)}`,
    why,
    conn.since ? `${t('conn.since')} ${formatTime(conn.since)}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <div
      className={`conn conn-${conn.state} gw-pill`}
      data-testid={`provider-state-${provider}`}
      data-state={conn.state}
      data-reason={conn.reason ?? ''}
      role="status"
      aria-live="polite"
      title={title}
    >
      <span className="conn-dot" aria-hidden="true" />
      <span className="conn-text">
        <span className="gw-pill-name">{name}</span>
        <span className="conn-label">{stateText}</span>
        {sub ? <span className="conn-sub gw-pill-sub">{sub}</span> : null}
      </span>
    </div>
  );
}
