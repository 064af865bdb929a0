/**
 * The PayDesk core: everything secret and networked, as plain Node (no Electron import), so it runs the same in the
 * Electron main process, in the browser host, in `npm run listen` and in tests.
 *
 * One entry point for the renderer: `invoke(method, input)` — the input is validated against the contract
 * (shared/contract/contract.ts) whoever sends it, errors come back as `{code, message, requestId}` data, and the
 * token never leaves: `token.save` takes it in, nothing gives it back.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  contract,
  type ConnectionView,
  type MethodName,
  type MethodOutput,
  type OrderView,
} from '../../shared/contract/contract.ts';
import { BridgeError } from '../../shared/contract/bridge.ts';
import packageJson from '../../package.json' with { type: 'json' };
import type { ApiCallRecord } from './api/client.ts';
import {
  resolveConfig,
  type Env,
  type ResolvedConfig,
  type SavedSettings,
  defaultDataDir,
} from './config.ts';
import { createLog, type Log } from './diagnostics/log.ts';
import { createKeychain, keychainAccount } from './secrets/keychain.ts';
import { createTokenStore, type TokenStore } from './secrets/token-store.ts';
import { startSession, type Session, type SessionTuning } from './session.ts';
import { openStore, type Store } from './store/store.ts';
import { storeJournal } from './store/journal.ts';
import { createActions, type Actions } from './actions.ts';
import { toContractError } from './errors.ts';
import { orderViewFromStore } from './views.ts';
import { createShiftActions } from './shifts/actions.ts';
import { currentStamp, runStamped, runUnstamped } from './shifts/actor.ts';
import { createGuard } from './shifts/guard.ts';
import { createStaffService } from './shifts/staff.ts';

export const APP_VERSION: string = packageJson.version;

export interface CoreEvents {
  connection: [ConnectionView];
  order: [OrderView];
  log: [string];
}

export interface CoreOptions {
  env?: Env;
  /** Overrides PAYDESK_DATA_DIR and the default. */
  dataDir?: string;
  tuning?: SessionTuning;
  /** Keychain service name (tests use their own). */
  keychainService?: string;
  /** Write the log to `<dataDir>/logs` (default true). */
  logToFile?: boolean;
}

export interface Core {
  invoke(method: MethodName, input: unknown): Promise<unknown>;
  readonly events: EventEmitter<CoreEvents>;
  readonly store: Store;
  readonly log: Log;
  config(): ResolvedConfig;
  session(): Session;
  stop(): Promise<void>;
}

/** Errors crossing the contract: the same class the renderer's bridges reject with. */
export { BridgeError as CoreError };

const SETTINGS_KEY = 'settings';

export async function createCore(options: CoreOptions = {}): Promise<Core> {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? (env.PAYDESK_DATA_DIR || defaultDataDir());
  mkdirSync(dataDir, { recursive: true });
  // Who acts (shifts/actor.ts) is stamped on what the store writes during a contract call.
  const store = openStore({ dir: dataDir, stamp: currentStamp });
  const events = new EventEmitter<CoreEvents>();
  events.setMaxListeners(50);

  let session: Session | null = null;
  const secrets = (): string[] => {
    const t = session?.currentToken();
    return t ? [t] : [];
  };
  const log = createLog({
    secrets,
    ...(options.logToFile === false ? {} : { file: { dir: join(dataDir, 'logs') } }),
  });
  log.onLine((line) => events.emit('log', line));

  const saved = (): Partial<SavedSettings> =>
    (store.getSetting(SETTINGS_KEY) as Partial<SavedSettings> | null) ?? {};
  let config = resolveConfig(saved(), { ...env, PAYDESK_DATA_DIR: dataDir });

  const calls: ApiCallRecord[] = [];
  const onCall = (record: ApiCallRecord) => {
    calls.push(record);
    if (calls.length > 200) calls.shift();
    log.info('api.call', {
      method: record.method,
      path: record.path,
      status: record.status,
      requestId: record.requestId,
      ms: Math.round(record.durationMs),
      ...(record.errorCode ? { error: record.errorCode } : {}),
    });
  };

  const tokenStoreFor = (cfg: ResolvedConfig): TokenStore =>
    createTokenStore({
      keychain: createKeychain({
        service: options.keychainService ?? 'PayDesk',
        account: keychainAccount(cfg.merchantId),
      }),
      env,
      verify: async (token) => {
        const { createApiClient } = await import('./api/client.ts');
        const probe = createApiClient({
          baseUrl: cfg.apiUrl,
          prefix: cfg.apiPrefix,
          getToken: async () => token,
          appVersion: APP_VERSION,
          onCall,
        });
        const check = await probe.checkToken(token);
        if (!check.valid)
          throw new BridgeError({
            code: 'token_rejected',
            message: 'Invoicebox rejected this token',
            requestId: null,
          });
      },
    });
  let tokens = tokenStoreFor(config);

  const journal = storeJournal(store);

  async function openSession(): Promise<Session> {
    const s = await startSession({
      config,
      store,
      log,
      journal,
      appVersion: APP_VERSION,
      getToken: () => tokens.getToken(),
      onCall,
      ...(options.tuning ? { tuning: options.tuning } : {}),
    });
    s.events.on('connection', (view) => events.emit('connection', view));
    s.events.on('change', (change) => {
      // An order change carries the stored row already; a refund change shows as its parent order.
      const row = change.kind === 'order' ? change.order : store.getOrder(change.refund.parentId)?.order;
      if (row) events.emit('order', orderViewFromStore(store, row));
    });
    return s;
  }

  log.info('core.start', {
    version: APP_VERSION,
    mode: config.mode,
    fromEnv: config.fromEnv.join(',') || '-',
  });
  session = await runUnstamped(openSession);

  async function reconfigure(): Promise<void> {
    const old = session;
    session = null;
    await old?.stop();
    config = resolveConfig(saved(), { ...env, PAYDESK_DATA_DIR: dataDir });
    tokens = tokenStoreFor(config);
    // Never inside the caller's stamp: the session's background work belongs to no one.
    session = await runUnstamped(openSession);
    events.emit('connection', session.connection.view());
  }

  const staff = createStaffService({ store, log });
  const guard = createGuard({ store, staff, policy: () => config.pinPolicy });
  const coreActions = createActions({
    store,
    log,
    journal,
    calls: () => calls,
    config: () => config,
    session: () => {
      if (!session)
        throw new BridgeError({
          code: 'reconnecting',
          message: 'The console is reconnecting',
          requestId: null,
        });
      return session;
    },
    tokens: () => tokens,
    saveSettings: async (patch) => {
      const before = saved();
      const next = { ...before, ...patch };
      if (patch.pinPolicy)
        next.pinPolicy = { ...before.pinPolicy, ...patch.pinPolicy } as SavedSettings['pinPolicy'];
      store.setSetting(SETTINGS_KEY, next);
      // The PIN policy alone changes nothing the session connects with.
      const { pinPolicy: _p, ...connection } = patch;
      if (Object.keys(connection).length === 0)
        config = resolveConfig(saved(), { ...env, PAYDESK_DATA_DIR: dataDir });
      else await reconfigure();
    },
    reconfigure,
    emitOrder: (view) => events.emit('order', view),
    version: APP_VERSION,
  });
  const actions: Actions = {
    ...coreActions,
    ...createShiftActions({
      store,
      log,
      staff,
      api: () => {
        if (!session)
          throw new BridgeError({
            code: 'reconnecting',
            message: 'The console is reconnecting',
            requestId: null,
          });
        return session.api;
      },
      shopName: () => config.shopName || (config.mode === 'sandbox' ? 'Демо-магазин' : ''),
      language: () => config.language,
    }),
  };

  let stopped = false;
  return {
    events,
    store,
    log,
    config: () => config,
    session: () => {
      if (!session) throw new Error('no session');
      return session;
    },
    async invoke(method, input) {
      if (stopped)
        throw new BridgeError({ code: 'stopped', message: 'The console is shutting down', requestId: null });
      if (!Object.hasOwn(contract, method)) {
        throw new BridgeError({
          code: 'unknown_method',
          message: `Unknown method ${String(method).slice(0, 64)}`,
          requestId: null,
        });
      }
      const parsed = contract[method].input.safeParse(input ?? {});
      if (!parsed.success) {
        throw new BridgeError({
          code: 'invalid_input',
          message: 'The request is not valid',
          requestId: null,
          fields: parsed.error.issues.slice(0, 20).map((i) => ({ name: i.path.join('.'), code: i.code })),
        });
      }
      try {
        // The shift and PIN policy (shifts/policy.ts), in one place for every method.
        const admitted = await guard.admit(method, parsed.data);
        return await runStamped(admitted.stamp, () =>
          (actions[method] as (i: unknown) => Promise<MethodOutput<typeof method>>)(admitted.input),
        );
      } catch (err) {
        const e = toContractError(err, secrets());
        log.warn('action.failed', { method, code: e.code, requestId: e.requestId });
        throw new BridgeError(e);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await session?.stop();
      session = null;
      log.info('core.stop');
      log.close();
      store.close();
      events.removeAllListeners();
    },
  };
}
