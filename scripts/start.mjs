#!/usr/bin/env node
// `npm start`: the PayDesk desktop app. Builds out/ first when it is missing or older than the sources (or with
// --build), then runs Electron on it. Where Electron's binary is not installed (node_modules/electron/dist — its
// download needs the internet), says so in one sentence and exits 1: the same console runs in a browser instead.
import { spawn, spawnSync } from 'node:child_process';
import console from 'node:console';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

const OUTPUTS = ['out/main/index.js', 'out/preload/preload.cjs', 'out/renderer/index.html'];
const SOURCES = ['electron', 'shared', 'renderer', 'package.json', 'electron.vite.config.ts'];

/** The Electron executable, or null when the npm package is there without its binary. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  if (!fs.existsSync(path.join(pkgDir, 'dist'))) return null;
  try {
    const bin = require('electron'); // reads path.txt; throws when the install is incomplete
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

function needsBuild() {
  const outs = OUTPUTS.map((o) => path.join(root, o));
  if (outs.some((o) => !fs.existsSync(o))) return true;
  const oldestOutput = Math.min(...outs.map((o) => fs.statSync(o).mtimeMs));
  const newestSource = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  return newestSource > oldestOutput;
}

const electron = electronBinary();
if (!electron) {
  console.error(
    "Electron's binary is not installed on this machine (node_modules/electron/dist is missing); " +
      'run the same console in your browser with: npm run web',
  );
  process.exit(1);
}

if (process.argv.includes('--build') || needsBuild()) {
  console.error('start: building (electron-vite build)…');
  const viteBin = path.join(
    path.dirname(require.resolve('electron-vite/package.json')),
    'bin',
    'electron-vite.js',
  );
  const r = spawnSync(process.execPath, [viteBin, 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('start: the build failed.');
    process.exit(r.status ?? 1);
  }
}

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(electron, [root, ...process.argv.slice(2).filter((a) => a !== '--build')], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (err) => {
  console.error(`start: cannot run Electron (${err.message}).`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
