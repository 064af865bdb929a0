/**
 * `app://paydesk/<path>` → a file of the built renderer (out/renderer), or nothing. Pure path logic, no Electron:
 * the protocol handler in session.ts reads the file and answers with our security headers.
 *
 * Only our host, only GET-able file types we ship, never outside the renderer directory (`..`, encoded `%2e%2e`,
 * backslashes and NUL bytes included).
 */
import { extname, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './security.ts';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface AppFile {
  file: string;
  contentType: string;
}

export function resolveAppRequest(requestUrl: string, rendererDir: string): AppFile | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  if (url.username !== '' || url.password !== '') return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const rel = pathname === '' || pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  if (rel.split('/').some((part) => part === '..')) return null;
  const root = resolve(rendererDir);
  const file = resolve(root, rel);
  if (!file.startsWith(root + sep)) return null;
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
  if (!contentType) return null;
  return { file, contentType };
}
