import type { ReactNode } from 'react';
import { bridge } from '../bridge.ts';
import { useLang, useT, type MessageKey } from '../i18n/index.ts';
import { useCurrent } from '../state/current.ts';
import { useEffectiveConnection } from '../state/connection.ts';
import { useSettings } from '../state/settings.ts';
import { useHotkeys } from '../ui/hooks.ts';
import { reasonText } from '../ui/errors.ts';
import { Icon, type IconName } from '../ui/Icon.tsx';
import { ProviderStates } from './ProviderStates.tsx';
import { PinDialog } from '../ui/PinDialog.tsx';
import { ShiftStatus } from './ShiftStatus.tsx';
import { navigate, routeHref, type Route } from './router.ts';

interface NavItem {
  route: Route;
  label: MessageKey;
  key: string;
  icon: IconName;
  match: Route['name'][];
}

export function openCustomerDisplay(): void {
  // A second window where one can be opened (Electron's shell decides how; a browser opens a tab/window).
  const url = `${location.origin === 'null' ? '' : location.origin}${location.pathname}#/customer`;
  window.open(url, 'paydesk-customer', 'popup,width=900,height=1000');
}

export function Layout({ route, title, children }: { route: Route; title: string; children: ReactNode }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const currentId = useCurrent((s) => s.currentId);
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const conn = useEffectiveConnection();

  const items: NavItem[] = [
    { route: { name: 'new' }, label: 'nav.new', key: 'F2', icon: 'plus', match: ['new'] },
    ...(currentId
      ? [
          {
            route: { name: 'pay', id: currentId },
            label: 'nav.pay',
            key: 'F3',
            icon: 'qr',
            match: ['pay'],
          } satisfies NavItem,
        ]
      : []),
    {
      route: { name: 'orders' },
      label: 'nav.orders',
      key: 'F4',
      icon: 'list',
      match: ['orders', 'order', 'refund'],
    },
    {
      route: { name: 'shift' },
      label: 'shift.nav',
      key: 'F6',
      icon: 'clock',
      match: ['shift', 'reports', 'report'],
    },
    {
      route: { name: 'diagnostics' },
      label: 'nav.diagnostics',
      key: 'F8',
      icon: 'pulse',
      match: ['diagnostics'],
    },
    { route: { name: 'settings' }, label: 'nav.settings', key: 'F9', icon: 'sliders', match: ['settings'] },
  ];

  useHotkeys(
    {
      F2: () => navigate({ name: 'new' }),
      F3: () => currentId && navigate({ name: 'pay', id: currentId }),
      F4: () => navigate({ name: 'orders' }),
      F6: () => navigate({ name: 'shift' }),
      F8: () => navigate({ name: 'diagnostics' }),
      F9: () => navigate({ name: 'settings' }),
    },
    { inInputs: true },
  );

  const switchLang = (next: 'ru' | 'en'): void => {
    useLang.getState().setLang(next);
    if (settings && settings.language !== next)
      void update({ language: next }, { approve: false }).catch(() => {});
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main-content">
        {t('nav.skip')}
      </a>
      <aside className="sidebar">
        <div className="brand">
          <div className="brand-mark" aria-hidden="true">
            P
          </div>
          <div>
            <div className="brand-name">PayDesk</div>
            <div className="brand-shop">{settings?.shopName || t('app.shopFallback')}</div>
          </div>
        </div>
        <nav aria-label={t('nav.label')}>
          <ul className="nav">
            {items.map((item) => {
              const active = item.match.includes(route.name);
              return (
                <li key={item.label}>
                  <a
                    href={routeHref(item.route)}
                    className={['nav-item', active ? 'is-active' : ''].join(' ').trim()}
                    aria-current={active ? 'page' : undefined}
                  >
                    <span className="nav-icon">
                      <Icon name={item.icon} />
                    </span>
                    <span className="nav-label">{t(item.label)}</span>
                    <kbd className="nav-kbd" aria-hidden="true">
                      {item.key}
                    </kbd>
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <button type="button" className="nav-item nav-button" onClick={openCustomerDisplay}>
            <span className="nav-icon">
              <Icon name="monitor" />
            </span>
            <span className="nav-label">{t('nav.customer')}</span>
          </button>
          {settings ? (
            <div className={`mode-badge mode-${settings.mode}`} data-testid="mode-badge">
              {settings.mode === 'sandbox' ? t('mode.sandbox') : t('mode.live')}
            </div>
          ) : null}
          <div className="host-note">
            {bridge.host === 'browser' ? t('app.hostBrowser') : t('app.hostElectron')}
          </div>
        </div>
      </aside>
      <div className="main">
        <header className="topbar">
          <h1 className="page-title">{title}</h1>
          <div className="topbar-right">
            <ShiftStatus />
            <ProviderStates />
            <div className="lang-switch" role="group" aria-label={t('settings.language')}>
              {(['ru', 'en'] as const).map((l) => (
                <button
                  key={l}
                  type="button"
                  className={lang === l ? 'is-on' : ''}
                  aria-pressed={lang === l}
                  onClick={() => switchLang(l)}
                >
                  {l.toUpperCase()}
                </button>
              ))}
            </div>
          </div>
        </header>
        {conn.state === 'offline' || conn.state === 'degraded' ? (
          <div className={`conn-banner conn-banner-${conn.state}`} role="alert">
            <strong>{t(`conn.${conn.state}.banner` as MessageKey)}</strong>
            {conn.reason ? <span> {reasonText(t, conn.reason)}</span> : null}
          </div>
        ) : null}
        <main className="content" id="main-content" tabIndex={-1}>
          {children}
        </main>
      </div>
      <PinDialog />
    </div>
  );
}
