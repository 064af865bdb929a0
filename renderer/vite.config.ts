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
          (c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/src/boot.tsx'),
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
    rollupOptions: { input: fileURLToPath(new URL('./index.html', import.meta.url)) },
  },
  server: { host: '127.0.0.1', strictPort: false },
} satisfies UserConfig;

export default rendererConfig;
