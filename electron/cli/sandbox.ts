/**
 * `npm run sandbox -- [--port 8080] [--host 127.0.0.1] [--state-file f.json] [--account token:merchantId[:name]]…`
 *
 * Runs the sandbox gateways in the foreground: Invoicebox, with the Xsolla and WellPay emulators on the same port.
 * The first three lines are always `Invoicebox sandbox: <url>`, `Xsolla sandbox: <url>`, `WellPay sandbox: <url>`
 * (scripts read them), then a short hint. Stops cleanly on SIGINT / SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startAllSandboxes } from '../sandbox/all.ts';
import type { SandboxOptions } from '../sandbox/server.ts';
import { DEMO_ACCOUNT } from '../sandbox/state.ts';

const USAGE = `Usage: npm run sandbox -- [--port 8080] [--host 127.0.0.1] [--state-file state.json]
                          [--account token:merchantId[:name]]...`;

type Account = NonNullable<SandboxOptions['accounts']>[number];

function parseAccount(spec: string): Account {
  const [token, merchantId, ...name] = spec.split(':');
  if (!token || !merchantId) throw new Error(`--account wants token:merchantId[:name], got "${spec}"`);
  return name.length > 0 ? { token, merchantId, name: name.join(':') } : { token, merchantId };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port wants 0..65535, got "${text}"`);
  return port;
}

function options(argv: string[]): SandboxOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'state-file': { type: 'string' },
      account: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    port: parsePort(values.port),
    host: values.host,
    stateFile: values['state-file'],
    accounts: values.account.map(parseAccount),
  };
}

async function main(): Promise<void> {
  let opts: SandboxOptions;
  try {
    opts = options(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const all = await startAllSandboxes(opts);
  const sandbox = all.invoicebox;
  console.log(`Invoicebox sandbox: ${all.urls.invoicebox}`);
  console.log(`Xsolla sandbox: ${all.urls.xsolla}`);
  console.log(`WellPay sandbox: ${all.urls.wellpay}`);
  console.log(`  demo token ${DEMO_ACCOUNT.token}, merchantId ${DEMO_ACCOUNT.merchantId}`);
  console.log(`  API ${sandbox.url}/v3/…  gate ${sandbox.gateUrl}?token=…  control ${sandbox.url}/sandbox/`);
  console.log(
    `  Xsolla: ${all.urls.xsollaWebsocket}, /api/v2/project/{id}/order/{id}, control /sandbox/xsolla/`,
  );
  console.log(
    `  WellPay: /socket.io, /method/RemoteInvoiceApi, /helpers/…RsaKey.php, control /sandbox/wellpay/`,
  );
  console.log('  Ctrl+C to stop');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox`);
    sandbox.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('stop failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`Sandbox failed to start: ${(err as Error).message}`);
  process.exit(1);
});
