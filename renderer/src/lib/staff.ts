/** The staff form's rules (pure): a name, a role, and a PIN of 4–8 digits typed twice (optional when editing). */
import { PIN_PATTERN } from './pin-dialog.ts';

import type { StaffRole } from '../../../shared/contract/shifts.ts';

export type { StaffRole };

export interface StaffFormValues {
  name: string;
  role: StaffRole;
  pin: string;
  pin2: string;
}

export type StaffFormErrors = Partial<Record<'name' | 'pin' | 'pin2', 'name' | 'pin' | 'pin2'>>;

/** `editing`: the PIN may stay empty (unchanged). */
export function validateStaffForm(v: StaffFormValues, editing: boolean): StaffFormErrors {
  const errors: StaffFormErrors = {};
  const name = v.name.trim();
  if (name.length === 0 || name.length > 100) errors.name = 'name';
  if (!(editing && v.pin === '' && v.pin2 === '')) {
    if (!PIN_PATTERN.test(v.pin)) errors.pin = 'pin';
    else if (v.pin2 !== v.pin) errors.pin2 = 'pin2';
  }
  return errors;
}
