/**
 * The renderer's Vite config, shared by `npm run build:renderer` (plain `vite build`, for the browser host) and by
 * electron.vite.config.ts (the Electron build): both emit the same files to out/renderer. `base: './'` makes the
 * asset URLs relative, so the same build loads from http://127.0.0.1 and from Electron's file:// alike.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { HtmlTagDescriptor, Plugin, UserConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
export const rendererOutDir = fileURLToPath(new URL('../out/renderer', import.meta.url));

/**
 * The entry (src/main.tsx) is tiny and imports the app (src/boot.tsx) only after the first frame is painted; so that
 * waiting costs no network time, index.html gets a <link rel="modulepreload"> for boot's chunk and every chunk it
 * imports statically: the browser fetches and compiles them while it paints the static frame.
 */
function preloadBoot(): Plugin {
  return {
    name: 'paydesk-preload-boot',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return [];
        const boot = Object.values(bundle).find(
          (c) => c.type === 'chunk' && c.moduleIds.some((id) => id.endsWith('/src/boot.tsx')),
        );
        if (!boot || boot.type !== 'chunk')
          throw new Error('paydesk-preload-boot: no chunk for src/boot.tsx');
        const files = new Set<string>();
        const visit = (fileName: string): void => {
          if (files.has(fileName)) return;
          files.add(fileName);
          const c = bundle[fileName];
          if (c?.type === 'chunk') for (const dep of c.imports) visit(dep);
        };
        visit(boot.fileName);
        // The entry's own static imports are preloaded by Vite already.
        if (ctx.chunk) for (const dep of [ctx.chunk.fileName, ...ctx.chunk.imports]) files.delete(dep);
        return [...files].map((file): HtmlTagDescriptor => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
          injectTo: 'head',
        }));
      },
    },
  };
}

const BOOT_PACKAGES = new Set(['react', 'react-dom', 'scheduler', 'zustand', 'use-sync-external-store']);

/** Modules of the app's chunk: React, the stores, the frame, the new-order screen and what they share. */
function inBoot(id: string): boolean {
  if (id.startsWith('\0') || id.endsWith('.css') || id.endsWith('/renderer/src/main.tsx')) return false;
  if (id.includes('/renderer/src/screens/') && !id.includes('/screens/new-order/')) return false;
  // With qrcode, for the screens that show one.
  if (id.endsWith('/renderer/src/ui/Qr.tsx') || id.endsWith('/renderer/src/lib/qr-path.ts')) return false;
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id)?.[1];
  if (pkg) return BOOT_PACKAGES.has(pkg);
  return id.includes('/renderer/src/') || id.includes('/shared/');
}

export const rendererConfig = {
  root,
  base: './',
  plugins: [react(), preloadBoot()],
  // No inline scripts or styles anywhere: the CSP (index.html, and the host's header) allows 'self' only.
  build: {
    outDir: rendererOutDir,
    emptyOutDir: true,
    target: 'es2023',
    assetsInlineLimit: 0,
    minify: true,
    cssMinify: true,
    modulePreload: { polyfill: false },
    sourcemap: true,
    rollupOptions: {
      input: fileURLToPath(new URL('./index.html', import.meta.url)),
      output: {
        // Everything the first screen needs goes with the app (boot.tsx): one request on the cold start instead of
        // a handful of small shared chunks. A lazy screen's chunk holds only that screen and what only it uses (the
        // QR encoder, the virtual list). Vite's preload helper, used by the entry itself, stays out of the app's
        // chunk (a higher-priority group), or the entry would import the whole app statically.
        codeSplitting: {
          groups: [
            { name: 'runtime', test: /^\0vite\/preload-helper/, priority: 2 },
            { name: 'boot', test: (id: string) => inBoot(id), priority: 1 },
          ],
        },
      },
    },
  },
  server: { host: '127.0.0.1', strictPort: false },
} satisfies UserConfig;

export default rendererConfig;
