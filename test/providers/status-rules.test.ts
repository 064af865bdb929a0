/** The provider-neutral status rules (shared/domain/providers.ts) and the store path that applies them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { SCHEMA_VERSION } from '../../electron/core/store/migrations.ts';
import type { ProviderOrderSnapshot } from '../../electron/core/store/types.ts';
import { decideProviderStatus, legacyStatus, neutralFromInvoicebox } from '../../shared/domain/providers.ts';

describe('decideProviderStatus', () => {
  it('Xsolla: forward only, canceled ends any non-final, nothing leaves done', () => {
    const x = (raw: string, neutral: Parameters<typeof legacyStatus>[0]) => ({ raw, neutral });
    expect(decideProviderStatus('xsolla', x('new', 'created'), x('paid', 'paid')).kind).toBe('apply');
    expect(decideProviderStatus('xsolla', x('paid', 'paid'), x('new', 'created')).kind).toBe('stale');
    expect(decideProviderStatus('xsolla', x('paid', 'paid'), x('paid', 'paid')).kind).toBe('duplicate');
    expect(decideProviderStatus('xsolla', x('paid', 'paid'), x('canceled', 'canceled')).kind).toBe('apply');
    expect(decideProviderStatus('xsolla', x('done', 'delivered'), x('canceled', 'canceled')).kind).toBe(
      'stale',
    );
  });
  it('WellPay: stages move either way while open; a final status is never left', () => {
    const w = (raw: string, stage: string, neutral: Parameters<typeof legacyStatus>[0] = 'created') => ({
      raw,
      stage,
      neutral,
    });
    expect(
      decideProviderStatus('wellpay', w('pay', 'checking_payment'), w('waitPhoto', 'awaiting_proof')).kind,
    ).toBe('apply');
    expect(
      decideProviderStatus('wellpay', w('pay', 'checking_payment'), w('pay', 'price_changed')).kind,
    ).toBe('apply');
    expect(
      decideProviderStatus('wellpay', w('pay', 'checking_payment'), w('pay', 'checking_payment')).kind,
    ).toBe('duplicate');
    expect(
      decideProviderStatus('wellpay', w('success', 'success', 'paid'), w('pay', 'checking_payment')).kind,
    ).toBe('stale');
    expect(
      decideProviderStatus('wellpay', w('rejected', 'expired', 'expired'), w('success', 'success', 'paid'))
        .kind,
    ).toBe('stale');
  });
  it('Invoicebox keeps its own rule (expired → completed is real) and the legacy mapping holds', () => {
    expect(
      decideProviderStatus(
        'invoicebox',
        { raw: 'expired', neutral: 'expired' },
        { raw: 'completed', neutral: 'paid' },
      ).kind,
    ).toBe('apply');
    expect(legacyStatus('delivered')).toBe('completed');
    expect(legacyStatus('refunded')).toBe('completed');
    expect(neutralFromInvoicebox('completed')).toBe('paid');
  });
});

describe('store.applyProviderUpdate', () => {
  let store: Store | null = null;
  let dir = '';
  afterEach(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const snap = (
    raw: string,
    neutral: ProviderOrderSnapshot['neutralStatus'],
    extra: Partial<ProviderOrderSnapshot> = {},
  ) =>
    ({
      provider: 'xsolla',
      id: 'xsolla:1:42',
      merchantId: 'xsolla:1',
      merchantOrderId: '42',
      neutralStatus: neutral,
      rawStatus: raw,
      amount: 999,
      currency: 'USD',
      raw: { status: raw },
      ...extra,
    }) as ProviderOrderSnapshot;

  it('inserts, ignores duplicates, records stale updates without applying them, and survives a reopen', () => {
    dir = mkdtempSync(join(tmpdir(), 'paydesk-provider-store-'));
    store = openStore({ dir });
    expect(store.migration.to).toBe(SCHEMA_VERSION);
    expect(store.applyProviderUpdate(snap('new', 'created'), 'api').decision).toBe('apply');
    expect(store.applyProviderUpdate(snap('paid', 'paid'), 'gate').decision).toBe('apply');
    expect(store.applyProviderUpdate(snap('paid', 'paid'), 'reconcile')).toMatchObject({
      decision: 'duplicate',
      changed: false,
    });
    expect(store.applyProviderUpdate(snap('new', 'created'), 'reconcile').decision).toBe('stale');
    store.close();
    store = openStore({ dir });
    const d = store.getOrder('xsolla:1:42')!;
    expect(d.order).toMatchObject({
      provider: 'xsolla',
      neutralStatus: 'paid',
      rawStatus: 'paid',
      status: 'completed',
    });
    expect(d.history.map((h) => [h.rawStatus, h.applied])).toEqual([
      ['new', true],
      ['paid', true],
      ['new', false],
    ]);
    // Not an Invoicebox order: the reconciler's sweep never sees it.
    expect(store.openOrdersAfter(null, 10)).toEqual([]);
    expect(store.searchOrders({ provider: 'xsolla' }).rows).toHaveLength(1);
    expect(store.searchOrders({ provider: 'invoicebox' }).rows).toHaveLength(0);
    expect(() => store!.applyProviderUpdate(snap('x', 'bogus' as never), 'api')).toThrow(/unknown status/);
  });
});
