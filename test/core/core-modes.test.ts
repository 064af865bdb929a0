/**
 * How the core chooses what to connect to: the embedded sandbox when no token is configured (training mode), the
 * OS keychain's token in live mode (a real Secret Service here), PAYDESK_TOKEN for automation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/core.ts';
import { FAST_TUNING } from '../helpers/core.ts';
import { DEMO_MERCHANT_ID, DEMO_TOKEN, withSandbox } from '../helpers/sandbox.ts';
import { waitFor } from '../helpers/wait.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function core(env: Record<string, string>, keychainService?: string): Promise<Core> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-modes-'));
  const c = await createCore({
    env,
    dataDir,
    tuning: FAST_TUNING,
    ...(keychainService ? { keychainService } : {}),
  });
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(() => c.stop());
  return c;
}

const state = (c: Core) => c.session().connection.view();

describe('training mode', () => {
  it('starts the embedded sandbox when nothing is configured, and goes live on it', async () => {
    const c = await core({});
    expect(c.config().mode).toBe('sandbox');
    expect(c.session().sandbox).not.toBeNull();
    await waitFor(() => state(c).state === 'live', { what: 'live on the embedded sandbox' });
    const settings = (await c.invoke('settings.get', {})) as {
      apiUrl: string;
      merchantId: string;
      mode: string;
    };
    expect(settings).toMatchObject({ mode: 'sandbox', merchantId: DEMO_MERCHANT_ID });
    expect(settings.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('live mode with the token in the OS keychain', () => {
  const sb = withSandbox();

  it('checks a token before saving it, uses it, and forgets it on removal', async () => {
    const service = `PayDesk-test-${randomUUID()}`;
    const c = await core(
      {
        PAYDESK_API_URL: sb.url,
        PAYDESK_GATE_URL: sb.sandbox.gateUrl,
        PAYDESK_MERCHANT_ID: DEMO_MERCHANT_ID,
        PAYDESK_MODE: 'live',
      },
      service,
    );
    cleanups.push(async () => {
      await c.invoke('token.remove', {}).catch(() => undefined);
    });
    expect(await c.invoke('token.status', {})).toMatchObject({ state: 'not_set' });
    await waitFor(() => state(c).reason === 'no_token', { what: 'no token' });

    // A well-formed token the gateway does not know is refused and not stored.
    const wrong = 'ffffffffffffffffffffffffffffffff';
    const refused = (await c.invoke('token.save', { token: wrong }).catch((e: unknown) => e)) as Record<
      string,
      unknown
    >;
    expect(refused.code).toBe('token_rejected');
    expect(JSON.stringify(refused)).not.toContain(wrong);
    await expect(c.invoke('token.save', { token: 'not a token' })).rejects.toMatchObject({
      code: 'token_format',
    });
    expect(await c.invoke('token.status', {})).toMatchObject({ state: 'not_set' });

    const saved = await c.invoke('token.save', { token: DEMO_TOKEN });
    expect(saved).toEqual({ state: 'set', kind: 'v3' });
    expect(JSON.stringify(saved)).not.toContain(DEMO_TOKEN);
    await waitFor(() => state(c).state === 'live', { what: 'live with the keychain token' });

    expect(await c.invoke('token.remove', {})).toMatchObject({ state: 'not_set' });
    await waitFor(() => state(c).reason === 'no_token', { what: 'disconnected after removal' });
  });

  it('PAYDESK_TOKEN overrides the keychain and cannot be saved over', async () => {
    const c = await core({
      PAYDESK_API_URL: sb.url,
      PAYDESK_GATE_URL: sb.sandbox.gateUrl,
      PAYDESK_MERCHANT_ID: DEMO_MERCHANT_ID,
      PAYDESK_TOKEN: DEMO_TOKEN,
    });
    expect(c.config().mode).toBe('live');
    expect(await c.invoke('token.status', {})).toMatchObject({ state: 'env' });
    await expect(c.invoke('token.save', { token: DEMO_TOKEN })).rejects.toMatchObject({
      code: 'env_override',
    });
    await waitFor(() => state(c).state === 'live', { what: 'live with the env token' });
  });

  it('refuses a plaintext gate URL off loopback and strips a pasted token from it', async () => {
    await expect(core({ PAYDESK_GATE_URL: 'ws://example.com/v3/gate/rpc' })).rejects.toMatchObject({
      code: 'config_invalid',
    });
    const c = await core({
      PAYDESK_API_URL: sb.url,
      PAYDESK_GATE_URL: `${sb.sandbox.gateUrl}?token=${DEMO_TOKEN}`,
      PAYDESK_MERCHANT_ID: DEMO_MERCHANT_ID,
      PAYDESK_TOKEN: DEMO_TOKEN,
    });
    expect(c.config().gateUrl).not.toContain(DEMO_TOKEN);
  });
});
