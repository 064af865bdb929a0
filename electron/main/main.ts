/**
 * PayDesk's Electron main process: thin. It starts the core (everything secret and networked, plain Node — see
 * electron/core/core.ts), serves the renderer from app://paydesk, opens the cashier's window (and the customer
 * display on a second screen), and bridges the contract over IPC. One instance per user: a second launch focuses
 * the first one's window.
 *
 * Data: `PAYDESK_DATA_DIR`, else Electron's `userData` folder (the same path the core's default computes).
 */
import { join } from 'node:path';
import { app, dialog, screen, session } from 'electron';
import { APP_VERSION, createCore, type Core } from '../core/core.ts';
import { registerIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { startPaidNotifications } from './notify.ts';
import { APP_ENTRY, APP_ORIGIN, originOf } from './security.ts';
import { devServerOrigin, guardWebContents, installSessionSecurity, registerAppScheme } from './session.ts';
import { jsFlagsRelaunch, relaunchArgs } from './v8-flags.ts';
import { createWindows, type Windows } from './windows.ts';

export const APP_ID = 'ru.paydesk.console';

const here = import.meta.dirname;
const rendererDir = join(here, '..', 'renderer');
const preload = join(here, '..', 'preload', 'preload.cjs');

// The core's V8 flags must be on Electron's own command line (v8-flags.ts): without them, start again with them.
const jsFlags = jsFlagsRelaunch(
  process.argv,
  app.commandLine.getSwitchValue('js-flags'),
  process.env,
  app.isPackaged,
);
const relaunching = jsFlags !== null;
if (relaunching) {
  app.relaunch({ args: relaunchArgs(process.argv, jsFlags) });
  app.exit(0);
}

// Before `ready`: every renderer sandboxed, whatever a window asks for; app:// registered as a standard scheme.
app.enableSandbox();
registerAppScheme();
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

let core: Core | null = null;
let windows: Windows | null = null;

const warn = (event: string, fields: Record<string, string> = {}): void => {
  if (core) core.log.warn(event, fields);
  else console.warn(`[paydesk] ${event}`, fields);
};

function language(): 'ru' | 'en' {
  try {
    return core?.config().language ?? 'ru';
  } catch {
    return 'ru';
  }
}

/** The training sandbox's payment page may open in the system browser; live payment links are *.invoicebox.ru. */
function sandboxOrigins(): string[] {
  try {
    const sandbox = core?.session().sandbox;
    return sandbox ? [originOf(new URL(sandbox.url))] : [];
  } catch {
    return [];
  }
}

async function start(): Promise<void> {
  await app.whenReady();
  const devOrigin = devServerOrigin();
  const dev = !app.isPackaged;
  const appOrigins = devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN];

  installSessionSecurity(session.defaultSession, { rendererDir, appOrigins, devOrigin, warn });
  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(contents, {
      appOrigins,
      externalOrigins: sandboxOrigins,
      openCustomerDisplay: () => windows?.openCustomerDisplay(),
      warn,
    }),
  );

  const dataDir = process.env.PAYDESK_DATA_DIR || app.getPath('userData');
  try {
    core = await createCore({ dataDir });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    dialog.showErrorBox('PayDesk', `PayDesk could not start / PayDesk не запустился:\n${message}`);
    app.exit(1);
    return;
  }
  const started = core;
  started.log.info('shell.start', { electron: process.versions.electron ?? '-', dataDir });

  const w = createWindows({
    preload,
    entryUrl: devOrigin ? `${devOrigin}/` : APP_ENTRY,
    devTools: dev,
    title: 'PayDesk',
    warn,
  });
  windows = w;

  const refreshMenu = installMenu({
    lang: language,
    dev,
    version: APP_VERSION,
    toggleCustomerDisplay: () => w.toggleCustomerDisplay(),
  });
  registerIpc({ core: started, windows: w, appOrigins, onSettingsChanged: refreshMenu, warn });
  startPaidNotifications({
    core: started,
    lang: language,
    focusCashier: () => w.openCashier(),
    warn,
  });

  w.openCashier();
  if (screen.getAllDisplays().length > 1) w.openCustomerDisplay();
  screen.on('display-added', () => w.displaysChanged());
  screen.on('display-removed', () => w.displaysChanged());

  app.on('activate', () => w.openCashier());
}

// --- lifecycle ------------------------------------------------------------------------------------------

if (relaunching) {
  // app.exit() above ends this process; nothing else may start in it.
} else if (!app.requestSingleInstanceLock()) {
  // Another PayDesk runs for this user: it gets our `second-instance` and shows its window.
  app.quit();
} else {
  app.on('second-instance', () => windows?.openCashier());

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Stop the core (gate, sandbox, SQLite) before the process goes: quit waits for it once.
  let stopped = false;
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopped || !core) return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    const c = core;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
    void Promise.race([c.stop(), timeout])
      .catch((err: unknown) => console.error('[paydesk] core stop failed', err))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  start().catch((err: unknown) => {
    console.error('[paydesk] start failed', err);
    dialog.showErrorBox('PayDesk', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
