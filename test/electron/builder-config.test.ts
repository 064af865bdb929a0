/**
 * The installer configuration, offline: electron-builder.config.ts must pass electron-builder's OWN validation
 * (app-builder-lib's scheme.json, through the same function `electron-builder` runs before packing) and a strict
 * compile of that schema (no type coercion), and say what the distribution issue asks for: the app id, asar with
 * the keychain's native module unpacked, only out/** and package.json, the fuses, three platforms, real icons.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import config from '../../electron-builder.config.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rootRequire = createRequire(join(root, 'package.json'));
const builderLibDir = dirname(rootRequire.resolve('app-builder-lib/package.json'));
const builderRequire = createRequire(join(builderLibDir, 'package.json'));

interface AjvLike {
  compile(schema: unknown): ((data: unknown) => boolean) & { errors?: unknown[] | null };
}
type AjvClass = new (options: Record<string, unknown>) => AjvLike;

/** electron-builder's own check (throws on an invalid configuration). */
async function validateLikeElectronBuilder(c: unknown): Promise<void> {
  const { validateConfiguration } = builderRequire('./out/util/config/config.js') as {
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = builderRequire('builder-util') as {
    DebugLogger: new (enabled: boolean) => unknown;
  };
  await validateConfiguration(c, new DebugLogger(false));
}

/** The same schema, compiled strictly: a string "false" for a boolean fuse is an error, not coerced. */
function strictValidator(): ((data: unknown) => boolean) & { errors?: unknown[] | null } {
  const schema = JSON.parse(readFileSync(join(builderLibDir, 'scheme.json'), 'utf8')) as unknown;
  const mod = builderRequire('ajv') as { default?: AjvClass } & AjvClass;
  const Ajv = mod.default ?? mod;
  return new Ajv({ allErrors: true, strict: false, coerceTypes: false }).compile(schema);
}

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own validation', async () => {
    await expect(validateLikeElectronBuilder(structuredClone(config))).resolves.toBeUndefined();
  });

  it('passes a strict compile of electron-builder’s JSON schema', () => {
    const validate = strictValidator();
    const ok = validate(structuredClone(config));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the validation is real: unknown keys and mistyped fuses are refused', async () => {
    await expect(validateLikeElectronBuilder({ ...config, fusez: {} })).rejects.toThrow(/fusez|additional/i);
    const validate = strictValidator();
    expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNode: 'false' } })).toBe(
      false,
    );
  });

  it('identifies the app and packs it into asar with the keychain’s native module unpacked', () => {
    expect(config.appId).toBe('ru.paydesk.console');
    expect(config.productName).toBe('PayDesk');
    expect(config.asar).toBe(true);
    const { minimatch } = builderRequire('minimatch') as {
      minimatch(path: string, pattern: string, options?: object): boolean;
    };
    const patterns = ([] as string[]).concat(config.asarUnpack ?? []);
    const unpacked = (p: string): boolean => patterns.some((pattern) => minimatch(p, pattern, { dot: true }));
    for (const p of [
      'node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node',
      'node_modules/@napi-rs/keyring-win32-x64-msvc/keyring.win32-x64-msvc.node',
      'node_modules/@napi-rs/keyring-darwin-arm64/keyring.darwin-arm64.node',
    ]) {
      expect(unpacked(p), p).toBe(true);
    }
    expect(unpacked('node_modules/@napi-rs/keyring/index.js')).toBe(false);
    expect(unpacked('out/main/index.js')).toBe(false);
  });

  it('ships only the build and package.json (dependencies are added by electron-builder)', () => {
    expect(config.files).toEqual(['out/**/*', '!out/**/*.map', 'package.json']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toMatch(/^out\//);
  });

  it('flips the fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('builds AppImage + deb, NSIS and dmg', () => {
    const names = (targets: unknown): string[] =>
      ([] as unknown[])
        .concat(targets ?? [])
        .map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
    expect(names(config.linux?.target)).toEqual(['AppImage', 'deb']);
    expect(names(config.win?.target)).toEqual(['nsis']);
    expect(names(config.mac?.target)).toEqual(['dmg']);
  });
});

describe('icons', () => {
  const png = (rel: string): PNG => PNG.sync.read(readFileSync(join(root, rel)));

  it('has the SVG source and the PNGs rendered from it', () => {
    expect(readFileSync(join(root, 'build', 'icon.svg'), 'utf8')).toMatch(/<svg[^>]+viewBox="0 0 1024 1024"/);
    for (const [rel, size] of [
      ['build/icon.png', 512],
      ['build/icons/512x512.png', 512],
      ['build/icons/256x256.png', 256],
      ['build/icons/1024x1024.png', 1024],
      ['build/icons/16x16.png', 16],
    ] as const) {
      const image = png(rel);
      expect([image.width, image.height], rel).toEqual([size, size]);
    }
  });

  it('is not blank: a transparent margin around the blue tile', () => {
    const image = png('build/icons/256x256.png');
    const pixel = (x: number, y: number) => [
      ...image.data.subarray((y * 256 + x) * 4, (y * 256 + x) * 4 + 4),
    ];
    expect(pixel(2, 2)[3]).toBe(0);
    const [r, g, b, a] = pixel(60, 128);
    expect(a).toBe(255);
    expect(b!).toBeGreaterThan(150);
    expect(r!).toBeLessThan(100);
    expect(g!).toBeLessThan(130);
  });

  it('has a Windows .ico and a macOS .icns of PNGs, where the config points', () => {
    expect(config.win?.icon).toBe('build/icon.ico');
    expect(config.mac?.icon).toBe('build/icon.icns');
    expect(config.linux?.icon).toBe('build/icons');
    const ico = readFileSync(join(root, 'build', 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sides = Array.from({ length: count }, (_, i) => ico.readUInt8(6 + i * 16) || 256);
    expect(sides).toEqual(expect.arrayContaining([16, 32, 48, 256]));
    const icns = readFileSync(join(root, 'build', 'icon.icns'));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types: string[] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4))
      types.push(icns.toString('latin1', at, at + 4));
    expect(types).toEqual(expect.arrayContaining(['ic07', 'ic08', 'ic09', 'ic10']));
  });
});
