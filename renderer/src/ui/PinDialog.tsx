/**
 * The one PIN dialog (mounted once by the layout): who approves, the PIN, and why it did not go through (attempts
 * left, locked until). A native modal <dialog>: the page behind is inert and focus stays inside; keyboard-first —
 * digits type, Enter sends, Esc cancels. It shows the state of state/approval.ts and nothing else.
 */
import { useEffect, useRef, type FormEvent } from 'react';
import { useT, type MessageKey } from '../i18n/index.ts';
import { formatTime } from '../lib/format.ts';
import { lockSecondsLeft, PIN_MAX } from '../lib/pin-dialog.ts';
import { cancelApproval, submitApproval, useApproval } from '../state/approval.ts';
import { isMessageKey } from '../i18n/index.ts';
import { Button } from './Button.tsx';
import { useNow } from './hooks.ts';
import './shift.css';

export function PinDialog() {
  const t = useT();
  const pin = useApproval((s) => s.pin);
  const dispatch = useApproval((s) => s.dispatch);
  const ref = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const now = useNow(pin.phase === 'locked' ? 500 : 60_000);
  const open = pin.phase !== 'closed';

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  useEffect(() => {
    if (pin.phase === 'entering') inputRef.current?.focus();
  }, [pin.phase, pin.staffId]);

  useEffect(() => {
    if (pin.phase === 'locked') dispatch({ type: 'tick', now });
  }, [now, pin.phase, dispatch]);

  const onSubmit = (e: FormEvent): void => {
    e.preventDefault();
    void submitApproval();
  };

  const purposeKey = `pin.for.${pin.purpose ?? ''}`;
  const purpose = isMessageKey(purposeKey) ? t(purposeKey as MessageKey) : t('pin.for.default');
  const seconds = lockSecondsLeft(pin, now);
  const single = pin.approvers.length === 1 ? pin.approvers[0] : null;

  return (
    <dialog
      ref={ref}
      className="dialog pin-dialog"
      aria-modal="true"
      aria-labelledby="pin-dialog-title"
      data-testid="pin-dialog"
      data-phase={pin.phase}
      onCancel={(e) => {
        e.preventDefault();
        if (pin.phase !== 'checking') cancelApproval();
      }}
    >
      {open ? (
        <form onSubmit={onSubmit} autoComplete="off">
          <h2 className="dialog-title" id="pin-dialog-title">
            {t('pin.title')}
          </h2>
          <p className="pin-purpose">{purpose}</p>
          {pin.approvers.length === 0 ? (
            <p className="field-error" role="alert" data-testid="pin-no-approver">
              {t('pin.noApprover')}
            </p>
          ) : single ? (
            <p className="pin-who" data-testid="pin-approver">
              {single.name}
            </p>
          ) : (
            <div className="field">
              <label className="field-label" htmlFor="pin-approver">
                {t('pin.approver')}
              </label>
              <select
                id="pin-approver"
                className="input select"
                value={pin.staffId ?? ''}
                onChange={(e) => dispatch({ type: 'choose', staffId: e.target.value })}
                disabled={pin.phase === 'checking'}
                data-testid="pin-approver"
              >
                {pin.approvers.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label className="field-label" htmlFor="pin-input">
              {t('pin.label')}
            </label>
            <input
              ref={inputRef}
              id="pin-input"
              className="input pin-field"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              maxLength={PIN_MAX}
              value={pin.digits}
              onChange={(e) => dispatch({ type: 'input', value: e.target.value })}
              disabled={pin.phase !== 'entering'}
              aria-invalid={pin.error ? true : undefined}
              aria-describedby="pin-status"
              data-testid="pin-input"
            />
          </div>
          <div
            id="pin-status"
            className="pin-status"
            role="alert"
            data-testid="pin-status"
            data-error={pin.error ?? ''}
          >
            {pin.error === 'pin_short'
              ? t('pin.short')
              : pin.error === 'pin_wrong'
                ? pin.attemptsLeft === null
                  ? t('pin.wrong')
                  : t('pin.wrongLeft', { n: pin.attemptsLeft })
                : pin.error === 'pin_locked'
                  ? pin.lockedUntil
                    ? t('pin.lockedUntil', { time: formatTime(pin.lockedUntil), s: seconds ?? 0 })
                    : t('pin.locked')
                  : null}
          </div>
          <div className="dialog-actions">
            <Button
              variant="secondary"
              size="lg"
              onClick={cancelApproval}
              disabled={pin.phase === 'checking'}
              kbd="Esc"
              data-testid="pin-cancel"
            >
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              variant="primary"
              size="lg"
              busy={pin.phase === 'checking'}
              disabled={pin.phase !== 'entering' || pin.approvers.length === 0}
              kbd="Enter"
              data-testid="pin-submit"
            >
              {t('pin.confirm')}
            </Button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
