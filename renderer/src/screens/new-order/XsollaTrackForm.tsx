/**
 * Follow an Xsolla store order: its project id, its number and the user's JWT. The token is read from its field when
 * the form is sent and the field is cleared at once: it never sits in renderer state, is never shown back, and the
 * core keeps it in memory only for the tracking. In sandbox mode a demo order can be made and followed in one click.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../../shared/contract/contract.ts';
import { back, navigate } from '../../app/router.ts';
import { bridge } from '../../bridge.ts';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { validateXsolla, type XsollaErrors } from '../../lib/gateway-forms.ts';
import { useCurrent } from '../../state/current.ts';
import { useOrders } from '../../state/orders.ts';
import { useSettings } from '../../state/settings.ts';
import { Button } from '../../ui/Button.tsx';
import { gatewayErrorText } from '../../ui/errors.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { TextField } from '../../ui/Field.tsx';
import { useHotkeys } from '../../ui/hooks.ts';
import { GatewayFormCard } from './GatewayFormCard.tsx';
import '../../ui/providers.css';

export function XsollaTrackForm() {
  const t = useT();
  const sandbox = useSettings((s) => s.settings?.mode === 'sandbox');
  const [projectId, setProjectId] = useState('');
  const [orderId, setOrderId] = useState('');
  const tokenRef = useRef<HTMLInputElement>(null);
  const projectRef = useRef<HTMLInputElement>(null);
  const [errors, setErrors] = useState<XsollaErrors>({});
  const [busy, setBusy] = useState<'track' | 'demo' | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    projectRef.current?.focus();
  }, []);
  useHotkeys({ Escape: () => back({ name: 'orders' }) }, { inInputs: true });

  const opened = (view: MethodOutput<'xsolla.track'>): void => {
    useOrders.getState().upsert(view);
    useCurrent.getState().setCurrent(view.id);
    navigate({ name: 'pay', id: view.id });
  };

  const track = async (e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    if (busy) return;
    const field = tokenRef.current;
    const { value, errors: found } = validateXsolla({ projectId, orderId, token: field?.value ?? '' });
    setErrors(found);
    if (!value) return;
    // Out of the page before the call: nothing keeps it once it is on its way to the core.
    if (field) field.value = '';
    setBusy('track');
    setError(null);
    try {
      opened(await bridge.invoke('xsolla.track', value));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const demo = async (): Promise<void> => {
    if (busy) return;
    setBusy('demo');
    setError(null);
    try {
      opened(await bridge.invoke('xsolla.demo', {}));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const fe = (code: XsollaErrors[keyof XsollaErrors]): string | null =>
    code ? t(`gateway.err.${code}` as MessageKey) : null;

  return (
    <GatewayFormCard
      testId="xsolla-track"
      headingId="xsolla-h"
      title={t('xsolla.formTitle')}
      hint={t('xsolla.formHint')}
      onSubmit={(e) => void track(e)}
    >
      <div className="gw-form-row three">
        <TextField
          label={t('xsolla.projectId')}
          data-testid="xsolla-project"
          inputRef={projectRef}
          value={projectId}
          inputMode="numeric"
          autoComplete="off"
          className="num"
          onChange={(e) => setProjectId(e.target.value)}
          error={fe(errors.projectId)}
        />
        <TextField
          label={t('xsolla.orderId')}
          data-testid="xsolla-order"
          value={orderId}
          inputMode="numeric"
          autoComplete="off"
          className="num"
          onChange={(e) => setOrderId(e.target.value)}
          error={fe(errors.orderId)}
        />
        <TextField
          label={t('xsolla.token')}
          data-testid="xsolla-token"
          inputRef={tokenRef}
          type="password"
          defaultValue=""
          autoComplete="off"
          spellCheck={false}
          className="mono"
          error={fe(errors.token)}
          hint={t('xsolla.tokenHint')}
        />
      </div>
      {error ? (
        <ErrorNotice
          error={error}
          title={t('xsolla.trackFailed')}
          text={gatewayErrorText(t, 'xsolla', error)}
        />
      ) : null}
      <div className="form-actions">
        <Button
          type="submit"
          variant="primary"
          size="xl"
          kbd="Enter"
          busy={busy === 'track'}
          disabled={busy !== null}
          data-testid="xsolla-track-submit"
        >
          {busy === 'track' ? t('xsolla.tracking') : t('xsolla.track')}
        </Button>
        {sandbox ? (
          <>
            <Button
              variant="secondary"
              size="lg"
              busy={busy === 'demo'}
              disabled={busy !== null}
              onClick={() => void demo()}
              data-testid="xsolla-demo"
            >
              {t('xsolla.demo')}
            </Button>
            <span className="gw-note">{t('xsolla.demoHint')}</span>
          </>
        ) : null}
      </div>
    </GatewayFormCard>
  );
}
