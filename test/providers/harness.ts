/**
 * The three gateways' emulators on one loopback port (startAllSandboxes), started by the test so they outlive a
 * console restart, and a console core in live mode pointed at them by environment (as an installation would be).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createCore, type Core, type CoreOptions } from '../../electron/core/core.ts';
import { startAllSandboxes, type AllSandboxes } from '../../electron/sandbox/all.ts';
import type { OrderView } from '../../shared/contract/contract.ts';
import type { ProviderView } from '../../shared/contract/providers.ts';
import { FAST_TUNING, coreEnv } from '../helpers/core.ts';
import { waitFor } from '../helpers/wait.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary control-API fields
export type Json = any;

export interface Gateways {
  readonly all: AllSandboxes;
  readonly origin: string;
  /** A WellPay access token the emulator accepts (made by its control API). */
  readonly wellpayToken: string;
  /** POST (or another method) to a control API path of the shared origin; throws on a non-2xx answer. */
  control(path: string, body?: unknown, method?: string): Promise<Json>;
  /** The console's environment for live mode against these emulators. */
  env(extra?: Record<string, string>): Record<string, string>;
}

export function withGateways(): Gateways {
  let all: AllSandboxes | null = null;
  let wellpayToken = '';
  const origin = () => {
    if (!all) throw new Error('the gateways run only inside the suite that called withGateways()');
    return all.urls.invoicebox;
  };
  const control = async (path: string, body?: unknown, method = 'POST'): Promise<Json> => {
    const res = await fetch(new URL(path, origin()), {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: JSON.stringify(body ?? {}) }),
    });
    const json = (await res.json()) as Json;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json.data;
  };
  beforeAll(async () => {
    all = await startAllSandboxes({ port: 0 });
    wellpayToken = (await control('/sandbox/wellpay/tokens', {})).token as string;
  });
  afterAll(async () => {
    await all?.stop();
  });
  return {
    get all() {
      if (!all) throw new Error('not started');
      return all;
    },
    get origin() {
      return origin();
    },
    get wellpayToken() {
      return wellpayToken;
    },
    control,
    env(extra = {}) {
      const a = all!;
      return {
        ...coreEnv(a.invoicebox),
        PAYDESK_XSOLLA_API_URL: a.urls.xsolla,
        PAYDESK_XSOLLA_WS_URL: a.urls.xsollaWebsocket,
        PAYDESK_WELLPAY_API_URL: a.urls.wellpay,
        PAYDESK_WELLPAY_SOCKET_URL: a.urls.wellpay,
        PAYDESK_WELLPAY_PAYER_URL: `${a.urls.wellpay}/sandbox/wellpay/invoices/`,
        PAYDESK_WELLPAY_TOKEN: wellpayToken,
        // Join invoice rooms at once (the tests' own payer joins from another loopback IP where it matters).
        PAYDESK_WELLPAY_JOIN: 'always',
        ...extra,
      };
    },
  };
}

export interface Console {
  core: Core;
  dataDir: string;
  /** Every `order` and `provider` event seen, in order. */
  orders: OrderView[];
  providers: ProviderView[];
  /** Stops the core; keeps the data directory unless `wipe`. */
  stop(wipe?: boolean): Promise<void>;
}

const running = new Set<Console>();

export async function startConsole(
  env: Record<string, string>,
  options: CoreOptions & { dataDir?: string } = {},
): Promise<Console> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'paydesk-providers-'));
  const core = await createCore({
    tuning: FAST_TUNING,
    keychainService: 'PayDesk-providers-test',
    ...options,
    env,
    dataDir,
  });
  const handle: Console = {
    core,
    dataDir,
    orders: [],
    providers: [],
    async stop(wipe = true) {
      running.delete(handle);
      await core.stop();
      if (wipe) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  core.events.on('order', (v) => handle.orders.push(v));
  core.events.on('provider', (v) => handle.providers.push(v));
  running.add(handle);
  await waitFor(() => core.session().connection.view().state === 'live', {
    what: 'the Invoicebox gate to be live',
  });
  return handle;
}

/** Stops consoles a failed test left running. */
export async function stopAllConsoles(): Promise<void> {
  for (const c of [...running]) await c.stop();
}

export async function providerState(core: Core, provider: string): Promise<ProviderView> {
  const list = (await core.invoke('providers.list', {})) as ProviderView[];
  const view = list.find((p) => p.provider === provider);
  if (!view) throw new Error(`no provider ${provider}`);
  return view;
}

export async function orderDetail(core: Core, id: string): Promise<Json> {
  return core.invoke('orders.get', { id });
}

/** Waits until the stored order (read through the contract) has this raw status. */
export async function waitForRaw(core: Core, id: string, raw: string, what?: string): Promise<Json> {
  return waitFor(
    async () => {
      const d = await orderDetail(core, id);
      return d.rawStatus === raw ? d : null;
    },
    { what: what ?? `order ${id} to reach ${raw}` },
  );
}
