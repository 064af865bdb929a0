/**
 * One sandbox for every gateway the console follows: the Invoicebox emulator with the Xsolla (Centrifuge) and WellPay
 * (socket.io + RemoteInvoiceApi) emulators mounted on the same loopback port, each on the real service's paths and
 * with its own control API (`/sandbox/…`, `/sandbox/xsolla/…`, `/sandbox/wellpay/…`).
 */
import { startSandbox, type Sandbox, type SandboxOptions } from './server.ts';
import { createWellpayMount, type WellpayMount } from './wellpay/server.ts';
import { createXsollaHandlers, type XsollaHandlers } from './xsolla/index.ts';

export interface AllSandboxes {
  invoicebox: Sandbox;
  xsolla: XsollaHandlers;
  wellpay: WellpayMount;
  /** Base URLs, one per emulator (the same origin: one port serves all three). */
  urls: { invoicebox: string; xsolla: string; xsollaWebsocket: string; wellpay: string };
  stop(): Promise<void>;
}

export async function startAllSandboxes(options: SandboxOptions = {}): Promise<AllSandboxes> {
  const xsolla = createXsollaHandlers({ ...(options.now ? { now: options.now } : {}) });
  const wellpay = await createWellpayMount({ ...(options.now ? { now: options.now } : {}) });
  const invoicebox = await startSandbox({
    ...options,
    mounts: [
      { name: 'xsolla', ...bind(xsolla) },
      { name: 'wellpay', ...bind(wellpay) },
      ...(options.mounts ?? []),
    ],
  });
  const origin = invoicebox.url;
  return {
    invoicebox,
    xsolla,
    wellpay,
    urls: {
      invoicebox: origin,
      xsolla: origin,
      xsollaWebsocket: `${origin.replace(/^http/, 'ws')}/connection/websocket`,
      wellpay: origin,
    },
    stop: () => invoicebox.stop(),
  };
}

function bind(m: XsollaHandlers | WellpayMount) {
  return {
    handleRequest: m.handleRequest.bind(m),
    handleUpgrade: m.handleUpgrade.bind(m),
    close: m.close.bind(m),
  };
}
