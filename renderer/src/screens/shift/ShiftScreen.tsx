/**
 * The shift screen (`#/shift`, F6): on the very first run, create the senior cashier; with no open shift, choose
 * the cashier and open one (their PIN in the PIN dialog); with a shift open, what it is and the button that closes
 * it, which leads to its report.
 */
import { useEffect, useState } from 'react';
import { back, navigate } from '../../app/router.ts';
import { useLang, useT } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useApprovalAction } from '../../state/approval.ts';
import { useShift } from '../../state/shift.ts';
import { useReports } from '../../state/reports.ts';
import { Button } from '../../ui/Button.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { SelectField } from '../../ui/Field.tsx';
import { useHotkeys } from '../../ui/hooks.ts';
import { StaffForm } from './StaffForm.tsx';
import '../../ui/shift.css';

export function ShiftScreen() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const staff = useShift((s) => s.staff);
  const current = useShift((s) => s.current);
  const loadError = useShift((s) => s.loadError);
  const [chosen, setChosen] = useState('');
  const { busy, error, run } = useApprovalAction();

  useEffect(() => {
    void useShift.getState().load();
  }, []);
  useHotkeys({ Escape: () => back({ name: 'new' }) });

  const active = (staff ?? []).filter((s) => s.active);
  const staffId = active.some((s) => s.id === chosen) ? chosen : (active[0]?.id ?? '');

  const open = async (): Promise<void> => {
    if (!staffId || busy) return;
    await run(async () => {
      await useShift.getState().open(staffId);
      navigate({ name: 'new' });
    });
  };

  const close = async (): Promise<void> => {
    if (busy) return;
    await run(async () => {
      const report = await useShift.getState().close();
      useReports.getState().remember(report);
      navigate({ name: 'report', id: report.shift.id });
    });
  };

  if (staff === null || current === undefined)
    return (
      <div className="screen">
        {loadError ? (
          <ErrorNotice error={loadError} onRetry={() => void useShift.getState().load()} />
        ) : (
          <div className="loading">{t('common.loading')}</div>
        )}
      </div>
    );

  if (staff.length === 0)
    return (
      <div className="screen shift-screen" data-testid="first-run">
        <section className="card shift-cta">
          <h2 className="shift-cta-title">{t('shift.firstRunTitle')}</h2>
          <p>{t('shift.firstRunText')}</p>
          <StaffForm firstRun onSaved={() => void useShift.getState().load()} />
        </section>
      </div>
    );

  if (current)
    return (
      <div className="screen shift-screen" data-testid="shift-current" data-shift-id={current.id}>
        <section className="card shift-cta">
          <h2 className="shift-cta-title">{t('shift.currentTitle', { n: current.number })}</h2>
          <div className="shift-facts">
            <div>
              <div className="shift-fact-label">{t('shift.openedBy')}</div>
              <div className="shift-fact-value">{current.cashierName}</div>
            </div>
            <div>
              <div className="shift-fact-label">{t('shift.openedAt')}</div>
              <div className="shift-fact-value">{formatDateTime(current.openedAt, lang)}</div>
            </div>
          </div>
          <p>{t('shift.closeHint')}</p>
          {error ? <ErrorNotice error={error} title={t('shift.closeFailed')} /> : null}
          <div className="report-actions">
            <Button
              variant="danger"
              size="xl"
              busy={busy}
              onClick={() => void close()}
              data-testid="close-shift"
            >
              {t('shift.close')}
            </Button>
            <Button variant="secondary" size="lg" onClick={() => navigate({ name: 'new' })}>
              {t('shift.toNewOrder')}
            </Button>
            <Button variant="ghost" size="lg" onClick={() => navigate({ name: 'reports' })}>
              {t('report.history')}
            </Button>
          </div>
        </section>
      </div>
    );

  return (
    <div className="screen shift-screen" data-testid="shift-open">
      <form
        className="card shift-cta"
        onSubmit={(e) => {
          e.preventDefault();
          void open();
        }}
      >
        <h2 className="shift-cta-title">{t('shift.openTitle')}</h2>
        <p>{t('shift.openText')}</p>
        {active.length === 0 ? (
          <p className="field-error" role="alert">
            {t('shift.noStaff')}
          </p>
        ) : (
          <SelectField
            label={t('shift.cashier')}
            value={staffId}
            onChange={(e) => setChosen(e.target.value)}
            options={active.map((s) => ({
              value: s.id,
              label: `${s.name} — ${t(s.role === 'senior' ? 'staff.role.senior' : 'staff.role.cashier')}`,
            }))}
            data-testid="open-shift-staff"
            autoFocus
          />
        )}
        {error ? <ErrorNotice error={error} title={t('shift.openFailed')} /> : null}
        <div className="report-actions">
          <Button
            type="submit"
            variant="primary"
            size="xl"
            busy={busy}
            disabled={!staffId}
            kbd="Enter"
            data-testid="open-shift"
          >
            {t('shift.open')}
          </Button>
          <Button variant="ghost" size="lg" onClick={() => navigate({ name: 'reports' })}>
            {t('report.history')}
          </Button>
        </div>
      </form>
    </div>
  );
}
