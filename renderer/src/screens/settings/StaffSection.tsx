/**
 * Staff in the settings: who may open a shift, with which role; add, change (name, role, PIN), deactivate. Every
 * change is approved by a senior's PIN (the core asks; the PIN dialog answers).
 */
import { useEffect, useState } from 'react';
import { useT } from '../../i18n/index.ts';
import { useApprovalAction } from '../../state/approval.ts';
import { useShift, type StaffView } from '../../state/shift.ts';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { useFlash } from '../../ui/hooks.ts';
import { StaffForm } from '../shift/StaffForm.tsx';
import '../../ui/shift.css';

export function StaffSection() {
  const t = useT();
  const staff = useShift((s) => s.staff);
  const [editing, setEditing] = useState<StaffView | 'new' | null>(null);
  const [removing, setRemoving] = useState<StaffView | null>(null);
  const { busy, error, setError, run } = useApprovalAction();
  const [saved, flashSaved] = useFlash(3000);

  useEffect(() => {
    void useShift.getState().load();
  }, []);

  const remove = async (): Promise<void> => {
    if (!removing) return;
    await run(async () => {
      try {
        await useShift.getState().removeStaff(removing.id);
      } finally {
        setRemoving(null);
      }
    });
  };

  return (
    <section className="card" aria-labelledby="staff-h" data-testid="staff-section">
      <div className="card-head">
        <h2 className="card-title" id="staff-h">
          {t('staff.title')}
        </h2>
        <span className="card-hint">{saved ? t('staff.saved') : t('staff.hint')}</span>
      </div>
      {staff === null ? (
        <div className="loading">{t('common.loading')}</div>
      ) : staff.length === 0 ? (
        <p className="muted">{t('staff.empty')}</p>
      ) : (
        <table className="table staff-table">
          <thead>
            <tr>
              <th scope="col">{t('staff.name')}</th>
              <th scope="col">{t('staff.role')}</th>
              <th scope="col">{t('staff.status')}</th>
              <th scope="col">
                <span className="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {staff.map((s) => (
              <tr
                key={s.id}
                className={s.active ? '' : 'staff-inactive'}
                data-testid="staff-row"
                data-staff-id={s.id}
              >
                <td className="strong">{s.name}</td>
                <td>
                  <span className={`role-badge role-${s.role}`}>{t(`staff.role.${s.role}`)}</span>
                </td>
                <td>{s.active ? t('staff.active') : t('staff.inactive')}</td>
                <td className="c-actions">
                  {s.active ? (
                    <>
                      <Button size="sm" onClick={() => setEditing(s)} data-testid="staff-edit">
                        {t('staff.edit')}
                      </Button>{' '}
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => setRemoving(s)}
                        data-testid="staff-deactivate"
                      >
                        {t('staff.deactivate')}
                      </Button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error ? <ErrorNotice error={error} onDismiss={() => setError(null)} /> : null}
      {editing ? (
        <StaffForm
          key={editing === 'new' ? 'new' : editing.id}
          {...(editing === 'new' ? {} : { editing })}
          onSaved={() => {
            setEditing(null);
            flashSaved();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <div className="form-actions">
          <Button variant="primary" size="lg" onClick={() => setEditing('new')} data-testid="staff-add">
            {t('staff.add')}
          </Button>
        </div>
      )}
      <ConfirmDialog
        open={removing !== null}
        testId="staff-remove-dialog"
        title={t('staff.deactivateConfirm', { name: removing?.name ?? '' })}
        confirmLabel={t('staff.deactivate')}
        variant="danger"
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setRemoving(null)}
      >
        <p>{t('staff.deactivateBody')}</p>
      </ConfirmDialog>
    </section>
  );
}
