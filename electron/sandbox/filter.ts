/**
 * The query language of the filter API (`GET /v3/filter/api/...`), pure: parse a query string into predicates, a sort
 * and a page, then run it over documents (OrderResponse / RefundOrderResponse views).
 *
 *   field=v                 equality (`status=created`); an empty value matches an absent field (`paidAt=`)
 *   field[]=a&field[]=b     set membership (PHP's `field[0]=a&field[1]=b` too)
 *   field[_eq|_ne]=v        (in)equality
 *   field[_gt|_ge|_lt|_le]=v  numbers (money fields, in kopecks exactly) and dates (ATOM; no offset = UTC)
 *   field[_start]=v         string prefix (strings, and dates as their ATOM text: `createdAt[_start]=2026-05-01`)
 *   _order[field]=asc|desc  sorting, several allowed, applied in the order given; ties keep creation order
 *   page=1.., pageSize=1..100 (default 30)
 * Several conditions on one field all apply (AND). Unknown fields, operators or malformed values are a FilterError
 * (422 `validation_error`). Without `_order`, documents come in the order the caller yields them (creation order).
 */
import { kopecksFromApi } from '../../shared/domain/money.ts';

export type FieldType = 'string' | 'money' | 'date';
export type FieldSpec = Readonly<Record<string, FieldType>>;
export type Doc = Readonly<Record<string, unknown>>;

export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 100;

export const ORDER_FILTER_FIELDS: FieldSpec = {
  id: 'string',
  merchantOrderId: 'string',
  merchantOrderIdVisible: 'string',
  status: 'string',
  description: 'string',
  currencyId: 'string',
  parentId: 'string',
  orderContainerId: 'string',
  amount: 'money',
  vatAmount: 'money',
  createdAt: 'date',
  paidAt: 'date',
  expirationDate: 'date',
};

export const REFUND_FILTER_FIELDS: FieldSpec = {
  id: 'string',
  parentId: 'string',
  merchantOrderId: 'string',
  status: 'string',
  description: 'string',
  currencyId: 'string',
  amount: 'money',
  vatAmount: 'money',
  createdAt: 'date',
};

export class FilterError extends Error {
  readonly fields: { name: string; code: string; message: string }[];
  constructor(name: string, code: 'unknown_field' | 'wrong_value', message: string) {
    super(message);
    this.fields = [{ name, code, message }];
  }
}

type Operator = 'eq' | 'ne' | 'in' | 'gt' | 'ge' | 'lt' | 'le' | 'start';
const BRACKET_OPERATORS: Readonly<Record<string, Operator>> = {
  _eq: 'eq',
  _ne: 'ne',
  _gt: 'gt',
  _ge: 'ge',
  _lt: 'lt',
  _le: 'le',
  _start: 'start',
};
const OPERATORS_BY_TYPE: Readonly<Record<FieldType, readonly Operator[]>> = {
  string: ['eq', 'ne', 'in', 'start'],
  money: ['eq', 'ne', 'in', 'gt', 'ge', 'lt', 'le'],
  date: ['eq', 'ne', 'in', 'gt', 'ge', 'lt', 'le', 'start'],
};

/** A comparable value: kopecks for money, epoch-ms for dates, the text for strings; null = absent. */
type Scalar = string | number | null;

export interface FilterQuery {
  predicates: ((doc: Doc) => boolean)[];
  /** Values of `field=v` / `field[]=…` / `field[_eq]=v` conditions, for index lookups by the caller. */
  lookups: Map<string, string[]>;
  sort: { field: string; type: FieldType; descending: boolean }[];
  page: number;
  pageSize: number;
}

const FIELD_KEY = /^([A-Za-z][A-Za-z0-9]*)(?:\[([^[\]]*)\])?$/;
const ORDER_KEY = /^_order\[([A-Za-z][A-Za-z0-9]*)\]$/;

export function parseFilterQuery(params: URLSearchParams, spec: FieldSpec): FilterQuery {
  const query: FilterQuery = {
    predicates: [],
    lookups: new Map(),
    sort: [],
    page: 1,
    pageSize: DEFAULT_PAGE_SIZE,
  };
  const sets = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === 'page') query.page = positiveInt(key, value, Number.MAX_SAFE_INTEGER);
    else if (key === 'pageSize') query.pageSize = positiveInt(key, value, MAX_PAGE_SIZE);
    else if (ORDER_KEY.test(key)) query.sort.push(sortKey(key, ORDER_KEY.exec(key)![1]!, value, spec));
    else {
      const m = FIELD_KEY.exec(key);
      if (!m) throw new FilterError(key, 'unknown_field', `Unknown filter parameter ${key}`);
      const field = m[1]!;
      const op = operatorOf(key, m[2]);
      if (op === 'in') sets.set(field, [...(sets.get(field) ?? []), value]);
      else addCondition(query, spec, key, field, op, [value]);
    }
  }
  for (const [field, values] of sets) addCondition(query, spec, `${field}[]`, field, 'in', values);
  return query;
}

function operatorOf(key: string, bracket: string | undefined): Operator {
  if (bracket === undefined) return 'eq';
  if (bracket === '' || /^\d+$/.test(bracket)) return 'in';
  const op = BRACKET_OPERATORS[bracket];
  if (!op) throw new FilterError(key, 'wrong_value', `Unknown operator ${bracket}`);
  return op;
}

function positiveInt(key: string, value: string, max: number): number {
  const n = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= max))
    throw new FilterError(key, 'wrong_value', `${key} must be an integer from 1 to ${max}`);
  return n;
}

function fieldType(spec: FieldSpec, key: string, field: string): FieldType {
  const type = Object.hasOwn(spec, field) ? spec[field] : undefined;
  if (!type) throw new FilterError(key, 'unknown_field', `Unknown filter field ${field}`);
  return type;
}

function sortKey(
  key: string,
  field: string,
  direction: string,
  spec: FieldSpec,
): FilterQuery['sort'][number] {
  const type = fieldType(spec, key, field);
  if (direction !== 'asc' && direction !== 'desc')
    throw new FilterError(key, 'wrong_value', 'Use asc or desc');
  return { field, type, descending: direction === 'desc' };
}

function addCondition(
  query: FilterQuery,
  spec: FieldSpec,
  key: string,
  field: string,
  op: Operator,
  values: string[],
): void {
  const type = fieldType(spec, key, field);
  if (!OPERATORS_BY_TYPE[type].includes(op)) {
    throw new FilterError(key, 'wrong_value', `Operator not applicable to a ${type} field`);
  }
  if (op === 'eq' || op === 'in') query.lookups.set(field, values);
  query.predicates.push(predicate(field, type, op, values, key));
}

function predicate(
  field: string,
  type: FieldType,
  op: Operator,
  raw: string[],
  key: string,
): (doc: Doc) => boolean {
  if (op === 'start') {
    const prefix = raw[0]!;
    return (doc) => typeof doc[field] === 'string' && (doc[field] as string).startsWith(prefix);
  }
  const values = raw.map((v) => queryScalar(type, v, key));
  const get = (doc: Doc): Scalar => docScalar(type, doc[field]);
  switch (op) {
    case 'eq':
    case 'in':
      return (doc) => values.includes(get(doc));
    case 'ne':
      return (doc) => !values.includes(get(doc));
    default: {
      const bound = values[0];
      if (typeof bound !== 'number') throw new FilterError(key, 'wrong_value', 'A bound is required');
      const test = COMPARE[op];
      return (doc) => {
        const v = get(doc);
        return typeof v === 'number' && test(v, bound);
      };
    }
  }
}

const COMPARE: Readonly<Record<'gt' | 'ge' | 'lt' | 'le', (a: number, b: number) => boolean>> = {
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
};

/** A query value → comparable; '' means "absent". */
function queryScalar(type: FieldType, value: string, key: string): Scalar {
  if (value === '') return null;
  if (type === 'string') return value;
  const parsed = type === 'money' ? moneyOf(value) : dateOf(value);
  if (parsed === null) throw new FilterError(key, 'wrong_value', `Not a valid ${type}: ${value}`);
  return parsed;
}

/** A document's field → comparable; absent, null and '' are all "absent". */
function docScalar(type: FieldType, value: unknown): Scalar {
  if (value === undefined || value === null || value === '') return null;
  if (type === 'money') return typeof value === 'number' ? moneyOf(String(value)) : null;
  if (type === 'date') return typeof value === 'string' ? dateOf(value) : null;
  return String(value);
}

function moneyOf(text: string): number | null {
  const n = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
  try {
    return kopecksFromApi(n);
  } catch {
    return null;
  }
}

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?/;

/** ATOM or ISO date(-time) → epoch-ms; a time without an offset is UTC (the API stores UTC). */
function dateOf(text: string): number | null {
  if (!DATE_ONLY.test(text) && !DATE_TIME.test(text)) return null;
  const ms = Date.parse(DATE_ONLY.test(text) || HAS_ZONE.test(text) ? text : `${text}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** Matches, sorts (only the matches, keys computed once) and cuts the page. Without a sort, stops at the page's end. */
export function runFilter<T extends Doc>(query: FilterQuery, docs: Iterable<T>): T[] {
  const start = (query.page - 1) * query.pageSize;
  const end = start + query.pageSize;
  const matched: T[] = [];
  for (const doc of docs) {
    if (!query.predicates.every((p) => p(doc))) continue;
    matched.push(doc);
    if (query.sort.length === 0 && matched.length >= end) break;
  }
  return sortDocs(matched, query.sort).slice(start, end);
}

function sortDocs<T extends Doc>(docs: T[], sort: FilterQuery['sort']): T[] {
  if (sort.length === 0) return docs;
  const keyed = docs.map((doc, index) => ({
    doc,
    index,
    keys: sort.map((k) => docScalar(k.type, doc[k.field])),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < sort.length; i++) {
      const c = compareScalars(a.keys[i]!, b.keys[i]!);
      if (c !== 0) return sort[i]!.descending ? -c : c;
    }
    return a.index - b.index;
  });
  return keyed.map((k) => k.doc);
}

/** Absent sorts first (ascending); numbers numerically, strings by code unit. */
function compareScalars(a: Scalar, b: Scalar): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** The values of an equality / set condition on `field` (for an index lookup), or null. */
export function lookupValues(query: FilterQuery, field: string): string[] | null {
  return query.lookups.get(field) ?? null;
}
