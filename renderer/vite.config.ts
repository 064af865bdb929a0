/**
 * The renderer's Vite config, shared by `npm run build:renderer` (plain `vite build`, for the browser host) and by
 * electron.vite.config.ts (the Electron build): both emit the same files to out/renderer. `base: './'` makes the
 * asset URLs relative, so the same build loads from http://127.0.0.1 and from Electron's file:// alike.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { UserConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
export const rendererOutDir = fileURLToPath(new URL('../out/renderer', import.meta.url));

export const rendererConfig = {
  root,
  base: './',
  plugins: [react()],
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
