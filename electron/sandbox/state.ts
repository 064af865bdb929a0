/**
 * The sandbox gateway's world: accounts, orders, refunds, in memory (optionally persisted to a file by the HTTP side).
 * Every status change goes through this object and is announced as a `notify` event, which the gate delivers to the
 * consoles connected at that moment (sandbox/gate.ts). Nothing here does I/O.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { atom } from '../../shared/invoicebox/atom.ts';
import type { OrderStatus, RefundStatus } from '../../shared/domain/order-status.ts';

/** The public demo shop (shared by everyone; see the spec). */
export const DEMO_ACCOUNT: Account = {
  token: 'b37c4c689295904ed21eee5d9a48d42e',
  merchantId: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  name: 'Демо-магазин',
};

export interface Account {
  token: string;
  merchantId: string;
  name: string;
}

/** An order exactly as the API returns it (floats, ATOM dates), plus what the sandbox needs internally. */
export interface SandboxOrder {
  /** The OrderResponse body; `status`, `paidAt` kept in sync by setOrderStatus. */
  view: Record<string, unknown> & {
    id: string;
    merchantId: string;
    merchantOrderId: string;
    status: OrderStatus;
  };
  /** The gateway-side basket in integer units (kopecks, thousandths), for refund bookkeeping. */
  refundedKopecks: number;
}

export interface SandboxRefund {
  view: Record<string, unknown> & {
    id: string;
    parentId: string;
    merchantId: string;
    merchantOrderId: string;
    status: RefundStatus;
  };
}

export interface NotifyEvent {
  merchantId: string;
  /** The OrderNotification object sent as the single element of `params`. */
  notification: Record<string, unknown>;
}

export interface StateEvents {
  notify: [NotifyEvent];
}

export class SandboxState {
  readonly events = new EventEmitter<StateEvents>();
  readonly accounts = new Map<string, Account>(); // by token
  readonly orders = new Map<string, SandboxOrder>(); // by id
  readonly refunds = new Map<string, SandboxRefund>(); // by id
  /** `${merchantId}\n${merchantOrderId}` → order or refund id: merchantOrderId is unique per merchant across both. */
  readonly merchantOrderIds = new Map<string, string>();
  readonly now: () => Date;
  /** The accounts given at construction, restored by `reset()`. */
  private readonly initialAccounts: readonly Account[];

  constructor(options: { accounts?: Account[]; now?: () => Date } = {}) {
    this.now = options.now ?? (() => new Date());
    this.initialAccounts = [DEMO_ACCOUNT, ...(options.accounts ?? [])];
    this.reset();
  }

  /** Back to the start: no orders, no refunds, only the accounts given at construction. Announces nothing. */
  reset(): void {
    this.orders.clear();
    this.refunds.clear();
    this.merchantOrderIds.clear();
    this.accounts.clear();
    for (const a of this.initialAccounts) this.accounts.set(a.token, { ...a });
  }

  accountByToken(token: string): Account | undefined {
    return this.accounts.get(token);
  }

  newId(): string {
    return randomUUID();
  }

  isMerchantOrderIdTaken(merchantId: string, merchantOrderId: string): boolean {
    return this.merchantOrderIds.has(`${merchantId}\n${merchantOrderId}`);
  }

  addOrder(order: SandboxOrder): void {
    this.orders.set(order.view.id, order);
    this.merchantOrderIds.set(`${order.view.merchantId}\n${order.view.merchantOrderId}`, order.view.id);
  }

  addRefund(refund: SandboxRefund): void {
    this.restoreRefund(refund);
    this.events.emit('notify', {
      merchantId: refund.view.merchantId,
      notification: refundNotification(refund),
    });
  }

  /** Adds a refund without announcing it (loading a saved state). */
  restoreRefund(refund: SandboxRefund): void {
    this.refunds.set(refund.view.id, refund);
    this.merchantOrderIds.set(`${refund.view.merchantId}\n${refund.view.merchantOrderId}`, refund.view.id);
  }

  /** Changes an order's status and announces it. Callers check the business rules first. */
  setOrderStatus(id: string, status: OrderStatus): SandboxOrder {
    const order = this.orders.get(id);
    if (!order) throw new Error(`unknown order ${id}`);
    order.view.status = status;
    if (status === 'completed') order.view.paidAt = atom(this.now());
    this.events.emit('notify', {
      merchantId: order.view.merchantId,
      notification: structuredClone(order.view),
    });
    return order;
  }

  setRefundStatus(id: string, status: RefundStatus): SandboxRefund {
    const refund = this.refunds.get(id);
    if (!refund) throw new Error(`unknown refund ${id}`);
    refund.view.status = status;
    this.events.emit('notify', {
      merchantId: refund.view.merchantId,
      notification: refundNotification(refund),
    });
    return refund;
  }
}

/** A refund is announced as an OrderNotification with `subtype: "refund"` and its `parentId` (inferred shape). */
export function refundNotification(refund: SandboxRefund): Record<string, unknown> {
  return { ...structuredClone(refund.view), subtype: 'refund' };
}

export { atom };
