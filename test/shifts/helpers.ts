/** Helpers of the shifts suites: a core with shifts required, an order line, the sandbox's truth. */
import type { Core } from '../../electron/core/core.ts';
import type { Sandbox } from '../../electron/sandbox/server.ts';
import { coreEnv, startCore, type CoreHandle } from '../helpers/core.ts';
import type { SessionTuning } from '../../electron/core/session.ts';
import { waitFor } from '../helpers/wait.ts';

/** A core with the real default: no PAYDESK_REQUIRE_SHIFT override, so a shift is required unless set otherwise. */
export async function startShiftCore(sandbox: Sandbox, tuning?: SessionTuning): Promise<CoreHandle> {
  const { PAYDESK_REQUIRE_SHIFT: _off, ...env } = coreEnv(sandbox);
  return startCore(sandbox, {
    env,
    logToFile: false,
    keychainService: 'PayDesk-shifts-test',
    ...(tuning ? { tuning } : {}),
  });
}

export function line(name: string, unitPrice: number, quantity: number, vatCode: string) {
  return {
    name,
    unitPrice,
    quantity,
    vatCode,
    measure: 'шт',
    measureCode: '796',
    type: 'commodity',
    paymentType: 'full_payment',
  };
}

let keys = 0;
export const requestKey = (): string => `shift-test-${process.pid}-${++keys}-${Date.now()}`;

/** The error code (and fields) a call rejects with, or 'ok'. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
}

export async function control(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as { data?: unknown; error?: unknown };
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.error)}`);
  return json.data;
}

export async function waitStatus(core: Core, id: string, status: string): Promise<void> {
  await waitFor(() => core.store.getOrder(id)?.order.status === status, { what: `order ${id} ${status}` });
}
