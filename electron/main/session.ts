/**
 * The Electron side of the shell's security: the app:// protocol (our pages, with our headers), the CSP hook on
 * http(s) responses, permissions (all refused but clipboard write from our pages), and a guard on EVERY webContents
 * (no navigation away, no windows of a page's making, no <webview>). The rules themselves are in security.ts.
 */
import { readFile } from 'node:fs/promises';
import { app, protocol, shell, type Session, type WebContents } from 'electron';
import { resolveAppRequest } from './app-protocol.ts';
import {
  APP_SCHEME,
  cspForResponse,
  decideOpen,
  downloadAllowed,
  permissionAllowed,
  securityHeaders,
} from './security.ts';

/** Must run before `app` is ready: app:// is a standard, secure scheme with a real origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        codeCache: true,
        allowServiceWorkers: false,
        corsEnabled: false,
        bypassCSP: false,
        stream: false,
      },
    },
  ]);
}

export interface SessionSecurityOptions {
  /** The built renderer: out/renderer. */
  rendererDir: string;
  /** Our page origins: `app://paydesk`, plus the dev server's in development. */
  appOrigins: readonly string[];
  /** The dev server's origin in development, else null. */
  devOrigin: string | null;
  warn(event: string, fields: Record<string, string>): void;
}

export function installSessionSecurity(ses: Session, options: SessionSecurityOptions): void {
  const headers = securityHeaders();

  ses.protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers });
    }
    const target = resolveAppRequest(request.url, options.rendererDir);
    if (!target) return new Response('Not found', { status: 404, headers });
    try {
      const body = await readFile(target.file);
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
        status: 200,
        headers: { ...headers, 'content-type': target.contentType },
      });
    } catch {
      return new Response('Not found', { status: 404, headers });
    }
  });

  ses.webRequest.onHeadersReceived((details, callback) => {
    const csp = cspForResponse(details.url, details.resourceType, options.devOrigin);
    if (csp === null) {
      callback({});
      return;
    }
    const responseHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [csp];
    callback({ responseHeaders });
  });

  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const allowed = permissionAllowed(permission, details.requestingUrl, options.appOrigins);
    if (!allowed) options.warn('permission.denied', { permission, url: details.requestingUrl.slice(0, 200) });
    callback(allowed);
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionAllowed(permission, requestingOrigin, options.appOrigins),
  );
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event, item) => {
    // No save path is set, so Electron shows the Save dialog for what we allow (the report's CSV and PDF).
    if (downloadAllowed(item.getURL(), options.appOrigins)) return;
    event.preventDefault();
    options.warn('download.denied', { url: item.getURL().slice(0, 200) });
  });
}

export interface GuardOptions {
  appOrigins: readonly string[];
  /** Origins besides the allow-listed payment hosts that may open in the system browser (the training sandbox). */
  externalOrigins(): readonly string[];
  openCustomerDisplay(): void;
  warn(event: string, fields: Record<string, string>): void;
}

/** Applied to every webContents the app ever creates (`app.on('web-contents-created')`). */
export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  const follow = (url: string, via: string): void => {
    const decision = decideOpen(url, {
      appOrigins: options.appOrigins,
      externalOrigins: options.externalOrigins(),
    });
    if (decision.action === 'customer-display') options.openCustomerDisplay();
    else if (decision.action === 'external') {
      shell.openExternal(decision.url).catch(() => options.warn('external.failed', { via }));
    } else options.warn('navigation.denied', { via, url: url.slice(0, 200) });
  };

  contents.on('will-navigate', (event) => {
    event.preventDefault();
    follow(event.url, 'will-navigate');
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) {
      event.preventDefault();
      options.warn('navigation.denied', { via: 'subframe', url: event.url.slice(0, 200) });
    }
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
    options.warn('navigation.denied', { via: 'redirect', url: event.url.slice(0, 200) });
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    follow(url, 'window-open');
    return { action: 'deny' };
  });
}

/** Development: the renderer from electron-vite's dev server (never when packaged). */
export function devServerOrigin(): string | null {
  const url = process.env.ELECTRON_RENDERER_URL;
  if (app.isPackaged || !url) return null;
  try {
    const u = new URL(url);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
    return u.protocol === 'http:' && loopback ? `${u.protocol}//${u.host}` : null;
  } catch {
    return null;
  }
}
