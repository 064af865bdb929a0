/**
 * Installers (`npm run dist`): electron-builder packs out/ (what `npm run build` made) with the production
 * dependencies into an asar archive, flips Electron's fuses, and makes
 *   Linux: AppImage and .deb · Windows: NSIS installer · macOS: .dmg
 * for the platform it runs on. It downloads Electron and its packaging tools on first use, so it needs the
 * internet; test/electron/builder-config.test.ts checks this file against electron-builder's own schema offline.
 */
import type { Configuration } from 'electron-builder';

const config: Configuration = {
  appId: 'ru.paydesk.console',
  productName: 'PayDesk',
  copyright: 'Copyright © PayDesk',
  directories: { output: 'dist', buildResources: 'build' },
  // Only the built app and package.json; production `dependencies` are added by electron-builder itself.
  files: ['out/**/*', '!out/**/*.map', 'package.json'],
  asar: true,
  // The OS keychain binding is a native module: it must be a real file on disk, outside the archive.
  asarUnpack: ['**/node_modules/@napi-rs/keyring*/**/*.node'],
  // @napi-rs/keyring ships prebuilt N-API binaries (ABI-stable across Node and Electron): nothing to rebuild.
  npmRebuild: false,
  nodeGypRebuild: false,
  electronFuses: {
    // No "run as plain Node" (ELECTRON_RUN_AS_NODE), no NODE_OPTIONS, no --inspect: the packaged app cannot be
    // turned into a Node interpreter or a debugger target that reads the token out of the main process.
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    // Code only from the (integrity-checked, on macOS and Windows) app.asar.
    onlyLoadAppFromAsar: true,
    enableEmbeddedAsarIntegrityValidation: true,
    enableCookieEncryption: true,
    // Pages come from app://, never file://: file:// needs no extra privileges.
    grantFileProtocolExtraPrivileges: false,
  },
  publish: null,
  artifactName: '${productName}-${version}-${os}-${arch}.${ext}',
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Office',
    icon: 'build/icons',
    executableName: 'paydesk',
    synopsis: 'Merchant console for Invoicebox',
    description: 'PayDesk: create an order, show its QR code, see it paid — live over the Invoicebox gate.',
    maintainer: 'PayDesk',
  },
  deb: {
    // The keychain is the Secret Service over D-Bus; gnome-keyring provides one where the desktop has none.
    recommends: ['gnome-keyring'],
  },
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'build/icon.ico',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'PayDesk',
  },
  mac: {
    target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
    category: 'public.app-category.business',
    icon: 'build/icon.icns',
    hardenedRuntime: true,
  },
  dmg: {
    title: 'PayDesk ${version}',
  },
};

export default config;
