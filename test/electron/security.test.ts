/**
 * The Electron shell's security rules, without Electron: the external-link allow-list, what a window may open,
 * permissions, the CSP, the app:// file mapping, and where the customer display goes.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppRequest } from '../../electron/main/app-protocol.ts';
import { pickCustomerDisplay } from '../../electron/main/displays.ts';
import {
  APP_ENTRY,
  APP_ORIGIN,
  appPageUrl,
  CONTENT_SECURITY_POLICY,
  cspForResponse,
  decideOpen,
  devContentSecurityPolicy,
  isAllowedExternalUrl,
  isAppUrl,
  downloadAllowed,
  permissionAllowed,
  securityHeaders,
} from '../../electron/main/security.ts';

describe('external links (shell.openExternal allow-list)', () => {
  it.each([
    'https://invoicebox.ru/',
    'https://go.invoicebox.ru/pay/abc?x=1',
    'https://pay.go.INVOICEBOX.ru/p',
    'https://www.invoicebox.ru/ru/',
  ])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true);
  });

  it.each([
    ['plain http', 'http://go.invoicebox.ru/pay'],
    ['look-alike suffix', 'https://evilinvoicebox.ru/pay'],
    ['allow-listed name as a subdomain of another host', 'https://invoicebox.ru.evil.example/pay'],
    ['credentials in the URL', 'https://user:pass@go.invoicebox.ru/'],
    ['username only', 'https://invoicebox.ru@evil.example/'],
    ['non-default port', 'https://go.invoicebox.ru:8443/'],
    ['file URL', 'file:///etc/passwd'],
    ['javascript URL', 'javascript:alert(1)'],
    ['custom scheme', 'ms-settings:privacy'],
    ['our own app', `${APP_ORIGIN}/index.html`],
    ['not a URL', 'go.invoicebox.ru'],
    ['empty', ''],
  ])('refuses %s', (_why, url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });

  it('allows exactly the extra origins it is given (the training sandbox), nothing near them', () => {
    const sandbox = ['http://127.0.0.1:41234'];
    expect(isAllowedExternalUrl('http://127.0.0.1:41234/pay/abc', sandbox)).toBe(true);
    expect(isAllowedExternalUrl('http://127.0.0.1:41235/pay/abc', sandbox)).toBe(false);
    expect(isAllowedExternalUrl('http://localhost:41234/pay/abc', sandbox)).toBe(false);
    expect(isAllowedExternalUrl('http://127.0.0.1:41234/pay/abc')).toBe(false);
  });
});

describe('window.open / navigation decisions', () => {
  it('turns our own customer route into the managed customer display', () => {
    expect(decideOpen(`${APP_ENTRY}#/customer`)).toEqual({ action: 'customer-display' });
    expect(decideOpen(appPageUrl('customer'))).toEqual({ action: 'customer-display' });
  });

  it('never opens other pages of ours in a window of the page’s making', () => {
    expect(decideOpen(APP_ENTRY)).toEqual({ action: 'deny' });
    expect(decideOpen(`${APP_ENTRY}#/settings`)).toEqual({ action: 'deny' });
    expect(decideOpen(`${APP_ENTRY}#/customerx`)).toEqual({ action: 'deny' });
  });

  it('sends allow-listed payment links to the system browser and denies the rest', () => {
    expect(decideOpen('https://go.invoicebox.ru/pay/1')).toEqual({
      action: 'external',
      url: 'https://go.invoicebox.ru/pay/1',
    });
    expect(decideOpen('https://evil.example/')).toEqual({ action: 'deny' });
    expect(decideOpen('http://127.0.0.1:5000/#/customer')).toEqual({ action: 'deny' });
  });

  it('treats the dev server as ours only when it is passed as an app origin', () => {
    const dev = 'http://localhost:5173';
    expect(decideOpen(`${dev}/#/customer`, { appOrigins: [APP_ORIGIN, dev] })).toEqual({
      action: 'customer-display',
    });
    expect(decideOpen(`${dev}/#/customer`)).toEqual({ action: 'deny' });
  });
});

describe('our origin', () => {
  it('matches app://paydesk exactly', () => {
    expect(isAppUrl('app://paydesk/index.html#/orders')).toBe(true);
    expect(isAppUrl('app://paydesk')).toBe(true);
    expect(isAppUrl('app://paydesk.evil/index.html')).toBe(false);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('app://x@paydesk/index.html')).toBe(false);
    expect(isAppUrl('file:///app/paydesk/index.html')).toBe(false);
    expect(isAppUrl('about:blank')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});

describe('permissions', () => {
  it('refuses everything but clipboard writes from our own pages', () => {
    expect(permissionAllowed('clipboard-sanitized-write', `${APP_ORIGIN}/index.html`)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', APP_ORIGIN)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'https://go.invoicebox.ru/')).toBe(false);
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
      'usb',
      'fullscreen',
    ]) {
      expect(permissionAllowed(p, `${APP_ORIGIN}/index.html`), p).toBe(false);
    }
  });
});

describe('Content-Security-Policy', () => {
  const directives = (csp: string): Map<string, string> =>
    new Map(
      csp.split(';').map((d) => {
        const [name = '', ...rest] = d.trim().split(/\s+/);
        return [name, rest.join(' ')];
      }),
    );

  it('is strict: self only, no inline, no eval, no objects, no frames, no base, no forms', () => {
    const d = directives(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*|https?:|blob:|data:|wasm/);
    expect(d.get('default-src')).toBe("'self'");
    expect(d.get('script-src')).toBe("'self'");
    expect(d.get('style-src')).toBe("'self'");
    expect(d.get('img-src')).toBe("'self'");
    expect(d.get('object-src')).toBe("'none'");
    expect(d.get('frame-src')).toBe("'none'");
    expect(d.get('base-uri')).toBe("'none'");
    expect(d.get('form-action')).toBe("'none'");
    expect(d.get('frame-ancestors')).toBe("'none'");
  });

  it('is what the app:// responses carry, with nosniff and no referrer', () => {
    const h = securityHeaders();
    expect(h['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('no-referrer');
  });

  it('relaxes only script/style inline and the HMR socket for the dev server', () => {
    const dev = devContentSecurityPolicy('http://localhost:5173');
    expect(dev).toContain("script-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).not.toContain('unsafe-eval');
    expect(directives(dev).get('object-src')).toBe("'none'");
  });

  it('onHeadersReceived: documents get a policy, other resources are left alone', () => {
    expect(cspForResponse('https://evil.example/', 'mainFrame', null)).toMatch(/default-src 'none'.*sandbox/);
    expect(cspForResponse('https://evil.example/', 'subFrame', null)).toMatch(/default-src 'none'/);
    expect(cspForResponse('https://evil.example/x.png', 'image', null)).toBeNull();
    expect(cspForResponse('http://localhost:5173/', 'mainFrame', 'http://localhost:5173')).toBe(
      devContentSecurityPolicy('http://localhost:5173'),
    );
    expect(cspForResponse('http://localhost:5173/', 'mainFrame', null)).toMatch(/default-src 'none'/);
  });
});

describe('app:// → renderer files', () => {
  const root = resolve('/srv/paydesk/out/renderer');

  it('maps our pages and assets inside the renderer directory', () => {
    expect(resolveAppRequest('app://paydesk/', root)).toEqual({
      file: join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest('app://paydesk/index.html#/customer', root)?.file).toBe(
      join(root, 'index.html'),
    );
    expect(resolveAppRequest('app://paydesk/assets/index-abc.js', root)).toEqual({
      file: join(root, 'assets', 'index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppRequest('app://paydesk/favicon.svg?v=1', root)?.contentType).toBe('image/svg+xml');
  });

  it.each(['app://paydesk/../../etc/passwd.txt', 'app://paydesk/%2e%2e/%2e%2e/etc/passwd.txt'])(
    'keeps %s inside the renderer directory (the URL parser resolves dot segments first)',
    (url) => {
      expect(resolveAppRequest(url, root)?.file).toBe(join(root, 'etc', 'passwd.txt'));
    },
  );

  it.each([
    'app://paydesk/../../etc/passwd',
    'app://paydesk/assets/..%2f..%2f..%2fsecret.json',
    'app://paydesk/assets/%5c..%5c..%5csecret.json',
    'app://paydesk/a%00.html',
    'app://paydesk/%E0%A4%A',
    'app://other/index.html',
    'app://x@paydesk/index.html',
    'file:///srv/paydesk/out/renderer/index.html',
    'app://paydesk/main.node',
    'app://paydesk/script.sh',
  ])('refuses %s', (url) => {
    expect(resolveAppRequest(url, root)).toBeNull();
  });
});

describe('customer display screen', () => {
  const d = (id: number, x: number, y = 0) => ({ id, bounds: { x, y, width: 1920, height: 1080 } });

  it('is none with one screen, else the first non-primary one from the left', () => {
    expect(pickCustomerDisplay([d(1, 0)], 1)).toBeNull();
    expect(pickCustomerDisplay([], 1)).toBeNull();
    expect(pickCustomerDisplay([d(1, 0), d(2, 1920)], 1)?.id).toBe(2);
    expect(pickCustomerDisplay([d(3, 3840), d(1, 0), d(2, -1920)], 1)?.id).toBe(2);
    expect(pickCustomerDisplay([d(1, 0), d(2, 1920)], 2)?.id).toBe(1);
  });
});

describe('downloads', () => {
  it('lets our own page save the files it made (blob: of the app origin)', () => {
    expect(downloadAllowed(`blob:${APP_ORIGIN}/0b6c1f2e-1111-4222-8333-944445555666`)).toBe(true);
  });

  it.each([
    'https://go.invoicebox.ru/report.pdf',
    'blob:https://evil.example/0b6c1f2e',
    'blob:app://other/0b6c1f2e',
    'blob:app://user:pw@paydesk/0b6c1f2e',
    'data:application/pdf;base64,JVBERi0=',
    'file:///etc/passwd',
    'blob:',
  ])('refuses %s', (url) => {
    expect(downloadAllowed(url)).toBe(false);
  });
});
