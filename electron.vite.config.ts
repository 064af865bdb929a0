/**
 * electron-vite: main, preload and renderer of the desktop app. The renderer section is the same Vite config the
 * browser host's build uses (renderer/vite.config.ts), so the two hosts always run the very same renderer.
 *
 * Main and preload belong to the Electron shell (electron/main, electron/preload):
 *  - main: `electron/main/main.ts` → out/main/index.js (package.json "main");
 *  - preload: `electron/preload/preload.ts` → ONE CommonJS file, out/preload/preload.cjs (a sandboxed preload cannot
 *    load ES modules or other chunks: everything it imports is bundled in, nothing externalised).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './renderer/vite.config.ts';

const here = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(here, 'out/main'),
      rollupOptions: {
        input: { index: resolve(here, 'electron/main/main.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(here, 'out/preload'),
      externalizeDeps: false,
      rollupOptions: {
        input: { preload: resolve(here, 'electron/preload/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig,
});
