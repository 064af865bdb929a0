/**
 * `npm run listen`: the core without any window, like `stripe listen`. Connects, reconciles, keeps the store, answers
 * the gate, and prints one JSON line on stdout for each status change and each connection state change. Human
 * messages go to stderr, so stdout stays machine-readable. Same configuration as the app (PAYDESK_* variables and
 * the saved settings in PAYDESK_DATA_DIR).
 */
import { parseArgs } from 'node:util';
import { createCore } from '../core/core.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stderr.write(
    'Usage: npm run listen [-- --data-dir DIR]\n' +
      'Prints one JSON line per order status change and per connection state change.\n' +
      'Environment: PAYDESK_API_URL, PAYDESK_GATE_URL, PAYDESK_MERCHANT_ID, PAYDESK_DATA_DIR, PAYDESK_TOKEN.\n',
  );
  process.exit(0);
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

const core = await createCore({ ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}) });
const config = core.config();
process.stderr.write(`PayDesk listening (${config.mode} mode); Ctrl+C to stop.\n`);

core.events.on('connection', (view) =>
  print({ type: 'connection', at: new Date().toISOString(), state: view.state, reason: view.reason }),
);
core.events.on('order', (order) =>
  print({
    type: 'order',
    at: new Date().toISOString(),
    id: order.id,
    merchantOrderId: order.merchantOrderId,
    status: order.status,
    amount: order.amount,
    origin: order.origin,
  }),
);
print({
  type: 'connection',
  at: new Date().toISOString(),
  ...(() => {
    const v = core.session().connection.view();
    return { state: v.state, reason: v.reason };
  })(),
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`${signal}: stopping\n`);
  await core.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
