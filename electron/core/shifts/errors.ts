/** The shifts' errors: a stable code the UI translates, a message a person can act on, details in `fields`. */
export class ShiftError extends Error {
  readonly code: string;
  readonly requestId: string | null = null;
  readonly fields: { name: string; code: string }[] | undefined;
  constructor(code: string, message: string, fields?: { name: string; code: string }[]) {
    super(message);
    this.code = code;
    this.fields = fields;
  }
}

export const pinRequired = (what: string): ShiftError =>
  new ShiftError('pin_required', `${what} needs a senior's PIN`, [{ name: 'approval', code: 'required' }]);

export const shiftRequired = (): ShiftError =>
  new ShiftError('shift_required', 'Open a shift first: orders and refunds are made within a shift');
