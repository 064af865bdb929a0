/**
 * Diagnostics: the connection now and its history, the live log (`log` event on top of `diagnostics.get`), the
 * recent API calls with their X-Request-Id, and a support report (`diagnostics.report`, secrets already masked by
 * the core) to copy into a ticket.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/contract.ts';
import { back } from '../../app/router.ts';
import { bridge } from '../../bridge.ts';
import { useLang, useT, type MessageKey } from '../../i18n/index.ts';
import { formatDateTime, formatTime } from '../../lib/format.ts';
import { useConnection, useEffectiveConnection } from '../../state/connection.ts';
import { useLog } from '../../state/log.ts';
import { Button } from '../../ui/Button.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { reasonText } from '../../ui/errors.ts';
import { useFlash, useHotkeys } from '../../ui/hooks.ts';

type Diagnostics = MethodOutput<'diagnostics.get'>;
const CALLS_REFRESH_MS = 5_000;

export function DiagnosticsScreen() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const [diag, setDiag] = useState<Diagnostics | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<string | null>(null);
  const [reportBusy, setReportBusy] = useState(false);
  const [copied, flashCopied] = useFlash(3000);
  const lines = useLog((s) => s.lines);
  const conn = useEffectiveConnection();
  const history = useConnection((s) => s.history);
  const logRef = useRef<HTMLPreElement>(null);
  const [follow, setFollow] = useState(true);

  const load = useCallback(async () => {
    try {
      const d = await bridge.invoke('diagnostics.get', { logLines: 500 });
      setDiag(d);
      setError(null);
      if (!useLog.getState().seeded) useLog.getState().seed(d.log);
      if (d.connectionHistory.length > 0) useConnection.getState().setHistory(d.connectionHistory);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), CALLS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  useLayoutEffect(() => {
    const el = logRef.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [lines, follow]);

  const copyReport = async (): Promise<void> => {
    setReportBusy(true);
    try {
      const text = await bridge.invoke('diagnostics.report', {});
      setReport(text);
      try {
        await navigator.clipboard.writeText(text);
        flashCopied();
      } catch {
        // no clipboard permission: the report is shown below to select by hand
      }
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setReportBusy(false);
    }
  };

  useHotkeys({ Escape: () => back({ name: 'new' }) });

  const view = conn.view;
  return (
    <div className="screen diag-screen">
      {error ? <ErrorNotice error={error} onRetry={() => void load()} compact /> : null}
      <div className="diag-toolbar">
        <span className="muted small">{t('diag.reportHint')}</span>
        <Button
          variant="primary"
          size="md"
          busy={reportBusy}
          onClick={() => void copyReport()}
          data-testid="copy-report"
        >
          {copied ? t('diag.reportCopied') : t('diag.copyReport')}
        </Button>
      </div>
      {report !== null ? (
        <section className="card">
          <div className="card-head">
            <label className="card-title" htmlFor="support-report">
              {t('diag.report')}
            </label>
            <Button size="sm" variant="ghost" onClick={() => setReport(null)}>
              {t('common.dismiss')}
            </Button>
          </div>
          <textarea
            id="support-report"
            className="report"
            readOnly
            value={report}
            data-testid="support-report"
          />
        </section>
      ) : null}
      <div className="diag-grid">
        <section className="card diag-conn" aria-labelledby="diag-conn-h">
          <div className="card-head">
            <h2 className="card-title" id="diag-conn-h">
              {t('diag.connection')}
            </h2>
          </div>
          <div className={`diag-state conn-${conn.state}`} data-testid="diag-state" data-state={conn.state}>
            <span className="conn-dot" aria-hidden="true" />
            <strong>{t(`conn.${conn.state}.long` as MessageKey)}</strong>
            {conn.reason ? <span className="muted"> — {reasonText(t, conn.reason)}</span> : null}
          </div>
          <dl className="facts facts-rows">
            <div>
              <dt>{t('diag.mode')}</dt>
              <dd>{view ? t(view.mode === 'sandbox' ? 'mode.sandbox' : 'mode.live') : '—'}</dd>
            </div>
            <div>
              <dt>{t('diag.since')}</dt>
              <dd>{formatDateTime(view?.since, lang, true)}</dd>
            </div>
            <div>
              <dt>{t('diag.gate')}</dt>
              <dd className="mono small">{view?.gateUrl ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('diag.lastReconcile')}</dt>
              <dd>{formatDateTime(view?.lastReconcileAt, lang, true)}</dd>
            </div>
            <div>
              <dt>{t('diag.version')}</dt>
              <dd className="mono">{diag?.version ?? '—'}</dd>
            </div>
          </dl>
          <h3 className="sub-title">{t('diag.history')}</h3>
          <ol
            className="conn-history"
            data-testid="connection-history"
            tabIndex={0}
            aria-label={t('diag.history')}
          >
            {[...history]
              .reverse()
              .slice(0, 30)
              .map((h, i) => (
                <li key={`${h.since}-${i}`}>
                  <span className={`mini-dot conn-${h.state}`} aria-hidden="true" />
                  <span className="mono small">{formatTime(h.since)}</span>
                  <span>{t(`conn.${h.state}` as MessageKey)}</span>
                  {h.reason ? <span className="muted small">{reasonText(t, h.reason)}</span> : null}
                </li>
              ))}
          </ol>
        </section>

        <section className="card diag-calls" aria-labelledby="diag-calls-h">
          <h2 className="card-title" id="diag-calls-h">
            {t('diag.calls')}
          </h2>
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="diag-calls-h">
            <table className="table compact" data-testid="api-calls">
              <thead>
                <tr>
                  <th scope="col">{t('diag.time')}</th>
                  <th scope="col">{t('diag.request')}</th>
                  <th scope="col" className="num">
                    HTTP
                  </th>
                  <th scope="col" className="num">
                    {t('diag.ms')}
                  </th>
                  <th scope="col">X-Request-Id</th>
                </tr>
              </thead>
              <tbody>
                {(diag?.calls ?? [])
                  .slice()
                  .reverse()
                  .slice(0, 100)
                  .map((c, i) => (
                    <tr
                      key={`${c.at}-${i}`}
                      className={c.errorCode || (c.status !== null && c.status >= 400) ? 'is-error' : ''}
                    >
                      <td className="mono small">{formatTime(c.at)}</td>
                      <td className="mono small call-path" title={`${c.method} ${c.path}`}>
                        <strong>{c.method}</strong> {c.path}
                        {c.errorCode ? <span className="call-error"> {c.errorCode}</span> : null}
                      </td>
                      <td className="num mono">{c.status ?? '—'}</td>
                      <td className="num mono">{Math.round(c.durationMs)}</td>
                      <td className="mono small selectable nowrap">{c.requestId ?? '—'}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </section>

        <section className="card diag-log" aria-labelledby="diag-log-h">
          <div className="card-head">
            <h2 className="card-title" id="diag-log-h">
              {t('diag.log')}
            </h2>
            <label className="check">
              <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />{' '}
              {t('diag.follow')}
            </label>
          </div>
          <pre
            className="log"
            ref={logRef}
            data-testid="diagnostics-log"
            tabIndex={0}
            aria-label={t('diag.log')}
            aria-live="off"
          >
            {lines.length === 0 ? t('diag.logEmpty') : lines.join('\n')}
          </pre>
        </section>
      </div>
    </div>
  );
}
