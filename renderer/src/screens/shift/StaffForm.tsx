/**
 * Add or change a staff member: name, role, PIN twice. The very first one is the senior (no approval needed);
 * after that a senior approves in the PIN dialog. The PINs typed here are dropped from the form as soon as it is
 * saved (or abandoned): the core keeps only a salted hash.
 */
import { useState, type FormEvent } from 'react';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { validateStaffForm, type StaffFormValues, type StaffRole } from '../../lib/staff.ts';
import { PIN_MAX } from '../../lib/pin-dialog.ts';
import { useApprovalAction } from '../../state/approval.ts';
import { useShift, type StaffView } from '../../state/shift.ts';
import { Button } from '../../ui/Button.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { SelectField, TextField } from '../../ui/Field.tsx';

export interface StaffFormProps {
  firstRun?: boolean;
  /** Editing this person (PIN optional); a new one otherwise. */
  editing?: StaffView;
  onSaved(staff: StaffView): void;
  onCancel?: () => void;
}

export function StaffForm({ firstRun, editing, onSaved, onCancel }: StaffFormProps) {
  const t = useT();
  const [v, setV] = useState<StaffFormValues>({
    name: editing?.name ?? '',
    role: firstRun ? 'senior' : (editing?.role ?? 'cashier'),
    pin: '',
    pin2: '',
  });
  const [tried, setTried] = useState(false);
  const { busy, error, run } = useApprovalAction();
  const errors = validateStaffForm(v, editing !== undefined);
  const fe = (k: keyof typeof errors): string | null =>
    tried && errors[k] ? t(`staff.err.${errors[k]}` as MessageKey) : null;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setTried(true);
    if (Object.keys(errors).length > 0 || busy) return;
    await run(async () => {
      const saved = await useShift.getState().saveStaff({
        ...(editing ? { id: editing.id } : {}),
        name: v.name.trim(),
        role: v.role,
        ...(v.pin ? { pin: v.pin } : {}),
      });
      setV({ name: '', role: 'cashier', pin: '', pin2: '' });
      setTried(false);
      onSaved(saved);
    });
  };

  return (
    <form
      className="shift-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      autoComplete="off"
      data-testid="staff-form"
    >
      <div className="shift-form-row">
        <TextField
          label={t('staff.name')}
          value={v.name}
          onChange={(e) => setV({ ...v, name: e.target.value })}
          error={fe('name')}
          maxLength={100}
          autoFocus
          data-testid="staff-name"
        />
        {firstRun ? null : (
          <SelectField
            label={t('staff.role')}
            value={v.role}
            onChange={(e) => setV({ ...v, role: e.target.value as StaffRole })}
            options={(['cashier', 'senior'] as const).map((r) => ({ value: r, label: t(`staff.role.${r}`) }))}
            data-testid="staff-role"
          />
        )}
      </div>
      <div className="shift-form-row">
        <TextField
          label={editing ? t('staff.newPin') : t('staff.pin')}
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          maxLength={PIN_MAX}
          value={v.pin}
          onChange={(e) => setV({ ...v, pin: e.target.value.replace(/\D/g, '') })}
          error={fe('pin')}
          data-testid="staff-pin"
        />
        <TextField
          label={t('staff.pin2')}
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          maxLength={PIN_MAX}
          value={v.pin2}
          onChange={(e) => setV({ ...v, pin2: e.target.value.replace(/\D/g, '') })}
          error={fe('pin2')}
          data-testid="staff-pin2"
        />
      </div>
      {error ? <ErrorNotice error={error} title={t('staff.saveFailed')} /> : null}
      <div className="report-actions">
        <Button type="submit" variant="primary" size="lg" busy={busy} kbd="Enter" data-testid="staff-save">
          {firstRun ? t('shift.firstRunButton') : t('staff.save')}
        </Button>
        {onCancel ? (
          <Button variant="ghost" size="lg" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
