/**
 * The Invoicebox API v3 client of the console core (plain Node: global fetch, AbortSignal.timeout).
 *
 * Every call:
 *  - waits for a slot of the client-side rate limiter (rate-limiter.ts: 90 / 30 s, headroom under the gateway's 100);
 *  - fetches the token from `getToken()` (never stored here, never logged, masked out of every error);
 *  - sends the headers the spec requires (Content-Type, Accept, a real User-Agent, Authorization: Bearer);
 *  - is bounded by a time-out (AbortSignal.timeout, default 15 s, covering the body as well);
 *  - validates the answer with the zod response schemas (shared/invoicebox/schemas.ts): anything unexpected becomes an
 *    ApiError of kind `invalid_response` naming the field, never an `undefined` deep in the UI;
 *  - is recorded (method, path and query KEYS only, status, X-Request-Id, duration) through `onCall` and in
 *    `recentCalls()` (the last 200), for diagnostics and support.
 *
 * Retry policy (see also idempotent.ts):
 *  - GET (check token, find/get orders and refunds, refundable items) and PUT (update order: the same full set of values
 *    again leaves the order as one PUT would) are retried on network errors, time-outs, 5xx and 429: at most
 *    `maxAttempts` (4) tries, exponential backoff with jitter; after a 429 the limiter is paused for the `Retry-After`
 *    (everybody waits, not just this call) and the retry goes out when the pause ends.
 *  - DELETE (cancel order) is retried the same way: cancelling is idempotent in effect. A repeat whose first try DID
 *    land answers 422 `wrong_order_status` (the order is already canceled); so on `wrong_order_status` the client looks
 *    the order up and, if it is `canceled`, returns it as the result: the caller wanted the order canceled and it is,
 *    whoever did it (a double click, another till). If the order is paid or expired the original error is thrown.
 *  - POST (create order, create refund) is NEVER retried here: a lost answer may mean the order exists. The crash-safe
 *    creation flows in idempotent.ts decide what to do, using the unique merchantOrderId.
 *  - 4xx other than 429 are final answers: never retried.
 */
import { atom } from '../../../shared/invoicebox/atom.ts';
import { z } from 'zod';
import {
  authResponseSchema,
  errorBodySchema,
  orderResponseSchema,
  refundOrderResponseSchema,
  responseBasketItemSchema,
  successBodySchema,
  type CreateOrderRequest,
  type CreateRefundRequest,
  type OrderResponse,
  type RefundOrderResponse,
  type ResponseBasketItem,
  type UpdateOrderRequest,
} from '../../../shared/invoicebox/schemas.ts';
import { ApiError, type ApiErrorKind } from './errors.ts';
import { createRateLimiter, parseRetryAfter, type RateLimiter } from './rate-limiter.ts';

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_BACKOFF_BASE_MS = 250;
export const DEFAULT_BACKOFF_MAX_MS = 5_000;
/**
 * Largest `pageSize` the console asks for, and so the largest batch of ids per `id[]=` request. The public docs give
 * only the default (30); the sandbox caps at 100, and the console never relies on more.
 */
export const DEFAULT_MAX_PAGE_SIZE = 100;
export const RECENT_CALLS_KEPT = 200;

export type ApiPrefix = 'v3' | 'l3';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One HTTP exchange (one try: a retried call leaves one record per try). Nothing personal, nothing secret. */
export interface ApiCallRecord {
  /** ISO time the request was sent. */
  at: string;
  method: HttpMethod;
  /** Path plus the query's KEYS only, e.g. `/v3/filter/api/order/order?merchantOrderId&pageSize`. */
  path: string;
  /** HTTP status; null when no answer arrived. */
  status: number | null;
  requestId: string | null;
  durationMs: number;
  /** 1 for the first try. */
  attempt: number;
  errorCode?: string;
  errorKind?: ApiErrorKind;
}

export interface ApiClientOptions {
  /** Origin: `https://api.invoicebox.ru` or a sandbox's `http://127.0.0.1:<port>` (a trailing slash is ignored). */
  baseUrl: string;
  /** `v3` (default) or `l3` for merchants registered via business.invoicebox.ru. */
  prefix?: ApiPrefix;
  /** The current token, per call; null = none configured. */
  getToken: () => Promise<string | null>;
  /** Default `PayDesk`. */
  appName?: string;
  appVersion: string;
  /** Per try. Default 15 000 ms. */
  timeoutMs?: number;
  /** Shared limiter (one per account); default: a new 90 / 30 s one. */
  limiter?: RateLimiter;
  onCall?: (record: ApiCallRecord) => void;
  fetch?: typeof fetch;
  /** Tries for retryable calls (GET, PUT, DELETE). Default 4. */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Default 100; see DEFAULT_MAX_PAGE_SIZE. */
  maxPageSize?: number;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

// ---- filter queries ----

export type FilterScalar = string | number | boolean | Date;
export const FILTER_OPERATORS = ['_eq', '_ne', '_gt', '_ge', '_lt', '_le', '_start'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
/** `value` → `field=value`; `[a, b]` → `field[]=a&field[]=b`; `{_ge: x, _lt: y}` → `field[_ge]=x&field[_lt]=y`. */
export type FilterCondition =
  FilterScalar | readonly FilterScalar[] | { readonly [K in FilterOperator]?: FilterScalar };
export type SortDirection = 'asc' | 'desc';

/** The filter fields the console uses (the sandbox accepts exactly these; unknown fields are a 422). */
export type OrderFilterField =
  | 'id'
  | 'merchantOrderId'
  | 'merchantOrderIdVisible'
  | 'status'
  | 'amount'
  | 'vatAmount'
  | 'currencyId'
  | 'description'
  | 'createdAt'
  | 'expirationDate'
  | 'paidAt'
  | 'parentId'
  | 'orderContainerId';

export type RefundFilterField =
  'id' | 'parentId' | 'merchantOrderId' | 'status' | 'amount' | 'vatAmount' | 'currencyId' | 'createdAt';

export interface FilterQuery<F extends string = OrderFilterField> {
  where?: { readonly [K in F]?: FilterCondition };
  /** Sort keys in priority order (`_order[field]=dir`); an object keeps its key order. */
  orderBy?: ReadonlyArray<readonly [F, SortDirection]> | { readonly [K in F]?: SortDirection };
  /** 1-based. */
  page?: number;
  /** 1..maxPageSize (the gateway's default is 30). */
  pageSize?: number;
}

function scalarText(value: FilterScalar): string {
  if (value instanceof Date) return atom(value);
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

/** The query string of a filter request. Throws RangeError for what the gateway would misread (an empty set, …). */
export function buildFilterQuery(
  query: FilterQuery<string>,
  maxPageSize: number = DEFAULT_MAX_PAGE_SIZE,
): URLSearchParams {
  const params = new URLSearchParams();
  for (const [field, cond] of Object.entries(query.where ?? {}) as [string, FilterCondition | undefined][]) {
    if (cond === undefined) continue;
    if (Array.isArray(cond)) {
      // An empty set would be dropped from the query string and so match EVERYTHING: refuse it.
      if (cond.length === 0) throw new RangeError(`empty set for filter field ${field}`);
      for (const v of cond as readonly FilterScalar[]) params.append(`${field}[]`, scalarText(v));
    } else if (typeof cond === 'object' && !(cond instanceof Date)) {
      const entries = Object.entries(cond).filter(([, v]) => v !== undefined) as [string, FilterScalar][];
      if (entries.length === 0) throw new RangeError(`no operator for filter field ${field}`);
      for (const [op, v] of entries) {
        if (!(FILTER_OPERATORS as readonly string[]).includes(op)) {
          throw new RangeError(`unknown filter operator ${op} for ${field}`);
        }
        params.append(`${field}[${op}]`, scalarText(v));
      }
    } else {
      params.append(field, scalarText(cond as FilterScalar));
    }
  }
  const order: [string, SortDirection][] = Array.isArray(query.orderBy)
    ? (query.orderBy as [string, SortDirection][])
    : (Object.entries(query.orderBy ?? {}) as [string, SortDirection | undefined][]).filter(
        (e): e is [string, SortDirection] => e[1] !== undefined,
      );
  for (const [field, dir] of order) {
    if (dir !== 'asc' && dir !== 'desc')
      throw new RangeError(`sort direction must be asc or desc, got ${dir}`);
    params.append(`_order[${field}]`, dir);
  }
  if (query.page !== undefined) {
    if (!Number.isInteger(query.page) || query.page < 1)
      throw new RangeError(`page must be >= 1, got ${query.page}`);
    params.set('page', String(query.page));
  }
  if (query.pageSize !== undefined) {
    if (!Number.isInteger(query.pageSize) || query.pageSize < 1 || query.pageSize > maxPageSize) {
      throw new RangeError(`pageSize must be 1..${maxPageSize}, got ${query.pageSize}`);
    }
    params.set('pageSize', String(query.pageSize));
  }
  return params;
}

// ---- the client ----

export interface TokenCheck {
  valid: boolean;
  userId: string | null;
}

export interface ApiClient {
  /** With a token: checks that token (before saving it); without: the configured one. 401 → `{valid: false}`. */
  checkToken(token?: string): Promise<TokenCheck>;
  /** Sent once, never retried (see idempotent.ts for the crash-safe flow). */
  createOrder(req: CreateOrderRequest, meta?: CallMeta): Promise<OrderResponse>;
  updateOrder(id: string, req: UpdateOrderRequest, meta?: CallMeta): Promise<OrderResponse>;
  /** Idempotent: an order that is already canceled is returned as the result. */
  cancelOrder(id: string, meta?: CallMeta): Promise<OrderResponse>;
  /** null when the gateway does not know it. */
  getOrder(id: string, meta?: CallMeta): Promise<OrderResponse | null>;
  findOrders(query?: FilterQuery<OrderFilterField>, meta?: CallMeta): Promise<OrderResponse[]>;
  /** Batched (`id[]=`, at most maxPageSize ids a request) and paged; unknown ids are simply absent. */
  findOrdersByIds(ids: readonly string[]): Promise<OrderResponse[]>;
  findOrderByMerchantOrderId(merchantOrderId: string, meta?: CallMeta): Promise<OrderResponse | null>;
  refundableItems(orderId: string, meta?: CallMeta): Promise<ResponseBasketItem[]>;
  /** Sent once, never retried. */
  createRefund(req: CreateRefundRequest, meta?: CallMeta): Promise<RefundOrderResponse>;
  findRefunds(query?: FilterQuery<RefundFilterField>, meta?: CallMeta): Promise<RefundOrderResponse[]>;
  findRefundByMerchantOrderId(merchantOrderId: string, meta?: CallMeta): Promise<RefundOrderResponse | null>;
  /** The last 200 calls, oldest first. */
  recentCalls(): ApiCallRecord[];
  readonly limiter: RateLimiter;
  readonly userAgent: string;
  readonly maxPageSize: number;
}

interface CallSpec<T> {
  method: HttpMethod;
  /** After the prefix: `/billing/api/order/order`. */
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  schema: z.ZodType<T>;
  retry: boolean;
  /** An explicit token (checkToken(token)); undefined = ask getToken(). */
  token?: string | null;
  meta?: CallMeta | undefined;
}

/** Filled in by a call when passed (an out-parameter, so the common case stays `const order = await …`). */
export interface CallMeta {
  /** X-Request-Id of the answer that produced the result. */
  requestId?: string | null;
  status?: number | null;
  /** Tries made (1 = no retry). */
  attempts?: number;
}

interface CallResult<T> {
  data: T;
  status: number;
  requestId: string | null;
}

const orderBody = successBodySchema(orderResponseSchema);
const ordersBody = successBodySchema(z.array(orderResponseSchema));
const refundBody = successBodySchema(refundOrderResponseSchema);
const refundsBody = successBodySchema(z.array(refundOrderResponseSchema));
const basketBody = successBodySchema(z.array(responseBasketItemSchema));
const authBody = successBodySchema(authResponseSchema);

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createApiClient(options: ApiClientOptions): ApiClient {
  const origin = options.baseUrl.replace(/\/+$/, '');
  const prefix = options.prefix ?? 'v3';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const backoffMaxMs = options.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS;
  const maxPageSize = options.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE;
  const limiter = options.limiter ?? createRateLimiter();
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const userAgent = `${options.appName ?? 'PayDesk'}/${options.appVersion} (Invoicebox API v3; Node ${process.versions.node})`;
  const recent: ApiCallRecord[] = [];

  const record = (r: ApiCallRecord): void => {
    recent.push(r);
    if (recent.length > RECENT_CALLS_KEPT) recent.splice(0, recent.length - RECENT_CALLS_KEPT);
    try {
      options.onCall?.(r);
    } catch {
      // A broken logger must not break a payment.
    }
  };

  const backoff = (attempt: number): number => {
    const ceiling = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2); // "equal jitter": never 0, never over the ceiling
  };

  async function attempt<T>(spec: CallSpec<T>, attemptNo: number): Promise<CallResult<T>> {
    const release = await limiter.acquire();
    try {
      return await exchange(spec, attemptNo);
    } finally {
      release(); // the slot counts from the answer: see rate-limiter.ts
    }
  }

  async function exchange<T>(spec: CallSpec<T>, attemptNo: number): Promise<CallResult<T>> {
    const token = spec.token !== undefined ? spec.token : await options.getToken();
    const secrets = token ? [token] : [];
    const fullPath = `/${prefix}${spec.path}`;
    const queryText = spec.query?.toString() ?? '';
    const url = `${origin}${fullPath}${queryText ? `?${queryText}` : ''}`;
    const keys = spec.query ? [...new Set(spec.query.keys())] : [];
    const recordPath = keys.length > 0 ? `${fullPath}?${keys.join('&')}` : fullPath;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'User-Agent': userAgent,
    };
    if (token) headers.Authorization = `Bearer ${token}`;

    const at = new Date().toISOString();
    const started = performance.now();
    const base = { method: spec.method, path: fullPath, secrets } as const;
    let status: number | null = null;
    let requestId: string | null = null;
    const done = (error?: ApiError): void => {
      record({
        at,
        method: spec.method,
        path: recordPath,
        status,
        requestId: error?.requestId ?? requestId,
        durationMs: Math.round(performance.now() - started),
        attempt: attemptNo,
        ...(error ? { errorCode: error.code, errorKind: error.kind } : {}),
      });
    };
    const fail = (init: ConstructorParameters<typeof ApiError>[0]): never => {
      const error = new ApiError({ ...base, ...init });
      done(error);
      throw error;
    };

    const signal = AbortSignal.timeout(timeoutMs);
    let text: string;
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal,
        redirect: 'manual',
      });
      status = res.status;
      requestId = res.headers.get('x-request-id');
      text = await res.text();
    } catch (err) {
      const timedOut = signal.aborted || (err instanceof Error && err.name === 'TimeoutError');
      if (timedOut) {
        return fail({ kind: 'timeout', code: 'timeout', status: null, requestId, timeoutMs });
      }
      return fail({
        kind: 'network',
        code: 'network_error',
        status: null,
        requestId,
        detail: networkDetail(err),
        cause: err,
      });
    }

    if (status >= 300 && status < 400) {
      return fail({
        kind: 'invalid_response',
        code: 'unexpected_redirect',
        status,
        requestId,
        detail: `unexpected redirect${res.headers.get('location') ? ` to ${res.headers.get('location')}` : ''}`,
      });
    }

    if (status >= 400) {
      let body: unknown = undefined;
      try {
        body = JSON.parse(text);
      } catch {
        // A proxy's HTML page: the status is what counts.
      }
      const parsed = errorBodySchema.safeParse(body);
      const error = parsed.success ? parsed.data.error : null;
      const code = error?.code || (status === 429 ? 'too_many_requests' : `http_${status}`);
      if (status === 429) {
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        if (retryAfterMs !== null) limiter.pauseFor(retryAfterMs);
        return fail({
          kind: 'rate_limited',
          code,
          status,
          requestId,
          serverMessage: error?.message,
          retryAfterMs,
        });
      }
      return fail({
        kind: 'http',
        code,
        status,
        requestId,
        serverMessage: error?.message ?? null,
        fields: (error?.fields ?? []).map((f) => ({
          name: f.name,
          code: f.code ?? '',
          message: f.message ?? '',
        })),
      });
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail({
        kind: 'invalid_response',
        code: 'invalid_response',
        status,
        requestId,
        detail: text.trim() === '' ? 'empty body' : 'the body is not JSON',
      });
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      return fail({
        kind: 'invalid_response',
        code: 'invalid_response',
        status,
        requestId,
        detail: describeIssues(parsed.error.issues),
      });
    }
    done();
    return { data: parsed.data, status, requestId };
  }

  async function call<T>(spec: CallSpec<T>): Promise<CallResult<T>> {
    const tries = spec.retry ? maxAttempts : 1;
    for (let n = 1; ; n++) {
      try {
        const result = await attempt(spec, n);
        if (spec.meta)
          Object.assign(spec.meta, { requestId: result.requestId, status: result.status, attempts: n });
        return result;
      } catch (err) {
        if (spec.meta) {
          Object.assign(spec.meta, {
            requestId: err instanceof ApiError ? err.requestId : null,
            status: err instanceof ApiError ? err.status : null,
            attempts: n,
          });
        }
        if (!(err instanceof ApiError) || !err.retryable || n >= tries) throw err;
        // After a 429 with Retry-After the limiter is paused: the next acquire() waits for it. Otherwise back off.
        if (!(err.kind === 'rate_limited' && err.retryAfterMs !== null)) await sleep(backoff(n));
      }
    }
  }

  const get = async <T>(
    path: string,
    schema: z.ZodType<{ data: T }>,
    query?: URLSearchParams,
    meta?: CallMeta,
  ): Promise<T> => (await call({ method: 'GET', path, schema, query, retry: true, meta })).data.data;

  const client: ApiClient = {
    limiter,
    userAgent,
    maxPageSize,

    async checkToken(token?: string): Promise<TokenCheck> {
      try {
        const res = await call({
          method: 'GET',
          path: '/security/api/auth/auth',
          schema: authBody,
          retry: true,
          ...(token !== undefined ? { token: token.trim() || null } : {}),
        });
        const userId = res.data.data.userId;
        return userId === null || userId === ''
          ? { valid: false, userId: null }
          : { valid: true, userId: String(userId) };
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return { valid: false, userId: null };
        throw err;
      }
    },

    async createOrder(req, meta) {
      return (
        await call({
          method: 'POST',
          path: '/billing/api/order/order',
          body: req,
          schema: orderBody,
          retry: false,
          meta,
        })
      ).data.data;
    },

    async updateOrder(id, req, meta) {
      return (
        await call({
          method: 'PUT',
          path: `/billing/api/order/order/${encodeURIComponent(id)}`,
          body: req,
          schema: orderBody,
          retry: true,
          meta,
        })
      ).data.data;
    },

    async cancelOrder(id, meta) {
      try {
        return (
          await call({
            method: 'DELETE',
            path: `/billing/api/order/order/${encodeURIComponent(id)}`,
            schema: orderBody,
            retry: true,
            meta,
          })
        ).data.data;
      } catch (err) {
        if (err instanceof ApiError && err.kind === 'http' && err.code === 'wrong_order_status') {
          // Already canceled (our own earlier try that lost its answer, a double click, another till): that is the
          // state the caller asked for. Paid / expired orders keep the original error.
          const current = await client.getOrder(id).catch(() => null);
          if (current?.status === 'canceled') return current;
        }
        throw err;
      }
    },

    async getOrder(id, meta) {
      const found = await client.findOrders({ where: { id }, pageSize: 1 }, meta);
      return found.find((o) => o.id === id) ?? null;
    },

    async findOrders(query = {}, meta) {
      return get('/filter/api/order/order', ordersBody, buildFilterQuery(query, maxPageSize), meta);
    },

    async findOrdersByIds(ids) {
      const unique = [...new Set(ids.filter((id) => typeof id === 'string' && id !== ''))];
      const out = new Map<string, OrderResponse>();
      for (let i = 0; i < unique.length; i += maxPageSize) {
        const chunk = unique.slice(i, i + maxPageSize);
        const wanted = new Set(chunk);
        let missing = chunk.length;
        // Page until every id of the chunk is found, a page is empty, or a page brings nothing new (a gateway that
        // ignores `page` must not loop us forever). A chunk fits one page, but a gateway with a lower cap than ours
        // would split it silently; the price is one extra (empty) page when some ids are unknown.
        for (let page = 1; missing > 0 && page <= chunk.length; page++) {
          const found = await client.findOrders({ where: { id: chunk }, page, pageSize: maxPageSize });
          let fresh = 0;
          for (const order of found) {
            if (!wanted.has(order.id) || out.has(order.id)) continue;
            out.set(order.id, order);
            fresh += 1;
            missing -= 1;
          }
          if (found.length === 0 || fresh === 0) break;
        }
      }
      return [...out.values()];
    },

    async findOrderByMerchantOrderId(merchantOrderId, meta) {
      const found = await client.findOrders({ where: { merchantOrderId }, pageSize: 10 }, meta);
      return found.find((o) => o.merchantOrderId === merchantOrderId) ?? null;
    },

    async refundableItems(orderId, meta) {
      return get(
        `/billing/api/order/order/${encodeURIComponent(orderId)}/refund-basket-item`,
        basketBody,
        undefined,
        meta,
      );
    },

    async createRefund(req, meta) {
      return (
        await call({
          method: 'POST',
          path: '/billing/api/order/refund-order',
          body: req,
          schema: refundBody,
          retry: false,
          meta,
        })
      ).data.data;
    },

    async findRefunds(query = {}, meta) {
      return get('/filter/api/order/refund-order', refundsBody, buildFilterQuery(query, maxPageSize), meta);
    },

    async findRefundByMerchantOrderId(merchantOrderId, meta) {
      const found = await client.findRefunds({ where: { merchantOrderId }, pageSize: 10 }, meta);
      return found.find((r) => r.merchantOrderId === merchantOrderId) ?? null;
    },

    recentCalls() {
      return recent.map((r) => ({ ...r }));
    },
  };
  return client;
}

/** `data[3].status: Invalid option: …` for the first few issues. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 3).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (issues.length > 3) parts.push(`and ${issues.length - 3} more`);
  return parts.join('; ');
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function networkDetail(err: unknown): string {
  const cause =
    err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : null;
  const message =
    typeof cause?.message === 'string' ? cause.message : err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
