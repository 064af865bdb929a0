/**
 * The sandbox's state file: a JSON snapshot of accounts, orders and refunds, so a demo survives a restart.
 * Saving is debounced (changes within SAVE_DEBOUNCE_MS are written once) and atomic (a temp file renamed over the old
 * one: a crash leaves either the old or the new snapshot, never half of one). `flush()` writes at once (on stop).
 * A missing file is an empty start; an unreadable one stops the start with a clear error rather than losing it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { SandboxState } from './state.ts';
import { ORDER_STATUSES, REFUND_STATUSES } from '../../shared/domain/order-status.ts';

export const SAVE_DEBOUNCE_MS = 100;
const FORMAT_VERSION = 1;

const snapshotSchema = z.object({
  version: z.literal(FORMAT_VERSION),
  accounts: z.array(z.object({ token: z.string(), merchantId: z.string(), name: z.string() })),
  orders: z.array(
    z.object({
      view: z.looseObject({
        id: z.string(),
        merchantId: z.string(),
        merchantOrderId: z.string(),
        status: z.enum(ORDER_STATUSES),
      }),
      refundedKopecks: z.number().int(),
    }),
  ),
  refunds: z.array(
    z.object({
      view: z.looseObject({
        id: z.string(),
        parentId: z.string(),
        merchantId: z.string(),
        merchantOrderId: z.string(),
        status: z.enum(REFUND_STATUSES),
      }),
    }),
  ),
});
type Snapshot = z.infer<typeof snapshotSchema>;

function snapshot(state: SandboxState): Snapshot {
  return {
    version: FORMAT_VERSION,
    accounts: [...state.accounts.values()],
    orders: [...state.orders.values()],
    refunds: [...state.refunds.values()],
  };
}

/** Adds what `file` holds to `state` (creation order kept); nothing when the file does not exist. */
export function loadState(state: SandboxState, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  let saved: Snapshot;
  try {
    saved = snapshotSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new Error(`Sandbox state file ${file} is not a valid snapshot: ${(err as Error).message}`, {
      cause: err,
    });
  }
  for (const account of saved.accounts) state.accounts.set(account.token, account);
  for (const order of saved.orders) state.addOrder(order);
  for (const refund of saved.refunds) state.restoreRefund(refund);
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

export function createStateSaver(state: SandboxState, file: string): { schedule(): void; flush(): void } {
  let timer: NodeJS.Timeout | null = null;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    writeAtomically(file, JSON.stringify(snapshot(state)));
  };

  return {
    schedule() {
      timer ??= setTimeout(() => {
        try {
          flush();
        } catch (err) {
          console.error(`[sandbox] could not save state to ${file}`, err);
        }
      }, SAVE_DEBOUNCE_MS).unref();
    },
    flush() {
      if (timer) flush(); // only when something changed since the last write
    },
  };
}
