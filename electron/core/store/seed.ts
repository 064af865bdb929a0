/**
 * Synthetic orders for tests and benchmarks: deterministic (seeded PRNG), realistic enough for search (mixed Latin /
 * Cyrillic, mixed case, LIKE and FTS metacharacters in descriptions, ties on created_at).
 */

import { kopecksToApi } from '../../../shared/domain/money.ts';
import type { OrderStatus } from '../../../shared/domain/order-status.ts';
import type { Store } from './store.ts';
import type { OrderOrigin, OrderSnapshot } from './types.ts';

export interface SeedOptions {
  /** PRNG seed; the same seed gives the same orders. Default 1. */
  seed?: number;
  merchantId?: string;
  /** created_at range [from, to). Default: the year 2026. */
  from?: string;
  to?: string;
  /** created_at is a multiple of this many milliseconds (smaller: fewer ties). Default 1000. */
  timeQuantumMs?: number;
  /** Share of orders marked `console` (the rest are `foreign`). Default 0.7. */
  consoleShare?: number;
  /** Include a one-line basket per order. Default true. */
  basket?: boolean;
  /** Prefix of merchant order ids, to seed several batches into one store. Default ''. */
  idPrefix?: string;
}

export interface SeededOrder {
  snapshot: OrderSnapshot;
  origin: OrderOrigin;
}

const STATUS_WEIGHTS: readonly [OrderStatus, number][] = [
  ['completed', 0.6],
  ['expired', 0.18],
  ['created', 0.12],
  ['canceled', 0.1],
];

const WORDS = [
  'Кофе',
  'латте',
  'Капучино',
  'Espresso',
  'croissant',
  'Пирожное «Наполеон»',
  'чай зелёный',
  'Доставка',
  'Gift card',
  '100% сок',
  'snack_box',
  'ТВ-приставка',
  '"Особый" заказ',
  'Ёлочная игрушка',
  'Abonement',
  'стрижка',
  'MEGA pack',
  "O'Reilly book",
];

const MO_PREFIXES = ['PD-', 'pd-', 'WEB-', 'Web-', 'Заказ-', 'ORD', 'kiosk/'];

/** mulberry32: small, fast, good enough for synthetic data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Math.floor(rand() * 4) + 8) as number).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** n synthetic orders (not stored). */
export function generateOrders(n: number, options: SeedOptions = {}): SeededOrder[] {
  const rand = prng(options.seed ?? 1);
  const merchantId = options.merchantId ?? 'ffffffff-ffff-ffff-ffff-ffffffffffff';
  const from = Date.parse(options.from ?? '2026-01-01T00:00:00Z');
  const to = Date.parse(options.to ?? '2027-01-01T00:00:00Z');
  const quantum = options.timeQuantumMs ?? 1000;
  const consoleShare = options.consoleShare ?? 0.7;
  const withBasket = options.basket ?? true;
  const prefix = options.idPrefix ?? '';
  const slots = Math.max(1, Math.floor((to - from) / quantum));
  const out: SeededOrder[] = [];
  for (let i = 0; i < n; i++) {
    const id = uuid(rand);
    const created = from + Math.floor(rand() * slots) * quantum;
    let r = rand();
    let status: OrderStatus = 'completed';
    for (const [s, w] of STATUS_WEIGHTS) {
      if (r < w) {
        status = s;
        break;
      }
      r -= w;
    }
    const amount = 100 + Math.floor(rand() * 2_000_000);
    const vatAmount = Math.round((amount * 22) / 122);
    const words = 1 + Math.floor(rand() * 3);
    const description = `${Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(', ')} №${i + 1}`;
    const merchantOrderId = `${prefix}${MO_PREFIXES[Math.floor(rand() * MO_PREFIXES.length)]}${String(i + 1).padStart(6, '0')}`;
    const createdAt = new Date(created).toISOString();
    const expirationDate = new Date(created + 30 * 60_000).toISOString();
    const paidAt =
      status === 'completed' ? new Date(created + Math.floor(rand() * 25 * 60_000)).toISOString() : null;
    const paymentUrl = `https://pay.invoicebox.ru/order/${id}`;
    const basket = withBasket
      ? [
          {
            sku: `SKU-${(i % 997) + 1}`,
            name: description,
            measure: 'шт.',
            measureCode: '796',
            quantity: 1,
            amount: kopecksToApi(amount),
            amountWoVat: kopecksToApi(amount - vatAmount),
            totalAmount: kopecksToApi(amount),
            totalVatAmount: kopecksToApi(vatAmount),
            vatCode: 'RUS_VAT22',
            type: 'commodity',
            paymentType: 'full_prepayment',
          },
        ]
      : undefined;
    const raw = {
      id,
      merchantId,
      merchantOrderId,
      status,
      amount: kopecksToApi(amount),
      vatAmount: kopecksToApi(vatAmount),
      currencyId: 'RUB',
      description,
      createdAt,
      expirationDate,
      paymentUrl,
      ...(paidAt === null ? {} : { paidAt }),
      ...(basket === undefined ? {} : { basketItems: basket }),
    };
    out.push({
      origin: rand() < consoleShare ? 'console' : 'foreign',
      snapshot: {
        id,
        merchantId,
        merchantOrderId,
        status,
        amount,
        vatAmount,
        currencyId: 'RUB',
        description,
        paymentUrl,
        createdAt,
        expirationDate,
        paidAt,
        raw,
        ...(basket === undefined ? {} : { basket }),
      },
    });
  }
  return out;
}

/**
 * Generates n orders and stores them in one transaction (through applyOrderUpdates, source `reconcile`, detail
 * `seed`, so each also gets its history row). Returns what was generated, for independent checks.
 */
export function seedOrders(store: Store, n: number, options: SeedOptions = {}): SeededOrder[] {
  const orders = generateOrders(n, options);
  const byOrigin = (origin: OrderOrigin) => orders.filter((o) => o.origin === origin).map((o) => o.snapshot);
  store.transaction(() => {
    // One call per origin: a nested call is a savepoint, and FTS5 flushes its pending data at every savepoint.
    store.applyOrderUpdates(byOrigin('console'), 'reconcile', 'seed', { origin: 'console' });
    store.applyOrderUpdates(byOrigin('foreign'), 'reconcile', 'seed', { origin: 'foreign' });
  });
  return orders;
}
