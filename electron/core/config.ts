/**
 * Configuration: saved settings, overridden by environment variables, resolved into what the core connects to.
 * Sandbox ("training mode") is the default whenever no token is configured: the core then starts the embedded
 * sandbox gateway and points everything at it, so a new cashier can try everything without an account.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

export const DEFAULT_API_URL = 'https://api.invoicebox.ru';
export const DEFAULT_GATE_URL = 'wss://ws-gate.invoicebox.ru/v3/gate/rpc';

export const savedSettingsSchema = z.object({
  mode: z.enum(['sandbox', 'live']).default('sandbox'),
  merchantId: z.string().max(64).default(''),
  apiUrl: z.string().max(500).default(DEFAULT_API_URL),
  gateUrl: z.string().max(500).default(DEFAULT_GATE_URL),
  apiPrefix: z.enum(['v3', 'l3']).default('v3'),
  shopName: z.string().max(200).default(''),
  language: z.enum(['ru', 'en']).default('ru'),
  orderTtlMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30)
    .default(15),
});
export type SavedSettings = z.infer<typeof savedSettingsSchema>;

export const DEFAULT_SETTINGS: SavedSettings = savedSettingsSchema.parse({});

export interface Env {
  PAYDESK_API_URL?: string;
  PAYDESK_GATE_URL?: string;
  PAYDESK_MERCHANT_ID?: string;
  PAYDESK_DATA_DIR?: string;
  PAYDESK_TOKEN?: string;
  PAYDESK_MODE?: string;
  [key: string]: string | undefined;
}

export class ConfigError extends Error {
  readonly code = 'config_invalid';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** https:// (or http:// on loopback only), an origin without a path. */
export function validateApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`API URL is not a URL: ${value}`);
  }
  const loop = LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loop)) {
    throw new ConfigError(`API URL must be https:// (http:// only for 127.0.0.1): ${url.origin}`);
  }
  return url.origin;
}

/** wss:// (or ws:// on loopback only), the path kept, any query (a pasted token!) removed. */
export function validateGateUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('Gate URL is not a URL');
  }
  const loop = LOOPBACK.has(url.hostname);
  if (url.protocol !== 'wss:' && !(url.protocol === 'ws:' && loop)) {
    throw new ConfigError(`Gate URL must be wss:// (ws:// only for 127.0.0.1): ${url.host}`);
  }
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** The OS app-data folder, as Electron's `app.getPath('userData')` would give for PayDesk. */
export function defaultDataDir(platform = process.platform, env: Env = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'PayDesk');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'PayDesk');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'PayDesk');
}

export interface ResolvedConfig {
  mode: 'sandbox' | 'live';
  dataDir: string;
  apiUrl: string;
  gateUrl: string;
  apiPrefix: 'v3' | 'l3';
  merchantId: string;
  shopName: string;
  language: 'ru' | 'en';
  orderTtlMinutes: number;
  /** Which values came from the environment (shown in diagnostics; the token itself never is). */
  fromEnv: string[];
  tokenFromEnv: boolean;
  /** Live-mode endpoints of the other gateways (environment only; sandbox mode uses the embedded emulators). */
  providers: ProviderUrls;
}

export interface ProviderUrls {
  xsollaApiUrl: string;
  xsollaWsUrl: string;
  /** Undefined: the WellPay adapter's defaults (api.nltrade.in, invoice.wellpay.me). */
  wellpayApiUrl?: string;
  wellpaySocketUrl?: string;
  wellpayPayerUrl?: string;
  /** When the WellPay adapter joins an invoice's room (PAYDESK_WELLPAY_JOIN; default: after the payer). */
  wellpayJoin: 'always' | 'after-payer';
}

export const DEFAULT_XSOLLA_API_URL = 'https://store.xsolla.com';
export const DEFAULT_XSOLLA_WS_URL = 'wss://ws-store.xsolla.com/connection/websocket';

/** https:// (http:// on loopback only) with its path: the base of WellPay's payer links. */
export function validatePageUrl(value: string): string {
  const url = new URL(validateApiUrl(new URL(value).origin));
  url.pathname = new URL(value).pathname;
  return url.toString();
}

/**
 * Saved settings + environment → what to connect to. In sandbox mode apiUrl/gateUrl/merchantId are filled in by the
 * core once the embedded sandbox listens, unless the environment points elsewhere.
 */
export function resolveConfig(saved: Partial<SavedSettings>, env: Env = process.env): ResolvedConfig {
  const s = savedSettingsSchema.parse(saved);
  const fromEnv: string[] = [];
  const pick = (key: keyof Env, value: string): string => {
    const v = env[key];
    if (v !== undefined && v !== '') {
      fromEnv.push(String(key));
      return v;
    }
    return value;
  };
  const tokenFromEnv = Boolean(env.PAYDESK_TOKEN);
  const envMode =
    env.PAYDESK_MODE === 'live' || env.PAYDESK_MODE === 'sandbox' ? env.PAYDESK_MODE : undefined;
  if (envMode) fromEnv.push('PAYDESK_MODE');
  const mode = envMode ?? (tokenFromEnv || env.PAYDESK_API_URL ? 'live' : s.mode);
  return {
    mode,
    dataDir: pick('PAYDESK_DATA_DIR', defaultDataDir()),
    apiUrl: validateApiUrl(pick('PAYDESK_API_URL', s.apiUrl)),
    gateUrl: validateGateUrl(pick('PAYDESK_GATE_URL', s.gateUrl)),
    apiPrefix: s.apiPrefix,
    merchantId: pick('PAYDESK_MERCHANT_ID', s.merchantId),
    shopName: s.shopName,
    language: s.language,
    orderTtlMinutes: s.orderTtlMinutes,
    fromEnv,
    tokenFromEnv,
    providers: providerUrls(env, fromEnv),
  };
}

function providerUrls(env: Env, fromEnv: string[]): ProviderUrls {
  const get = (key: string): string | undefined => {
    const v = env[key];
    if (v === undefined || v === '') return undefined;
    fromEnv.push(key);
    return v;
  };
  const wellpayApi = get('PAYDESK_WELLPAY_API_URL');
  const wellpaySocket = get('PAYDESK_WELLPAY_SOCKET_URL');
  const wellpayPayer = get('PAYDESK_WELLPAY_PAYER_URL');
  return {
    xsollaApiUrl: validateApiUrl(get('PAYDESK_XSOLLA_API_URL') ?? DEFAULT_XSOLLA_API_URL),
    xsollaWsUrl: validateGateUrl(get('PAYDESK_XSOLLA_WS_URL') ?? DEFAULT_XSOLLA_WS_URL),
    ...(wellpayApi ? { wellpayApiUrl: validateApiUrl(wellpayApi) } : {}),
    ...(wellpaySocket ? { wellpaySocketUrl: validateApiUrl(wellpaySocket) } : {}),
    ...(wellpayPayer ? { wellpayPayerUrl: validatePageUrl(wellpayPayer) } : {}),
    wellpayJoin: get('PAYDESK_WELLPAY_JOIN') === 'always' ? 'always' : 'after-payer',
  };
}
