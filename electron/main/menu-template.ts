/**
 * The application menu as data: Russian or English, the standard edit roles (so copy/paste shortcuts work on macOS),
 * and developer tools only in development. Electron is imported for its types only, so this is tested in Node.
 */
import type { MenuItemConstructorOptions } from 'electron';

export type MenuLang = 'ru' | 'en';

export interface MenuActions {
  toggleCustomerDisplay(): void;
  openHelp(): void;
  about(): void;
}

export interface MenuOptions {
  lang: MenuLang;
  platform: NodeJS.Platform;
  /** Unpackaged development run: adds reload and the developer tools. */
  dev: boolean;
  actions: MenuActions;
}

const LABELS = {
  ru: {
    file: 'Файл',
    edit: 'Правка',
    view: 'Вид',
    window: 'Окно',
    help: 'Справка',
    customerDisplay: 'Экран покупателя',
    quit: 'Выход',
    undo: 'Отменить',
    redo: 'Повторить',
    cut: 'Вырезать',
    copy: 'Копировать',
    paste: 'Вставить',
    selectAll: 'Выделить всё',
    zoomIn: 'Увеличить',
    zoomOut: 'Уменьшить',
    resetZoom: 'Обычный размер',
    fullscreen: 'Во весь экран',
    reload: 'Перезагрузить',
    devTools: 'Инструменты разработчика',
    minimize: 'Свернуть',
    close: 'Закрыть окно',
    helpSite: 'Invoicebox — сайт',
    about: 'О программе PayDesk',
    hide: 'Скрыть PayDesk',
    hideOthers: 'Скрыть остальные',
    unhide: 'Показать все',
  },
  en: {
    file: 'File',
    edit: 'Edit',
    view: 'View',
    window: 'Window',
    help: 'Help',
    customerDisplay: 'Customer display',
    quit: 'Quit',
    undo: 'Undo',
    redo: 'Redo',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select all',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    resetZoom: 'Actual size',
    fullscreen: 'Full screen',
    reload: 'Reload',
    devTools: 'Developer tools',
    minimize: 'Minimize',
    close: 'Close window',
    helpSite: 'Invoicebox website',
    about: 'About PayDesk',
    hide: 'Hide PayDesk',
    hideOthers: 'Hide others',
    unhide: 'Show all',
  },
} as const satisfies Record<MenuLang, Record<string, string>>;

export function menuLabels(lang: MenuLang): (typeof LABELS)[MenuLang] {
  return LABELS[lang];
}

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const l = LABELS[options.lang];
  const mac = options.platform === 'darwin';
  const { actions } = options;

  const customerDisplay: MenuItemConstructorOptions = {
    label: l.customerDisplay,
    accelerator: 'CmdOrCtrl+Shift+D',
    click: () => actions.toggleCustomerDisplay(),
  };

  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: 'PayDesk',
      submenu: [
        { label: l.about, click: () => actions.about() },
        { type: 'separator' },
        { role: 'hide', label: l.hide },
        { role: 'hideOthers', label: l.hideOthers },
        { role: 'unhide', label: l.unhide },
        { type: 'separator' },
        { role: 'quit', label: l.quit },
      ],
    });
  }
  template.push({
    label: l.file,
    submenu: [
      customerDisplay,
      ...(mac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const, label: l.quit }]),
    ],
  });
  template.push({
    label: l.edit,
    submenu: [
      { role: 'undo', label: l.undo },
      { role: 'redo', label: l.redo },
      { type: 'separator' },
      { role: 'cut', label: l.cut },
      { role: 'copy', label: l.copy },
      { role: 'paste', label: l.paste },
      { role: 'selectAll', label: l.selectAll },
    ],
  });
  template.push({
    label: l.view,
    submenu: [
      { role: 'zoomIn', label: l.zoomIn },
      { role: 'zoomOut', label: l.zoomOut },
      { role: 'resetZoom', label: l.resetZoom },
      { type: 'separator' },
      { role: 'togglefullscreen', label: l.fullscreen },
      ...(options.dev
        ? [
            { type: 'separator' as const },
            { role: 'reload' as const, label: l.reload },
            { role: 'toggleDevTools' as const, label: l.devTools },
          ]
        : []),
    ],
  });
  template.push({
    label: l.window,
    submenu: [
      { role: 'minimize', label: l.minimize },
      { role: 'close', label: l.close },
      { type: 'separator' },
      customerDisplay,
    ],
  });
  template.push({
    role: 'help',
    label: l.help,
    submenu: [
      { label: l.helpSite, click: () => actions.openHelp() },
      ...(mac ? [] : [{ label: l.about, click: () => actions.about() }]),
    ],
  });
  return template;
}

/** Every role anywhere in a template (tests: no `toggleDevTools`/`reload` in production). */
export function rolesOf(template: readonly MenuItemConstructorOptions[]): string[] {
  const out: string[] = [];
  for (const item of template) {
    if (item.role) out.push(item.role);
    if (Array.isArray(item.submenu)) out.push(...rolesOf(item.submenu));
  }
  return out;
}
