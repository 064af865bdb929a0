/**
 * "Paid" for the cashier even when PayDesk is behind another window: an OS notification with sound when an order
 * becomes `completed` (notify-policy.ts decides when). Clicking it brings the cashier's window forward.
 */
import { Notification, shell } from 'electron';
import type { OrderView } from '../../shared/contract/contract.ts';
import type { Core } from '../core/core.ts';
import { createCompletionTracker, paidNotificationText, shouldBeep } from './notify-policy.ts';

export interface NotifyOptions {
  core: Pick<Core, 'events'>;
  lang(): 'ru' | 'en';
  focusCashier(): void;
  warn(event: string, fields: Record<string, string>): void;
}

export function startPaidNotifications(options: NotifyOptions): () => void {
  const tracker = createCompletionTracker();
  const onOrder = (order: OrderView): void => {
    if (!tracker.observe(order, Date.now())) return;
    const supported = Notification.isSupported();
    if (shouldBeep(process.platform, supported)) shell.beep();
    if (!supported) return;
    try {
      const { title, body } = paidNotificationText(order, options.lang());
      const notification = new Notification({
        title,
        body,
        silent: false,
        urgency: 'normal',
        timeoutType: 'default',
        ...(process.platform === 'darwin' ? { sound: 'Glass' } : {}),
      });
      notification.on('click', () => options.focusCashier());
      notification.show();
    } catch (err) {
      options.warn('notify.failed', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  options.core.events.on('order', onOrder);
  return () => options.core.events.off('order', onOrder);
}
