/**
 * PayDesk's two windows: the cashier's console, and the customer display — the renderer's `#/customer` route only,
 * full screen on a second screen when there is one (or an ordinary window when the cashier asks for it on a single
 * screen). Both are sandboxed, context-isolated, without Node, with web security on and no <webview>.
 */
import { BrowserWindow, screen, type WebContents } from 'electron';
import type { EventName } from '../../shared/contract/contract.ts';
import { eventChannel } from '../../shared/contract/names.ts';
import { pickCustomerDisplay } from './displays.ts';
import { eventAllowed, type WindowRole } from './ipc-policy.ts';
import { appPageUrl } from './security.ts';

export interface WindowsOptions {
  /** Absolute path of out/preload/preload.cjs. */
  preload: string;
  /** The renderer's entry URL: `app://paydesk/index.html`, or the dev server in development. */
  entryUrl: string;
  /** Developer tools available (development only). */
  devTools: boolean;
  title: string;
  warn(event: string, fields: Record<string, string>): void;
}

export interface Windows {
  openCashier(): BrowserWindow;
  /** Opens the customer display (on the second screen when there is one), or focuses it. */
  openCustomerDisplay(): BrowserWindow;
  toggleCustomerDisplay(): void;
  closeCustomerDisplay(): void;
  cashier(): BrowserWindow | null;
  /** Which of our windows this webContents belongs to (null: none of ours). */
  roleOf(contents: WebContents): { role: WindowRole; window: BrowserWindow } | null;
  /** Sends a core event to every window allowed to receive it. */
  broadcast(event: EventName, payload: unknown): void;
  /** Re-homes the customer display after screens were added or removed. */
  displaysChanged(): void;
}

function webPreferences(options: WindowsOptions): Electron.WebPreferences {
  return {
    preload: options.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: options.devTools,
  };
}

export function createWindows(options: WindowsOptions): Windows {
  let cashier: BrowserWindow | null = null;
  let customer: BrowserWindow | null = null;
  /** The customer display was opened because a second screen is there (and goes when it goes). */
  let customerOnSecondScreen = false;

  const load = (win: BrowserWindow, kind: 'cashier' | 'customer'): void => {
    win.loadURL(appPageUrl(kind, options.entryUrl)).catch((err: unknown) => {
      options.warn('window.load_failed', { kind, error: err instanceof Error ? err.message : String(err) });
    });
  };

  function openCashier(): BrowserWindow {
    if (cashier && !cashier.isDestroyed()) {
      if (cashier.isMinimized()) cashier.restore();
      cashier.focus();
      return cashier;
    }
    const win = new BrowserWindow({
      title: options.title,
      width: 1280,
      height: 860,
      minWidth: 960,
      minHeight: 640,
      show: false,
      backgroundColor: '#f5f7fb',
      webPreferences: webPreferences(options),
    });
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      cashier = null;
      // The customer display has no life of its own.
      if (customer && !customer.isDestroyed()) customer.close();
    });
    cashier = win;
    load(win, 'cashier');
    return win;
  }

  function openCustomerDisplay(): BrowserWindow {
    if (customer && !customer.isDestroyed()) {
      customer.showInactive();
      return customer;
    }
    const target = pickCustomerDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay().id);
    const win = new BrowserWindow({
      title: `${options.title} — customer`,
      ...(target
        ? {
            x: target.bounds.x,
            y: target.bounds.y,
            width: target.bounds.width,
            height: target.bounds.height,
            fullscreen: true,
            frame: false,
          }
        : { width: 900, height: 1000 }),
      show: false,
      autoHideMenuBar: true,
      backgroundColor: '#ffffff',
      webPreferences: webPreferences(options),
    });
    win.removeMenu();
    // Shown without taking the focus away from the cashier's keyboard.
    win.once('ready-to-show', () => win.showInactive());
    win.on('closed', () => {
      customer = null;
      customerOnSecondScreen = false;
    });
    customer = win;
    customerOnSecondScreen = target !== null;
    load(win, 'customer');
    return win;
  }

  function closeCustomerDisplay(): void {
    if (customer && !customer.isDestroyed()) customer.close();
  }

  return {
    openCashier,
    openCustomerDisplay,
    closeCustomerDisplay,
    toggleCustomerDisplay() {
      if (customer && !customer.isDestroyed()) closeCustomerDisplay();
      else openCustomerDisplay();
    },
    cashier: () => (cashier && !cashier.isDestroyed() ? cashier : null),
    roleOf(contents) {
      if (cashier && !cashier.isDestroyed() && cashier.webContents === contents)
        return { role: 'cashier', window: cashier };
      if (customer && !customer.isDestroyed() && customer.webContents === contents) {
        return { role: 'customer', window: customer };
      }
      return null;
    },
    broadcast(event, payload) {
      const channel = eventChannel(event);
      for (const [role, win] of [
        ['cashier', cashier],
        ['customer', customer],
      ] as const) {
        if (!win || win.isDestroyed() || win.webContents.isDestroyed()) continue;
        if (!eventAllowed(role, event)) continue;
        win.webContents.send(channel, payload);
      }
    },
    displaysChanged() {
      const second = pickCustomerDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay().id);
      if (second && !customer) openCustomerDisplay();
      // Its screen is gone: it would land over the cashier's window.
      else if (!second && customer && customerOnSecondScreen) closeCustomerDisplay();
    },
  };
}
