// Real OS keychain. On Linux that is the Secret Service (gnome-keyring): `npm test` starts a private one
// when the session has none (see scripts/test.mjs). Nothing here is mocked.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Entry } from '@napi-rs/keyring';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  KEYCHAIN_UNAVAILABLE_MESSAGE,
  KeychainUnavailableError,
  createKeychain,
  keychainAccount,
  keychainBackend,
} from '../../electron/core/secrets/keychain.ts';
import type { Keychain } from '../../electron/core/secrets/keychain.ts';

const execFileP = promisify(execFile);
const SERVICE = 'PayDesk-test';
const RUN = `${process.pid}-${randomUUID().slice(0, 8)}`;
const isLinux = process.platform === 'linux';
const keychainModule = pathToFileURL(
  fileURLToPath(new URL('../../electron/core/secrets/keychain.ts', import.meta.url)),
).href;

const token = () => randomBytes(16).toString('hex');
const created: Keychain[] = [];
let n = 0;
function freshKeychain(): Keychain {
  const kc = createKeychain({ service: SERVICE, account: `invoicebox:test-${RUN}-${n++}` });
  created.push(kc);
  return kc;
}

afterEach(async () => {
  for (const kc of created.splice(0)) await kc.remove().catch(() => false);
});

function hasSecretTool(): boolean {
  return spawnSync('secret-tool', ['--version'], { stdio: 'ignore' }).error === undefined;
}

describe('keychain (real OS keychain)', () => {
  it('probes as available with the expected backend', async () => {
    const kc = freshKeychain();
    const probe = await kc.probe();
    expect(probe, `keychain unavailable here: ${probe.reason}`).toEqual({
      available: true,
      backend: keychainBackend(),
    });
    expect(kc.backend).toBe(isLinux ? 'secret-service' : keychainBackend());
  });

  it('set / get / replace / remove round trip', async () => {
    const kc = freshKeychain();
    const first = token();
    const second = `29078-API:${token()}`;

    expect(await kc.get()).toBeNull();
    await kc.set(first);
    expect(await kc.get()).toBe(first);
    await kc.set(second);
    expect(await kc.get()).toBe(second);
    expect(await kc.remove()).toBe(true);
    expect(await kc.get()).toBeNull();
    expect(await kc.remove()).toBe(false);
  });

  it('keeps profiles apart: one account per merchant', async () => {
    const a = freshKeychain();
    const b = freshKeychain();
    const ta = token();
    await a.set(ta);
    expect(await b.get()).toBeNull();
    await b.set(token());
    expect(await a.get()).toBe(ta);
    await b.remove();
    expect(await a.get()).toBe(ta);
  });

  it('a second, independent Entry for the same service/account sees the value', async () => {
    const kc = freshKeychain();
    const t = token();
    await kc.set(t);
    const other = new Entry(SERVICE, kc.account, { linux: { store: 'secret-service' } });
    expect(other.getPassword()).toBe(t);
  });

  it('rejects an empty token without touching the store', async () => {
    const kc = freshKeychain();
    await expect(kc.set('')).rejects.toThrow(TypeError);
    expect(await kc.get()).toBeNull();
  });

  it('builds per-profile account names', () => {
    expect(keychainAccount('ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe(
      'invoicebox:ffffffff-ffff-ffff-ffff-ffffffffffff',
    );
    expect(keychainAccount(undefined)).toBe('invoicebox:default');
    expect(keychainAccount('  ')).toBe('invoicebox:default');
    expect(() => createKeychain({ account: '' })).toThrow(TypeError);
  });
});

describe.runIf(isLinux)('keychain on Linux is pinned to the Secret Service', () => {
  it('what we write is in the Secret Service (secret-tool lookup), and what secret-tool writes we read', async () => {
    expect(hasSecretTool(), 'secret-tool is missing: apt-get install libsecret-tools').toBe(true);
    const kc = freshKeychain();
    const t = token();
    await kc.set(t);
    const { stdout } = await execFileP('secret-tool', ['lookup', 'service', SERVICE, 'username', kc.account]);
    expect(stdout.trim()).toBe(t);

    const t2 = token();
    const store = execFile('secret-tool', [
      'store',
      '--label',
      'paydesk test',
      'service',
      SERVICE,
      'username',
      kc.account,
    ]);
    const done = new Promise<number | null>((resolve) => store.on('exit', resolve));
    store.stdin?.end(t2);
    expect(await done).toBe(0);
    expect(await kc.get()).toBe(t2);
  });

  it('does not put the token into the kernel keyring (keyutils)', async () => {
    const kc = freshKeychain();
    await kc.set(token());
    const keyutils = new Entry(SERVICE, kc.account, { linux: { store: 'keyutils' } });
    let inKernelKeyring: string | null;
    try {
      inKernelKeyring = keyutils.getPassword();
    } catch {
      inKernelKeyring = null; // keyutils not usable here (e.g. container seccomp): it cannot hold the token either
    }
    expect(inKernelKeyring).toBeNull();
  });

  it('without a Secret Service, set/get throw KeychainUnavailableError and nothing falls back', async () => {
    const secret = token();
    const account = `invoicebox:test-${RUN}-nobus`;
    const script = `
      import { createKeychain, KeychainUnavailableError } from ${JSON.stringify(keychainModule)};
      import { Entry } from '@napi-rs/keyring';
      const kc = createKeychain({ service: ${JSON.stringify(SERVICE)}, account: ${JSON.stringify(account)} });
      const out = {};
      for (const op of ['set', 'get', 'remove']) {
        try {
          const value = op === 'set' ? await kc.set(process.env.SECRET) : await kc[op]();
          out[op] = { ok: true, value };
        } catch (err) {
          out[op] = { ok: false, name: err.name, code: err.code, message: err.message, reason: err.reason,
                      typed: err instanceof KeychainUnavailableError, stack: String(err.stack) };
        }
      }
      out.probe = await kc.probe();
      try {
        out.keyutils = new Entry(${JSON.stringify(SERVICE)}, ${JSON.stringify(account)}, { linux: { store: 'keyutils' } }).getPassword();
      } catch { out.keyutils = null; }
      console.log(JSON.stringify(out));
    `;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: `unix:path=/nonexistent/paydesk-no-bus-${RUN}`,
      SECRET: secret,
    };
    delete env.DISPLAY;
    const { stdout } = await execFileP(process.execPath, ['--input-type=module', '-e', script], {
      env,
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 20_000,
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);

    for (const op of ['set', 'get', 'remove']) {
      expect(out[op], op).toMatchObject({
        ok: false,
        name: 'KeychainUnavailableError',
        code: 'keychain_unavailable',
        typed: true,
      });
      expect(out[op].message).toContain(KEYCHAIN_UNAVAILABLE_MESSAGE);
      expect(out[op].message).toContain('gnome-keyring');
      expect(out[op].message).not.toContain(secret);
      expect(out[op].stack).not.toContain(secret);
      // The failure comes from the pinned Secret Service store trying the (missing) bus — not from some
      // fallback store (an unpinned entry would have gone to keyutils instead).
      expect(out[op].reason).toMatch(/d-?bus/i);
      expect(out[op].reason).toContain('paydesk-no-bus');
    }
    expect(out.probe).toMatchObject({ available: false, backend: 'secret-service' });
    expect(out.probe.reason).toContain('Secret Service');
    expect(out.keyutils).toBeNull();
  });
});

describe('KeychainUnavailableError', () => {
  it('is a typed Error with an actionable message', () => {
    const err = new KeychainUnavailableError('Platform failure: no D-Bus');
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('keychain_unavailable');
    expect(err.name).toBe('KeychainUnavailableError');
    expect(err.message).toBe(`${KEYCHAIN_UNAVAILABLE_MESSAGE} (Platform failure: no D-Bus)`);
  });
});

afterAll(async () => {
  // Belt and braces: nothing of this run may stay in the keychain.
  for (const kc of created) await kc.remove().catch(() => false);
});
