/**
 * SIGKILL while an order of an open shift is being created, then a restart: the stamp was journalled with the intent
 * in one transaction, so the recovered order still belongs to the shift and its report counts it.
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
  const { PAYDESK_REQUIRE_SHIFT: _off, ...rest } = { ...process.env, ...env };
  const child = spawn(process.execPath, ['test/fixtures/core-child.ts', mode], {
    env: { ...rest, PAYDESK_CHILD_SHIFT: '1' },
  });
  const lines: Json[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (l) => lines.push(JSON.parse(l)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => stderr };
}

describe('killed mid-create inside a shift', () => {
  it('recovers the order into the same shift', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-shift-crash-'));
    const proxy = await startTcpProxy(
      { host: '127.0.0.1', port: sb.sandbox.port },
      { keepUpstreamOpen: true },
    );
    try {
      sb.sandbox.faults.set({ httpDelayMs: 1_000 });
      const env = { ...coreEnv(sb.sandbox), PAYDESK_API_URL: proxy.url, PAYDESK_DATA_DIR: dataDir };
      const first = runChild('create', env);
      await proxy.postForwarded;
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      const shiftId = first.lines.find((l) => l.shiftId)?.shiftId;
      expect(shiftId).toEqual(expect.any(String));
      expect(first.lines.some((l) => l.created)).toBe(false);
      const gatewayOrders = async (): Promise<Json[]> =>
        (await sb.api('GET', '/sandbox/state', undefined, null)).body.data.orders;
      await waitFor(async () => (await gatewayOrders()).length === 1, { what: 'the gateway to finish' });
      sb.sandbox.faults.reset();

      const second = runChild('recover', { ...coreEnv(sb.sandbox), PAYDESK_DATA_DIR: dataDir });
      expect(await second.exited, second.stderr()).toBe(0);
      const { pending, report } = second.lines.at(-1);
      const [onGateway] = await gatewayOrders();
      expect(pending).toBe(0);
      expect(report.shift).toMatchObject({ id: shiftId, status: 'open', cashierName: 'Анна' });
      expect(report.orders.total).toEqual({ count: 1, amount: 99_900, vatAmount: 18_015 });
      expect(report.orders.byStatus.created.count).toBe(1);
      expect(report.verification).toMatchObject({ state: 'verified', documents: 1 });
      expect(onGateway.status).toBe('created');
    } finally {
      sb.sandbox.faults.reset();
      await proxy.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
