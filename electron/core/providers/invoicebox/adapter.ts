/**
 * Invoicebox as the first provider adapter: the session (API client, gate listener, reconciler, idempotent creation;
 * electron/core/session.ts) behind the ProviderAdapter shape. Nothing of the session changes: this only names its
 * capabilities, translates its connection view into the provider-neutral one and its stored changes into
 * TrackedOrders, and owns its lifetime (`stop` stops the session).
 */
import { EventEmitter } from 'node:events';
import type { ConnectionView } from '../../../../shared/contract/contract.ts';
import { CAPABILITIES, neutralFromInvoicebox } from '../../../../shared/domain/providers.ts';
import { isFinalStatus } from '../../../../shared/domain/order-status.ts';
import type { Session } from '../../session.ts';
import type { OrderRow } from '../../store/types.ts';
import type { ProviderAdapter, ProviderConnection, ProviderEvents, TrackedOrder } from '../types.ts';

export interface InvoiceboxAdapter extends ProviderAdapter {
  readonly provider: 'invoicebox';
  readonly session: Session;
}

export function invoiceboxConnection(view: ConnectionView): ProviderConnection {
  return { provider: 'invoicebox', state: view.state, reason: view.reason, at: view.since };
}

/** A stored Invoicebox order as the neutral model sees it (the store already decided apply/stale). */
export function invoiceboxTrackedOrder(row: OrderRow, source: TrackedOrder['source']): TrackedOrder {
  return {
    provider: 'invoicebox',
    id: row.id,
    status: neutralFromInvoicebox(row.status),
    rawStatus: row.status,
    amount: row.amount,
    currency: row.currency,
    paymentUrl: row.paymentUrl,
    final: isFinalStatus(row.status),
    source,
    at: row.updatedAt,
    raw: row.raw,
  };
}

export function createInvoiceboxAdapter(session: Session): InvoiceboxAdapter {
  const events = new EventEmitter<ProviderEvents>();
  session.events.on('connection', (view) => events.emit('connection', invoiceboxConnection(view)));
  session.events.on('change', (change) => {
    if (change.kind === 'order') events.emit('update', invoiceboxTrackedOrder(change.order, 'push'));
  });
  return {
    provider: 'invoicebox',
    capabilities: CAPABILITIES.invoicebox,
    events,
    session,
    connection: () => invoiceboxConnection(session.connection.view()),
    async stop() {
      await session.stop();
      events.removeAllListeners();
    },
  };
}
