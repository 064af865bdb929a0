/**
 * The Electron shell's security rules as plain functions (no Electron import), so they are unit-tested in Node:
 * what our own origin is, which URLs may leave the app for the system browser, what a window may open, which
 * permission a page may get, and the Content-Security-Policy our pages carry.
 *
 * The renderer is served from `app://paydesk/` (a privileged, standard, secure custom scheme), not from file://:
 * it gets a real origin of its own (file:// pages share one origin with every local file, so an origin check on
 * the IPC sender would mean little), its responses carry our CSP headers, and the grantFileProtocolExtraPrivileges
 * fuse can be switched off.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'paydesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** The renderer's customer-display route (renderer/src/app/router.ts). */
export const CUSTOMER_ROUTE = '#/customer';

/** Where the cashier's window or the customer display starts. */
export function appPageUrl(kind: 'cashier' | 'customer', base: string = APP_ENTRY): string {
  return kind === 'customer' ? `${base}${CUSTOMER_ROUTE}` : base;
}

/**
 * The CSP of our own pages: our files only, no inline script or style, no eval, no plugins, no frames, no forms.
 * The same policy as the browser host's (electron/web/host.ts) and the renderer's <meta>. No `data:` images: the QR
 * code is drawn as inline SVG (renderer/src/ui/Qr.tsx).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Development only (electron-vite's dev server, never packaged): Vite's React refresh needs one inline script and a
 * WebSocket back to the dev server. Everything else stays as strict as in production.
 */
export function devContentSecurityPolicy(devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws');
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", `connect-src 'self' ${ws}`);
}

/** Headers on every response of the app:// protocol. */
export function securityHeaders(csp: string = CONTENT_SECURITY_POLICY): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=()',
    'cache-control': 'no-cache',
  };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Is `url` one of our own pages (exact origin match; `app://paydesk` and, in development only, the dev server)? */
export function isAppUrl(url: string, appOrigins: readonly string[] = [APP_ORIGIN]): boolean {
  const u = parse(url);
  if (!u || u.username !== '' || u.password !== '') return false;
  return appOrigins.includes(originOf(u));
}

/** `URL.origin` is "null" for non-special schemes such as app:, so build it ourselves. */
export function originOf(u: URL): string {
  return `${u.protocol}//${u.host}`;
}

/**
 * May a download go ahead? Only files our own page made (a `blob:` URL of an app origin: the shift report's CSV and
 * PDF); Electron then asks the cashier where to save it. Anything else a page might start downloading is refused.
 */
export function downloadAllowed(url: string, appOrigins: readonly string[] = [APP_ORIGIN]): boolean {
  if (!url.startsWith('blob:')) return false;
  return isAppUrl(url.slice('blob:'.length), appOrigins);
}

/** The payment hosts a link may open in the system browser: Invoicebox and its subdomains, https only. */
export const EXTERNAL_HOST_SUFFIXES = ['invoicebox.ru'] as const;

/**
 * May this URL be handed to the system browser (`shell.openExternal`)? Only `https:` on an allow-listed payment
 * host (`invoicebox.ru`, `*.invoicebox.ru`) on the default port, without credentials in the URL. `extraOrigins`
 * adds exact origins — the main process passes the embedded training sandbox's loopback origin, whose payment page
 * the cashier may open in training mode.
 */
export function isAllowedExternalUrl(url: string, extraOrigins: readonly string[] = []): boolean {
  const u = parse(url);
  if (!u) return false;
  if (u.username !== '' || u.password !== '') return false;
  if (extraOrigins.includes(originOf(u)) && (u.protocol === 'https:' || u.protocol === 'http:')) return true;
  if (u.protocol !== 'https:' || u.port !== '') return false;
  const host = u.hostname.toLowerCase();
  return EXTERNAL_HOST_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}

export type OpenDecision =
  { action: 'customer-display' } | { action: 'external'; url: string } | { action: 'deny' };

/**
 * What to do when a page asks for a new window (`window.open`, `target=_blank`) or tries to navigate away: never
 * a new Electron window of the page's making. Our own customer-display route → the shell opens (or focuses) its
 * managed customer window; an allow-listed payment link → the system browser; anything else → nothing.
 */
export function decideOpen(
  url: string,
  options: { appOrigins?: readonly string[]; externalOrigins?: readonly string[] } = {},
): OpenDecision {
  const appOrigins = options.appOrigins ?? [APP_ORIGIN];
  if (isAppUrl(url, appOrigins)) {
    const u = parse(url);
    const hash = u?.hash ?? '';
    if (hash === CUSTOMER_ROUTE || hash.startsWith(`${CUSTOMER_ROUTE}?`))
      return { action: 'customer-display' };
    return { action: 'deny' };
  }
  if (isAllowedExternalUrl(url, options.externalOrigins ?? [])) return { action: 'external', url };
  return { action: 'deny' };
}

/**
 * Permission requests and checks: everything is refused, except writing plain text to the clipboard from our own
 * page (the payment screen's "copy the payment link" button). No camera, microphone, geolocation, notifications
 * from pages (the main process notifies), no HID/serial/USB, no fullscreen requests from content.
 */
export function permissionAllowed(
  permission: string,
  requestingUrl: string,
  appOrigins: readonly string[] = [APP_ORIGIN],
): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingUrl, appOrigins);
}

/**
 * The CSP that `session.webRequest.onHeadersReceived` puts on an http(s) document response. Chromium does not run
 * header hooks for custom schemes (electron/electron#6021), so app:// pages get theirs from the protocol handler;
 * this hook covers everything else: the dev server's pages (development only) get the development policy, and any
 * other document that would ever reach one of our windows or frames gets no script, no plugins, no subresources.
 * Non-document responses (images, XHR…) are left alone: returns null.
 */
export function cspForResponse(url: string, resourceType: string, devOrigin: string | null): string | null {
  if (resourceType !== 'mainFrame' && resourceType !== 'subFrame') return null;
  if (devOrigin !== null && isAppUrl(url, [devOrigin])) return devContentSecurityPolicy(devOrigin);
  return "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";
}
