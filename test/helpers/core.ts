/** Starts a real core against a real sandbox on loopback, in a fresh data directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../electron/core/core.ts';
import type { Sandbox } from '../../electron/sandbox/server.ts';
import { DEMO_MERCHANT_ID, DEMO_TOKEN } from './sandbox.ts';
import { waitFor } from './wait.ts';

export const FAST_TUNING = {
  heartbeatMs: 300,
  pongTimeoutMs: 300,
  pollIntervalMs: 200,
  backoff: { initialMs: 50, maxMs: 300 },
  apiTimeoutMs: 5_000,
};

export function coreEnv(sandbox: Sandbox): Record<string, string> {
  return {
    PAYDESK_API_URL: sandbox.url,
    PAYDESK_GATE_URL: sandbox.gateUrl,
    PAYDESK_TOKEN: DEMO_TOKEN,
    PAYDESK_MERCHANT_ID: DEMO_MERCHANT_ID,
    // Tests that are not about shifts create orders without one (test/shifts/ turn it back on).
    PAYDESK_REQUIRE_SHIFT: '0',
  };
}

export interface CoreHandle {
  core: Core;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startCore(sandbox: Sandbox, options: CoreOptions = {}): Promise<CoreHandle> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'paydesk-core-'));
  const core = await createCore({ env: coreEnv(sandbox), tuning: FAST_TUNING, ...options, dataDir });
  await waitFor(() => core.session().connection.view().state === 'live', { what: 'the gate to be live' });
  return {
    core,
    dataDir,
    async stop() {
      await core.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
