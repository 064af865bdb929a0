/**
 * The production build, checked for what it loads at run time. `electron-vite build` runs into a temporary
 * directory (out/ is left to whoever uses it), then every emitted main/preload file is PARSED (rolldown's parser,
 * via vite) and each module it loads — `import … from`, `export … from`, `import()`, `require()` — must be:
 *   main:    a Node built-in, `electron`, a file of the bundle itself, or a package in package.json `dependencies`
 *            (electron-builder ships those and nothing else; a devDependency here would crash the installed app);
 *   preload: `electron` only, from ONE CommonJS file (a sandboxed preload can load nothing else).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies?: Record<string, string>;
};
const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

let out = '';

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'paydesk-bundle-'));
  const require = createRequire(join(root, 'package.json'));
  const bin = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [bin, 'build', '--outDir', out, '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`electron-vite build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}, 200_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(c|m)?js$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

interface Load {
  specifier: string | null; // null: not a string literal — cannot be checked, which fails the test
  kind: string;
}

/** Every module a file loads, from its syntax tree (comments and strings that merely mention `require(` don't count). */
function loads(file: string, sourceType: 'module' | 'script'): Load[] {
  const code = readFileSync(file, 'utf8');
  const result = parseSync(file, code, { sourceType, lang: 'js' });
  if (result.errors.length > 0) {
    throw new Error(
      `${file} does not parse as ${sourceType}: ${result.errors.map((e) => e.message).join('; ')}`,
    );
  }
  const found: Load[] = [];
  const literal = (node: unknown): string | null => {
    const n = node as {
      type?: string;
      value?: unknown;
      quasis?: { value: { cooked: string } }[];
      expressions?: unknown[];
    };
    if (n?.type === 'Literal' && typeof n.value === 'string') return n.value;
    if (n?.type === 'TemplateLiteral' && n.expressions?.length === 0)
      return n.quasis?.[0]?.value.cooked ?? null;
    return null;
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown> & { type?: string };
    switch (n.type) {
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
        found.push({ specifier: literal(n.source), kind: n.type });
        break;
      case 'ExportNamedDeclaration':
        if (n.source) found.push({ specifier: literal(n.source), kind: n.type });
        break;
      case 'ImportExpression':
        found.push({ specifier: literal(n.source), kind: 'import()' });
        break;
      case 'CallExpression': {
        const callee = n.callee as { type?: string; name?: string };
        if (callee?.type === 'Identifier' && /^_*require(\$\d+)?$/.test(callee.name ?? '')) {
          found.push({ specifier: literal((n.arguments as unknown[])[0]), kind: 'require()' });
        }
        break;
      }
    }
    for (const [key, value] of Object.entries(n)) {
      if (key !== 'type' && typeof value === 'object') visit(value);
    }
  };
  visit(result.program);
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

describe('production bundles', () => {
  it('emits the entry package.json points at, the preload and the renderer', () => {
    expect(pkg.main).toBe('out/main/index.js');
    expect(existsSync(join(out, 'main', 'index.js'))).toBe(true);
    expect(readdirSync(join(out, 'preload'))).toEqual(['preload.cjs']);
    const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8');
    // Relative asset URLs: the same files load from app://paydesk/ and from the browser host.
    expect(html).toMatch(/src="\.\/assets\/[^"]+\.js"/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script (the CSP forbids it)
  });

  it('main loads only Node built-ins, electron, its own chunks and production dependencies', () => {
    const mainDir = join(out, 'main');
    const offenders: string[] = [];
    const external = new Set<string>();
    for (const file of files(mainDir)) {
      for (const { specifier, kind } of loads(file, 'module')) {
        const where = `${relative(out, file)}: ${kind} ${specifier ?? '<computed>'}`;
        if (specifier === null) offenders.push(where);
        else if (specifier.startsWith('./') || specifier.startsWith('../')) {
          if (!existsSync(resolve(dirname(file), specifier))) offenders.push(`${where} (missing chunk)`);
        } else if (builtins.has(specifier)) continue;
        else if (specifier === 'electron' || specifier.startsWith('electron/')) continue;
        else if (dependencies.has(packageName(specifier))) external.add(packageName(specifier));
        else offenders.push(`${where} (not in package.json dependencies)`);
      }
    }
    expect(offenders).toEqual([]);
    // The core's own run-time dependencies are loaded from node_modules, not inlined.
    expect([...external]).toEqual(expect.arrayContaining(['zod', 'ws', '@napi-rs/keyring']));
  });

  it('the preload is one CommonJS file that requires electron and nothing else, without zod', () => {
    const file = join(out, 'preload', 'preload.cjs');
    const found = loads(file, 'script'); // an `import` statement would not even parse
    expect(found).toEqual([{ specifier: 'electron', kind: 'require()' }]);
    const code = readFileSync(file, 'utf8');
    expect(code).toContain('exposeInMainWorld("paydesk"');
    expect(code).not.toMatch(/ZodError|safeParse|\$ZodType|from "zod"|require\("zod"\)/);
    expect(code.length).toBeLessThan(20_000);
  });
});
