import { describe, expect, it } from 'vitest';
import { validateStaffForm } from '../../renderer/src/lib/staff.ts';

describe('staff form rules', () => {
  const ok = { name: 'Анна', role: 'senior' as const, pin: '2580', pin2: '2580' };
  it('accepts a name and a 4–8 digit PIN typed twice', () => {
    expect(validateStaffForm(ok, false)).toEqual({});
    expect(validateStaffForm({ ...ok, pin: '12345678', pin2: '12345678' }, false)).toEqual({});
  });
  it('refuses an empty name, a short, long or non-digit PIN, and a mismatch', () => {
    expect(validateStaffForm({ ...ok, name: '  ' }, false)).toEqual({ name: 'name' });
    expect(validateStaffForm({ ...ok, pin: '123', pin2: '123' }, false)).toEqual({ pin: 'pin' });
    expect(validateStaffForm({ ...ok, pin: '123456789', pin2: '123456789' }, false)).toEqual({ pin: 'pin' });
    expect(validateStaffForm({ ...ok, pin: '12a4', pin2: '12a4' }, false)).toEqual({ pin: 'pin' });
    expect(validateStaffForm({ ...ok, pin2: '2581' }, false)).toEqual({ pin2: 'pin2' });
  });
  it('when editing, an empty PIN means unchanged, but a new one is checked', () => {
    expect(validateStaffForm({ ...ok, pin: '', pin2: '' }, true)).toEqual({});
    expect(validateStaffForm({ ...ok, pin: '', pin2: '' }, false)).toEqual({ pin: 'pin' });
    expect(validateStaffForm({ ...ok, pin: '1234', pin2: '' }, true)).toEqual({ pin2: 'pin2' });
  });
});
