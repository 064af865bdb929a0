/**
 * End-of-shift reports: the one just made by closing a shift (kept so the report screen shows it at once), the
 * history list, and a report fetched again — which the core re-checks against the gateway (the filter API).
 */
import { create } from 'zustand';
import type { MethodOutput } from '../../../shared/contract/contract.ts';
import { bridge } from '../bridge.ts';

export type ShiftReport = MethodOutput<'shift.report'>;
/** The history lists shifts; the figures are in each one's report. */
export type ShiftSummary = MethodOutput<'shift.list'>[number];

export interface ReportsStore {
  byShift: Record<string, ShiftReport>;
  list: ShiftSummary[] | null;
  remember(report: ShiftReport): void;
  /** Asks the core for the report (verified against the gateway now). */
  fetch(shiftId: string): Promise<ShiftReport>;
  loadList(): Promise<void>;
}

export const useReports = create<ReportsStore>()((set) => ({
  byShift: {},
  list: null,
  remember(report) {
    set((s) => ({ byShift: { ...s.byShift, [report.shift.id]: report } }));
  },
  async fetch(shiftId) {
    const report = await bridge.invoke('shift.report', { shiftId });
    set((s) => ({ byShift: { ...s.byShift, [report.shift.id]: report } }));
    return report;
  },
  async loadList() {
    const list = await bridge.invoke('shift.list', {});
    set({ list });
  },
}));
