/**
 * Which contract methods need what, as tables of method names (pure). The core's invoke consults these in one place
 * (shifts/guard.ts), so a new method is a one-line addition here:
 *  - NEEDS_SHIFT: creates or changes a document at the gateway; refused without an open shift when the policy's
 *    `requireShift` is on (the default), and stamped with the shift and its cashier;
 *  - seniorPinFor (settings, GUARDABLE_METHODS): needs a senior's approval when the shop turned it on;
 *  - ALWAYS_SENIOR: staff changes — always a senior's, once a senior exists.
 * Nothing needs a PIN before the first senior exists (a fresh install: nobody could give one). A settings change of
 * the display language alone is never guarded.
 */
import type { MethodName } from '../../../shared/contract/contract.ts';
import type { GuardableMethod, PinPolicy } from '../../../shared/contract/shifts.ts';
import { GUARDABLE_METHODS } from '../../../shared/contract/shifts.ts';

export const NEEDS_SHIFT: ReadonlySet<MethodName> = new Set<MethodName>([
  'orders.create',
  'orders.cancel',
  'refunds.create',
  'wellpay.create',
]);

export const ALWAYS_SENIOR: ReadonlySet<MethodName> = new Set<MethodName>(['staff.save', 'staff.remove']);

const guardable: ReadonlySet<string> = new Set(GUARDABLE_METHODS);

/**
 * Every method any policy could ask something of (a shift, a senior). The rest — searches, reads, diagnostics, most
 * of the renderer's traffic — need nothing whatever the policy says, so the guard lets them through without a query.
 */
export function isGoverned(method: MethodName): boolean {
  return NEEDS_SHIFT.has(method) || ALWAYS_SENIOR.has(method) || guardable.has(method);
}

export interface Requirement {
  shift: boolean;
  senior: boolean;
}

/**
 * What `method` with `input` needs under `policy`. `seniorsExist`: whether any active senior exists (no PIN can be
 * asked for before). A settings change that touches the PIN policy itself always needs a senior.
 */
export function requirementFor(
  method: MethodName,
  input: unknown,
  policy: Pick<PinPolicy, 'requireShift' | 'seniorPinFor'>,
  seniorsExist: boolean,
): Requirement {
  const shift = policy.requireShift && NEEDS_SHIFT.has(method);
  let senior = false;
  if (seniorsExist) {
    if (ALWAYS_SENIOR.has(method)) senior = true;
    else if (method === 'settings.update') {
      // The display language is the cashier's own business; anything else follows the policy, and the policy itself
      // always needs a senior.
      if (hasPolicyPatch(input)) senior = true;
      else if (policy.seniorPinFor.includes('settings.update')) senior = !onlyLanguage(input);
    } else if (guardable.has(method) && policy.seniorPinFor.includes(method as GuardableMethod))
      senior = true;
  }
  return { shift, senior };
}

const UNGUARDED_SETTINGS: ReadonlySet<string> = new Set(['language']);

function onlyLanguage(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  return Object.keys(input).every((k) => UNGUARDED_SETTINGS.has(k));
}

function hasPolicyPatch(input: unknown): boolean {
  return (
    typeof input === 'object' && input !== null && (input as { pinPolicy?: unknown }).pinPolicy !== undefined
  );
}
