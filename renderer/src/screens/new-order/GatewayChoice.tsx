/**
 * Which gateway the next order goes through: Invoicebox (the default), WellPay (an invoice in hryvnias), or Xsolla
 * (follow an order made in Xsolla's store). Radio buttons, so ← → move between them; Alt+1…3 pick one from anywhere
 * on the screen. Shown only when the core offers more than Invoicebox.
 */
import { useT, type MessageKey } from '../../i18n/index.ts';
import type { ProviderId } from '../../lib/providers.ts';
import { useGateway } from '../../state/gateway.ts';
import { useGateways } from '../../state/providers.ts';
import { useHotkeys } from '../../ui/hooks.ts';
import '../../ui/providers.css';

interface Option {
  provider: ProviderId;
  mode: 'create' | 'track';
}

function useOptions(): Option[] {
  const { create, trackOnly } = useGateways();
  return [
    ...create.map((provider) => ({ provider, mode: 'create' as const })),
    ...trackOnly.map((provider) => ({ provider, mode: 'track' as const })),
  ];
}

/** The chosen gateway, or Invoicebox when the chosen one is not (or no longer) offered. */
export function useChosenGateway(): ProviderId {
  const chosen = useGateway((s) => s.gateway);
  const options = useOptions();
  return options.some((o) => o.provider === chosen) ? chosen : 'invoicebox';
}

export function GatewayChoice({ gateway }: { gateway: ProviderId }) {
  const t = useT();
  const options = useOptions();
  const setGateway = useGateway((s) => s.setGateway);
  const keys: Record<string, () => void> = {};
  options.forEach((o, i) => {
    keys[`Alt+${i + 1}`] = () => setGateway(o.provider);
  });
  useHotkeys(keys, { inInputs: true });
  if (options.length < 2) return null;
  return (
    <fieldset className="gw-choice" data-testid="gateway-select" data-value={gateway}>
      <legend>{t('gateway.choose')}</legend>
      {options.map((o, i) => (
        <label key={o.provider} className={gateway === o.provider ? 'is-on' : ''}>
          <input
            type="radio"
            name="gateway"
            value={o.provider}
            checked={gateway === o.provider}
            onChange={() => setGateway(o.provider)}
            data-testid={`gateway-${o.provider}`}
          />
          <span className="gw-choice-text">
            <span className="gw-choice-name">
              {t(`provider.name.${o.provider}` as MessageKey)}
              {o.mode === 'track' ? ` · ${t('gateway.track')}` : ''}
            </span>
            <span className="gw-choice-hint">{t(`gateway.hint.${o.provider}` as MessageKey)}</span>
          </span>
          <kbd aria-hidden="true">Alt+{i + 1}</kbd>
        </label>
      ))}
    </fieldset>
  );
}
