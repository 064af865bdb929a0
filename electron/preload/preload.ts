/**
 * The preload of both PayDesk windows: `window.paydesk` (the contract bridge, ipc-bridge.ts) and nothing else —
 * no ipcRenderer, no Node. Runs sandboxed, so it is built as ONE CommonJS file (out/preload/preload.cjs) whose
 * only require is `electron` (electron.vite.config.ts; test/electron/bundle.test.ts checks it).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createIpcBridge } from './ipc-bridge.ts';

contextBridge.exposeInMainWorld('paydesk', createIpcBridge(ipcRenderer));
