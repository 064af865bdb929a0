/** The history of shifts (`#/reports`): number, cashier, when, and the paid total; Enter/click opens the report. */
import { useEffect, useState } from 'react';
import { back, navigate, routeHref } from '../../app/router.ts';
import { useLang, useT } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useReports } from '../../state/reports.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { useHotkeys } from '../../ui/hooks.ts';
import '../../ui/shift.css';

export function ReportsScreen() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const list = useReports((s) => s.list);
  const [error, setError] = useState<unknown>(null);
  const load = (): void => {
    setError(null);
    useReports.getState().loadList().catch(setError);
  };
  useEffect(load, []);
  useHotkeys({ Escape: () => back({ name: 'shift' }) });

  return (
    <div className="screen report-screen" data-testid="reports">
      <section className="card">
        <div className="card-head">
          <h2 className="card-title">{t('report.listTitle')}</h2>
        </div>
        {error ? <ErrorNotice error={error} onRetry={load} /> : null}
        {list === null ? (
          error ? null : (
            <div className="loading">{t('common.loading')}</div>
          )
        ) : list.length === 0 ? (
          <p className="muted">{t('report.listEmpty')}</p>
        ) : (
          <table className="table report-table">
            <thead>
              <tr>
                <th scope="col">{t('report.shift')}</th>
                <th scope="col">{t('report.cashier')}</th>
                <th scope="col">{t('report.period')}</th>
                <th scope="col">{t('orders.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr
                  key={s.id}
                  className="selectable"
                  data-testid="report-row"
                  data-shift-id={s.id}
                  onClick={() => navigate({ name: 'report', id: s.id })}
                >
                  <td className="strong">
                    <a href={routeHref({ name: 'report', id: s.id })}>№ {s.number}</a>
                  </td>
                  <td>{s.cashierName}</td>
                  <td>
                    {formatDateTime(s.openedAt, lang)} —{' '}
                    {s.closedAt ? formatDateTime(s.closedAt, lang) : t('report.stillOpen')}
                  </td>
                  <td>{s.status === 'open' ? t('report.stillOpen') : t('report.closed')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
