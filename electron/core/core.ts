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
import type { ProviderView } from '../../shared/contract/providers.ts';
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
import { createTokenStore, WELLPAY_TOKEN_FORMAT, type TokenStore } from './secrets/token-store.ts';
import {
  createProviderRegistry,
  type ProviderRegistry,
  type XsollaCredentials,
} from './providers/registry.ts';
import { WellpayClient, WellpayError } from './providers/wellpay/client.ts';
import { startSession, type Session, type SessionTuning } from './session.ts';
import { openStore, type Store } from './store/store.ts';
import { storeJournal } from './store/journal.ts';
import { createActions, type Actions } from './actions.ts';
import { toContractError } from './errors.ts';
import { orderViewFromStore } from './views.ts';

export const APP_VERSION: string = packageJson.version;

export interface CoreEvents {
  connection: [ConnectionView];
  order: [OrderView];
  log: [string];
  provider: [ProviderView];
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
  /** The three gateways' adapters (rebuilt with the session). */
  providers(): ProviderRegistry;
  stop(): Promise<void>;
}

/** Errors crossing the contract: the same class the renderer's bridges reject with. */
export { BridgeError as CoreError };

const SETTINGS_KEY = 'settings';

export async function createCore(options: CoreOptions = {}): Promise<Core> {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? (env.PAYDESK_DATA_DIR || defaultDataDir());
  mkdirSync(dataDir, { recursive: true });
  const store = openStore({ dir: dataDir });
  const events = new EventEmitter<CoreEvents>();
  events.setMaxListeners(50);

  let session: Session | null = null;
  let providers: ProviderRegistry | null = null;
  const secrets = (): string[] => {
    const t = session?.currentToken();
    return [...(t ? [t] : []), ...(providers?.secrets() ?? [])];
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

  /** WellPay's access token: the keychain (account `wellpay:default`) or PAYDESK_WELLPAY_TOKEN; live mode only. */
  const wellpayTokenStoreFor = (cfg: ResolvedConfig): TokenStore =>
    createTokenStore({
      keychain: createKeychain({ service: options.keychainService ?? 'PayDesk', account: 'wellpay:default' }),
      env,
      format: WELLPAY_TOKEN_FORMAT,
      verify: async (token) => {
        // WellPay has no "who am I": reading an invoice that cannot exist answers 404 to a good token, 401 to a bad one.
        const probe = new WellpayClient({
          token: () => token,
          ...(cfg.providers.wellpayApiUrl ? { apiUrl: cfg.providers.wellpayApiUrl } : {}),
        });
        try {
          await probe.get('0'.repeat(30));
        } catch (err) {
          if (err instanceof WellpayError && err.code === 'not_found') return;
          throw err;
        }
      },
    });
  let wellpayTokens = wellpayTokenStoreFor(config);

  const journal = storeJournal(store);

  async function openSession(carried: XsollaCredentials[] = []): Promise<Session> {
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
    try {
      providers = await createProviderRegistry({
        session: s,
        store,
        log,
        endpoints: {
          ...config.providers,
          ...(s.sandboxes
            ? {
                xsollaApiUrl: s.sandboxes.urls.xsolla,
                xsollaWsUrl: s.sandboxes.urls.xsollaWebsocket,
                wellpayApiUrl: s.sandboxes.urls.wellpay,
                wellpaySocketUrl: s.sandboxes.urls.wellpay,
                // The emulator has no payer page: its invoice view stands in for the link.
                wellpayPayerUrl: `${s.sandboxes.urls.wellpay}/sandbox/wellpay/invoices/`,
                // One loopback IP for the console and a demo payer: joining at once locks no one out.
                wellpayJoin: 'always' as const,
              }
            : {}),
          sandboxOrigin: s.sandboxes ? s.sandboxes.urls.invoicebox : null,
        },
        wellpayToken: () => wellpayTokens.getToken(),
        resumeXsolla: carried,
        ...(options.tuning
          ? {
              tuning: {
                ...(options.tuning.pollIntervalMs ? { pollIntervalMs: options.tuning.pollIntervalMs } : {}),
                ...(options.tuning.backoff ? { backoff: options.tuning.backoff } : {}),
              },
            }
          : {}),
      });
    } catch (err) {
      await s.stop();
      throw err;
    }
    providers.events.on('order', (row) => events.emit('order', orderViewFromStore(store, row)));
    providers.events.on('provider', (view) => events.emit('provider', view));
    return s;
  }

  log.info('core.start', {
    version: APP_VERSION,
    mode: config.mode,
    fromEnv: config.fromEnv.join(',') || '-',
  });
  session = await openSession();

  async function reconfigure(): Promise<void> {
    const old = providers;
    session = null;
    providers = null;
    // Xsolla JWTs live in memory only: hand the followed orders to the next registry (same mode only).
    const oldMode = config.mode;
    const carried = old?.xsollaCredentials() ?? [];
    await old?.stop(); // stops the session too (the Invoicebox adapter owns it)
    config = resolveConfig(saved(), { ...env, PAYDESK_DATA_DIR: dataDir });
    tokens = tokenStoreFor(config);
    wellpayTokens = wellpayTokenStoreFor(config);
    session = await openSession(config.mode === oldMode ? carried : []);
    events.emit('connection', session.connection.view());
  }

  const actions: Actions = createActions({
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
    wellpayTokens: () => wellpayTokens,
    providers: () => {
      if (!providers)
        throw new BridgeError({
          code: 'reconnecting',
          message: 'The console is reconnecting',
          requestId: null,
        });
      return providers;
    },
    saveSettings: async (patch) => {
      store.setSetting(SETTINGS_KEY, { ...saved(), ...patch });
      await reconfigure();
    },
    reconfigure,
    emitOrder: (view) => events.emit('order', view),
    version: APP_VERSION,
  });

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
    providers: () => {
      if (!providers) throw new Error('no session');
      return providers;
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
        return await (actions[method] as (i: unknown) => Promise<MethodOutput<typeof method>>)(parsed.data);
      } catch (err) {
        const e = toContractError(err, secrets());
        log.warn('action.failed', { method, code: e.code, requestId: e.requestId });
        throw new BridgeError(e);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await (providers ?? session)?.stop();
      session = null;
      providers = null;
      log.info('core.stop');
      log.close();
      store.close();
      events.removeAllListeners();
    },
  };
}
