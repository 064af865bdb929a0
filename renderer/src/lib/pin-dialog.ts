/**
 * The senior-PIN dialog as a pure state machine (no DOM, no bridge): what the dialog shows and what each key or
 * answer does to it. The component dispatches events and renders the state; the I/O (retrying the guarded action
 * with the approval) lives in state/approval.ts.
 *
 * The PIN itself is only ever in `digits` while being typed: `submit` hands it out once and clears it, and every
 * way out (done, cancel, locked) clears it too. Nothing here remembers a PIN after use.
 */

/** 4–8 digits, as the contract's PIN_PATTERN (a test holds them together; the renderer does not load zod for it). */
export const PIN_MIN = 4;
export const PIN_MAX = 8;
export const PIN_PATTERN = new RegExp(`^\\d{${PIN_MIN},${PIN_MAX}}$`);

export type PinPhase = 'closed' | 'entering' | 'checking' | 'locked';

/** Who may approve: the senior staff the core lists (active only). */
export interface PinApprover {
  id: string;
  name: string;
}

export interface PinState {
  phase: PinPhase;
  /** What the approval is for (an i18n key suffix: `refund`, `settings`, `token`, `staff`, …). */
  purpose: string | null;
  approvers: readonly PinApprover[];
  staffId: string | null;
  digits: string;
  /** From the last `pin_wrong` answer. */
  attemptsLeft: number | null;
  /** ISO time: from a `pin_locked` answer. */
  lockedUntil: string | null;
  /** Why the last submit did not go through (`pin_short`, `pin_wrong`, `pin_locked`), or null. */
  error: 'pin_short' | 'pin_wrong' | 'pin_locked' | null;
}

export type PinEvent =
  | { type: 'open'; purpose: string; approvers: readonly PinApprover[]; staffId?: string | null }
  | { type: 'digit'; digit: string }
  | { type: 'backspace' }
  | { type: 'clear' }
  /** The input's whole value (typing, paste): everything but digits is dropped, then cut at PIN_MAX. */
  | { type: 'input'; value: string }
  | { type: 'choose'; staffId: string }
  | { type: 'submit' }
  | { type: 'wrong'; attemptsLeft: number | null }
  | { type: 'locked'; until: string | null }
  /** The clock passed `lockedUntil`: the approver may try again. */
  | { type: 'tick'; now: number }
  | { type: 'done' }
  | { type: 'cancel' };

export const closedPin: PinState = {
  phase: 'closed',
  purpose: null,
  approvers: [],
  staffId: null,
  digits: '',
  attemptsLeft: null,
  lockedUntil: null,
  error: null,
};

export function pinReducer(state: PinState, event: PinEvent): PinState {
  switch (event.type) {
    case 'open':
      return {
        ...closedPin,
        phase: 'entering',
        purpose: event.purpose,
        approvers: event.approvers,
        staffId:
          event.staffId && event.approvers.some((a) => a.id === event.staffId)
            ? event.staffId
            : (event.approvers[0]?.id ?? null),
      };
    case 'digit':
      if (state.phase !== 'entering' || !/^\d$/.test(event.digit) || state.digits.length >= PIN_MAX)
        return state;
      return { ...state, digits: state.digits + event.digit, error: null };
    case 'backspace':
      if (state.phase !== 'entering') return state;
      return { ...state, digits: state.digits.slice(0, -1) };
    case 'clear':
      if (state.phase !== 'entering') return state;
      return { ...state, digits: '' };
    case 'input':
      if (state.phase !== 'entering') return state;
      return { ...state, digits: event.value.replace(/\D/g, '').slice(0, PIN_MAX), error: null };
    case 'choose':
      if (state.phase === 'checking' || !state.approvers.some((a) => a.id === event.staffId)) return state;
      // Another person: their own attempts and lock, not the previous one's.
      return {
        ...state,
        phase: state.phase === 'locked' ? 'entering' : state.phase,
        staffId: event.staffId,
        digits: '',
        attemptsLeft: null,
        lockedUntil: null,
        error: null,
      };
    case 'submit':
      if (state.phase !== 'entering' || state.staffId === null) return state;
      if (state.digits.length < PIN_MIN) return { ...state, error: 'pin_short' };
      return { ...state, phase: 'checking', digits: '', error: null };
    case 'wrong':
      if (state.phase !== 'checking') return state;
      return { ...state, phase: 'entering', attemptsLeft: event.attemptsLeft, error: 'pin_wrong' };
    case 'locked':
      if (state.phase === 'closed') return state;
      return { ...state, phase: 'locked', digits: '', lockedUntil: event.until, error: 'pin_locked' };
    case 'tick':
      if (state.phase !== 'locked' || state.lockedUntil === null) return state;
      if (Date.parse(state.lockedUntil) > event.now) return state;
      return { ...state, phase: 'entering', lockedUntil: null, attemptsLeft: null, error: null };
    case 'done':
    case 'cancel':
      return closedPin;
  }
}

/** The PIN to send for a submit, or null when the submit would be refused (read it BEFORE dispatching submit). */
export function pinToSend(state: PinState): string | null {
  if (state.phase !== 'entering' || state.staffId === null || state.digits.length < PIN_MIN) return null;
  return state.digits;
}

/** Whole seconds until the lock ends (never negative), or null when not locked. */
export function lockSecondsLeft(state: PinState, now: number): number | null {
  if (state.phase !== 'locked' || state.lockedUntil === null) return null;
  return Math.max(0, Math.ceil((Date.parse(state.lockedUntil) - now) / 1000));
}

/**
 * The numbers a `pin_wrong` / `pin_locked` error carries in its `fields` (`attemptsLeft`, `lockedUntil`): the same
 * reading as the contract's pinErrorDetails (a test holds them together), without importing zod into the renderer.
 */
export function pinErrorDetails(error: { fields?: { name: string; code: string }[] | undefined }): {
  attemptsLeft: number | null;
  lockedUntil: string | null;
} {
  const field = (name: string): string | null => error.fields?.find((f) => f.name === name)?.code ?? null;
  const left = field('attemptsLeft');
  const until = field('lockedUntil');
  return {
    attemptsLeft: left !== null && /^\d+$/.test(left) ? Number(left) : null,
    lockedUntil: until !== null && !Number.isNaN(Date.parse(until)) ? until : null,
  };
}
