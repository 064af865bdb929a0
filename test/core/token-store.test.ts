// Token policy over the REAL OS keychain (Secret Service on Linux; see scripts/test.mjs).
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeychain } from '../../electron/core/secrets/keychain.ts';
import type { Keychain } from '../../electron/core/secrets/keychain.ts';
import {
  TOKEN_ENV,
  TokenStoreError,
  createTokenStore,
  normalizeToken,
  tokenKind,
} from '../../electron/core/secrets/token-store.ts';

const execFileP = promisify(execFile);
const SERVICE = 'PayDesk-test';
const RUN = `${process.pid}-${randomUUID().slice(0, 8)}`;
const v3 = () => randomBytes(16).toString('hex');
const l3 = () => `${10_000 + randomBytes(2).readUInt16BE()}-API:${v3()}`;

const keychains: Keychain[] = [];
let n = 0;
function freshKeychain(): Keychain {
  const kc = createKeychain({ service: SERVICE, account: `invoicebox:token-store-${RUN}-${n++}` });
  keychains.push(kc);
  return kc;
}
afterEach(async () => {
  for (const kc of keychains.splice(0)) await kc.remove().catch(() => false);
});

/** A verify() that records what it saw and accepts only the tokens in `accepted`. */
function gateway(accepted: Set<string>) {
  const seen: string[] = [];
  const verify = async (t: string) => {
    seen.push(t);
    await new Promise((r) => setTimeout(r, 5));
    if (!accepted.has(t)) {
      throw Object.assign(
        new Error(`401 unauthorized for wss://ws-gate.invoicebox.ru/v3/gate/rpc?x=1 (${t})`),
        {
          code: 'unauthorized',
        },
      );
    }
  };
  return { verify, seen };
}

async function rejection(p: Promise<unknown>): Promise<TokenStoreError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TokenStoreError);
    return err as TokenStoreError;
  }
  throw new Error('expected a rejection');
}

describe('token format', () => {
  it.each([
    ['b37c4c689295904ed21eee5d9a48d42e', 'v3'],
    ['  B37C4C689295904ED21EEE5D9A48D42E\n', 'v3'],
    ['29078-API:b37c4c689295904ed21eee5d9a48d42e', 'l3'],
    ['\t1-API:b37c4c689295904ed21eee5d9a48d42e ', 'l3'],
  ])('accepts %j as %s', (t, kind) => {
    expect(tokenKind(t)).toBe(kind);
    expect(normalizeToken(t)).toBe(t.trim());
  });

  it.each([
    [''],
    ['   '],
    ['b37c4c689295904ed21eee5d9a48d42'], // 31
    ['b37c4c689295904ed21eee5d9a48d42e0'], // 33
    ['g37c4c689295904ed21eee5d9a48d42e'],
    ['b37c4c68-9295-904e-d21e-ee5d9a48d42e'],
    ['29078-API:b37c'],
    ['API:b37c4c689295904ed21eee5d9a48d42e'],
    ['abc-API:b37c4c689295904ed21eee5d9a48d42e'],
    ['29078-api-b37c4c689295904ed21eee5d9a48d42e'],
    ['b37c4c689295904e d21eee5d9a48d42e'],
  ])('rejects %j with token_format and does not echo it', (t) => {
    expect(tokenKind(t)).toBeNull();
    let err: unknown;
    try {
      normalizeToken(t);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TokenStoreError);
    expect((err as TokenStoreError).code).toBe('token_format');
    if (t.trim().length > 3) expect((err as TokenStoreError).message).not.toContain(t.trim());
  });
});

describe('token store over the real keychain', () => {
  it('save: validates, verifies, stores the trimmed token; status never contains it', async () => {
    const keychain = freshKeychain();
    const t = v3();
    const gw = gateway(new Set([t]));
    const store = createTokenStore({ keychain, env: {}, verify: gw.verify });

    expect(await store.status()).toEqual({ state: 'not_set' });
    expect(await store.getToken()).toBeNull();

    expect(await store.save(`  ${t}\n`)).toEqual({ kind: 'v3' });
    expect(gw.seen).toEqual([t]);
    expect(await keychain.get()).toBe(t);
    expect(await store.getToken()).toBe(t);

    const status = await store.status();
    expect(status).toEqual({ state: 'set', kind: 'v3' });
    expect(JSON.stringify(status)).not.toContain(t);
  });

  it('a malformed token is refused before verify is called', async () => {
    const keychain = freshKeychain();
    const gw = gateway(new Set());
    const store = createTokenStore({ keychain, env: {}, verify: gw.verify });
    const err = await rejection(store.save('not a token'));
    expect(err.code).toBe('token_format');
    expect(gw.seen).toEqual([]);
    expect(await keychain.get()).toBeNull();
  });

  it('a token the gateway rejects is not stored, and the old one stays', async () => {
    const keychain = freshKeychain();
    const good = l3();
    const bad = v3();
    const store = createTokenStore({ keychain, env: {}, verify: gateway(new Set([good])).verify });

    expect(await store.save(good)).toEqual({ kind: 'l3' });
    const err = await rejection(store.save(bad));
    expect(err.code).toBe('token_rejected');
    expect(err.causeCode).toBe('unauthorized');
    expect(err.message).toContain('401 unauthorized');
    expect(err.message).not.toContain(bad);
    expect(await keychain.get()).toBe(good);
    expect(await store.status()).toEqual({ state: 'set', kind: 'l3' });
  });

  it('concurrent saves are serialized: the last one wins, verify calls do not interleave', async () => {
    const keychain = freshKeychain();
    const tokens = [v3(), v3(), v3()];
    let active = 0;
    let maxActive = 0;
    const verify = async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
    };
    const store = createTokenStore({ keychain, env: {}, verify });
    await Promise.all(tokens.map((t) => store.save(t)));
    expect(maxActive).toBe(1);
    expect(await keychain.get()).toBe(tokens[2]);
  });

  it('remove deletes the stored token', async () => {
    const keychain = freshKeychain();
    const t = v3();
    const store = createTokenStore({ keychain, env: {}, verify: gateway(new Set([t])).verify });
    await store.save(t);
    expect(await store.remove()).toBe(true);
    expect(await store.status()).toEqual({ state: 'not_set' });
    expect(await store.remove()).toBe(false);
  });
});

describe('PAYDESK_TOKEN override', () => {
  it('wins over the keychain and is never written to it', async () => {
    const keychain = freshKeychain();
    const stored = v3();
    await keychain.set(stored);
    const fromEnv = v3();
    const gw = gateway(new Set([fromEnv, stored]));
    const store = createTokenStore({ keychain, env: { [TOKEN_ENV]: ` ${fromEnv} ` }, verify: gw.verify });

    expect(await store.getToken()).toBe(fromEnv);
    const status = await store.status();
    expect(status).toEqual({ state: 'env', kind: 'v3' });
    expect(JSON.stringify(status)).not.toContain(fromEnv);

    const saveErr = await rejection(store.save(fromEnv));
    expect(saveErr.code).toBe('env_override');
    expect(saveErr.message).toContain(TOKEN_ENV);
    expect(saveErr.message).not.toContain(fromEnv);
    const removeErr = await rejection(store.remove());
    expect(removeErr.code).toBe('env_override');

    expect(gw.seen).toEqual([]);
    expect(await keychain.get()).toBe(stored);
  });

  it('with an empty keychain, using the env token leaves the keychain empty', async () => {
    const keychain = freshKeychain();
    const fromEnv = l3();
    const store = createTokenStore({ keychain, env: { [TOKEN_ENV]: fromEnv }, verify: async () => {} });
    expect(await store.getToken()).toBe(fromEnv);
    await store.status();
    await rejection(store.save(v3()));
    expect(await keychain.get()).toBeNull();
  });

  it('a malformed PAYDESK_TOKEN is still the override, and status says it looks wrong', async () => {
    const keychain = freshKeychain();
    const store = createTokenStore({
      keychain,
      env: { [TOKEN_ENV]: 'oops-not-a-token' },
      verify: async () => {},
    });
    const status = await store.status();
    expect(status.state).toBe('env');
    expect(status.reason).toMatch(/does not look like/);
    expect(JSON.stringify(status)).not.toContain('oops-not-a-token');
  });

  it('a blank PAYDESK_TOKEN is ignored', async () => {
    const keychain = freshKeychain();
    const store = createTokenStore({ keychain, env: { [TOKEN_ENV]: '  ' }, verify: async () => {} });
    expect(await store.status()).toEqual({ state: 'not_set' });
  });

  it('reads process.env by default', async () => {
    const keychain = freshKeychain();
    const fromEnv = v3();
    const before = process.env[TOKEN_ENV];
    process.env[TOKEN_ENV] = fromEnv;
    try {
      const store = createTokenStore({ keychain, verify: async () => {} });
      expect(await store.getToken()).toBe(fromEnv);
    } finally {
      if (before === undefined) delete process.env[TOKEN_ENV];
      else process.env[TOKEN_ENV] = before;
    }
  });
});

describe.runIf(process.platform === 'linux')('keychain unavailable (Linux, no Secret Service)', () => {
  it('status reports unavailable with an actionable reason; save fails typed and leaks nothing', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const mod = (p: string) => JSON.stringify(pathToFileURL(`${root}/${p}`).href);
    const secret = v3();
    const script = `
      import { createKeychain } from ${mod('electron/core/secrets/keychain.ts')};
      import { createTokenStore } from ${mod('electron/core/secrets/token-store.ts')};
      const keychain = createKeychain({ service: ${JSON.stringify(SERVICE)}, account: 'invoicebox:nobus-${RUN}' });
      const store = createTokenStore({ keychain, env: {}, verify: async () => {} });
      const out = { status: await store.status() };
      try { await store.save(process.env.SECRET); out.save = 'saved?!'; }
      catch (err) { out.save = { name: err.name, code: err.code, message: err.message }; }
      console.log(JSON.stringify(out));
    `;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/paydesk-no-bus',
      SECRET: secret,
    };
    delete env.DISPLAY;
    delete env[TOKEN_ENV];
    const { stdout } = await execFileP(process.execPath, ['--input-type=module', '-e', script], {
      env,
      cwd: root,
      timeout: 20_000,
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out.status.state).toBe('unavailable');
    expect(out.status.reason).toContain('gnome-keyring');
    expect(out.save).toMatchObject({ name: 'KeychainUnavailableError', code: 'keychain_unavailable' });
    expect(stdout).not.toContain(secret);
  });
});
