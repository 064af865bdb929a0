/**
 * Real Chromium for end-to-end tests, through playwright-core (no bundled browsers: the system's /usr/bin/chromium,
 * or PAYDESK_CHROMIUM). Plus what every browser test needs: axe-core scans, screenshots, reading a QR off the page.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

// jsqr is CommonJS with an ES-style `export default` in its types: under Node's ESM interop the default import is the
// function itself at run time, while the types describe a namespace. Take whichever is callable.
type JsQR = (typeof import('jsqr'))['default'];
const jsQR: JsQR =
  typeof jsQRModule === 'function'
    ? (jsQRModule as unknown as JsQR)
    : (jsQRModule as unknown as { default: JsQR }).default;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));

export const SCREENSHOT_DIR = join(root, 'test-results', 'screenshots');

const CANDIDATES = [
  process.env.PAYDESK_CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

export function chromiumPath(): string | null {
  for (const c of CANDIDATES) if (c && existsSync(c)) return c;
  return null;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new Error('Chromium not found: apt-get install -y chromium (or set PAYDESK_CHROMIUM)');
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--force-color-profile=srgb',
      '--font-render-hinting=none',
      // A Russian till: date inputs and number formats as a cashier in Russia sees them.
      '--lang=ru-RU',
    ],
  });
}

/** PNG bytes → the text of the QR code in them, or null. */
export function decodeQrPng(png: Buffer): string | null {
  const img = PNG.sync.read(png);
  return decodePixels(
    new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length),
    img.width,
    img.height,
  );
}

/** Decodes RGBA pixels with jsQR. */
function decodePixels(data: Uint8ClampedArray, width: number, height: number): string | null {
  return jsQR(data, width, height)?.data ?? null;
}

/**
 * The QR's own markup (the `<svg>` of renderer/src/ui/Qr.tsx: a viewBox in modules and one path of runs
 * `M x y h w v1 h-w z`) rasterised here, 4 pixels per module, without the browser: what the page put in the DOM,
 * independent of how it was painted. Throws on a path that is not made of such runs.
 */
export function decodeQrSvg(viewBox: string, d: string): string | null {
  const side = Number(viewBox.split(/\s+/)[2]);
  if (!Number.isInteger(side) || side <= 0) throw new Error(`QR viewBox: ${viewBox}`);
  const scale = 4;
  const px = side * scale;
  const rgba = new Uint8ClampedArray(px * px * 4).fill(255);
  const run = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = run.exec(d)) !== null) {
    const [x, y, w, back] = m.slice(1).map(Number) as [number, number, number, number];
    if (w !== back || x + w > side || y >= side) throw new Error(`QR path: bad run ${m[0]}`);
    // Black across the run, one pixel row at a time (jsQR reads RGB only, so alpha may be 0 too).
    for (let py = y * scale; py < (y + 1) * scale; py++)
      rgba.fill(0, (py * px + x * scale) * 4, (py * px + (x + w) * scale) * 4);
    consumed = run.lastIndex;
  }
  if (consumed !== d.length) throw new Error(`QR path: unexpected text at ${consumed}`);
  return decodePixels(rgba, px, px);
}

/**
 * The QR on screen, decoded twice: from its own markup (the SVG's path, rasterised in Node) and from what the
 * browser actually painted (an element screenshot). Both must give the same text.
 */
export async function readQr(qr: Locator): Promise<{ fromMarkup: string | null; fromScreen: string | null }> {
  const viewBox = await qr.getAttribute('viewBox');
  const d = await qr.locator('path').getAttribute('d');
  const fromMarkup = viewBox && d ? decodeQrSvg(viewBox, d) : null;
  const fromScreen = decodeQrPng(await qr.screenshot({ type: 'png' }));
  return { fromMarkup, fromScreen };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string; failureSummary?: string }[];
}

const AXE_SOURCE = (): string => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page (WCAG 2.x A/AA rules) and returns the serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  const has = await page.evaluate('typeof window.axe !== "undefined"');
  if (!has) {
    try {
      await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    } catch {
      // The page's CSP ('self' scripts only) refuses an injected tag: evaluate the source instead (DevTools
      // evaluation is not subject to the page's CSP).
      await page.evaluate(AXE_SOURCE());
    }
  }
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] })
      .then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => ({ target: n.target, html: n.html.slice(0, 200), failureSummary: n.failureSummary })) })))`,
  )) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Axe violations as lines a failing test can print: rule, help, and the elements. */
export function describeViolations(v: readonly AxeViolation[]): string {
  return v
    .map(
      (x) =>
        `${x.impact} ${x.id}: ${x.help}\n  ${x.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('\n  ')}`,
    )
    .join('\n');
}

/**
 * What every browser test does on a screen: lets transitions settle (the QR image decodes asynchronously), expects no
 * serious or critical axe violation, and photographs it as `name` (unless `shot` is false).
 */
export async function scanScreen(page: Page, name: string, shot = true): Promise<void> {
  await page.waitForTimeout(250);
  const violations = await axeSerious(page);
  expect(violations, `${name}:\n${describeViolations(violations)}`).toEqual([]);
  if (shot) await screenshot(page, name);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * Pays an order the way a customer does: opens its payment page in a new tab, presses "pay", waits until the page
 * itself says the order is paid, then closes the tab. Waiting first matters: closing a tab while its form POST is
 * still committing can hang `page.close()` forever in Chromium (microsoft/playwright#41900, #42366), and could cut
 * the payment short. The close is bounded all the same; a tab that will not close is left to the context.
 */
export async function payOnPaymentPage(context: BrowserContext, paymentUrl: string): Promise<void> {
  const payPage = await context.newPage();
  await payPage.goto(paymentUrl);
  await payPage.getByTestId('pay-button').click();
  await payPage.locator('[data-testid=pay-status][data-status=completed]').waitFor({ timeout: 20_000 });
  await closeBounded(payPage);
}

/** `page.close()`, given at most `ms`: resolves either way, so a Chromium close hang cannot stall a test. */
export async function closeBounded(page: Page, ms = 5_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    page.close().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * DOM changes under `selector` during `ms` (attributes, text and nodes), each as a short description: a screen that
 * only waits should change nothing. Runs through DevTools (allowed by the page's CSP).
 */
export async function domChangesDuring(page: Page, selector: string, ms: number): Promise<string[]> {
  // A string, not a function: these tests are type-checked without the DOM's types.
  const watch = `(async ({ selector, ms }) => {
    const root = document.querySelector(selector);
    if (!root) throw new Error('nothing matches ' + selector);
    const seen = [];
    const describe = (n) =>
      n instanceof Element ? n.tagName.toLowerCase() + '.' + n.className : '#text in ' + describe(n.parentNode);
    const observer = new MutationObserver((records) => {
      for (const r of records) seen.push(r.type + ' ' + describe(r.target) + (r.attributeName ? '@' + r.attributeName : ''));
    });
    observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    await new Promise((resolve) => setTimeout(resolve, ms));
    observer.disconnect();
    return seen;
  })(${JSON.stringify({ selector, ms })})`;
  return (await page.evaluate(watch)) as string[];
}
