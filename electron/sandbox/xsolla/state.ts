/**
 * The Xsolla emulator's truth: store orders, the users' tokens and one publication stream per user channel
 * (Centrifuge-style: an epoch, increasing offsets, a bounded history). Nothing here knows about sockets or HTTP:
 * a status change appends to the user's stream and emits `publication`, which the WebSocket side delivers.
 */
import { EventEmitter } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { signJwt, verifyJwt, type JwtClaims } from './jwt.ts';

export const XSOLLA_STATUSES = ['new', 'paid', 'done', 'canceled'] as const;
export type XsollaStatus = (typeof XSOLLA_STATUSES)[number];

/** Transitions the emulator allows (control API): forward only; `canceled` (= refunded) from any other status. */
const NEXT: Record<XsollaStatus, readonly XsollaStatus[]> = {
  new: ['paid', 'canceled'],
  paid: ['done', 'canceled'],
  done: ['canceled'],
  canceled: [],
};

export interface XsollaItem {
  sku: string;
  quantity: number;
  /** Unit price in minor units of the order's currency. */
  unitMinor: number;
}

export interface XsollaOrder {
  projectId: number;
  orderId: number;
  userId: string;
  status: XsollaStatus;
  currency: string;
  items: XsollaItem[];
  createdAt: string;
  statusHistory: { status: XsollaStatus; at: string; published: boolean }[];
}

export interface StoredPublication {
  offset: number;
  data: { order_id: number; status: XsollaStatus };
}

export interface Stream {
  channel: string;
  epoch: string;
  /** Offset of the latest publication ever made in this epoch (0: none yet). */
  offset: number;
  /** The retained tail, oldest first (at most `historySize`). */
  publications: StoredPublication[];
}

export interface PublicationEvent {
  channel: string;
  publication: StoredPublication;
}

export interface XsollaStateEvents {
  publication: [PublicationEvent];
  /** Every stream got a new epoch and lost its history. */
  streamsReset: [];
}

export type TokenCheck =
  | { ok: true; userId: string; projectId: number; jti: string }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export class XsollaStateError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * The channel a user's order statuses are published on. The real name is not public (the SDKs take it from the
 * subscription context): this one is the emulator's choice, and the adapter never builds it.
 */
export function userChannel(projectId: number, userId: string): string {
  return `orders:${projectId}:${userId}`;
}

/** Minor-unit exponent of an ISO 4217 currency (2 for USD, 0 for JPY, 3 for KWD). */
export function currencyExponent(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/** Minor units → the API's decimal string ("9.99"). */
export function formatMinor(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  if (exp === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exp + 1, '0');
  return `${sign}${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}

/** A decimal ("9.99", 9.99) → minor units; null when it has more decimals than the currency allows. */
export function parseMajor(value: string | number, currency: string): number | null {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const exp = currencyExponent(currency);
  const frac = match[2] ?? '';
  if (frac.length > exp) return null;
  return Number(match[1]) * 10 ** exp + Number(frac.padEnd(exp, '0') || '0');
}

export interface XsollaStateOptions {
  secret: string;
  defaultProjectId: number;
  historySize: number;
  tokenTtlSeconds: number;
  firstOrderId: number;
  now: () => Date;
}

export interface NewOrder {
  projectId?: number;
  userId?: string;
  currency?: string;
  /** Whole order in minor units; ignored when `items` carry prices. */
  amountMinor?: number;
  items?: XsollaItem[];
}

export class XsollaState {
  readonly events = new EventEmitter<XsollaStateEvents>();
  readonly options: XsollaStateOptions;
  readonly orders = new Map<number, XsollaOrder>();
  readonly streams = new Map<string, Stream>();
  /** jti of every token issued, and whether the "expire tokens" fault has voided it. */
  readonly tokens = new Map<string, { userId: string; projectId: number; expired: boolean }>();
  /** Requests served, for tests (e.g. that polling stopped). */
  readonly counters = { getOrder: 0 };
  #nextOrderId: number;

  constructor(options: XsollaStateOptions) {
    this.options = options;
    this.#nextOrderId = options.firstOrderId;
  }

  now(): Date {
    return this.options.now();
  }

  issueToken(userId: string, projectId: number, ttlSeconds = this.options.tokenTtlSeconds): string {
    const iat = Math.floor(this.now().getTime() / 1000);
    const jti = randomUUID();
    const claims: JwtClaims = { sub: userId, iat, exp: iat + ttlSeconds, jti, project_id: projectId };
    this.tokens.set(jti, { userId, projectId, expired: false });
    return signJwt(claims, this.options.secret);
  }

  checkToken(token: string): TokenCheck {
    const check = verifyJwt(token, this.options.secret, this.now().getTime());
    if (!check.ok) return check;
    const { sub, jti, project_id: projectId } = check.claims;
    if (typeof jti !== 'string' || typeof projectId !== 'number') return { ok: false, reason: 'malformed' };
    if (this.tokens.get(jti)?.expired) return { ok: false, reason: 'expired' };
    return { ok: true, userId: sub, projectId, jti };
  }

  /** The "JWT expired early" fault: every token issued so far is treated as expired. Returns how many. */
  expireAllTokens(): number {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (!t.expired) n += 1;
      t.expired = true;
    }
    return n;
  }

  createOrder(input: NewOrder): { order: XsollaOrder; token: string } {
    const projectId = input.projectId ?? this.options.defaultProjectId;
    const userId = input.userId ?? `user-${randomBytes(4).toString('hex')}`;
    const currency = input.currency ?? 'USD';
    const items = input.items ?? [{ sku: 'sandbox-item', quantity: 1, unitMinor: input.amountMinor ?? 999 }];
    const at = this.now().toISOString();
    const order: XsollaOrder = {
      projectId,
      orderId: this.#nextOrderId++,
      userId,
      status: 'new',
      currency,
      items,
      createdAt: at,
      statusHistory: [{ status: 'new', at, published: true }],
    };
    this.orders.set(order.orderId, order);
    this.#publish(order);
    return { order, token: this.issueToken(userId, projectId) };
  }

  order(orderId: number): XsollaOrder {
    const order = this.orders.get(orderId);
    if (!order) throw new XsollaStateError(404, 'not_found', `No order ${orderId}`);
    return order;
  }

  /** Changes an order's status; unless `publish` is false, publishes it on the user's channel. */
  setStatus(orderId: number, status: XsollaStatus, publish = true): XsollaOrder {
    const order = this.order(orderId);
    if (!NEXT[order.status].includes(status)) {
      throw new XsollaStateError(
        409,
        'wrong_order_status',
        `An order cannot go from ${order.status} to ${status}`,
      );
    }
    order.status = status;
    order.statusHistory.push({ status, at: this.now().toISOString(), published: publish });
    if (publish) this.#publish(order);
    return order;
  }

  stream(channel: string): Stream {
    let stream = this.streams.get(channel);
    if (!stream) {
      stream = { channel, epoch: newEpoch(), offset: 0, publications: [] };
      this.streams.set(channel, stream);
    }
    return stream;
  }

  /** As a broker that lost its history: every stream gets a new epoch, offsets restart at 0. */
  resetStreams(): void {
    for (const stream of this.streams.values()) {
      stream.epoch = newEpoch();
      stream.offset = 0;
      stream.publications = [];
    }
    this.events.emit('streamsReset');
  }

  reset(): void {
    this.orders.clear();
    this.tokens.clear();
    this.resetStreams();
    this.streams.clear();
    this.#nextOrderId = this.options.firstOrderId;
  }

  #publish(order: XsollaOrder): void {
    const stream = this.stream(userChannel(order.projectId, order.userId));
    stream.offset += 1;
    const publication: StoredPublication = {
      offset: stream.offset,
      data: { order_id: order.orderId, status: order.status },
    };
    stream.publications.push(publication);
    if (stream.publications.length > this.options.historySize) {
      stream.publications.splice(0, stream.publications.length - this.options.historySize);
    }
    this.events.emit('publication', { channel: stream.channel, publication });
  }
}

function newEpoch(): string {
  return randomBytes(4).toString('hex');
}

/** The Get order body, as Xsolla documents it (amounts as decimal strings, `is_free` as "true"/"false"). */
export function orderView(order: XsollaOrder): unknown {
  const price = (minor: number) => ({
    amount: formatMinor(minor, order.currency),
    amount_without_discount: formatMinor(minor, order.currency),
    currency: order.currency,
  });
  const total = order.items.reduce((sum, item) => sum + item.unitMinor * item.quantity, 0);
  return {
    order_id: order.orderId,
    status: order.status,
    content: {
      price: price(total),
      virtual_price: null,
      is_free: total === 0 ? 'true' : 'false',
      items: order.items.map((item) => ({
        sku: item.sku,
        quantity: item.quantity,
        is_free: item.unitMinor === 0 ? 'true' : 'false',
        price: price(item.unitMinor),
      })),
    },
  };
}
