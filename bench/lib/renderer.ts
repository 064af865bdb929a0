/**
 * The renderer as the browser host serves it: built with its own config (renderer/vite.config.ts — the same build
 * `npm run web` and the Electron build make) into a directory of the benchmark's, so a bench run never rewrites
 * out/renderer under a host that is serving it. Plus real Chromium, launched as the brief says.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM = process.env.PAYDESK_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function buildRenderer(outDir: string): void {
  const require = createRequire(join(root, 'package.json'));
  const viteBin = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const r = spawnSync(
    process.execPath,
    [
      viteBin,
      'build',
      '--config',
      join(root, 'renderer', 'vite.config.ts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`renderer build failed:\n${r.stdout}\n${r.stderr}`);
}

/** Gzip size (level 9, as a server would send it) of every .js and .css file of a build, in KB (1,000 bytes). */
export function bundleGzipKb(dir: string): {
  kb: number;
  files: { file: string; raw: number; gzip: number }[];
} {
  const files: { file: string; raw: number; gzip: number }[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(js|mjs|css)$/.test(name)) {
        const buf = readFileSync(p);
        files.push({
          file: p.slice(dir.length + 1),
          raw: buf.length,
          gzip: gzipSync(buf, { level: 9 }).length,
        });
      }
    }
  };
  walk(dir);
  return { kb: files.reduce((a, f) => a + f.gzip, 0) / 1000, files };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export function chromiumVersion(): string {
  const r = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  return (
    (r.stdout || '')
      .trim()
      .replace(/^Chromium\s+/, '')
      .split(/\s/)[0] ?? 'unknown'
  );
}
