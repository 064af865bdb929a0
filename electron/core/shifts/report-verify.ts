/**
 * The report checked against the gateway: the shift's orders and refunds are fetched back with the filter API (by id,
 * batched `id[]=` up to the client's page size, through the client's rate limiter like every call), compared with
 * the console's rows, and the report is computed from the gateway's version — the gateway's truth, not only the
 * console's. Each difference names the X-Request-Id of the answer that showed it.
 *
 * `fetchGatewayTruth` is the I/O; `reconcileRows` is pure.
 */
import type { ReportDifference, ReportVerification } from '../../../shared/contract/shifts.ts';
import type { OrderResponse, RefundOrderResponse } from '../../../shared/invoicebox/schemas.ts';
import type { ApiClient, CallMeta } from '../api/client.ts';
import { toContractError } from '../errors.ts';
import { orderSnapshot, refundSnapshot } from '../invoicebox/snapshots.ts';
import type { ReportCancel, ReportOrder, ReportRefund } from './report.ts';

export interface Seen<T> {
  doc: T;
  requestId: string | null;
}

export interface GatewayTruth {
  orders: Map<string, Seen<ReportOrder>>;
  refunds: Map<string, Seen<ReportRefund>>;
  requestIds: string[];
}

type Finder<T> = (ids: string[], page: number, pageSize: number, meta: CallMeta) => Promise<T[]>;

async function fetchByIds<T extends { id: string }>(
  ids: readonly string[],
  pageSize: number,
  find: Finder<T>,
  requestIds: string[],
): Promise<Map<string, Seen<T>>> {
  const out = new Map<string, Seen<T>>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += pageSize) {
    const chunk = unique.slice(i, i + pageSize);
    const wanted = new Set(chunk);
    for (let page = 1, missing = chunk.length; missing > 0 && page <= chunk.length; page++) {
      const meta: CallMeta = {};
      const found = await find(chunk, page, pageSize, meta);
      const requestId = meta.requestId ?? null;
      if (requestId) requestIds.push(requestId);
      let fresh = 0;
      for (const doc of found) {
        if (!wanted.has(doc.id) || out.has(doc.id)) continue;
        out.set(doc.id, { doc, requestId });
        fresh += 1;
        missing -= 1;
      }
      if (found.length === 0 || fresh === 0) break;
    }
  }
  return out;
}

export function reportOrderFromGateway(o: OrderResponse): ReportOrder {
  const s = orderSnapshot(o);
  return {
    id: s.id,
    merchantOrderId: s.merchantOrderId,
    status: s.status,
    amount: s.amount,
    vatAmount: s.vatAmount,
    currency: s.currencyId,
    expirationDate: s.expirationDate,
    paidAt: s.paidAt ?? null,
    basket: s.basket ?? null,
  };
}

export function reportRefundFromGateway(r: RefundOrderResponse): ReportRefund {
  const s = refundSnapshot(r);
  return {
    id: s.id,
    parentId: s.parentId,
    merchantOrderId: s.merchantOrderId,
    status: s.status,
    amount: s.amount,
    vatAmount: s.vatAmount,
    basket: s.basket ?? null,
  };
}

/** The gateway's version of these orders and refunds (unknown ids are absent). Throws what the API client throws. */
export async function fetchGatewayTruth(
  api: ApiClient,
  orderIds: readonly string[],
  refundIds: readonly string[],
): Promise<GatewayTruth> {
  const requestIds: string[] = [];
  const pageSize = api.maxPageSize;
  const orders = await fetchByIds(
    orderIds,
    pageSize,
    (ids, page, size, meta) => api.findOrders({ where: { id: ids }, page, pageSize: size }, meta),
    requestIds,
  );
  const refunds = await fetchByIds(
    refundIds,
    pageSize,
    (ids, page, size, meta) => api.findRefunds({ where: { id: ids }, page, pageSize: size }, meta),
    requestIds,
  );
  const mapSeen = <A, B>(m: Map<string, Seen<A>>, f: (a: A) => B) =>
    new Map([...m].map(([id, s]) => [id, { doc: f(s.doc), requestId: s.requestId }] as const));
  return {
    orders: mapSeen(orders, reportOrderFromGateway),
    refunds: mapSeen(refunds, reportRefundFromGateway),
    requestIds,
  };
}

const sameTime = (a: string | null, b: string | null): boolean =>
  a === b || (a !== null && b !== null && Date.parse(a) === Date.parse(b));

/**
 * The console's rows against the gateway's (pure): the rows to compute the report from (the gateway's version where
 * it has one; a document the gateway does not know is kept as the console has it, and listed), and the differences.
 * A cancel counts only while the gateway still says `canceled`.
 */
export function reconcileRows(
  local: {
    orders: readonly ReportOrder[];
    refunds: readonly ReportRefund[];
    cancels: readonly ReportCancel[];
  },
  truth: GatewayTruth,
  checkedAt: string,
): {
  orders: ReportOrder[];
  refunds: ReportRefund[];
  cancels: ReportCancel[];
  verification: ReportVerification;
} {
  const differences: ReportDifference[] = [];
  const diff = (
    kind: ReportDifference['kind'],
    document: ReportDifference['document'],
    doc: { id: string; merchantOrderId: string },
    field: string,
    mine: string | number | null,
    theirs: string | number | null,
    requestId: string | null,
  ) =>
    differences.push({
      kind,
      document,
      id: doc.id,
      merchantOrderId: doc.merchantOrderId,
      field,
      console: mine === null ? null : String(mine),
      gateway: theirs === null ? null : String(theirs),
      requestId,
    });

  const compareMoney = (
    document: 'order' | 'refund',
    mine: { id: string; merchantOrderId: string; amount: number; vatAmount: number },
    theirs: { amount: number; vatAmount: number },
    requestId: string | null,
  ) => {
    if (mine.amount !== theirs.amount)
      diff('amount', document, mine, 'amount', mine.amount, theirs.amount, requestId);
    if (mine.vatAmount !== theirs.vatAmount)
      diff('amount', document, mine, 'vatAmount', mine.vatAmount, theirs.vatAmount, requestId);
  };

  const orders = local.orders.map((mine) => {
    const seen = truth.orders.get(mine.id);
    if (!seen) {
      diff('missing_on_gateway', 'order', mine, 'id', mine.id, null, null);
      return mine;
    }
    const theirs = seen.doc;
    if (mine.status !== theirs.status)
      diff('status', 'order', mine, 'status', mine.status, theirs.status, seen.requestId);
    compareMoney('order', mine, theirs, seen.requestId);
    if (!sameTime(mine.paidAt, theirs.paidAt))
      diff('paid_at', 'order', mine, 'paidAt', mine.paidAt, theirs.paidAt, seen.requestId);
    return theirs;
  });

  const refunds = local.refunds.map((mine) => {
    const seen = truth.refunds.get(mine.id);
    if (!seen) {
      diff('missing_on_gateway', 'refund', mine, 'id', mine.id, null, null);
      return mine;
    }
    if (mine.status !== seen.doc.status)
      diff('status', 'refund', mine, 'status', mine.status, seen.doc.status, seen.requestId);
    compareMoney('refund', mine, seen.doc, seen.requestId);
    return seen.doc;
  });

  const cancels = local.cancels.filter((c) => {
    const seen = truth.orders.get(c.id);
    return !seen || seen.doc.status === 'canceled';
  });

  return {
    orders,
    refunds,
    cancels,
    verification: {
      state: differences.length === 0 ? 'verified' : 'differences',
      checkedAt,
      documents: local.orders.length + local.refunds.length,
      differences,
      requestIds: truth.requestIds,
      error: null,
    },
  };
}

/** The verification of a report that could not be checked (the gateway unreachable, no session, …). */
export function unverified(err: unknown, documents: number): ReportVerification {
  const e = err === null ? null : toContractError(err, []);
  return {
    state: 'unverified',
    checkedAt: null,
    documents,
    differences: [],
    requestIds: [],
    error: e === null ? null : { code: e.code, message: e.message, requestId: e.requestId },
  };
}
