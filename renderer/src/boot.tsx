/** React, the stores and the event stream: started by main.tsx once the static frame is on screen. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { useLang } from './i18n/index.ts';
import { startSync } from './state/sync.ts';

document.documentElement.lang = useLang.getState().lang;
if (location.hash.startsWith('#/customer')) document.documentElement.classList.add('is-customer');
startSync();

const root = document.getElementById('root');
if (!root) throw new Error('no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
