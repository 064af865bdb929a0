/**
 * HTML for the sandbox's pages (payment page, index): an escaping template tag, one stylesheet, strict headers.
 * Interpolated values are escaped unless they are `SafeHtml` (built by `html` itself), so user input (descriptions,
 * names) can never become markup. The only style is the inline sheet below, allowed by its hash; no script, no
 * external resource, forms post to the same origin only.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { requestId } from './http-util.ts';
import { formatKopecks, kopecksFromApi } from '../../shared/domain/money.ts';

export class SafeHtml {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function fragment(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/** Template tag: `html\`<p>${userText}</p>\`` escapes `userText`; nested `html` fragments and arrays of them pass. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + fragment(values[i - 1]) + s));
}

/** Text whose line breaks are kept (`<br>`), everything escaped: a merchant's multi-line description. */
export function multiline(text: unknown): SafeHtml {
  return new SafeHtml(
    String(text ?? '')
      .split(/\r?\n/)
      .map(escapeHtml)
      .join('<br>'),
  );
}

const CURRENCY_SIGN: Readonly<Record<string, string>> = { RUB: '₽', USD: '$', EUR: '€', GBP: '£' };

/** An API amount as a Russian reader expects it: `1 130,00 ₽`. */
export function formatMoney(amount: unknown, currencyId: unknown): string {
  const sign = CURRENCY_SIGN[String(currencyId)] ?? String(currencyId);
  return `${formatKopecks(kopecksFromApi(Number(amount)))}\u00a0${sign}`;
}

const STYLE = `
:root{color-scheme:light;--ink:#1d2433;--muted:#667085;--line:#e4e7ec;--brand:#0b63ce;--ok:#067647;--bad:#b42318}
*{box-sizing:border-box}
body{margin:0;background:#f2f4f7;color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:640px;margin:32px auto;padding:28px;background:#fff;border-radius:16px;box-shadow:0 4px 24px #1018280f}
main.wide{max-width:1100px}
header{display:flex;justify-content:space-between;align-items:baseline;gap:16px;margin-bottom:12px}
.shop{font-weight:600;font-size:18px}.brand{color:var(--muted);font-size:13px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:24px 0 8px}
.desc{color:var(--muted);margin:0 0 16px;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse;font-size:15px}
th,td{padding:8px 6px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:500;text-align:left}td.num,th.num{text-align:right;white-space:nowrap}
tfoot td{border:0;font-weight:600}tfoot tr.vat td{font-weight:400;color:var(--muted);padding-top:0}
.status{margin:20px 0 8px;padding:10px 14px;border-radius:10px;background:#f2f4f7;font-weight:600}
.status-completed{background:#ecfdf3;color:var(--ok)}.status-expired,.status-canceled{background:#fef3f2;color:var(--bad)}
.notice{margin:8px 0;padding:10px 14px;border-radius:10px;background:#fffaeb;color:#93370d}
.actions{display:flex;gap:12px;margin:20px 0 8px;flex-wrap:wrap}.actions form{margin:0}
button{font:inherit;border:0;border-radius:10px;padding:12px 22px;cursor:pointer}
button.pay{background:var(--brand);color:#fff;font-weight:600}button.decline{background:#f2f4f7;color:var(--ink)}
button:focus-visible,a:focus-visible{outline:3px solid #84caff;outline-offset:2px}
.muted,footer{color:var(--muted);font-size:13px}footer{margin-top:24px}
a{color:var(--brand)}code{font-size:13px}
`;

/** Built outside any template: the CSP hash covers the element's exact content, which no formatter may touch. */
const STYLE_ELEMENT = new SafeHtml(`<style>${STYLE}</style>`);

const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sends a whole page with strict security headers and `X-Request-Id`. */
export function sendPage(
  res: ServerResponse,
  status: number,
  title: string,
  body: SafeHtml,
  lang = 'ru',
): void {
  requestId(res);
  const page = html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>${title}</title>
        ${STYLE_ELEMENT}
      </head>
      <body>
        ${body}
      </body>
    </html> `.text;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(page),
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'cache-control': 'no-store',
  });
  res.end(page);
}
