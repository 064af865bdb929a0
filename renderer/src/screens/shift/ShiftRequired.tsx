/** What the new-order screen shows instead of the basket while no shift is open (the core refuses orders then). */
import { navigate } from '../../app/router.ts';
import { useT } from '../../i18n/index.ts';
import { useShift } from '../../state/shift.ts';
import { Button } from '../../ui/Button.tsx';
import '../../ui/shift.css';

export function ShiftRequired() {
  const t = useT();
  const staff = useShift((s) => s.staff);
  const firstRun = staff !== null && staff.length === 0;
  return (
    <div className="screen shift-screen" data-testid="shift-required">
      <section className="card shift-cta">
        <h2 className="shift-cta-title">{firstRun ? t('shift.firstRunTitle') : t('shift.ctaTitle')}</h2>
        <p>{firstRun ? t('shift.firstRunText') : t('shift.ctaText')}</p>
        <Button
          variant="primary"
          size="xl"
          kbd="F6"
          autoFocus
          onClick={() => navigate({ name: 'shift' })}
          data-testid="shift-cta"
        >
          {firstRun ? t('shift.firstRunTitle') : t('shift.ctaButton')}
        </Button>
      </section>
    </div>
  );
}
