/**
 * `npm run web -- --port <p>`: PayDesk in a real browser. Runs the core (same PAYDESK_* configuration as the app),
 * serves the built renderer on 127.0.0.1 only, and prints a one-time login link. Builds the renderer first when
 * out/renderer is missing (or with --build).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCore } from '../core/core.ts';
import { startWebHost } from '../web/host.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rendererDir = join(root, 'out', 'renderer');

const { values } = parseArgs({
  options: {
    port: { type: 'string', short: 'p' },
    'data-dir': { type: 'string' },
    build: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stderr.write(
    'Usage: npm run web [-- --port 5180] [--data-dir DIR] [--build]\n' +
      'Serves PayDesk to a browser on 127.0.0.1 and prints a one-time login link.\n' +
      '  --port      port to listen on (default: any free port)\n' +
      '  --build     rebuild the renderer first (it is built anyway when out/renderer is missing)\n' +
      'Environment: PAYDESK_API_URL, PAYDESK_GATE_URL, PAYDESK_MERCHANT_ID, PAYDESK_DATA_DIR, PAYDESK_TOKEN, PAYDESK_MODE.\n',
  );
  process.exit(0);
}

const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port: not a port number: ${values.port}\n`);
  process.exit(2);
}

if (values.build || !existsSync(join(rendererDir, 'index.html'))) {
  process.stderr.write('Building the renderer (vite build)…\n');
  const require = createRequire(join(root, 'package.json'));
  const viteBin = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const r = spawnSync(
    process.execPath,
    [viteBin, 'build', '--config', join(root, 'renderer', 'vite.config.ts')],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (r.status !== 0) {
    process.stderr.write('The renderer build failed.\n');
    process.exit(1);
  }
}

const core = await createCore({ ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}) });
const host = await startWebHost({ core, rendererDir, port });
const config = core.config();

process.stderr.write(
  `PayDesk (${config.mode === 'sandbox' ? 'training mode, built-in sandbox' : 'live mode'}) is serving ${host.origin}\n` +
    'Open this one-time link in your browser (it works once; restart for a new one):\n\n',
);
process.stdout.write(`${host.loginUrl}\n`);
process.stderr.write(
  `\nCustomer display: after logging in, open ${host.origin}/#/customer in a second window.\nCtrl+C to stop.\n`,
);

let stopping = false;
const stop = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`${signal}: stopping\n`);
  await host.close();
  await core.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
