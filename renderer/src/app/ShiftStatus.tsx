/** The header's shift chip: who is on shift, which shift, since when — or a call to open one. Links to `#/shift`. */
import { useT } from '../i18n/index.ts';
import { formatTime } from '../lib/format.ts';
import { useShift } from '../state/shift.ts';
import { routeHref } from './routes.ts';
import '../ui/shift.css';

export function ShiftStatus() {
  const t = useT();
  const current = useShift((s) => s.current);
  if (current === undefined) return null;
  if (current === null)
    return (
      <a
        className="shift-chip is-closed"
        href={routeHref({ name: 'shift' })}
        data-testid="shift-status"
        data-state="closed"
      >
        {t('shift.none')}
      </a>
    );
  const time = formatTime(current.openedAt, false);
  return (
    <a
      className="shift-chip is-open"
      href={routeHref({ name: 'shift' })}
      data-testid="shift-status"
      data-state="open"
      data-shift-id={current.id}
      title={t('shift.chipLabel', { n: current.number, name: current.cashierName, time })}
    >
      <span className="shift-chip-name">{current.cashierName}</span>
      <span className="shift-chip-sub">{t('shift.chipNumber', { n: current.number })}</span>
      <span className="shift-chip-sub">{t('shift.chipSince', { time })}</span>
    </a>
  );
}
