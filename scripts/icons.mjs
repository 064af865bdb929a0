#!/usr/bin/env node
// `npm run icons`: renders build/icon.svg into every icon electron-builder takes, and commits them to build/:
//
//   build/icon.png            512×512   (electron-builder's default; Linux)
//   build/icons/NxN.png       16…1024   (Linux icon theme sizes; linux.icon points here)
//   build/icon.ico            16…256    (Windows / NSIS; PNG-compressed entries, Vista and later)
//   build/icon.icns           16…1024   (macOS; PNG-compressed entries)
//
// The SVG is drawn by a real Chromium through playwright-core (the system's /usr/bin/chromium, or
// PAYDESK_CHROMIUM), with a transparent background. ICO and ICNS are plain containers of PNGs, written here
// byte by byte: no converter package needed.
import { Buffer } from 'node:buffer';
import console from 'node:console';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(root, 'build');
const svg = readFileSync(path.join(buildDir, 'icon.svg'), 'utf8');

const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
// ICNS element types holding PNG data, by pixel size (the @2x ones share pixels with a larger 1x).
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

function chromiumPath() {
  for (const c of [
    process.env.PAYDESK_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ]) {
    if (c && existsSync(c)) return c;
  }
  return null;
}

async function render() {
  const executablePath = chromiumPath();
  if (!executablePath) {
    console.error('icons: Chromium not found (apt-get install chromium, or set PAYDESK_CHROMIUM)');
    process.exit(1);
  }
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  const out = new Map();
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    for (const size of SIZES) {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<!doctype html><html><body style="margin:0;background:transparent">` +
          `<img id="i" src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
      );
      await page.locator('#i').evaluate((img) => img.decode());
      out.set(
        size,
        await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }),
      );
    }
  } finally {
    await browser.close();
  }
  return out;
}

/** ICO: ICONDIR, one ICONDIRENTRY per image, then the PNGs. A 256-pixel side is written as 0. */
function ico(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  const entries = [];
  let offset = 6 + 16 * pngs.length;
  for (const [size, png] of pngs) {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0);
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt8(0, 2); // no palette
    e.writeUInt8(0, 3);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...pngs.map(([, png]) => png)]);
}

/** ICNS: 'icns' + total length, then elements of type (4 bytes) + length (4 bytes, header included) + PNG. */
function icns(elements) {
  const parts = elements.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

const pngs = await render();
mkdirSync(path.join(buildDir, 'icons'), { recursive: true });
writeFileSync(path.join(buildDir, 'icon.png'), pngs.get(512));
for (const size of LINUX_SIZES)
  writeFileSync(path.join(buildDir, 'icons', `${size}x${size}.png`), pngs.get(size));
writeFileSync(path.join(buildDir, 'icon.ico'), ico(ICO_SIZES.map((s) => [s, pngs.get(s)])));
writeFileSync(
  path.join(buildDir, 'icon.icns'),
  icns(ICNS_TYPES.map(([type, size]) => [type, pngs.get(size)])),
);
console.log(
  `icons: build/icon.png, build/icons/{${LINUX_SIZES.map((s) => `${s}x${s}`).join(',')}}.png, build/icon.ico, build/icon.icns`,
);
