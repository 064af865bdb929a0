/**
 * When to tell the cashier "paid": the first time an order is seen `completed` after having been seen in another
 * status — or, for an order first seen already completed (the app was started, or reconciliation caught up), only
 * when it was paid moments ago. A restart must not replay yesterday's payments as a burst of notifications.
 * Pure: notify.ts shows the notification.
 */
import { formatKopecks } from '../../shared/domain/money.ts';
import type { OrderView } from '../../shared/contract/contract.ts';

/** An order first seen completed is announced only if paid within this window. */
export const RECENT_PAYMENT_MS = 2 * 60_000;
const MAX_TRACKED = 5_000;

export interface CompletionTracker {
  /** Record the order's status; true when this observation is the moment to notify. */
  observe(order: Pick<OrderView, 'id' | 'status' | 'paidAt' | 'updatedAt'>, now: number): boolean;
}

export function createCompletionTracker(): CompletionTracker {
  const seen = new Map<string, string>();
  return {
    observe(order, now) {
      const previous = seen.get(order.id);
      seen.delete(order.id); // re-insert: the Map stays in recency order for trimming
      seen.set(order.id, order.status);
      if (seen.size > MAX_TRACKED) {
        const oldest = seen.keys().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      if (order.status !== 'completed' || previous === 'completed') return false;
      if (previous !== undefined) return true;
      const at = Date.parse(order.paidAt ?? order.updatedAt);
      return Number.isFinite(at) && now - at <= RECENT_PAYMENT_MS && now - at >= -RECENT_PAYMENT_MS;
    },
  };
}

export function paidNotificationText(
  order: Pick<OrderView, 'merchantOrderId' | 'amount' | 'description'>,
  lang: 'ru' | 'en',
): { title: string; body: string } {
  const amount = `${formatKopecks(order.amount, lang)} ₽`;
  const what = order.description.trim().slice(0, 120);
  if (lang === 'en') {
    return {
      title: `Paid: ${amount}`,
      body: `Order ${order.merchantOrderId}${what ? ` — ${what}` : ''} has been paid.`,
    };
  }
  return {
    title: `Оплачено: ${amount}`,
    body: `Заказ ${order.merchantOrderId}${what ? ` — ${what}` : ''} оплачен.`,
  };
}

/**
 * The sound: a notification that is not silent plays the system's sound on Windows and macOS; most Linux
 * notification daemons play none, so there the shell also beeps — as everywhere notifications are unsupported.
 */
export function shouldBeep(platform: NodeJS.Platform, notificationsSupported: boolean): boolean {
  return !notificationsSupported || platform === 'linux';
}
