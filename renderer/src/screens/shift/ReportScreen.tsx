/**
 * The end-of-shift report (`#/reports/<shiftId>`): totals, by status, by VAT rate, refunds, orders paid after
 * expiry, differences with the gateway, and a banner that says plainly whether the figures were verified against
 * Invoicebox (and when) or not (and why). Export as CSV and PDF (files made by the core), or print the page.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { back, navigate } from '../../app/router.ts';
import { isVatCode } from '../../../../shared/domain/vat.ts';
import { isMessageKey, useLang, useT, type T } from '../../i18n/index.ts';
import { bridge } from '../../bridge.ts';
import { base64ToBytes } from '../../lib/files.ts';
import { saveFile } from '../../ui/download.ts';
import { formatDateTime, formatMoney, formatTime, vatLabel } from '../../lib/format.ts';
import {
  reportFileName,
  sumTallies,
  toReportModel,
  verificationBanner,
  type OrderLine,
  type StatusRow,
} from '../../lib/report.ts';
import { useReports } from '../../state/reports.ts';
import { Button } from '../../ui/Button.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { errorText, reasonText } from '../../ui/errors.ts';
import { useHotkeys } from '../../ui/hooks.ts';
import '../../ui/shift.css';

export function ReportScreen({ id }: { id: string }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const cached = useReports((s) => s.byShift[id]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [exporting, setExporting] = useState<'csv' | 'pdf' | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const model = useMemo(() => (cached ? toReportModel(cached) : null), [cached]);

  const verify = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      await useReports.getState().fetch(id);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [id]);
  useEffect(() => {
    if (!useReports.getState().byShift[id]) void verify();
  }, [id, verify]);
  useHotkeys({ Escape: () => back({ name: 'reports' }) });

  const exportFile = async (kind: 'csv' | 'pdf'): Promise<void> => {
    if (!model || exporting) return;
    setExporting(kind);
    setExportError(null);
    try {
      if (kind === 'csv') {
        const csv = await bridge.invoke('shift.exportCsv', { shiftId: model.shiftId });
        // The core's CSV already starts with a BOM (Excel reads the Cyrillic as UTF-8).
        saveFile(reportFileName(model, 'csv'), csv, 'text/csv;charset=utf-8');
      } else {
        const b64 = await bridge.invoke('shift.exportPdf', { shiftId: model.shiftId });
        saveFile(reportFileName(model, 'pdf'), base64ToBytes(b64), 'application/pdf');
      }
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(null);
    }
  };

  if (!model)
    return (
      <div className="screen">
        {error ? (
          <ErrorNotice error={error} onRetry={() => void verify()} />
        ) : (
          <div className="loading">{t('common.loading')}</div>
        )}
      </div>
    );

  const banner = verificationBanner(model);
  const statusTotal = sumTallies(model.byStatus);
  const vatTotal = sumTallies(model.byVat);
  const money = (k: number): string => formatMoney(k, lang);
  const at = banner.at ? formatTime(banner.at, false) : '—';

  return (
    <div className="screen report-screen" data-testid="shift-report" data-shift-id={model.shiftId}>
      <div className="report-head">
        <div>
          <h2 className="report-title">{t('report.title', { n: model.number })}</h2>
          <div className="muted">
            {t('report.cashier')}: <strong>{model.cashier}</strong> · {t('report.period')}:{' '}
            {formatDateTime(model.openedAt, lang)} —{' '}
            {model.closedAt ? formatDateTime(model.closedAt, lang) : t('report.stillOpen')}
          </div>
        </div>
        <div className="report-actions">
          <Button
            variant="primary"
            onClick={() => void exportFile('csv')}
            busy={exporting === 'csv'}
            data-testid="report-export-csv"
          >
            {t('report.exportCsv')}
          </Button>
          <Button
            onClick={() => void exportFile('pdf')}
            busy={exporting === 'pdf'}
            data-testid="report-export-pdf"
          >
            {t('report.exportPdf')}
          </Button>
          <Button onClick={() => window.print()} data-testid="report-print">
            {t('report.print')}
          </Button>
          <Button variant="ghost" onClick={() => void verify()} busy={loading} data-testid="report-verify">
            {t('report.verify')}
          </Button>
        </div>
      </div>

      <div
        className={`report-banner ${banner.kind === 'verified' ? 'is-verified' : banner.kind === 'differences' ? 'has-differences' : 'is-unverified'}`}
        role="status"
        data-testid="report-verification"
        data-verified={banner.kind === 'unverified' ? 'false' : 'true'}
      >
        {banner.kind === 'verified'
          ? t('report.verified', { time: at })
          : banner.kind === 'differences'
            ? t('report.verifiedDiff', { time: at, n: banner.differences })
            : t('report.unverified', { reason: reasonWords(t, banner.reason) })}
        <span className="report-banner-sub">
          {banner.kind === 'verified'
            ? t('report.verifiedSub')
            : banner.kind === 'differences'
              ? t('report.verifiedDiffSub')
              : t('report.unverifiedSub')}
        </span>
      </div>
      {error ? <ErrorNotice error={error} onRetry={() => void verify()} compact /> : null}
      {exportError ? (
        <ErrorNotice
          error={exportError}
          title={t('report.exportFailed')}
          onDismiss={() => setExportError(null)}
        />
      ) : null}

      <div className="report-totals">
        <section className="card report-total-card">
          <div className="report-total-label">{t('report.net')}</div>
          <div className="report-total-value num" data-testid="report-total" data-kopecks={model.net}>
            {money(model.net)}
          </div>
          <div className="report-total-sub">
            {t('report.vatSum')}: {money(model.netVat)}
          </div>
        </section>
        <section className="card report-total-card">
          <div className="report-total-label">{t('report.total')}</div>
          <div
            className="report-total-value num"
            data-testid="report-paid"
            data-kopecks={model.paid}
            data-count={model.paidCount}
          >
            {money(model.paid)}
          </div>
          <div className="report-total-sub">
            {t('report.orders')}: {model.paidCount}
          </div>
        </section>
        <section className="card report-total-card">
          <div className="report-total-label">{t('report.refunds')}</div>
          <div
            className="report-total-value num"
            data-testid="report-refunds"
            data-kopecks={model.refunded}
            data-count={model.refundCount}
          >
            {money(model.refunded)}
          </div>
          <div className="report-total-sub">
            {t('report.count')}: {model.refundCount}
          </div>
        </section>
        <section className="card report-total-card">
          <div className="report-total-label">{t('report.ordersAll')}</div>
          <div className="report-total-value num" data-testid="report-orders" data-count={model.orderCount}>
            {model.orderCount}
          </div>
          <div className="report-total-sub">
            {t('report.cancels')}: {model.cancels}
          </div>
        </section>
      </div>

      <div className="report-grid">
        <StatusTable
          title={t('report.byStatus')}
          rows={model.byStatus}
          total={statusTotal}
          rowTestId="report-status-row"
        />

        <section className="card" aria-labelledby="report-vat-h">
          <h3 className="card-title" id="report-vat-h">
            {t('report.byVat')}
          </h3>
          <table className="table report-table">
            <thead>
              <tr>
                <th scope="col">{t('report.rate')}</th>
                <th scope="col" className="num">
                  {t('report.sum')}
                </th>
                <th scope="col" className="num">
                  {t('report.vatSum')}
                </th>
              </tr>
            </thead>
            <tbody>
              {model.byVat.map((r) => (
                <tr
                  key={r.vatCode}
                  data-testid="report-vat-row"
                  data-vat={r.vatCode}
                  data-kopecks={r.amount}
                  data-vat-kopecks={r.vatAmount}
                >
                  <td>{isVatCode(r.vatCode) ? vatLabel(r.vatCode, lang) : r.vatCode}</td>
                  <td className="num">{money(r.amount)}</td>
                  <td className="num">{money(r.vatAmount)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <td>{t('report.totalRow')}</td>
                <td className="num">{money(vatTotal.amount)}</td>
                <td className="num">{money(vatTotal.vatAmount)}</td>
              </tr>
            </tfoot>
          </table>
        </section>

        <StatusTable
          title={t('report.refundsByStatus')}
          rows={model.refundsByStatus}
          total={sumTallies(model.refundsByStatus)}
          rowTestId="report-refund-row"
          refunds
        />
        <section className="card" aria-labelledby="report-late-h">
          <h3
            className="card-title"
            id="report-late-h"
            data-testid="report-late"
            data-count={model.late.length}
            data-kopecks={model.lateAmount}
          >
            {t('report.paidAfterExpiry')} ({model.late.length})
          </h3>
          <OrderRows rows={model.late} empty={t('report.paidAfterExpiryNone')} testId="report-late-row" />
        </section>

        <section className="card" aria-labelledby="report-diff-h">
          <h3 className="card-title" id="report-diff-h">
            {t('report.differences')}
          </h3>
          {model.differences.length === 0 ? (
            <p className="muted">{t('report.differencesNone')}</p>
          ) : (
            <table className="table report-table">
              <thead>
                <tr>
                  <th scope="col">{t('report.diffOrder')}</th>
                  <th scope="col">{t('report.diffConsole')}</th>
                  <th scope="col">{t('report.diffGateway')}</th>
                </tr>
              </thead>
              <tbody>
                {model.differences.map((d, i) => (
                  <tr
                    key={`${d.id}-${d.field}-${i}`}
                    data-testid="report-diff-row"
                    data-kind={d.kind}
                    className="report-diff"
                  >
                    <td>
                      {d.document === 'order' ? (
                        <a href={`#/orders/${encodeURIComponent(d.id)}`}>{d.number}</a>
                      ) : (
                        d.number
                      )}{' '}
                      <span className="muted small">
                        {d.field}
                        {d.requestId ? ` · ${t('err.requestId')}: ${d.requestId}` : ''}
                      </span>
                    </td>
                    <td>{d.console}</td>
                    <td>{d.gateway}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <div>
        <Button variant="ghost" onClick={() => navigate({ name: 'reports' })}>
          {t('report.history')}
        </Button>
      </div>
    </div>
  );
}

/** Why the report is not verified, in words: a connection reason, an error code, or the code itself. */
function reasonWords(t: T, code: string | null): string {
  if (!code) return '';
  if (isMessageKey(`reason.${code}`)) return reasonText(t, code) ?? code;
  return isMessageKey(`err.${code}`) ? errorText(t, code) : code;
}

function statusLabel(t: T, status: string, refund = false): string {
  const key = refund ? `report.refundStatus.${status}` : `status.${status}`;
  return isMessageKey(key) ? t(key) : status;
}

function StatusTable({
  title,
  rows,
  total,
  rowTestId,
  refunds,
}: {
  title: string;
  rows: StatusRow[];
  total: { count: number; amount: number };
  rowTestId: string;
  refunds?: boolean;
}) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  return (
    <section className="card">
      <h3 className="card-title">{title}</h3>
      <table className="table report-table">
        <thead>
          <tr>
            <th scope="col">{t('orders.col.status')}</th>
            <th scope="col" className="num">
              {t('report.count')}
            </th>
            <th scope="col" className="num">
              {t('report.sum')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.status}
              data-testid={rowTestId}
              data-status={r.status}
              data-count={r.count}
              data-kopecks={r.amount}
            >
              <td>{statusLabel(t, r.status, refunds)}</td>
              <td className="num">{r.count}</td>
              <td className="num">{formatMoney(r.amount, lang)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td>{t('report.totalRow')}</td>
            <td className="num">{total.count}</td>
            <td className="num">{formatMoney(total.amount, lang)}</td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

function OrderRows({ rows, empty, testId }: { rows: OrderLine[]; empty: string; testId: string }) {
  const lang = useLang((s) => s.lang);
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="table report-table">
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-testid={testId} data-kopecks={r.amount}>
            <td>
              <a href={`#/orders/${encodeURIComponent(r.id)}`}>{r.number}</a>
            </td>
            <td className="muted">{r.at ? formatDateTime(r.at, lang) : ''}</td>
            <td className="num">{formatMoney(r.amount, lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
