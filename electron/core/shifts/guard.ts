/**
 * The one place where the shift and PIN policy is enforced: core.invoke calls `admit` with every validated input
 * before running the action. It checks what policy.ts's tables ask for (an open shift, a senior's approval), removes
 * the `approval` from the input (actions never see a PIN), and says how to stamp what the action writes.
 */
import type { MethodName } from '../../../shared/contract/contract.ts';
import type { PinPolicy } from '../../../shared/contract/shifts.ts';
import type { ActionStamp } from '../store/types.ts';
import type { Store } from '../store/store.ts';
import { pinRequired, shiftRequired } from './errors.ts';
import { NEEDS_SHIFT, isGoverned, requirementFor } from './policy.ts';
import type { StaffService } from './staff.ts';

export interface Admission {
  input: unknown;
  /** null: nothing to attribute (reads, settings without approval). */
  stamp: ActionStamp | null;
}

export interface Guard {
  admit(method: MethodName, input: unknown): Promise<Admission>;
}

export function createGuard(deps: { store: Store; staff: StaffService; policy: () => PinPolicy }): Guard {
  return {
    async admit(method, input) {
      const { approval, rest } = splitApproval(input);
      // Ungoverned methods need nothing under any policy: no query for them (the orders list searches on every key).
      if (!isGoverned(method)) return { input: rest, stamp: null };
      const need = requirementFor(method, rest, deps.policy(), deps.staff.seniorsExist());
      // The shift first: a call that would be refused anyway spends none of a senior's PIN attempts.
      const shift = deps.store.shifts.openShift();
      if (need.shift && !shift) throw shiftRequired();
      let approvedBy: string | null = null;
      if (need.senior) {
        if (!approval) throw pinRequired(method);
        approvedBy = (await deps.staff.approve(approval)).id;
      }
      const stamp: ActionStamp | null =
        NEEDS_SHIFT.has(method) || approvedBy !== null
          ? { shiftId: shift?.id ?? null, staffId: shift?.staffId ?? null, approvedBy }
          : null;
      return { input: rest, stamp };
    },
  };
}

function splitApproval(input: unknown): {
  approval: { staffId: string; pin: string } | undefined;
  rest: unknown;
} {
  if (typeof input !== 'object' || input === null || !('approval' in input)) {
    return { approval: undefined, rest: input };
  }
  const { approval, ...rest } = input as { approval?: { staffId: string; pin: string } };
  return { approval, rest };
}
