/**
 * The rest of the shell's plain logic: when a "paid" notification fires, what it says, and the menu (Russian and
 * English, no developer tools in production).
 */
import { describe, expect, it } from 'vitest';
import {
  createCompletionTracker,
  paidNotificationText,
  RECENT_PAYMENT_MS,
  shouldBeep,
} from '../../electron/main/notify-policy.ts';
import { buildMenuTemplate, rolesOf } from '../../electron/main/menu-template.ts';
import type { MenuItemConstructorOptions } from 'electron';

const now = Date.parse('2025-06-01T12:00:00Z');
const at = (ms: number) => new Date(now + ms).toISOString();
const order = (
  id: string,
  status: 'created' | 'completed' | 'expired' | 'canceled',
  paidAt: string | null = null,
) => ({
  id,
  status,
  paidAt,
  updatedAt: paidAt ?? at(-1000),
});

describe('paid notifications', () => {
  it('fires once when an order seen open becomes completed', () => {
    const t = createCompletionTracker();
    expect(t.observe(order('a', 'created'), now)).toBe(false);
    expect(t.observe(order('a', 'completed', at(-1_000)), now)).toBe(true);
    expect(t.observe(order('a', 'completed', at(-1_000)), now)).toBe(false);
  });

  it('fires for an order seen open even if it was paid long ago (the payment just reached us)', () => {
    const t = createCompletionTracker();
    t.observe(order('b', 'created'), now);
    expect(t.observe(order('b', 'completed', at(-3 * 3_600_000)), now)).toBe(true);
  });

  it('does not replay old payments after a restart, but announces one that happened moments ago', () => {
    const t = createCompletionTracker();
    expect(t.observe(order('old', 'completed', at(-RECENT_PAYMENT_MS - 1)), now)).toBe(false);
    expect(t.observe(order('new', 'completed', at(-5_000)), now)).toBe(true);
    expect(t.observe(order('weird', 'completed', 'not a date'), now)).toBe(false);
  });

  it('never fires for other statuses', () => {
    const t = createCompletionTracker();
    for (const s of ['created', 'expired', 'canceled'] as const)
      expect(t.observe(order('c', s), now)).toBe(false);
  });

  it('says how much and which order, in the cashier’s language', () => {
    const o = { merchantOrderId: 'PD-0042', amount: 123456, description: 'Кофе' };
    expect(paidNotificationText(o, 'ru')).toEqual({
      title: 'Оплачено: 1\u00a0234,56 ₽',
      body: 'Заказ PD-0042 — Кофе оплачен.',
    });
    expect(paidNotificationText({ ...o, description: '' }, 'en')).toEqual({
      title: 'Paid: 1,234.56 ₽',
      body: 'Order PD-0042 has been paid.',
    });
  });

  it('beeps where the notification itself is silent', () => {
    expect(shouldBeep('linux', true)).toBe(true);
    expect(shouldBeep('win32', true)).toBe(false);
    expect(shouldBeep('darwin', true)).toBe(false);
    expect(shouldBeep('win32', false)).toBe(true);
  });
});

describe('menu', () => {
  const actions = { toggleCustomerDisplay: () => {}, openHelp: () => {}, about: () => {} };
  const labels = (t: readonly MenuItemConstructorOptions[]): string[] => t.map((i) => i.label ?? '');

  it('has no developer tools or reload in production, on any platform', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const roles = rolesOf(buildMenuTemplate({ lang: 'ru', platform, dev: false, actions }));
      expect(roles).not.toContain('toggleDevTools');
      expect(roles).not.toContain('reload');
      expect(roles).not.toContain('forceReload');
      expect(roles).toEqual(expect.arrayContaining(['copy', 'paste', 'selectAll', 'undo']));
    }
  });

  it('has them in development', () => {
    const roles = rolesOf(buildMenuTemplate({ lang: 'en', platform: 'linux', dev: true, actions }));
    expect(roles).toContain('toggleDevTools');
  });

  it('speaks Russian or English', () => {
    expect(labels(buildMenuTemplate({ lang: 'ru', platform: 'linux', dev: false, actions }))).toEqual([
      'Файл',
      'Правка',
      'Вид',
      'Окно',
      'Справка',
    ]);
    expect(labels(buildMenuTemplate({ lang: 'en', platform: 'darwin', dev: false, actions }))).toEqual([
      'PayDesk',
      'File',
      'Edit',
      'View',
      'Window',
      'Help',
    ]);
  });

  it('toggles the customer display from the menu', () => {
    let toggled = 0;
    const template = buildMenuTemplate({
      lang: 'en',
      platform: 'linux',
      dev: false,
      actions: { ...actions, toggleCustomerDisplay: () => toggled++ },
    });
    const file = template[0]?.submenu as MenuItemConstructorOptions[];
    const item = file.find((i) => i.label === 'Customer display');
    (item?.click as () => void)();
    expect(toggled).toBe(1);
  });
});
