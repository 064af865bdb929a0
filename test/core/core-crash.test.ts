/**
 * SIGKILL in the middle of creating an order, then a restart: the console must end with exactly one order on the
 * gateway and in its store, whether the gateway finished the request (answer lost) or never got to it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { coreEnv } from '../helpers/core.ts';
import { withSandbox, type Json } from '../helpers/sandbox.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { waitFor } from '../helpers/wait.ts';

const sb = withSandbox();

function runChild(mode: 'create' | 'recover', env: Record<string, string>) {
  const child = spawn(process.execPath, ['test/fixtures/core-child.ts', mode], {
    env: { ...process.env, ...env },
  });
  const lines: Json[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (l) => lines.push(JSON.parse(l)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => stderr };
}

const ordersOnGateway = async (): Promise<Json[]> =>
  (await sb.api('GET', '/sandbox/state', undefined, null)).body.data.orders;

describe.each([
  { name: 'the gateway finished the request (answer lost)', keepUpstreamOpen: true },
  { name: 'the gateway never processed the request', keepUpstreamOpen: false },
])('killed mid-create: $name', ({ keepUpstreamOpen }) => {
  it('restarts with exactly one order, on the gateway and in the store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-crash-'));
    const before = new Set((await ordersOnGateway()).map((o) => o.id));
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: sb.sandbox.port }, { keepUpstreamOpen });
    try {
      sb.sandbox.faults.set({ httpDelayMs: 1_000 });
      const env = { ...coreEnv(sb.sandbox), PAYDESK_API_URL: proxy.url, PAYDESK_DATA_DIR: dataDir };
      const first = runChild('create', env);
      await proxy.postForwarded;
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      expect(first.lines.some((l) => l.created)).toBe(false);

      if (keepUpstreamOpen) {
        await waitFor(async () => (await ordersOnGateway()).some((o) => !before.has(o.id)), {
          what: 'the gateway to finish',
        });
      } else {
        await new Promise((r) => setTimeout(r, 1_200)); // the delay passes; the aborted request creates nothing
        expect((await ordersOnGateway()).filter((o) => !before.has(o.id))).toHaveLength(0);
      }
      sb.sandbox.faults.reset();

      const second = runChild('recover', { ...coreEnv(sb.sandbox), PAYDESK_DATA_DIR: dataDir });
      expect(await second.exited).toBe(0);
      const result = second.lines.at(-1);
      expect(result.pending).toBe(0);
      const fresh = (await ordersOnGateway()).filter((o) => !before.has(o.id));
      expect(fresh).toHaveLength(1);
      expect(result.orders).toEqual([
        { id: fresh[0].id, merchantOrderId: fresh[0].merchantOrderId, origin: 'console' },
      ]);
    } finally {
      sb.sandbox.faults.reset();
      await proxy.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
