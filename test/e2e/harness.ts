/**
 * One end-to-end rig: a real sandbox gateway (startSandbox), the real core pointed at it through the same PAYDESK_*
 * variables a shop would set, the browser host serving the built renderer, and a real Chromium logged in through the
 * host's one-time link. Everything on loopback, all state in a temporary directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createCore, type Core } from '../../electron/core/core.ts';
import { startSandbox, type Sandbox } from '../../electron/sandbox/server.ts';
import { startWebHost, type WebHost } from '../../electron/web/host.ts';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/contract.ts';
import { launchChromium } from '../helpers/browser.ts';
import { setupShift, waitForConsole } from '../helpers/shift-ui.ts';

export const DEMO_TOKEN = 'b37c4c689295904ed21eee5d9a48d42e';
export const DEMO_MERCHANT = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RENDERER_DIR = join(root, 'out', 'renderer');

/** The newest modification time of a file under `dir` (ms). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * The built renderer must be this one: builds it when it is missing or older than its sources (renderer/ and shared/),
 * or always with PAYDESK_E2E_REBUILD=1. A fresh clone builds once; the other e2e files then find it fresh.
 */
export function ensureRendererBuilt(): void {
  const index = join(RENDERER_DIR, 'index.html');
  const fresh =
    existsSync(index) &&
    statSync(index).mtimeMs >=
      Math.max(newestMtime(join(root, 'renderer')), newestMtime(join(root, 'shared')));
  if (fresh && process.env.PAYDESK_E2E_REBUILD !== '1') return;
  const require = createRequire(join(root, 'package.json'));
  const viteBin = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const r = spawnSync(
    process.execPath,
    [viteBin, 'build', '--config', join(root, 'renderer', 'vite.config.ts'), '--logLevel', 'warn'],
    { cwd: root, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`renderer build failed:\n${r.stdout}\n${r.stderr}`);
}

/** The sandbox's control API at `origin` (no auth; loopback): the `data` of its answer, or an error with the body. */
export async function sandboxControl(
  origin: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json = (await res.json()) as { data?: unknown; error?: unknown };
  if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

export interface Rig {
  sandbox: Sandbox;
  core: Core;
  host: WebHost;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  dataDir: string;
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** The sandbox's control API. */
  control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export interface RigOptions {
  /** Whether selling needs a cashier's shift: the real default (true); false turns the requirement off. */
  requireShift?: boolean;
  /**
   * With a shift required: create the first senior and open a shift through the UI, as a cashier would (default),
   * or (false) leave the console at its first run.
   */
  shift?: boolean;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const requireShift = options.requireShift ?? true;
  ensureRendererBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-e2e-'));
  const sandbox = await startSandbox({ rateLimit: { requests: 100_000, windowMs: 30_000 } });
  const core = await createCore({
    env: {
      PAYDESK_API_URL: sandbox.url,
      PAYDESK_GATE_URL: sandbox.gateUrl,
      PAYDESK_TOKEN: DEMO_TOKEN,
      PAYDESK_MERCHANT_ID: DEMO_MERCHANT,
      PAYDESK_DATA_DIR: dataDir,
      ...(requireShift ? {} : { PAYDESK_REQUIRE_SHIFT: '0' }),
    },
    dataDir,
    keychainService: 'PayDesk-e2e',
    logToFile: false,
    // Faster than production so that reconnects and polling fit in a test; the same code paths.
    tuning: {
      heartbeatMs: 2_000,
      pongTimeoutMs: 2_000,
      pollIntervalMs: 1_000,
      backoff: { initialMs: 200, maxMs: 1_500 },
    },
  });
  const host = await startWebHost({ core, rendererDir: RENDERER_DIR, pingMs: 2_000 });
  const browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  await page.goto(host.loginUrl);
  // Orders need an open shift: the first senior is created and a shift opened as a cashier would, in the UI.
  if (!requireShift || options.shift === false) await waitForConsole(page);
  else await setupShift(page);

  return {
    sandbox,
    core,
    host,
    browser,
    context,
    page,
    dataDir,
    invoke: async (method, input) => (await core.invoke(method, input)) as never,
    control: (method, path, body) => sandboxControl(sandbox.url, method, path, body),
    async stop() {
      await browser.close().catch(() => {});
      await host.close();
      await core.stop();
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
