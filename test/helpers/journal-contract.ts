/**
 * The IntentJournal contract, as a reusable vitest suite: run it against any implementation (the in-memory and file
 * journals of test/helpers/journals.ts; the SQLite store once it is wired):
 *
 *   journalContract(() => ({ journal: new MemoryJournal(), state: (id) => … }), 'MemoryJournal');
 *
 * Part 1 checks the journal itself; part 2 runs the creation flows of electron/core/api/idempotent.ts over it against
 * a scripted fake gateway (no network), so that a journal is proven to work with the flows, not just in isolation.
 *
 * What an implementation must do:
 *  - `begin` is durable when it returns / resolves, keeps the request as JSON (deep-equal after a round trip), and
 *    REJECTS a merchantOrderId it already knows (whatever its state: a done intent is never silently reset);
 *  - `complete` / `fail` settle a pending intent (it leaves `pending()`);
 *  - `pending()` lists exactly the intents neither completed nor failed, with kind and request.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApiClient, CallMeta } from '../../electron/core/api/client.ts';
import { ApiError } from '../../electron/core/api/errors.ts';
import {
  createOrderOnce,
  createRefundOnce,
  IntentError,
  resolvePendingIntents,
  type IntentJournal,
} from '../../electron/core/api/idempotent.ts';
import type {
  CreateOrderRequest,
  CreateRefundRequest,
  OrderResponse,
  RefundOrderResponse,
} from '../../shared/invoicebox/schemas.ts';
import { orderDraft, orderRequest, refundDraft } from './api-requests.ts';

export interface IntentState {
  state: 'pending' | 'done' | 'failed';
  resultId?: string | null;
  errorCode?: string | null;
}

export interface JournalHarness {
  journal: IntentJournal;
  /** Reads one intent's state (for the assertions); null when unknown. */
  state(merchantOrderId: string): IntentState | null | Promise<IntentState | null>;
  /** Re-opens the same storage, as after a restart (omit when the journal is not persistent). */
  reopen?(): IntentJournal | Promise<IntentJournal>;
  cleanup?(): void | Promise<void>;
}

// ---- a scripted fake gateway ----

/**
 * What the next POST does: `ok`; `lose`: the gateway creates it but the answer is lost (time-out); `fail500`: 500
 * before anything is created; `down`: no connection; `{refuse}`: a 422 with that code.
 */
export type FakeStep = 'ok' | 'lose' | 'fail500' | 'down' | { refuse: string };

export class FakeGateway {
  readonly orders = new Map<string, OrderResponse>();
  readonly refunds = new Map<string, RefundOrderResponse>();
  /** Consumed one per POST; when empty, `ok`. */
  readonly script: FakeStep[] = [];
  /** The next N lookups fail (no connection). */
  lookupsDown = 0;
  posts = 0;
  lookups = 0;

  private step(): FakeStep {
    return this.script.shift() ?? 'ok';
  }

  private post<T extends { id: string }>(
    moid: string,
    store: Map<string, T>,
    make: () => T,
    meta?: CallMeta,
  ): T {
    this.posts += 1;
    const step = this.step();
    const path = '/v3/fake';
    if (step === 'fail500')
      throw new ApiError({
        kind: 'http',
        code: 'internal_error',
        status: 500,
        requestId: 'rq-500',
        method: 'POST',
        path,
      });
    if (step === 'down')
      throw new ApiError({ kind: 'network', code: 'network_error', status: null, method: 'POST', path });
    if (typeof step === 'object') {
      throw new ApiError({
        kind: 'http',
        code: step.refuse,
        status: 422,
        requestId: 'rq-422',
        method: 'POST',
        path,
      });
    }
    if (this.orders.has(moid) || this.refunds.has(moid)) {
      throw new ApiError({
        kind: 'http',
        code: 'merchant_order_id_duplicate',
        status: 422,
        requestId: 'rq-dup',
        method: 'POST',
        path,
      });
    }
    const created = make();
    store.set(moid, created);
    if (step === 'lose')
      throw new ApiError({
        kind: 'timeout',
        code: 'timeout',
        status: null,
        timeoutMs: 1,
        method: 'POST',
        path,
      });
    if (meta) meta.requestId = `rq-${created.id}`;
    return created;
  }

  private lookup<T>(store: Map<string, T>, moid: string): T | null {
    this.lookups += 1;
    if (this.lookupsDown > 0) {
      this.lookupsDown -= 1;
      throw new ApiError({
        kind: 'network',
        code: 'network_error',
        status: null,
        method: 'GET',
        path: '/v3/fake',
      });
    }
    return store.get(moid) ?? null;
  }

  client(): ApiClient {
    const impl: Partial<ApiClient> = {
      createOrder: async (req: CreateOrderRequest, meta?: CallMeta) =>
        this.post(
          req.merchantOrderId,
          this.orders,
          () =>
            ({
              ...req,
              id: randomUUID(),
              status: 'created',
              createdAt: new Date().toISOString(),
              paymentUrl: 'https://pay.invalid/x',
            }) as OrderResponse,
          meta,
        ),
      createRefund: async (req: CreateRefundRequest, meta?: CallMeta) =>
        this.post(
          req.merchantOrderId,
          this.refunds,
          () =>
            ({
              ...req,
              id: randomUUID(),
              status: 'created',
              createdAt: new Date().toISOString(),
            }) as RefundOrderResponse,
          meta,
        ),
      findOrderByMerchantOrderId: async (moid: string) => this.lookup(this.orders, moid),
      findRefundByMerchantOrderId: async (moid: string) => this.lookup(this.refunds, moid),
    };
    return new Proxy(impl as ApiClient, {
      get(target, prop, receiver) {
        if (prop in target) return Reflect.get(target, prop, receiver);
        if (prop === 'then') return undefined;
        return () => {
          throw new Error(`FakeGateway: ${String(prop)} is not implemented`);
        };
      },
    });
  }
}

const FAST = { sleep: async () => {}, backoffBaseMs: 1 } as const;

/** The suite. `makeJournal` is called once per test and must return an empty journal. */
export function journalContract(
  makeJournal: () => JournalHarness | Promise<JournalHarness>,
  label = 'IntentJournal contract',
): void {
  describe(label, () => {
    const withJournal = (fn: (h: JournalHarness) => Promise<void>) => async (): Promise<void> => {
      const h = await makeJournal();
      try {
        await fn(h);
      } finally {
        await h.cleanup?.();
      }
    };

    // ---- part 1: the journal ----

    it(
      'begin → pending, with the request intact',
      withJournal(async ({ journal, state }) => {
        const request = orderRequest({ description: 'Кофе «Арабика» — 2 × 489,50 ₽' });
        await journal.begin({ merchantOrderId: request.merchantOrderId, kind: 'create_order', request });
        const pending = await journal.pending();
        expect(pending).toHaveLength(1);
        expect(pending[0]).toMatchObject({ merchantOrderId: request.merchantOrderId, kind: 'create_order' });
        expect(pending[0]!.request).toEqual(JSON.parse(JSON.stringify(request)));
        expect((await state(request.merchantOrderId))?.state).toBe('pending');
      }),
    );

    it(
      'complete and fail settle one intent each; the others stay pending',
      withJournal(async ({ journal, state }) => {
        const [a, b, c] = [orderRequest(), orderRequest(), orderRequest()];
        for (const r of [a, b, c])
          await journal.begin({ merchantOrderId: r!.merchantOrderId, kind: 'create_order', request: r });
        await journal.complete(a!.merchantOrderId, 'order-a', 'rq-a');
        await journal.fail(b!.merchantOrderId, 'wrong_total_amount', 'Wrong total', 'rq-b');
        const pending = await journal.pending();
        expect(pending.map((p) => p.merchantOrderId)).toEqual([c!.merchantOrderId]);
        expect(await state(a!.merchantOrderId)).toMatchObject({ state: 'done', resultId: 'order-a' });
        expect(await state(b!.merchantOrderId)).toMatchObject({
          state: 'failed',
          errorCode: 'wrong_total_amount',
        });
      }),
    );

    it(
      'refuses to begin a merchantOrderId it already knows (never resets a done intent)',
      withJournal(async ({ journal, state }) => {
        const r = orderRequest();
        await journal.begin({ merchantOrderId: r.merchantOrderId, kind: 'create_order', request: r });
        await expect(
          (async () =>
            journal.begin({ merchantOrderId: r.merchantOrderId, kind: 'create_order', request: r }))(),
        ).rejects.toThrow();
        await journal.complete(r.merchantOrderId, 'order-1');
        await expect(
          (async () =>
            journal.begin({ merchantOrderId: r.merchantOrderId, kind: 'create_order', request: r }))(),
        ).rejects.toThrow();
        expect(await state(r.merchantOrderId)).toMatchObject({ state: 'done', resultId: 'order-1' });
      }),
    );

    it(
      'keeps order and refund intents apart by kind',
      withJournal(async ({ journal }) => {
        const order = orderRequest();
        const refund = {
          ...refundDraft('00000000-0000-0000-0000-000000000001'),
          merchantOrderId: `${order.merchantOrderId}-R`,
        };
        await journal.begin({ merchantOrderId: order.merchantOrderId, kind: 'create_order', request: order });
        await journal.begin({
          merchantOrderId: refund.merchantOrderId,
          kind: 'create_refund',
          request: refund,
        });
        const kinds = Object.fromEntries((await journal.pending()).map((p) => [p.merchantOrderId, p.kind]));
        expect(kinds).toEqual({
          [order.merchantOrderId]: 'create_order',
          [refund.merchantOrderId]: 'create_refund',
        });
      }),
    );

    it(
      'survives a restart (when persistent)',
      withJournal(async (h) => {
        if (!h.reopen) return;
        const [a, b] = [orderRequest(), orderRequest()];
        await h.journal.begin({ merchantOrderId: a.merchantOrderId, kind: 'create_order', request: a });
        await h.journal.begin({ merchantOrderId: b.merchantOrderId, kind: 'create_order', request: b });
        await h.journal.complete(a.merchantOrderId, 'order-a');
        const again = await h.reopen();
        const pending = await again.pending();
        expect(pending.map((p) => p.merchantOrderId)).toEqual([b.merchantOrderId]);
        expect(pending[0]!.request).toEqual(JSON.parse(JSON.stringify(b)));
      }),
    );

    // ---- part 2: the flows over this journal ----

    it(
      'createOrderOnce: a clean create completes the intent',
      withJournal(async ({ journal, state }) => {
        const gw = new FakeGateway();
        const order = await createOrderOnce(gw.client(), journal, orderDraft(), FAST);
        expect(await state(order.merchantOrderId)).toMatchObject({ state: 'done', resultId: order.id });
        expect(await journal.pending()).toEqual([]);
      }),
    );

    it(
      'createOrderOnce: a refusal fails the intent and throws the gateway error',
      withJournal(async ({ journal, state }) => {
        const gw = new FakeGateway();
        gw.script.push({ refuse: 'wrong_total_amount' });
        const draft = { ...orderDraft(), merchantOrderId: orderRequest().merchantOrderId };
        await expect(createOrderOnce(gw.client(), journal, draft, FAST)).rejects.toMatchObject({
          code: 'wrong_total_amount',
        });
        expect(await state(draft.merchantOrderId)).toMatchObject({
          state: 'failed',
          errorCode: 'wrong_total_amount',
        });
        expect(gw.posts).toBe(1);
      }),
    );

    it(
      'createOrderOnce: answer lost after the gateway created it → found, completed, one order',
      withJournal(async ({ journal, state }) => {
        const gw = new FakeGateway();
        gw.script.push('lose');
        const order = await createOrderOnce(gw.client(), journal, orderDraft(), FAST);
        expect(gw.orders.size).toBe(1);
        expect(gw.posts).toBe(1);
        expect(await state(order.merchantOrderId)).toMatchObject({ state: 'done', resultId: order.id });
      }),
    );

    it(
      'createOrderOnce: 500 before creation → not found → sent again → one order',
      withJournal(async ({ journal, state }) => {
        const gw = new FakeGateway();
        gw.script.push('fail500', 'down');
        const order = await createOrderOnce(gw.client(), journal, orderDraft(), FAST);
        expect(gw.orders.size).toBe(1);
        expect(gw.posts).toBe(3);
        expect(await state(order.merchantOrderId)).toMatchObject({ state: 'done', resultId: order.id });
      }),
    );

    it(
      'createOrderOnce: a repeat that lands as a duplicate is looked up, even when the first lookup failed',
      withJournal(async ({ journal, state }) => {
        const gw = new FakeGateway();
        gw.script.push('lose');
        gw.lookupsDown = 1; // the lookup after the lost answer fails → the flow sends again → duplicate → lookup
        const order = await createOrderOnce(gw.client(), journal, orderDraft(), FAST);
        expect(gw.orders.size).toBe(1);
        expect(gw.posts).toBe(2);
        expect(await state(order.merchantOrderId)).toMatchObject({ state: 'done', resultId: order.id });
      }),
    );

    it(
      'createOrderOnce: nothing gets through → outcome_unknown, still pending; resolvePendingIntents finishes it',
      withJournal(async ({ journal, state }) => {
        const gw = new FakeGateway();
        gw.script.push('lose', 'down', 'down');
        gw.lookupsDown = 10;
        const draft = { ...orderDraft(), merchantOrderId: orderRequest().merchantOrderId };
        const err = await createOrderOnce(gw.client(), journal, draft, FAST).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(IntentError);
        expect(err).toMatchObject({
          code: 'outcome_unknown',
          pending: true,
          merchantOrderId: draft.merchantOrderId,
        });
        expect((await state(draft.merchantOrderId))?.state).toBe('pending');

        gw.lookupsDown = 0;
        const summary = await resolvePendingIntents(gw.client(), journal, FAST);
        expect(summary.completed).toEqual([draft.merchantOrderId]);
        expect(gw.orders.size).toBe(1);
        expect(await state(draft.merchantOrderId)).toMatchObject({
          state: 'done',
          resultId: gw.orders.get(draft.merchantOrderId)!.id,
        });
      }),
    );

    it(
      'resolvePendingIntents: an order that never left is sent again; an expired one is failed',
      withJournal(async ({ journal, state }) => {
        const gw = new FakeGateway();
        const fresh = orderRequest();
        const stale = orderRequest({ expirationDate: new Date(Date.now() - 1000).toISOString() });
        await journal.begin({ merchantOrderId: fresh.merchantOrderId, kind: 'create_order', request: fresh });
        await journal.begin({ merchantOrderId: stale.merchantOrderId, kind: 'create_order', request: stale });
        const summary = await resolvePendingIntents(gw.client(), journal, FAST);
        expect(summary.resent).toEqual([fresh.merchantOrderId]);
        expect(summary.failed).toEqual([{ merchantOrderId: stale.merchantOrderId, code: 'expired_unsent' }]);
        expect([...gw.orders.keys()]).toEqual([fresh.merchantOrderId]);
        expect((await state(fresh.merchantOrderId))?.state).toBe('done');
        expect(await state(stale.merchantOrderId)).toMatchObject({
          state: 'failed',
          errorCode: 'expired_unsent',
        });
      }),
    );

    it(
      'createRefundOnce: a double click makes one refund; a pending refund is resumed, never repeated',
      withJournal(async ({ journal, state }) => {
        const gw = new FakeGateway();
        const parent = randomUUID();
        const [r1, r2] = await Promise.all([
          createRefundOnce(gw.client(), journal, refundDraft(parent), FAST),
          createRefundOnce(gw.client(), journal, refundDraft(parent), FAST),
        ]);
        expect(r1.id).toBe(r2.id);
        expect(gw.refunds.size).toBe(1);
        expect(gw.posts).toBe(1);
        expect((await state(r1.merchantOrderId))?.state).toBe('done');

        // A refund whose outcome is unknown stays pending; start-up leaves it to the cashier; pressing Refund again
        // resumes it (same merchantOrderId) instead of refunding twice.
        const parent2 = randomUUID();
        gw.script.push('lose', 'down', 'down');
        gw.lookupsDown = 10;
        const err = await createRefundOnce(gw.client(), journal, refundDraft(parent2), FAST).catch(
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: 'outcome_unknown', pending: true });
        const moid = (err as IntentError).merchantOrderId;
        gw.lookupsDown = 0;
        gw.refunds.clear(); // pretend that send never landed: start-up must not send it on its own
        const summary = await resolvePendingIntents(gw.client(), journal, FAST);
        expect(summary.awaitingDecision).toEqual([moid]);
        expect(gw.refunds.size).toBe(0);
        expect((await state(moid))?.state).toBe('pending');
        const again = await createRefundOnce(gw.client(), journal, refundDraft(parent2), FAST);
        expect(again.merchantOrderId).toBe(moid);
        expect(gw.refunds.size).toBe(1);
        expect((await state(moid))?.state).toBe('done');
      }),
    );
  });
}
