/**
 * Approvals by PIN. `withApproval(purpose, run)` runs a guarded action; when the core answers `pin_required` it opens
 * the PIN dialog (one, mounted by the layout), and each PIN typed there retries the SAME action with
 * `{staffId, pin}`: `pin_wrong` keeps the dialog open with the attempts left, `pin_locked` shows until when, success
 * closes it and resolves, any other error closes it and rejects. Esc rejects with `pin_cancelled` (callers ignore it).
 *
 * The PIN lives in the dialog's state only while typed, and in the one call that sends it: nothing keeps it.
 */
import { useCallback, useState } from 'react';
import { create } from 'zustand';
import {
  closedPin,
  pinErrorDetails,
  pinReducer,
  pinToSend,
  type PinApprover,
  type PinEvent,
  type PinState,
} from '../lib/pin-dialog.ts';
import { errorInfo } from '../ui/errors.ts';

export type { Approval } from '../../../shared/contract/shifts.ts';
import type { Approval } from '../../../shared/contract/shifts.ts';

export class ApprovalCancelled extends Error {
  readonly code = 'pin_cancelled';
  readonly requestId = null;
  constructor() {
    super('pin_cancelled');
  }
}

export const isCancelled = (error: unknown): boolean => errorInfo(error).code === 'pin_cancelled';

export interface ApprovalAction {
  busy: boolean;
  error: unknown;
  setError: (error: unknown) => void;
  /** Runs `action`: busy meanwhile, the error cleared first and kept if it fails — unless the PIN dialog was dismissed. */
  run: (action: () => Promise<unknown>) => Promise<void>;
}

/** A button's action that may ask for a senior's PIN: its busy state and its error, Esc in the dialog not being one. */
export function useApprovalAction(): ApprovalAction {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      if (!isCancelled(err)) setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

interface Pending {
  run(approval: Approval): Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

let pending: Pending | null = null;

export interface ApprovalStore {
  pin: PinState;
  dispatch(event: PinEvent): void;
}

export const useApproval = create<ApprovalStore>()((set) => ({
  pin: closedPin,
  dispatch(event) {
    set((s) => ({ pin: pinReducer(s.pin, event) }));
  },
}));

const dispatch = (event: PinEvent): void => useApproval.getState().dispatch(event);

/** Where the dialog gets its approvers (seniors, or one person); state/shift.ts installs it. */
let seniorsSource: () => Promise<PinApprover[]> = () => Promise.resolve([]);
export function setSeniorsSource(source: () => Promise<PinApprover[]>): void {
  seniorsSource = source;
}

export interface ApprovalOptions {
  /** Ask at once, without trying the action first (opening or closing a shift always takes a PIN). */
  askFirst?: boolean;
  /** Who may approve; the senior staff by default. */
  approvers?: PinApprover[];
}

export async function withApproval<T>(
  purpose: string,
  run: (approval?: Approval) => Promise<T>,
  options: ApprovalOptions = {},
): Promise<T> {
  if (!options.askFirst) {
    try {
      return await run(undefined);
    } catch (err) {
      if (errorInfo(err).code !== 'pin_required') throw err;
    }
  }
  const approvers = options.approvers ?? (await seniorsSource());
  // A second guarded action while one waits: the first one is abandoned (its caller sees a cancel).
  pending?.reject(new ApprovalCancelled());
  return new Promise<T>((resolve, reject) => {
    pending = { run, resolve: resolve as (v: unknown) => void, reject };
    dispatch({ type: 'open', purpose, approvers });
  });
}

/** Enter in the dialog: send the typed PIN once with the pending action. */
export async function submitApproval(): Promise<void> {
  const state = useApproval.getState().pin;
  const pin = pinToSend(state);
  const staffId = state.staffId;
  dispatch({ type: 'submit' });
  const mine = pending;
  if (pin === null || staffId === null || !mine) return;
  try {
    const out = await mine.run({ staffId, pin });
    if (pending !== mine) return;
    pending = null;
    dispatch({ type: 'done' });
    mine.resolve(out);
  } catch (err) {
    if (pending !== mine) return;
    const code = errorInfo(err).code;
    const details = pinErrorDetails(errorInfo(err));
    if (code === 'pin_wrong') dispatch({ type: 'wrong', attemptsLeft: details.attemptsLeft });
    else if (code === 'pin_locked') dispatch({ type: 'locked', until: details.lockedUntil });
    else {
      pending = null;
      dispatch({ type: 'done' });
      mine.reject(err);
    }
  }
}

/** Esc / Cancel in the dialog. */
export function cancelApproval(): void {
  const mine = pending;
  pending = null;
  dispatch({ type: 'cancel' });
  mine?.reject(new ApprovalCancelled());
}
