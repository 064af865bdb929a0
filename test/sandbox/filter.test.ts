/**
 * The filter query language: pure parsing and matching, then the filter endpoints over HTTP (merchant isolation,
 * paging, index lookups over 20 000 orders).
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PAGE_SIZE,
  FilterError,
  MAX_PAGE_SIZE,
  ORDER_FILTER_FIELDS,
  parseFilterQuery,
  runFilter,
  type Doc,
} from '../../electron/sandbox/filter.ts';
import type { SandboxOrder } from '../../electron/sandbox/state.ts';
import { demoOrder, withSandbox } from '../helpers/sandbox.ts';

const DOCS: Doc[] = [
  {
    id: 'a',
    merchantOrderId: 'ORD-1',
    status: 'created',
    amount: 100,
    createdAt: '2026-05-01T10:00:00+00:00',
  },
  {
    id: 'b',
    merchantOrderId: 'ORD-2',
    status: 'completed',
    amount: 250.5,
    createdAt: '2026-05-02T10:00:00+00:00',
    paidAt: '2026-05-02T10:05:00+00:00',
  },
  {
    id: 'c',
    merchantOrderId: 'X-3',
    status: 'expired',
    amount: 99.99,
    createdAt: '2026-05-03T10:00:00+00:00',
  },
  {
    id: 'd',
    merchantOrderId: 'ORD-4',
    status: 'completed',
    amount: 100,
    createdAt: '2026-05-03T12:00:00+00:00',
    paidAt: '2026-05-04T00:00:00+00:00',
  },
];

function ids(query: string): string[] {
  return runFilter(parseFilterQuery(new URLSearchParams(query), ORDER_FILTER_FIELDS), DOCS).map(
    (d) => d.id as string,
  );
}

function rejects(query: string, name: string, code: 'unknown_field' | 'wrong_value'): void {
  try {
    parseFilterQuery(new URLSearchParams(query), ORDER_FILTER_FIELDS);
  } catch (err) {
    expect(err).toBeInstanceOf(FilterError);
    expect((err as FilterError).fields).toEqual([expect.objectContaining({ name, code })]);
    return;
  }
  throw new Error(`${query} was accepted`);
}

describe('filter query language (pure)', () => {
  it('matches equality, sets and PHP-style indexed sets', () => {
    expect(ids('')).toEqual(['a', 'b', 'c', 'd']);
    expect(ids('status=completed')).toEqual(['b', 'd']);
    expect(ids('status[]=created&status[]=expired')).toEqual(['a', 'c']);
    expect(ids('status[0]=created&status[1]=expired')).toEqual(['a', 'c']);
    expect(ids('merchantOrderId=ORD-2')).toEqual(['b']);
    expect(ids('status[_eq]=created')).toEqual(['a']);
    expect(ids('status[_ne]=completed')).toEqual(['a', 'c']);
  });

  it('compares money exactly in kopecks and dates as instants', () => {
    expect(ids('amount[_gt]=100')).toEqual(['b']);
    expect(ids('amount[_ge]=100')).toEqual(['a', 'b', 'd']);
    expect(ids('amount[_lt]=100')).toEqual(['c']);
    expect(ids('amount[_le]=99.99')).toEqual(['c']);
    expect(ids('amount=100.00')).toEqual(['a', 'd']);
    expect(ids('createdAt[_ge]=2026-05-02T00:00:00')).toEqual(['b', 'c', 'd']); // no offset: UTC
    expect(ids('createdAt[_ge]=2026-05-03T13:00:00%2B03:00')).toEqual(['c', 'd']);
    expect(ids('createdAt[_lt]=2026-05-02')).toEqual(['a']);
    expect(ids('createdAt[_ge]=2026-05-02&createdAt[_lt]=2026-05-03')).toEqual(['b']);
  });

  it('matches string prefixes, on strings and on ATOM dates', () => {
    expect(ids('merchantOrderId[_start]=ORD-')).toEqual(['a', 'b', 'd']);
    expect(ids('createdAt[_start]=2026-05-03')).toEqual(['c', 'd']);
  });

  it('treats an empty value as "absent"', () => {
    expect(ids('paidAt=')).toEqual(['a', 'c']);
    expect(ids('paidAt[_ne]=')).toEqual(['b', 'd']);
    expect(ids('paidAt[_ge]=2026-05-03')).toEqual(['d']);
  });

  it('sorts by several keys, stable, absent first', () => {
    expect(ids('_order[amount]=desc')).toEqual(['b', 'a', 'd', 'c']);
    expect(ids('_order[amount]=asc&_order[createdAt]=desc')).toEqual(['c', 'd', 'a', 'b']);
    expect(ids('_order[paidAt]=asc')).toEqual(['a', 'c', 'b', 'd']);
    expect(ids('_order[paidAt]=desc')).toEqual(['d', 'b', 'a', 'c']);
  });

  it('pages, 1-based, default 30, at most 100', () => {
    expect(ids('pageSize=3')).toEqual(['a', 'b', 'c']);
    expect(ids('pageSize=3&page=2')).toEqual(['d']);
    expect(ids('pageSize=3&page=3')).toEqual([]);
    expect(ids('pageSize=2&page=2&_order[createdAt]=desc')).toEqual(['b', 'a']);
    const q = parseFilterQuery(new URLSearchParams(''), ORDER_FILTER_FIELDS);
    expect(q.pageSize).toBe(DEFAULT_PAGE_SIZE);
    expect(
      parseFilterQuery(new URLSearchParams(`pageSize=${MAX_PAGE_SIZE}`), ORDER_FILTER_FIELDS).pageSize,
    ).toBe(100);
  });

  it('refuses unknown fields, operators and malformed values', () => {
    rejects('colour=red', 'colour', 'unknown_field');
    rejects('_order[colour]=asc', '_order[colour]', 'unknown_field');
    rejects('_order[amount]=up', '_order[amount]', 'wrong_value');
    rejects('status[_like]=c', 'status[_like]', 'wrong_value');
    rejects('status[_gt]=c', 'status[_gt]', 'wrong_value');
    rejects('amount[_start]=1', 'amount[_start]', 'wrong_value');
    rejects('amount[_gt]=ten', 'amount[_gt]', 'wrong_value');
    rejects('amount=1.001', 'amount', 'wrong_value');
    rejects('createdAt[_ge]=yesterday', 'createdAt[_ge]', 'wrong_value');
    rejects('page=0', 'page', 'wrong_value');
    rejects('pageSize=101', 'pageSize', 'wrong_value');
    rejects('pageSize=abc', 'pageSize', 'wrong_value');
    rejects('status[a][b]=c', 'status[a][b]', 'unknown_field');
    rejects('__proto__=1', '__proto__', 'unknown_field');
    rejects('constructor=1', 'constructor', 'unknown_field');
  });

  it('stops reading documents once the page is full when nothing is sorted', () => {
    let read = 0;
    function* many(): Iterable<Doc> {
      for (let i = 0; i < 1_000_000; i++) {
        read++;
        yield { id: String(i), status: 'created' };
      }
    }
    const page = runFilter(
      parseFilterQuery(new URLSearchParams('pageSize=10&page=2'), ORDER_FILTER_FIELDS),
      many(),
    );
    expect(page.map((d) => d.id)).toEqual(['10', '11', '12', '13', '14', '15', '16', '17', '18', '19']);
    expect(read).toBe(20);
  });
});

describe('filter endpoints over HTTP', () => {
  const OTHER = {
    token: '0123456789abcdef0123456789abcdef',
    merchantId: '0badf00d-0000-4000-8000-000000000002',
  };
  const sb = withSandbox({ accounts: [OTHER], rateLimit: { requests: 10_000, windowMs: 30_000 } });
  const FILTER = '/v3/filter/api/order/order';

  it('shows only the caller’s orders', async () => {
    const mine = (await sb.api('POST', '/v3/billing/api/order/order', demoOrder())).body.data;
    const theirs = (
      await sb.api(
        'POST',
        '/v3/billing/api/order/order',
        demoOrder({ merchantId: OTHER.merchantId }),
        OTHER.token,
      )
    ).body.data;
    const asMe = await sb.api('GET', `${FILTER}?id[]=${mine.id}&id[]=${theirs.id}`);
    expect(asMe.body.data.map((o: { id: string }) => o.id)).toEqual([mine.id]);
    const asThem = await sb.api(
      'GET',
      `${FILTER}?merchantOrderId=${mine.merchantOrderId}`,
      undefined,
      OTHER.token,
    );
    expect(asThem.body.data).toEqual([]);
    const all = await sb.api('GET', `${FILTER}?pageSize=100`, undefined, OTHER.token);
    expect(all.body.data.map((o: { id: string }) => o.id)).toEqual([theirs.id]);
  });

  it('answers 422 validation_error for a bad query', async () => {
    const res = await sb.api('GET', `${FILTER}?pageSize=500`);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'validation_error',
      fields: [{ name: 'pageSize', code: 'wrong_value' }],
    });
    const unknown = await sb.api('GET', `${FILTER}?colour=red`);
    expect(unknown.body.error.fields).toEqual([
      expect.objectContaining({ name: 'colour', code: 'unknown_field' }),
    ]);
  });

  it('looks 100 ids and 100 merchantOrderIds up among 20 000 orders', async () => {
    const template = (await sb.api('POST', '/v3/billing/api/order/order', demoOrder())).body.data;
    const state = sb.sandbox.state;
    const seeded: SandboxOrder[] = [];
    for (let i = 0; i < 20_000; i++) {
      const view = { ...template, id: `seed-${i}`, merchantOrderId: `SEED-${i}`, amount: template.amount };
      const order: SandboxOrder = { view, refundedKopecks: 0 };
      state.addOrder(order);
      seeded.push(order);
    }
    const picks = Array.from({ length: 100 }, (_, k) => (k * 197) % 20_000);
    const byId = await sb.api(
      'GET',
      `${FILTER}?pageSize=100&${picks.map((i) => `id[]=seed-${i}`).join('&')}`,
    );
    expect(byId.status).toBe(200);
    expect(byId.body.data.map((o: { id: string }) => o.id)).toEqual(picks.map((i) => `seed-${i}`));
    const byMoid = await sb.api(
      'GET',
      `${FILTER}?pageSize=100&_order[merchantOrderId]=asc&${picks.map((i) => `merchantOrderId[]=SEED-${i}`).join('&')}`,
    );
    expect(byMoid.body.data.map((o: { merchantOrderId: string }) => o.merchantOrderId)).toEqual(
      picks.map((i) => `SEED-${i}`).sort(),
    );
    const page = await sb.api(
      'GET',
      `${FILTER}?merchantOrderId[_start]=SEED-1999&_order[merchantOrderId]=desc`,
    );
    expect(page.body.data.map((o: { merchantOrderId: string }) => o.merchantOrderId).slice(0, 3)).toEqual([
      'SEED-19999',
      'SEED-19998',
      'SEED-19997',
    ]);
  });
});
