/**
 * The SQLite store as the idempotency journal of api/idempotent.ts. merchantOrderIds are unique across orders and
 * refunds (the gateway's rule), so an intent is found by its merchantOrderId alone.
 */
import type { IntentJournal, PendingIntent } from '../api/idempotent.ts';
import type { Store } from './store.ts';
import type { IntentKind } from './types.ts';

export function storeJournal(store: Store): IntentJournal {
  const kindOf = (merchantOrderId: string): IntentKind => {
    for (const kind of ['create_order', 'create_refund'] as const) {
      if (store.getIntent({ kind, merchantOrderId })) return kind;
    }
    throw new Error(`no intent for ${merchantOrderId}`);
  };
  return {
    begin(intent) {
      store.beginIntent({
        kind: intent.kind,
        merchantOrderId: intent.merchantOrderId,
        request: intent.request,
      });
    },
    complete(merchantOrderId, resultId, requestId) {
      store.completeIntent(
        { kind: kindOf(merchantOrderId), merchantOrderId },
        { resultId, requestId: requestId ?? null },
      );
    },
    fail(merchantOrderId, code, message, requestId) {
      store.failIntent(
        { kind: kindOf(merchantOrderId), merchantOrderId },
        { code, message, requestId: requestId ?? null },
      );
    },
    pending(): PendingIntent[] {
      return store
        .pendingIntents()
        .map((i) => ({ merchantOrderId: i.merchantOrderId, kind: i.kind, request: i.request }));
    },
  };
}
