/**
 * Crash-safe, idempotent creation of orders and refunds.
 *
 * The idempotency key is the `merchantOrderId`: the gateway refuses a second order (or refund) with the same one
 * (422 `merchant_order_id_duplicate`). So the console:
 *  1. assigns the merchantOrderId itself, BEFORE sending (newMerchantOrderId: `PD-20261123-7K3F-9Q2M`);
 *  2. writes the intent to the journal (committed: the SQLite store, fsync'd) BEFORE the POST;
 *  3. sends the POST once (the client never retries a POST);
 *  4. on an answer: done → journal `complete`; a definitive refusal (4xx other than 429) → journal `fail`, throw;
 *  5. on a LOST answer (network error, time-out, 5xx, 429, an unreadable 2xx) it cannot know whether the order exists:
 *     it looks the order up by merchantOrderId. Found → complete, return it. Not found → sending again is safe, because
 *     a repeat that did land after all is refused as a duplicate; a duplicate → look it up again (patiently: the
 *     filter API may lag behind the billing API) → complete.
 *  6. When nothing gets through (`maxSends` sends) the intent stays PENDING and an IntentError `outcome_unknown` is
 *     thrown: the UI says "checking…", never "failed"; resolvePendingIntents finishes it later.
 * Never two orders: every send carries the same merchantOrderId.
 *
 * A found order is checked against the request (merchant, amount, VAT, currency): an order with our number but other
 * amounts is somebody else's (a number collision, astronomically rare): the intent fails `merchant_order_id_taken`.
 * A duplicate whose owner stays invisible after `lookupTries` patient lookups (the number is used by something the
 * filter does not show, e.g. a refund) fails `merchant_order_id_duplicate`: the gateway's definitive word.
 *
 * Double clicks: calls for the same intent while one is in flight share ONE promise (orders: same merchantOrderId —
 * the form assigns the number when it opens, so a double click carries the same one; refunds: same parent order and
 * the same basket and amount, whatever the merchantOrderId). A call matching an intent that is still PENDING in the
 * journal (an earlier try ended `outcome_unknown`) resumes that intent with its merchantOrderId instead of starting a
 * new one — so a cashier pressing "Refund" again after a lost answer never refunds twice.
 *
 * Start-up (resolvePendingIntents), for every pending intent:
 *  - create_order: found → complete. Not found and its expirationDate is more than a minute ahead → sent again with
 *    the same merchantOrderId (the cashier asked for that order; sending it again is safe and the order appears in the
 *    list, where it can be cancelled). Not found and expired (or about to) → failed `expired_unsent`: it can no longer
 *    be paid, and the gateway would refuse it (`wrong_expiration_date`).
 *  - create_refund: found → complete. Not found → NOT sent automatically (money leaves the shop; the cashier may have
 *    made the refund some other way meanwhile): left pending and reported in `awaitingDecision`. The UI asks; "send" is
 *    createRefundOnce with the same parent and basket (it resumes the pending intent, same merchantOrderId), "discard"
 *    is `journal.fail(merchantOrderId, 'discarded', …)`. Pass `resendRefunds: true` to send them instead.
 *  - other kinds (the store's `cancel_order`): skipped.
 *  - a lookup that fails (no network): left pending, reported in `unresolved`.
 */
import { randomInt } from 'node:crypto';
import {
  createOrderRequestSchema,
  createRefundRequestSchema,
  type CreateOrderRequest,
  type CreateRefundRequest,
  type OrderResponse,
  type RefundOrderResponse,
} from '../../../shared/invoicebox/schemas.ts';
import { kopecksFromApi } from '../../../shared/domain/money.ts';
import type { ApiClient, CallMeta } from './client.ts';
import { ApiError, isDefinitiveRefusal } from './errors.ts';

export type IntentKind = 'create_order' | 'create_refund';

export interface Intent {
  merchantOrderId: string;
  kind: IntentKind;
  /** The request body exactly as it is sent (JSON-serialisable). */
  request: unknown;
}

/** What pending() lists; a store may hold other kinds too (they are skipped here). */
export interface PendingIntent {
  merchantOrderId: string;
  kind: string;
  request: unknown;
}

/**
 * The journal the flows need. `begin` must be durable (committed / fsync'd) when it returns or resolves: the POST is
 * sent only after that. merchantOrderIds are unique across orders and refunds (the gateway's rule), so they identify
 * an intent of these two kinds.
 */
export interface IntentJournal {
  begin(intent: Intent): void | Promise<void>;
  complete(merchantOrderId: string, resultId: string, requestId?: string | null): void | Promise<void>;
  fail(
    merchantOrderId: string,
    code: string,
    message: string,
    requestId?: string | null,
  ): void | Promise<void>;
  /** Intents begun and neither completed nor failed. */
  pending(): PendingIntent[] | Promise<PendingIntent[]>;
}

export type IntentErrorCode = 'outcome_unknown' | 'merchant_order_id_taken';

/** A creation flow's own failure (a gateway refusal is thrown as the ApiError itself). */
export class IntentError extends Error {
  override readonly name = 'IntentError';
  readonly code: IntentErrorCode;
  readonly merchantOrderId: string;
  readonly kind: IntentKind;
  /** The intent is still pending in the journal (will be resolved later). */
  readonly pending: boolean;
  readonly requestId: string | null;

  constructor(init: {
    code: IntentErrorCode;
    merchantOrderId: string;
    kind: IntentKind;
    pending: boolean;
    message: string;
    requestId?: string | null;
    cause?: unknown;
  }) {
    const requestId = init.requestId ?? null;
    const text =
      requestId && !init.message.includes(requestId)
        ? `${init.message} (X-Request-Id: ${requestId})`
        : init.message;
    super(text, init.cause === undefined ? {} : { cause: init.cause });
    this.code = init.code;
    this.merchantOrderId = init.merchantOrderId;
    this.kind = init.kind;
    this.pending = init.pending;
    this.requestId = requestId;
  }
}

export interface OnceOptions {
  /** POSTs at most (the first included). Default 3. */
  maxSends?: number;
  /** Lookups after a `merchant_order_id_duplicate` before giving up. Default 4. */
  lookupTries?: number;
  /** Backoff base between sends / patient lookups, ms. Default 500 (then 1 000, 2 000 … with jitter). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface ResolveOptions extends OnceOptions {
  now?: () => Date;
  /** Send refunds that never reached the gateway (default false: leave them for the cashier to decide). */
  resendRefunds?: boolean;
  /** An order expiring sooner than this is not sent again. Default 60 000 ms. */
  expiryMarginMs?: number;
}

export interface ResolveSummary {
  /** Pending intents looked at. */
  checked: number;
  /** Found on the gateway → completed. */
  completed: string[];
  /** Not found → sent again → completed. */
  resent: string[];
  /** Marked failed, with the reason. */
  failed: { merchantOrderId: string; code: string }[];
  /** Still pending: the gateway could not be asked, or the send's outcome is unknown again. */
  unresolved: { merchantOrderId: string; reason: string }[];
  /** Refunds that never reached the gateway: the cashier decides (see the file comment). */
  awaitingDecision: string[];
  /** Kinds this module does not handle (e.g. cancel_order) or intents in flight in this process. */
  skipped: string[];
}

// ---- merchant order ids ----

/** No 0/O, 1/I/L, U: unambiguous when read aloud or typed from a receipt. */
export const MERCHANT_ORDER_ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
/**
 * `PD-20261123-7K3F-9Q2M`: prefix, the local date, 8 random characters from a 30-letter alphabet (crypto RNG) in two
 * groups of four, read aloud as "7K3F, 9Q2M". 30^8 ≈ 6.6e11 per day and prefix: a shop making 1 000 orders a day
 * meets a collision about once in 3 600 years. (Six characters, 7.3e8, would be ~0.07 % a day, i.e. about one
 * collision in four years — and the test creating 20 000 ids did collide.) A collision is still detected: the
 * gateway refuses the duplicate and the order found under the number has other amounts → `merchant_order_id_taken`.
 */
export function newMerchantOrderId(prefix = 'PD', now: Date = new Date()): string {
  if (!/^[A-Z0-9]{1,10}$/.test(prefix)) throw new RangeError(`prefix must be 1-10 of A-Z0-9, got ${prefix}`);
  const date = `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
  const pick = (): string => MERCHANT_ORDER_ID_ALPHABET[randomInt(MERCHANT_ORDER_ID_ALPHABET.length)]!;
  const group = (): string => pick() + pick() + pick() + pick();
  return `${prefix}-${date}-${group()}-${group()}`;
}

export const MERCHANT_ORDER_ID_PATTERN =
  /^[A-Z0-9]{1,10}-\d{8}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$/;

// ---- the flows ----

export type OrderDraft = Omit<CreateOrderRequest, 'merchantOrderId'> & { merchantOrderId?: string };
export type RefundDraft = Omit<CreateRefundRequest, 'merchantOrderId'> & { merchantOrderId?: string };

interface Flow<Req extends { merchantOrderId: string }, Res extends { id: string }> {
  kind: IntentKind;
  noun: string;
  send(req: Req, meta: CallMeta): Promise<Res>;
  lookup(merchantOrderId: string, meta: CallMeta): Promise<Res | null>;
  matches(found: Res, req: Req): boolean;
}

const orderFlow = (client: ApiClient): Flow<CreateOrderRequest, OrderResponse> => ({
  kind: 'create_order',
  noun: 'order',
  send: (req, meta) => client.createOrder(req, meta),
  lookup: (moid, meta) => client.findOrderByMerchantOrderId(moid, meta),
  matches: (found, req) =>
    found.merchantOrderId === req.merchantOrderId &&
    (found.merchantId === '' || found.merchantId === req.merchantId) &&
    sameMoney(found.amount, req.amount) &&
    sameMoney(found.vatAmount, req.vatAmount) &&
    found.currencyId === req.currencyId,
});

const refundFlow = (client: ApiClient): Flow<CreateRefundRequest, RefundOrderResponse> => ({
  kind: 'create_refund',
  noun: 'refund',
  send: (req, meta) => client.createRefund(req, meta),
  lookup: (moid, meta) => client.findRefundByMerchantOrderId(moid, meta),
  matches: (found, req) =>
    found.merchantOrderId === req.merchantOrderId &&
    found.parentId === req.parentId &&
    sameMoney(found.amount, req.amount) &&
    sameMoney(found.vatAmount, req.vatAmount),
});

function sameMoney(a: number, b: number): boolean {
  try {
    return kopecksFromApi(a) === kopecksFromApi(b);
  } catch {
    return false;
  }
}

/** In-flight creations per journal: key → promise (double clicks share it). */
const inflight = new WeakMap<IntentJournal, Map<string, Promise<unknown>>>();
/** merchantOrderIds in flight per journal (resolvePendingIntents leaves those alone). */
const inflightIds = new WeakMap<IntentJournal, Set<string>>();

function mapFor<K extends object, V>(map: WeakMap<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (!v) {
    v = make();
    map.set(key, v);
  }
  return v;
}

function shared<T>(journal: IntentJournal, key: string, run: () => Promise<T>): Promise<T> {
  const flights = mapFor(inflight, journal, () => new Map<string, Promise<unknown>>());
  const existing = flights.get(key);
  if (existing) return existing as Promise<T>;
  const promise = run().finally(() => flights.delete(key));
  flights.set(key, promise);
  return promise;
}

/**
 * Creates the order exactly once. Assigns a merchantOrderId when the draft has none (better: assign it when the form
 * opens, so that a double click carries the same one). Throws the gateway's ApiError on a refusal, an IntentError
 * otherwise (`outcome_unknown`: still pending, resolved later).
 */
export function createOrderOnce(
  client: ApiClient,
  journal: IntentJournal,
  draft: OrderDraft,
  options: OnceOptions = {},
): Promise<OrderResponse> {
  const req: CreateOrderRequest = {
    ...draft,
    merchantOrderId: draft.merchantOrderId ?? newMerchantOrderId('PD'),
  };
  return shared(journal, `create_order\n${req.merchantOrderId}`, async () => {
    const pending = await journal.pending();
    const existing = pending.find(
      (p) => p.merchantOrderId === req.merchantOrderId && p.kind === 'create_order',
    );
    const parsed = existing ? createOrderRequestSchema.safeParse(existing.request) : null;
    // Resuming a pending intent sends what was journaled, not what the caller passes now.
    const request = parsed?.success ? parsed.data : req;
    return runIntent(orderFlow(client), journal, request, Boolean(existing), options);
  });
}

/**
 * Creates the refund exactly once. Same parent + basket + amount while one is in flight or pending → the same
 * refund (same promise, or the pending intent resumed with its merchantOrderId).
 */
export function createRefundOnce(
  client: ApiClient,
  journal: IntentJournal,
  draft: RefundDraft,
  options: OnceOptions = {},
): Promise<RefundOrderResponse> {
  const key = refundKey(draft);
  return shared(journal, `create_refund\n${key}`, async () => {
    const pending = await journal.pending();
    for (const p of pending) {
      if (p.kind !== 'create_refund') continue;
      const parsed = createRefundRequestSchema.safeParse(p.request);
      if (parsed.success && refundKey(parsed.data) === key) {
        return runIntent(refundFlow(client), journal, parsed.data, true, options);
      }
    }
    const req: CreateRefundRequest = {
      ...draft,
      merchantOrderId: draft.merchantOrderId ?? newMerchantOrderId('RF'),
    };
    return runIntent(refundFlow(client), journal, req, false, options);
  });
}

/** Identity of a refund for double-click protection: the parent order, the amounts and the basket lines. */
export function refundKey(
  req: Pick<CreateRefundRequest, 'parentId' | 'amount' | 'vatAmount' | 'basketItems'>,
): string {
  const lines = req.basketItems
    .map((i) =>
      [i.sku, i.name, i.quantity, i.amount, i.totalAmount, i.totalVatAmount, i.vatCode].join('\u0001'),
    )
    .sort();
  return JSON.stringify([req.parentId, req.amount, req.vatAmount, lines]);
}

async function runIntent<Req extends { merchantOrderId: string }, Res extends { id: string }>(
  flow: Flow<Req, Res>,
  journal: IntentJournal,
  req: Req,
  alreadyBegun: boolean,
  options: OnceOptions,
  /** Look the intent up before the first send (default: when resuming an intent begun earlier). */
  lookFirst: boolean = alreadyBegun,
): Promise<Res> {
  const moid = req.merchantOrderId;
  const ids = mapFor(inflightIds, journal, () => new Set<string>());
  ids.add(moid);
  try {
    if (!alreadyBegun) await journal.begin({ merchantOrderId: moid, kind: flow.kind, request: req });
    return await sendUntilKnown(flow, journal, req, lookFirst, options);
  } finally {
    ids.delete(moid);
  }
}

type Lookup<Res> = { found: Res | null; requestId: string | null } | { error: unknown };

async function lookupOnce<Res>(
  flow: { lookup(merchantOrderId: string, meta: CallMeta): Promise<Res | null> },
  moid: string,
): Promise<Lookup<Res>> {
  const meta: CallMeta = {};
  try {
    const found = await flow.lookup(moid, meta);
    return { found, requestId: meta.requestId ?? null };
  } catch (error) {
    return { error };
  }
}

async function sendUntilKnown<Req extends { merchantOrderId: string }, Res extends { id: string }>(
  flow: Flow<Req, Res>,
  journal: IntentJournal,
  req: Req,
  lookFirst: boolean,
  options: OnceOptions,
): Promise<Res> {
  const moid = req.merchantOrderId;
  const maxSends = Math.max(1, options.maxSends ?? 3);
  const lookupTries = Math.max(1, options.lookupTries ?? 4);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const base = options.backoffBaseMs ?? 500;
  const cap = options.backoffMaxMs ?? 8_000;
  const backoff = (n: number): number => {
    const ceiling = Math.min(cap, base * 2 ** (n - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  const accept = (found: Res, requestId: string | null): Promise<Res> =>
    acceptFound(flow, journal, req, found, requestId);

  const unknown = (cause: unknown): IntentError => {
    const why = cause instanceof Error ? cause.message : String(cause);
    return new IntentError({
      code: 'outcome_unknown',
      merchantOrderId: moid,
      kind: flow.kind,
      pending: true,
      message:
        `Could not confirm whether ${flow.noun} ${moid} was created: ${why} ` +
        `PayDesk keeps checking it automatically; do not create it again.`,
      requestId: cause instanceof ApiError ? cause.requestId : null,
      cause,
    });
  };

  // A resumed intent may have landed already: look first, send only when it is not there.
  if (lookFirst) {
    const first = await lookupOnce(flow, moid);
    if ('found' in first && first.found) return accept(first.found, first.requestId);
  }

  let lastError: unknown = null;
  for (let send = 1; send <= maxSends; send++) {
    if (send > 1) await sleep(backoff(send - 1));
    const meta: CallMeta = {};
    try {
      const created = await flow.send(req, meta);
      await journal.complete(moid, created.id, meta.requestId ?? null);
      return created;
    } catch (err) {
      lastError = err;
      if (isDefinitiveRefusal(err)) {
        if (err.code !== 'merchant_order_id_duplicate') {
          await journal.fail(moid, err.code, err.message, err.requestId);
          throw err;
        }
        // Our number is taken: most likely by an earlier send of this very intent. Find it (the filter API may lag).
        for (let tries = 1; tries <= lookupTries; tries++) {
          if (tries > 1) await sleep(backoff(tries - 1));
          const look = await lookupOnce(flow, moid);
          if ('found' in look && look.found) return accept(look.found, look.requestId);
          if ('error' in look) lastError = look.error;
        }
        if (lastError === err) {
          // Refused as a duplicate, and (asked patiently) the gateway has no such order: nothing of ours exists.
          await journal.fail(moid, err.code, err.message, err.requestId);
          throw err;
        }
        throw unknown(lastError);
      }
      // The answer was lost: the order may or may not exist.
      const look = await lookupOnce(flow, moid);
      if ('found' in look && look.found) return accept(look.found, look.requestId);
      // Not found (or the lookup failed too): sending again is safe, the merchantOrderId protects us.
    }
  }
  throw unknown(lastError);
}

/** At start-up (and whenever the connection comes back): settles every pending intent. See the file comment. */
export async function resolvePendingIntents(
  client: ApiClient,
  journal: IntentJournal,
  options: ResolveOptions = {},
): Promise<ResolveSummary> {
  const now = options.now ?? (() => new Date());
  const margin = options.expiryMarginMs ?? 60_000;
  const summary: ResolveSummary = {
    checked: 0,
    completed: [],
    resent: [],
    failed: [],
    unresolved: [],
    awaitingDecision: [],
    skipped: [],
  };
  const busy = inflightIds.get(journal) ?? new Set<string>();

  for (const intent of await journal.pending()) {
    const moid = intent.merchantOrderId;
    if ((intent.kind !== 'create_order' && intent.kind !== 'create_refund') || busy.has(moid)) {
      summary.skipped.push(moid);
      continue;
    }
    summary.checked += 1;
    const isOrder = intent.kind === 'create_order';
    const parsed = isOrder
      ? createOrderRequestSchema.safeParse(intent.request)
      : createRefundRequestSchema.safeParse(intent.request);
    if (!parsed.success || parsed.data.merchantOrderId !== moid) {
      const message = `The journaled ${isOrder ? 'order' : 'refund'} request for ${moid} is unreadable; it was not sent.`;
      await journal.fail(moid, 'invalid_intent', message);
      summary.failed.push({ merchantOrderId: moid, code: 'invalid_intent' });
      continue;
    }

    const look = isOrder
      ? await lookupOnce(orderFlow(client), moid)
      : await lookupOnce(refundFlow(client), moid);
    if ('error' in look) {
      summary.unresolved.push({ merchantOrderId: moid, reason: errorText(look.error) });
      continue;
    }

    try {
      if (look.found) {
        if (isOrder) {
          const req = parsed.data as CreateOrderRequest;
          await acceptFound(orderFlow(client), journal, req, look.found as OrderResponse, look.requestId);
        } else {
          const req = parsed.data as CreateRefundRequest;
          await acceptFound(
            refundFlow(client),
            journal,
            req,
            look.found as RefundOrderResponse,
            look.requestId,
          );
        }
        summary.completed.push(moid);
        continue;
      }
      if (isOrder) {
        const expires = Date.parse((parsed.data as CreateOrderRequest).expirationDate);
        if (!Number.isFinite(expires) || expires - now().getTime() < margin) {
          const message = `Order ${moid} never reached Invoicebox and its expiration date has passed; it was not sent.`;
          await journal.fail(moid, 'expired_unsent', message);
          summary.failed.push({ merchantOrderId: moid, code: 'expired_unsent' });
          continue;
        }
        // Just looked it up: not there. Send (a repeat of a send that landed meanwhile is a duplicate → looked up).
        await runIntent(orderFlow(client), journal, parsed.data as CreateOrderRequest, true, options, false);
      } else {
        if (!options.resendRefunds) {
          summary.awaitingDecision.push(moid);
          continue;
        }
        await runIntent(
          refundFlow(client),
          journal,
          parsed.data as CreateRefundRequest,
          true,
          options,
          false,
        );
      }
      summary.resent.push(moid);
    } catch (err) {
      if (err instanceof IntentError && err.pending) {
        summary.unresolved.push({ merchantOrderId: moid, reason: err.message });
      } else {
        summary.failed.push({
          merchantOrderId: moid,
          code: err instanceof ApiError || err instanceof IntentError ? err.code : 'error',
        });
      }
    }
  }
  return summary;
}

/** An order / refund with our merchantOrderId was found: ours (amounts match) → complete; somebody else's → fail. */
async function acceptFound<Req extends { merchantOrderId: string }, Res extends { id: string }>(
  flow: Flow<Req, Res>,
  journal: IntentJournal,
  req: Req,
  found: Res,
  requestId: string | null,
): Promise<Res> {
  const moid = req.merchantOrderId;
  if (!flow.matches(found, req)) {
    const message =
      `The number ${moid} is already used by another ${flow.noun} on Invoicebox (different amounts); ` +
      `nothing was created. Create the ${flow.noun} again: it gets a new number.`;
    await journal.fail(moid, 'merchant_order_id_taken', message, requestId);
    throw new IntentError({
      code: 'merchant_order_id_taken',
      merchantOrderId: moid,
      kind: flow.kind,
      pending: false,
      message,
      requestId,
    });
  }
  await journal.complete(moid, found.id, requestId);
  return found;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
