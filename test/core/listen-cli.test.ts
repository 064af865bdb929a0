/** `npm run listen`: the headless core as a child process, printing one JSON line per change. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { coreEnv } from '../helpers/core.ts';
import { DEMO_TOKEN, demoOrder, withSandbox, type Json } from '../helpers/sandbox.ts';
import { waitFor } from '../helpers/wait.ts';

const sb = withSandbox();
const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-listen-'));
let child: ChildProcessWithoutNullStreams | null = null;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run listen', () => {
  it('prints connection states and status changes as JSON lines, and stops on SIGTERM', async () => {
    const lines: Json[] = [];
    let stderr = '';
    child = spawn(process.execPath, ['electron/cli/listen.ts'], {
      env: { ...process.env, ...coreEnv(sb.sandbox), PAYDESK_DATA_DIR: dataDir },
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line)));

    await waitFor(() => lines.find((l) => l.type === 'connection' && l.state === 'live'), { what: 'live' });
    const created = await sb.api('POST', '/v3/billing/api/order/order', demoOrder());
    await sb.api('POST', `/sandbox/orders/${created.body.data.id}/pay`, {}, null);
    const paid = await waitFor(() => lines.find((l) => l.type === 'order' && l.status === 'completed'), {
      what: 'the payment line',
    });
    expect(paid).toMatchObject({
      id: created.body.data.id,
      origin: 'foreign',
      amount: Math.round(created.body.data.amount * 100),
    });

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('listening');
    expect(JSON.stringify(lines) + stderr).not.toContain(DEMO_TOKEN);
  });
});
