/**
 * Installs the application menu (menu-template.ts) in the cashier's language; re-installed when the language
 * changes. Developer tools appear only in an unpackaged development run.
 */
import { app, dialog, Menu, shell } from 'electron';
import { buildMenuTemplate, type MenuLang } from './menu-template.ts';

export const HELP_URL = 'https://www.invoicebox.ru/';

export interface MenuOptions {
  lang(): MenuLang;
  dev: boolean;
  version: string;
  toggleCustomerDisplay(): void;
}

export function installMenu(options: MenuOptions): () => void {
  const apply = (): void => {
    const lang = options.lang();
    const template = buildMenuTemplate({
      lang,
      platform: process.platform,
      dev: options.dev,
      actions: {
        toggleCustomerDisplay: options.toggleCustomerDisplay,
        openHelp: () => void shell.openExternal(HELP_URL).catch(() => {}),
        about: () => {
          void dialog.showMessageBox({
            type: 'info',
            title: 'PayDesk',
            message: `PayDesk ${options.version}`,
            detail:
              lang === 'ru'
                ? 'Кассовая консоль для Invoicebox: заказ → QR-код → оплачено.'
                : 'A merchant console for Invoicebox: order → QR code → paid.',
            buttons: ['OK'],
          });
        },
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  apply();
  app.setAboutPanelOptions({ applicationName: 'PayDesk', applicationVersion: options.version });
  return apply;
}
