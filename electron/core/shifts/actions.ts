/**
 * The contract methods of shifts (staff.*, shift.*): open and close a shift with a PIN, the report (computed from the
 * shift's stamped rows, checked against the gateway), its CSV and PDF. core.ts merges these with the other actions;
 * the PIN policy for every method is enforced before, in guard.ts.
 */
import { randomUUID } from 'node:crypto';
import type { MethodInput, MethodOutput } from '../../../shared/contract/contract.ts';
import type { ShiftMethodName, ShiftReport, ShiftView } from '../../../shared/contract/shifts.ts';
import type { ApiClient } from '../api/client.ts';
import type { Log } from '../diagnostics/log.ts';
import type { ShiftRow } from '../store/shifts.ts';
import type { Store } from '../store/store.ts';
import { reportCsv } from './csv.ts';
import { ShiftError } from './errors.ts';
import { reportPdf } from './pdf.ts';
import { computeReport, type ReportCancel, type ReportOrder, type ReportRefund } from './report.ts';
import { fetchGatewayTruth, reconcileRows, unverified } from './report-verify.ts';
import type { StaffService } from './staff.ts';

export type ShiftActions = {
  [M in ShiftMethodName]: (input: MethodInput<M>) => Promise<MethodOutput<M>>;
};

export interface ShiftActionDeps {
  store: Store;
  log: Log;
  staff: StaffService;
  /** The API client of the current session; throws when there is none (the report is then unverified). */
  api: () => ApiClient;
  shopName: () => string;
  language: () => 'ru' | 'en';
  now?: () => Date;
}

export function shiftView(row: ShiftRow): ShiftView {
  return {
    id: row.id,
    number: row.number,
    staffId: row.staffId,
    cashierName: row.cashierName,
    openedAt: row.openedAt,
    closedAt: row.closedAt,
    status: row.closedAt === null ? 'open' : 'closed',
  };
}

/** The shift's own rows, from its stamps. */
export function shiftRows(
  store: Store,
  shiftId: string,
): { orders: ReportOrder[]; refunds: ReportRefund[]; cancels: ReportCancel[] } {
  return {
    orders: store.ordersOfShift(shiftId).map((o) => ({
      id: o.id,
      merchantOrderId: o.merchantOrderId,
      status: o.status,
      amount: o.amount,
      vatAmount: o.vatAmount,
      currency: o.currency,
      expirationDate: o.expirationDate,
      paidAt: o.paidAt,
      basket: o.basket,
    })),
    refunds: store.refundsOfShift(shiftId).map((r) => ({
      id: r.id,
      parentId: r.parentId,
      merchantOrderId: r.merchantOrderId,
      status: r.status,
      amount: r.amount,
      vatAmount: r.vatAmount,
      basket: r.basket,
    })),
    cancels: store.cancelsOfShift(shiftId).map((c) => ({
      id: c.order.id,
      merchantOrderId: c.order.merchantOrderId,
      amount: c.order.amount,
      vatAmount: c.order.vatAmount,
    })),
  };
}

export function createShiftActions(deps: ShiftActionDeps): ShiftActions {
  const { store, log, staff } = deps;
  const shifts = store.shifts;
  const now = deps.now ?? (() => new Date());

  const getShift = (id: string): ShiftRow => {
    const row = shifts.getShift(id);
    if (!row) throw new ShiftError('shift_not_found', 'No such shift');
    return row;
  };

  /** The report of a shift from its rows, verified against the gateway when asked (and possible). */
  async function buildReport(row: ShiftRow, verify: boolean): Promise<ShiftReport> {
    const local = shiftRows(store, row.id);
    const generatedAt = now().toISOString();
    const documents = local.orders.length + local.refunds.length;
    if (!verify) {
      return computeReport({
        shift: shiftView(row),
        generatedAt,
        ...local,
        verification: unverified(null, documents),
      });
    }
    try {
      const orderIds = [...local.orders.map((o) => o.id), ...local.cancels.map((c) => c.id)];
      const truth = await fetchGatewayTruth(
        deps.api(),
        orderIds,
        local.refunds.map((r) => r.id),
      );
      const checked = reconcileRows(local, truth, now().toISOString());
      if (checked.verification.differences.length > 0) {
        log.warn('shift.report.differences', {
          shiftId: row.id,
          count: checked.verification.differences.length,
        });
      }
      return computeReport({ shift: shiftView(row), generatedAt, ...checked });
    } catch (err) {
      log.warn('shift.report.unverified', { shiftId: row.id, error: (err as Error).message });
      return computeReport({
        shift: shiftView(row),
        generatedAt,
        ...local,
        verification: unverified(err, documents),
      });
    }
  }

  /**
   * The open shift's report is computed now; a closed shift's is the one stored at closing — re-checked (and stored
   * again) when it could not be verified then, e.g. the console was offline at closing.
   */
  async function report(shiftId: string | undefined, verify: boolean): Promise<ShiftReport> {
    const row = shiftId ? getShift(shiftId) : (shifts.openShift() ?? shifts.lastShift());
    if (!row) throw new ShiftError('shift_not_found', 'No shift has been opened yet');
    if (row.closedAt === null) return buildReport(row, verify);
    const stored = row.report as ShiftReport | null;
    if (stored && (!verify || stored.verification.state !== 'unverified')) return stored;
    const fresh = await buildReport(row, verify);
    if (fresh.verification.state !== 'unverified' || !stored) shifts.saveReport(row.id, fresh);
    return fresh;
  }

  return {
    'staff.list': async () => staff.list(),
    'staff.save': async (input) => staff.save(input),
    'staff.remove': async ({ id }) => staff.remove(id),
    'shift.current': async () => {
      const row = shifts.openShift();
      return row ? shiftView(row) : null;
    },
    'shift.open': async ({ staffId, pin }) => {
      if (shifts.openShift())
        throw new ShiftError('shift_open_already', 'A shift is open already: close it first');
      const who = await staff.checkPin(staffId, pin);
      const row = shifts.insertShift({ id: randomUUID(), staffId: who.id, cashierName: who.name });
      if (!row) throw new ShiftError('shift_open_already', 'A shift is open already: close it first');
      log.info('shift.opened', { shiftId: row.id, number: row.number, staffId: who.id });
      return shiftView(row);
    },
    'shift.close': async ({ pin, staffId }) => {
      const open = shifts.openShift();
      if (!open) throw new ShiftError('shift_not_open', 'No shift is open');
      const who = await staff.checkPin(staffId ?? open.staffId, pin);
      if (who.id !== open.staffId && who.role !== 'senior') {
        throw new ShiftError('pin_required', `Only ${open.cashierName} or a senior can close this shift`, [
          { name: 'pin', code: 'not_allowed' },
        ]);
      }
      // Closed first (nothing more is stamped with it), then reported and the report stored with the shift.
      const closed = shifts.closeShift(open.id, who.id, () => null);
      if (!closed) throw new ShiftError('shift_not_open', 'The shift was closed meanwhile');
      const result = await buildReport(closed, true);
      shifts.saveReport(closed.id, result);
      log.info('shift.closed', {
        shiftId: closed.id,
        number: closed.number,
        net: result.totals.net,
        verification: result.verification.state,
      });
      return result;
    },
    'shift.report': async ({ shiftId, verify }) => report(shiftId, verify ?? true),
    'shift.list': async ({ limit, before }) => shifts.listShifts(limit ?? 50, before).map(shiftView),
    'shift.exportCsv': async ({ shiftId }) => reportCsv(await report(shiftId, true)),
    'shift.exportPdf': async ({ shiftId }) =>
      Buffer.from(
        await reportPdf(await report(shiftId, true), {
          shopName: deps.shopName(),
          language: deps.language(),
        }),
      ).toString('base64'),
  };
}
