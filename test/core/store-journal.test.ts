/**
 * The store's intents table as the API creation flows' journal: the shared IntentJournal contract
 * (test/helpers/journal-contract.ts) run against storeJournal (electron/core/store/journal.ts) over a real SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeJournal } from '../../electron/core/store/journal.ts';
import { openStore } from '../../electron/core/store/store.ts';
import { journalContract } from '../helpers/journal-contract.ts';

journalContract(() => {
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-journal-'));
  let store = openStore({ dir });
  const intent = (merchantOrderId: string) =>
    store.getIntent({ kind: 'create_order', merchantOrderId }) ??
    store.getIntent({ kind: 'create_refund', merchantOrderId });
  return {
    journal: storeJournal(store),
    state(merchantOrderId) {
      const i = intent(merchantOrderId);
      return i === null ? null : { state: i.state, resultId: i.resultId, errorCode: i.errorCode };
    },
    reopen() {
      store.close();
      store = openStore({ dir });
      return storeJournal(store);
    },
    cleanup() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, 'IntentJournal contract: SQLite store');
