/**
 * Staff and the current shift, as the core reports them. The renderer never decides who is on shift: it asks
 * (`shift.current`), and opens or closes a shift only through the core, with the PIN typed in the PIN dialog.
 */
import { create } from 'zustand';
import type { MethodInput, MethodOutput } from '../../../shared/contract/contract.ts';
import { bridge } from '../bridge.ts';
import { setSeniorsSource, withApproval, type Approval } from './approval.ts';

export type StaffView = MethodOutput<'staff.list'>[number];
export type ShiftView = NonNullable<MethodOutput<'shift.current'>>;
export type ShiftReport = MethodOutput<'shift.close'>;
export type StaffSaveInput = MethodInput<'staff.save'>;

export interface ShiftStore {
  /** null until the first load. */
  staff: StaffView[] | null;
  /** undefined until the first load; null = no open shift. */
  current: ShiftView | null | undefined;
  loadError: unknown;
  load(): Promise<void>;
  /** Opens a shift for `staffId`: the PIN dialog asks that person's PIN. */
  open(staffId: string): Promise<ShiftView>;
  /** Closes the current shift (its cashier's PIN, or a senior's); answers the report. */
  close(): Promise<ShiftReport>;
  /** Adds or changes a staff member; a senior approves unless the core lets it through (the first senior). */
  saveStaff(input: Omit<StaffSaveInput, 'approval'>): Promise<StaffView>;
  removeStaff(id: string): Promise<void>;
}

export const activeSeniors = (staff: readonly StaffView[] | null): StaffView[] =>
  (staff ?? []).filter((s) => s.role === 'senior' && s.active);

export const useShift = create<ShiftStore>()((set, get) => ({
  staff: null,
  current: undefined,
  loadError: null,
  async load() {
    try {
      const [staff, current] = await Promise.all([
        bridge.invoke('staff.list', {}),
        bridge.invoke('shift.current', {}),
      ]);
      set({ staff, current, loadError: null });
    } catch (err) {
      set({ loadError: err });
    }
  },
  async open(staffId) {
    const who = get().staff?.find((s) => s.id === staffId);
    const shift = await withApproval(
      'openShift',
      (a?: Approval) => bridge.invoke('shift.open', { staffId, pin: a?.pin ?? '' }),
      { askFirst: true, approvers: who ? [{ id: who.id, name: who.name }] : [] },
    );
    set({ current: shift });
    return shift;
  },
  async close() {
    const current = get().current;
    const cashierId = current?.staffId ?? null;
    const cashier = get().staff?.find((s) => s.id === cashierId);
    // The cashier of the shift first; any senior may close it too (with their own PIN and id).
    const approvers = [
      ...(cashier ? [cashier] : current ? [{ id: current.staffId, name: current.cashierName }] : []),
      ...activeSeniors(get().staff).filter((s) => s.id !== cashierId),
    ].map((s) => ({ id: s.id, name: s.name }));
    const report = await withApproval(
      'closeShift',
      (a?: Approval) =>
        bridge.invoke(
          'shift.close',
          a && a.staffId !== cashierId ? { pin: a.pin, staffId: a.staffId } : { pin: a?.pin ?? '' },
        ),
      { askFirst: true, approvers },
    );
    set({ current: null });
    return report;
  },
  async saveStaff(input) {
    const saved = await withApproval('staff', (approval?: Approval) =>
      bridge.invoke('staff.save', approval ? { ...input, approval } : input),
    );
    await get().load();
    return saved;
  },
  async removeStaff(id) {
    await withApproval('staff', (approval?: Approval) =>
      bridge.invoke('staff.remove', approval ? { id, approval } : { id }),
    );
    await get().load();
  },
}));

setSeniorsSource(async () => {
  let staff = useShift.getState().staff;
  if (!staff) {
    await useShift.getState().load();
    staff = useShift.getState().staff;
  }
  return activeSeniors(staff).map((s) => ({ id: s.id, name: s.name }));
});
