/**
 * Configuration: saved settings, overridden by environment variables, resolved into what the core connects to.
 * Sandbox ("training mode") is the default whenever no token is configured: the core then starts the embedded
 * sandbox gateway and points everything at it, so a new cashier can try everything without an account.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_SENIOR_PIN_FOR,
  GUARDABLE_METHODS,
  type GuardableMethod,
  type PinPolicy,
} from '../../shared/contract/shifts.ts';
import { MAX_PIN_ATTEMPTS } from './shifts/pin.ts';

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
  /** Shifts and senior PINs (electron/core/shifts/policy.ts). */
  pinPolicy: z
    .object({
      requireShift: z.boolean().default(true),
      // Names this version does not know (a file from a newer PayDesk) are dropped, not a reason to refuse to start.
      seniorPinFor: z
        .array(z.string())
        .default([...DEFAULT_SENIOR_PIN_FOR])
        .transform((names) =>
          names.filter((n): n is GuardableMethod => (GUARDABLE_METHODS as readonly string[]).includes(n)),
        ),
    })
    .default({ requireShift: true, seniorPinFor: [...DEFAULT_SENIOR_PIN_FOR] }),
});
export type SavedSettings = z.infer<typeof savedSettingsSchema>;
/** What settings.update may change: any setting, and any part of the PIN policy. */
export type SettingsPatch = Omit<Partial<SavedSettings>, 'pinPolicy'> & {
  pinPolicy?: Partial<SavedSettings['pinPolicy']>;
};

export const DEFAULT_SETTINGS: SavedSettings = savedSettingsSchema.parse({});

export interface Env {
  PAYDESK_API_URL?: string;
  PAYDESK_GATE_URL?: string;
  PAYDESK_MERCHANT_ID?: string;
  PAYDESK_DATA_DIR?: string;
  PAYDESK_TOKEN?: string;
  PAYDESK_MODE?: string;
  /** `0`: orders and refunds without an open shift (tests, benchmarks, automation). */
  PAYDESK_REQUIRE_SHIFT?: string;
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
  pinPolicy: PinPolicy;
  /** Which values came from the environment (shown in diagnostics; the token itself never is). */
  fromEnv: string[];
  tokenFromEnv: boolean;
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
  if (envRequireShift(env) !== null) fromEnv.push('PAYDESK_REQUIRE_SHIFT');
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
    pinPolicy: {
      requireShift: envRequireShift(env) ?? s.pinPolicy.requireShift,
      seniorPinFor: s.pinPolicy.seniorPinFor,
      maxAttempts: MAX_PIN_ATTEMPTS,
    },
    fromEnv,
    tokenFromEnv,
  };
}

function envRequireShift(env: Env): boolean | null {
  const v = env.PAYDESK_REQUIRE_SHIFT;
  if (v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  return null;
}
