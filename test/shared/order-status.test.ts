import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decideRefundStatus,
  decideStatus,
  ORDER_STATUSES,
  type OrderStatus,
} from '../../shared/domain/order-status.ts';

describe('order status never goes backwards', () => {
  it('applies forward moves, records stale ones', () => {
    expect(decideStatus(null, 'created').kind).toBe('apply');
    expect(decideStatus('created', 'completed').kind).toBe('apply');
    expect(decideStatus('created', 'expired').kind).toBe('apply');
    expect(decideStatus('expired', 'completed').kind).toBe('apply'); // paid after expiry
    expect(decideStatus('completed', 'created').kind).toBe('stale');
    expect(decideStatus('completed', 'canceled').kind).toBe('stale');
    expect(decideStatus('canceled', 'expired').kind).toBe('stale');
    expect(decideStatus('completed', 'completed').kind).toBe('duplicate');
  });

  it('any order of arrival converges to the same final status', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...ORDER_STATUSES], { minLength: 1 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (statuses, seeds) => {
          const fold = (seq: OrderStatus[]) =>
            seq.reduce<OrderStatus | null>(
              (cur, next) => (decideStatus(cur, next).kind === 'apply' ? next : cur),
              null,
            );
          const reordered = [...statuses];
          seeds.forEach((s, i) => {
            const j = s % reordered.length;
            [reordered[i % reordered.length], reordered[j]] = [
              reordered[j]!,
              reordered[i % reordered.length]!,
            ];
          });
          const a = fold(statuses);
          const b = fold(reordered);
          if (statuses.includes('completed')) {
            expect(a).toBe('completed');
            expect(b).toBe('completed');
          }
        },
      ),
    );
  });

  it('refunds move draft → created → completed|canceled', () => {
    expect(decideRefundStatus('created', 'completed').kind).toBe('apply');
    expect(decideRefundStatus('completed', 'created').kind).toBe('stale');
    expect(decideRefundStatus('completed', 'canceled').kind).toBe('stale');
  });
});
