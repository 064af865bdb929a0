/**
 * `npm run sandbox` hosts all three emulators on one port. Each adapter of the core follows its gateway through the
 * shared server: Invoicebox over its gate, Xsolla over Centrifuge, WellPay over socket.io + RemoteInvoiceApi.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllSandboxes, type AllSandboxes } from '../../electron/sandbox/all.ts';
import { createXsollaAdapter } from '../../electron/core/providers/xsolla/adapter.ts';
import { WellpayAdapter } from '../../electron/core/providers/wellpay/index.ts';
import type { TrackedOrder } from '../../electron/core/providers/types.ts';
import { callApi, demoOrder, type Json } from '../helpers/sandbox.ts';
import { waitFor } from '../helpers/wait.ts';

let all: AllSandboxes;
beforeAll(async () => {
  all = await startAllSandboxes();
});
afterAll(async () => {
  await all?.stop();
});

const control = (path: string, body: unknown = {}) => callApi(all.urls.invoicebox, 'POST', path, body, null);

describe('one sandbox, three gateways', () => {
  it('serves the Invoicebox API alongside the others', async () => {
    const res = await callApi(all.urls.invoicebox, 'POST', '/v3/billing/api/order/order', demoOrder());
    expect(res.status).toBe(200);
  });

  it('Xsolla: the adapter follows an order to its final status through the shared port', async () => {
    const created = (await control('/sandbox/xsolla/orders', {})).body.data as Json;
    const adapter = createXsollaAdapter({ wsUrl: all.urls.xsollaWebsocket, apiUrl: all.urls.xsolla });
    const updates: TrackedOrder[] = [];
    adapter.events.on('update', (o) => updates.push(o));
    try {
      await adapter.track({ projectId: created.project_id, orderId: created.order_id, token: created.token });
      await waitFor(() => adapter.connection().state === 'live', { what: 'Xsolla live' });
      await control(`/sandbox/xsolla/orders/${created.order_id}/status`, { status: 'paid' });
      await waitFor(() => updates.find((u) => u.status === 'paid' && u.source === 'push'), {
        what: 'paid pushed',
      });
      await control(`/sandbox/xsolla/orders/${created.order_id}/status`, { status: 'done' });
      await waitFor(() => updates.find((u) => u.status === 'delivered' && u.final), { what: 'done' });
    } finally {
      await adapter.stop();
    }
  });

  it('WellPay: the adapter creates an invoice and follows it live through the shared port', async () => {
    const token = (await control('/sandbox/wellpay/tokens', {})).body.data.token as string;
    const adapter = new WellpayAdapter({
      apiUrl: all.urls.wellpay,
      socketUrl: all.urls.wellpay,
      token: () => token,
    });
    const updates: TrackedOrder[] = [];
    adapter.events.on('update', (o) => updates.push(o));
    try {
      const { uid } = await adapter.createInvoice({ title: 'Кава', priceMinor: 15_000 });
      await adapter.track(uid);
      await waitFor(() => updates.find((u) => u.id === uid), { what: 'the first fetch' });
      await control(`/sandbox/wellpay/invoices/${uid}/status`, {
        status: 'send card',
        card_f_pay: '4444 5555 6666 7777',
      });
      await waitFor(() => updates.find((u) => u.rawStatus === 'send card'), { what: 'send card' });
      await control(`/sandbox/wellpay/invoices/${uid}/status`, { status: 'success' });
      await waitFor(() => updates.find((u) => u.status === 'paid' && u.final), { what: 'success' });
    } finally {
      await adapter.stop();
    }
  });
});
