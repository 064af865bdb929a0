/**
 * Orders history: search by number / text, status, dates, amount; a virtualised list (only the rows on screen are in
 * the DOM, so 100 000 orders scroll like 100) sized to the search's `total`, with pages fetched by keyset cursor as
 * the cashier scrolls towards rows not loaded yet. Keyboard: ↑↓ PgUp PgDn Home End, Enter opens, / searches.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { OrderView } from '../../../../shared/contract/contract.ts';
import { ORDER_STATUSES, type OrderStatus } from '../../../../shared/domain/order-status.ts';
import { back, navigate } from '../../app/router.ts';
import { plural, useLang, useT, type Lang, type MessageKey, type T } from '../../i18n/index.ts';
import { formatCount, formatDateTime } from '../../lib/format.ts';
import { useOrders } from '../../state/orders.ts';
import { listScroll, useOrdersList } from '../../state/orders-list.ts';
import { Button } from '../../ui/Button.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { SelectField, TextField } from '../../ui/Field.tsx';
import { useHotkeys } from '../../ui/hooks.ts';
import { formatMinor, orderCurrency, PROVIDERS, providerOf, type ProviderId } from '../../lib/providers.ts';
import { emptyFilter } from '../../lib/search-query.ts';
import { NeutralStatusView, ProviderTag } from '../../ui/ProviderBadge.tsx';

const ROW_HEIGHT = 64;
const estimateSize = (): number => ROW_HEIGHT;
const readScrollOffset = (): number => listScroll.offset;
/** Start fetching the next page when the visible range comes this close to the end of what is loaded. */
const PREFETCH_ROWS = 120;

export function OrdersScreen() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  // Slices, not the whole store: scrolling and paging must re-render as little as possible.
  const filter = useOrdersList((s) => s.filter);
  const filterErrors = useOrdersList((s) => s.filterErrors);
  const rows = useOrdersList((s) => s.rows);
  const total = useOrdersList((s) => s.total);
  const nextCursor = useOrdersList((s) => s.nextCursor);
  const loading = useOrdersList((s) => s.loading);
  const error = useOrdersList((s) => s.error);
  const loadedAt = useOrdersList((s) => s.loadedAt);
  const activeIndex = useOrdersList((s) => s.activeIndex);
  const byId = useOrders((s) => s.byId);
  const list = useOrdersList.getState();
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const filterKey = JSON.stringify(filter);

  // Search on mount and (debounced) whenever the filter changes.
  const firstRun = useRef(true);
  useEffect(() => {
    const delay = firstRun.current ? 0 : 250;
    firstRun.current = false;
    const timer = setTimeout(() => void useOrdersList.getState().search(), delay);
    return () => clearTimeout(timer);
  }, [filterKey]);

  const count = total ?? rows.length;
  // Stable options: a new getItemKey (or estimateSize) makes the virtualizer re-measure all `count` rows (100 000)
  // on every render. Rows have one fixed height, so the default key (the index) is all it needs, even across pages.
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement,
    estimateSize,
    overscan: 10,
    initialOffset: readScrollOffset,
  });
  const items = virtualizer.getVirtualItems();
  const lastVisible = items.at(-1)?.index ?? 0;

  // Keyset paging: keep fetching while the visible range reaches past (or near) the rows loaded so far.
  useEffect(() => {
    if (nextCursor && !loading && lastVisible + PREFETCH_ROWS >= rows.length)
      void useOrdersList.getState().loadMore();
  }, [lastVisible, rows.length, nextCursor, loading]);

  // Orders that appeared since this search (an `order` event of a new order): offer to show them. `byId` holds only
  // orders this window has heard about, so this stays small whatever the history.
  const fresh = useMemo(() => {
    if (!loadedAt) return 0;
    const candidates = Object.values(byId).filter((o) => o.createdAt > loadedAt);
    if (candidates.length === 0) return 0;
    const known = new Set(rows.map((r) => r.id));
    return candidates.filter((o) => !known.has(o.id)).length;
  }, [byId, rows, loadedAt]);

  const active = Math.min(activeIndex, Math.max(0, count - 1));
  const moveTo = (index: number): void => {
    const next = Math.max(0, Math.min(count - 1, index));
    list.setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const open = useCallback((index: number): void => {
    const row = useOrdersList.getState().rows[index];
    useOrdersList.getState().setActive(index);
    if (row) navigate({ name: 'order', id: row.id });
  }, []);
  const onListKey = (e: KeyboardEvent): void => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(active + 1),
      ArrowUp: () => moveTo(active - 1),
      PageDown: () => moveTo(active + page),
      PageUp: () => moveTo(active - page),
      Home: () => moveTo(0),
      End: () => moveTo(count - 1),
      Enter: () => open(active),
    };
    const fn = keys[e.key];
    if (fn) {
      e.preventDefault();
      fn();
    }
  };

  useHotkeys({
    '/': () => searchRef.current?.focus(),
    // Esc in a filter field returns to the list; Esc on the list goes back.
    Escape: (e) =>
      (e.target as HTMLElement).closest?.('.filters') ? scrollRef.current?.focus() : back({ name: 'new' }),
  });

  const toggleStatus = (s: OrderStatus): void => {
    const cur = filter.statuses;
    list.setFilter({ statuses: cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s] });
  };
  const fe = (code: string | undefined): string | null => (code ? t(`filter.${code}` as MessageKey) : null);
  const filtered = filterKey !== JSON.stringify(emptyFilter());

  return (
    <div className="screen orders-screen">
      <section className="card filters" aria-label={t('orders.filters')}>
        <div className="filters-row gw-filters-row">
          <TextField
            fieldClassName="f-search"
            label={t('orders.search')}
            type="search"
            data-testid="orders-search"
            inputRef={searchRef}
            value={filter.text}
            placeholder={t('orders.searchPlaceholder')}
            onChange={(e) => list.setFilter({ text: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' || e.key === 'Enter') {
                e.preventDefault();
                scrollRef.current?.focus();
              }
            }}
          />
          <SelectField
            fieldClassName="f-gateway"
            label={t('gateway.filter')}
            value={filter.provider}
            options={[
              { value: '', label: t('gateway.filterAll') },
              ...PROVIDERS.map((p) => ({ value: p, label: t(`provider.name.${p}` as MessageKey) })),
            ]}
            onChange={(e) => list.setFilter({ provider: e.target.value as ProviderId | '' })}
            data-testid="orders-gateway"
          />
          <TextField
            fieldClassName="f-date"
            label={t('orders.from')}
            type="date"
            value={filter.from}
            onChange={(e) => list.setFilter({ from: e.target.value })}
            error={fe(filterErrors.from)}
            data-testid="orders-from"
          />
          <TextField
            fieldClassName="f-date"
            label={t('orders.to')}
            type="date"
            value={filter.to}
            onChange={(e) => list.setFilter({ to: e.target.value })}
            error={fe(filterErrors.to)}
            data-testid="orders-to"
          />
          <TextField
            fieldClassName="f-amount"
            label={t('orders.minAmount')}
            inputMode="decimal"
            className="num"
            value={filter.minAmount}
            onChange={(e) => list.setFilter({ minAmount: e.target.value })}
            error={fe(filterErrors.minAmount)}
            data-testid="orders-min"
          />
          <TextField
            fieldClassName="f-amount"
            label={t('orders.maxAmount')}
            inputMode="decimal"
            className="num"
            value={filter.maxAmount}
            onChange={(e) => list.setFilter({ maxAmount: e.target.value })}
            error={fe(filterErrors.maxAmount)}
            data-testid="orders-max"
          />
        </div>
        <div className="filters-row filters-row-2">
          <div className="chips" role="group" aria-label={t('orders.status')}>
            {ORDER_STATUSES.map((s) => (
              <button
                key={s}
                type="button"
                className={['chip', `chip-${s}`, filter.statuses.includes(s) ? 'is-on' : ''].join(' ')}
                aria-pressed={filter.statuses.includes(s)}
                onClick={() => toggleStatus(s)}
                data-testid={`filter-${s}`}
              >
                {t(`status.${s}` as MessageKey)}
              </button>
            ))}
          </div>
          <div className="filters-summary" aria-live="polite">
            {total !== null ? (
              <span data-testid="orders-total">
                {t('orders.found')} <strong>{formatCount(total, lang)}</strong>{' '}
                {plural(lang, total, 'заказ', 'заказа', 'заказов', 'order', 'orders')}
              </span>
            ) : null}
            {loading ? (
              <span className="spinner small" role="status" aria-label={t('common.loading')} />
            ) : null}
            {filtered ? (
              <Button size="sm" variant="ghost" onClick={() => list.resetFilter()}>
                {t('orders.reset')}
              </Button>
            ) : null}
            {fresh > 0 ? (
              <Button
                size="sm"
                variant="secondary"
                onClick={() => void list.search()}
                data-testid="orders-fresh"
              >
                {t('orders.fresh', { n: fresh })}
              </Button>
            ) : null}
          </div>
        </div>
      </section>

      {error ? <ErrorNotice error={error} onRetry={() => void list.search()} compact /> : null}

      <section className="card list-card">
        <div className="list-head" aria-hidden="true">
          <span className="c-num">{t('orders.col.number')}</span>
          <span className="c-date">{t('orders.col.created')}</span>
          <span className="c-amount">{t('orders.col.amount')}</span>
          <span className="c-status">{t('orders.col.status')}</span>
          <span className="c-paid">{t('orders.col.paid')}</span>
          <span className="c-refund">{t('orders.col.refunded')}</span>
        </div>
        <div
          ref={scrollRef}
          className="list-scroll"
          role="listbox"
          tabIndex={0}
          aria-label={t('orders.listLabel')}
          aria-activedescendant={count > 0 && rows[active] ? `order-opt-${active}` : undefined}
          data-testid="orders-list"
          data-count={count}
          data-loaded={rows.length}
          onKeyDown={onListKey}
          onScroll={(e) => void (listScroll.offset = e.currentTarget.scrollTop)}
        >
          {count === 0 && !loading ? (
            <div className="empty" role="presentation">
              <div className="empty-title">{filtered ? t('orders.noneFound') : t('orders.none')}</div>
            </div>
          ) : null}
          <div role="presentation" className="list-inner" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const base = rows[item.index];
              return (
                <OrderRow
                  key={item.key}
                  index={item.index}
                  start={item.start}
                  count={count}
                  row={base ? (byId[base.id] ?? base) : undefined}
                  active={item.index === active}
                  lang={lang}
                  t={t}
                  onOpen={open}
                />
              );
            })}
          </div>
        </div>
        <div className="list-foot muted">{t('orders.keys')}</div>
      </section>
    </div>
  );
}

interface OrderRowProps {
  index: number;
  start: number;
  count: number;
  row: OrderView | undefined;
  active: boolean;
  lang: Lang;
  t: T;
  onOpen(index: number): void;
}

/** One row; memoised, so that scrolling re-renders only the rows that enter the window. */
const OrderRow = memo(function OrderRow({
  index,
  start,
  count,
  row,
  active,
  lang,
  t,
  onOpen,
}: OrderRowProps) {
  const style = { transform: `translateY(${start}px)`, height: ROW_HEIGHT };
  if (!row) {
    return (
      <div
        role="option"
        aria-selected={false}
        aria-posinset={index + 1}
        aria-setsize={count}
        aria-busy="true"
        className="list-row is-pending"
        style={style}
      >
        <span className="skeleton" />
        <span className="sr-only">{t('common.loading')}</span>
      </div>
    );
  }
  return (
    <div
      id={`order-opt-${index}`}
      role="option"
      aria-selected={active}
      aria-posinset={index + 1}
      aria-setsize={count}
      className={['list-row', active ? 'is-active' : ''].join(' ')}
      style={style}
      data-testid="order-row"
      data-order-id={row.id}
      data-status={row.status}
      data-provider={providerOf(row)}
      onClick={() => onOpen(index)}
    >
      <span className="c-num">
        <span className="mono strong">{row.merchantOrderId}</span>
        <span className="row-sub muted">
          <ProviderTag provider={providerOf(row)} t={t} />
          {' · '}
          {row.description || (row.origin === 'foreign' ? t('orders.foreign') : '')}
        </span>
      </span>
      <span className="c-date">{formatDateTime(row.createdAt, lang)}</span>
      <span className="c-amount num strong">{formatMinor(row.amount, orderCurrency(row), lang)}</span>
      <span className="c-status">
        <NeutralStatusView order={row} t={t} lang={lang} />
      </span>
      <span className="c-paid">{row.paidAt ? formatDateTime(row.paidAt, lang) : '—'}</span>
      <span className="c-refund num">
        {row.refundedAmount > 0 ? formatMinor(row.refundedAmount, orderCurrency(row), lang) : '—'}
      </span>
    </div>
  );
});
