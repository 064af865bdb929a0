/**
 * A real core in a child process for the shifts crash test. `create`: a senior opens a shift and creates one order
 * (the parent SIGKILLs it while the POST is in flight). `recover`: the core restarts on the same data directory,
 * settles the pending intent, and prints the open shift's report.
 */
import { createCore } from '../../electron/core/core.ts';
import { FAST_TUNING } from '../helpers/core.ts';

const mode = process.argv[2];
const core = await createCore({
  dataDir: process.env.PAYDESK_DATA_DIR!,
  tuning: FAST_TUNING,
  logToFile: false,
});
const line = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);

if (mode === 'create') {
  const anna = (await core.invoke('staff.save', { name: 'Анна', role: 'senior', pin: '2468' })) as {
    id: string;
  };
  const shift = (await core.invoke('shift.open', { staffId: anna.id, pin: '2468' })) as { id: string };
  line({ shiftId: shift.id });
  const order = await core.invoke('orders.create', {
    requestKey: 'shift-crash-test-key',
    lines: [
      {
        name: 'Торт',
        unitPrice: 99_900,
        quantity: 1_000,
        vatCode: 'RUS_VAT22',
        measure: 'шт',
        measureCode: '796',
        type: 'commodity',
        paymentType: 'full_payment',
      },
    ],
  });
  line({ created: order });
} else {
  const deadline = Date.now() + 20_000;
  while (core.store.pendingIntents().length > 0 || core.store.searchOrders({}).rows.length === 0) {
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  line({ pending: core.store.pendingIntents().length, report: await core.invoke('shift.report', {}) });
  await core.stop();
}
