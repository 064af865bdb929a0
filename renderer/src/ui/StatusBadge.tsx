import type { OrderStatus, RefundStatus } from '../../../shared/domain/order-status.ts';
import { useT, type MessageKey } from '../i18n/index.ts';

export function StatusBadge({
  status,
  testId,
  refund,
}: {
  status: OrderStatus | RefundStatus;
  testId?: string;
  refund?: boolean;
}) {
  const t = useT();
  const key = (refund ? `refundStatus.${status}` : `status.${status}`) as MessageKey;
  return (
    <span className={`badge badge-${status}`} data-testid={testId} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {t(key)}
    </span>
  );
}
