import fc from 'fast-check';
import {
  PIN_PATTERN as CONTRACT_PIN_PATTERN,
  pinErrorDetails as contractPinErrorDetails,
} from '../../shared/contract/shifts.ts';
import { describe, expect, it } from 'vitest';
import {
  closedPin,
  lockSecondsLeft,
  PIN_MAX,
  PIN_MIN,
  PIN_PATTERN,
  pinErrorDetails,
  pinReducer,
  pinToSend,
  type PinEvent,
  type PinState,
} from '../../renderer/src/lib/pin-dialog.ts';

const SENIORS = [
  { id: 's1', name: 'Анна' },
  { id: 's2', name: 'Борис' },
];

const run = (events: PinEvent[], from: PinState = closedPin): PinState => events.reduce(pinReducer, from);
const open: PinEvent = { type: 'open', purpose: 'refund', approvers: SENIORS };
const type = (pin: string): PinEvent[] => [...pin].map((digit) => ({ type: 'digit', digit }));

describe('senior PIN dialog state machine', () => {
  it('opens on the first approver, or on the one asked for when they can approve', () => {
    expect(run([open])).toMatchObject({ phase: 'entering', purpose: 'refund', staffId: 's1', digits: '' });
    expect(run([{ ...open, staffId: 's2' }]).staffId).toBe('s2');
    expect(run([{ ...open, staffId: 'cashier' }]).staffId).toBe('s1');
    expect(run([{ ...open, approvers: [] }]).staffId).toBeNull();
  });

  it('takes digits only, up to PIN_MAX, and edits with backspace and clear', () => {
    let s = run([open, ...type('12a3'), { type: 'digit', digit: 'x' }]);
    expect(s.digits).toBe('123');
    s = run([{ type: 'backspace' }], s);
    expect(s.digits).toBe('12');
    s = run([...type('9'.repeat(20))], s);
    expect(s.digits).toHaveLength(PIN_MAX);
    expect(run([{ type: 'clear' }], s).digits).toBe('');
    expect(run([{ type: 'input', value: '12 34-56' }], s).digits).toBe('123456');
  });

  it('refuses a short PIN without sending it', () => {
    const s = run([open, ...type('1'.repeat(PIN_MIN - 1))]);
    expect(pinToSend(s)).toBeNull();
    const after = pinReducer(s, { type: 'submit' });
    expect(after).toMatchObject({ phase: 'entering', error: 'pin_short' });
  });

  it('hands the PIN out once on submit and forgets it', () => {
    const s = run([open, ...type('2468')]);
    expect(pinToSend(s)).toBe('2468');
    const checking = pinReducer(s, { type: 'submit' });
    expect(checking).toMatchObject({ phase: 'checking', digits: '' });
    expect(pinToSend(checking)).toBeNull();
    // Typing while the answer is awaited does nothing.
    expect(run(type('1'), checking).digits).toBe('');
  });

  it('wrong PIN: back to entering with the attempts left; locked: shows until when, then unlocks', () => {
    let s = run([open, ...type('0000'), { type: 'submit' }, { type: 'wrong', attemptsLeft: 2 }]);
    expect(s).toMatchObject({ phase: 'entering', attemptsLeft: 2, error: 'pin_wrong', digits: '' });
    const until = '2026-11-23T12:05:00.000Z';
    s = run([...type('1111'), { type: 'submit' }, { type: 'locked', until }], s);
    expect(s).toMatchObject({ phase: 'locked', lockedUntil: until, error: 'pin_locked', digits: '' });
    expect(run(type('1'), s).digits).toBe('');
    expect(pinReducer(s, { type: 'submit' })).toBe(s);
    const before = Date.parse(until) - 30_500;
    expect(lockSecondsLeft(s, before)).toBe(31);
    expect(pinReducer(s, { type: 'tick', now: before })).toBe(s);
    const unlocked = pinReducer(s, { type: 'tick', now: Date.parse(until) });
    expect(unlocked).toMatchObject({ phase: 'entering', lockedUntil: null, attemptsLeft: null, error: null });
    expect(lockSecondsLeft(unlocked, Date.parse(until))).toBeNull();
  });

  it('choosing another approver resets attempts and the lock (they are per person)', () => {
    const s = run([
      open,
      ...type('0000'),
      { type: 'submit' },
      { type: 'locked', until: '2026-11-23T12:05:00Z' },
      { type: 'choose', staffId: 's2' },
    ]);
    expect(s).toMatchObject({ phase: 'entering', staffId: 's2', lockedUntil: null, attemptsLeft: null });
    expect(pinReducer(s, { type: 'choose', staffId: 'nobody' })).toBe(s);
  });

  it('every way out clears the PIN', () => {
    const typing = run([open, ...type('1234')]);
    expect(pinReducer(typing, { type: 'cancel' })).toEqual(closedPin);
    expect(pinReducer(pinReducer(typing, { type: 'submit' }), { type: 'done' })).toEqual(closedPin);
  });

  it('never holds anything but up to PIN_MAX digits, whatever happens', () => {
    const event = fc.oneof(
      fc.constant<PinEvent>(open),
      fc.string({ maxLength: 2 }).map((digit): PinEvent => ({ type: 'digit', digit })),
      fc.string({ maxLength: 12 }).map((value): PinEvent => ({ type: 'input', value })),
      fc.constantFrom<PinEvent>(
        { type: 'backspace' },
        { type: 'clear' },
        { type: 'submit' },
        { type: 'wrong', attemptsLeft: 1 },
        { type: 'locked', until: '2030-01-01T00:00:00Z' },
        { type: 'tick', now: Date.parse('2031-01-01T00:00:00Z') },
        { type: 'choose', staffId: 's2' },
        { type: 'done' },
        { type: 'cancel' },
      ),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const s = run(events);
        expect(s.digits).toMatch(new RegExp(`^\\d{0,${PIN_MAX}}$`));
        if (s.phase !== 'entering') expect(s.digits).toBe('');
      }),
    );
  });
});

describe('the renderer reads PINs and PIN errors as the contract does', () => {
  it('same PIN pattern', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a]{0,10}$/), (pin) => {
        expect(PIN_PATTERN.test(pin)).toBe(CONTRACT_PIN_PATTERN.test(pin));
      }),
    );
  });

  it('same attempts left and locked-until from the error fields', () => {
    const samples = [
      { fields: [{ name: 'attemptsLeft', code: '2' }] },
      { fields: [{ name: 'lockedUntil', code: '2026-11-23T12:00:00.000Z' }] },
      { fields: [{ name: 'attemptsLeft', code: 'x' }] },
      { fields: [] },
      {},
    ];
    for (const e of samples) expect(pinErrorDetails(e)).toEqual(contractPinErrorDetails(e));
  });
});
