/**
 * Helpers for the WellPay tests: a real emulator on 127.0.0.1 per suite, its control API, and a minimal encrypted
 * call written here from the spec (not the adapter's client), so emulator tests do not depend on the code under test.
 */
import { constants, publicEncrypt } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import {
  startWellpaySandbox,
  type WellpaySandbox,
  type WellpaySandboxOptions,
} from '../../electron/sandbox/wellpay/index.ts';

export const TOKEN = 'vtz2mxq978k4clb51efrapsjdgio3uhy';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response fields
export type Json = any;

export interface Reply {
  status: number;
  body: Json;
}

export interface WellpayHandle {
  readonly url: string;
  readonly sandbox: WellpaySandbox;
  control(method: string, path: string, body?: unknown): Promise<Reply>;
  /** The published key, decoded by hand (base64 → ROT13). */
  publicPem(token?: string): Promise<string>;
  /** An encrypted RemoteInvoiceApi call, done by hand; `localAddress` binds the client side (first-joiner rule). */
  call(
    payload: Record<string, unknown>,
    options?: { token?: string; pem?: string; localAddress?: string },
  ): Promise<Reply>;
}

export function withWellpay(options: WellpaySandboxOptions = {}): WellpayHandle {
  let running: WellpaySandbox | null = null;
  beforeAll(async () => {
    running = await startWellpaySandbox({ tokens: [TOKEN], ...options });
  });
  afterAll(async () => {
    await running?.stop();
    running = null;
  });
  const sandbox = (): WellpaySandbox => {
    if (!running) throw new Error('the WellPay sandbox runs only inside its suite');
    return running;
  };
  const handle: WellpayHandle = {
    get url() {
      return sandbox().url;
    },
    get sandbox() {
      return sandbox();
    },
    control: (method, path, body) => controlCall(sandbox().url, method, path, body),
    async publicPem(token = TOKEN) {
      const res = await post(
        sandbox().url,
        '/helpers/getLatestPublicRemoteRsaKey.php',
        {
          'content-type': 'application/x-www-form-urlencoded',
        },
        `access_token=${encodeURIComponent(token)}`,
      );
      if (res.status !== 200) throw new Error(`key: ${res.status} ${JSON.stringify(res.body)}`);
      return handRot13(Buffer.from(res.body.response.data.result as string, 'base64').toString('utf8'));
    },
    async call(payload, options = {}) {
      const token = options.token ?? TOKEN;
      const pem = options.pem ?? (await handle.publicPem(token));
      const data = publicEncrypt(
        { key: pem, padding: constants.RSA_PKCS1_PADDING },
        Buffer.from(JSON.stringify({ ...payload, verificationWord: 'bandasosamba' }), 'utf8'),
      ).toString('base64');
      return post(
        sandbox().url,
        '/method/RemoteInvoiceApi',
        { 'content-type': 'application/json' },
        JSON.stringify({ data, access_token: token }),
        options.localAddress,
      );
    },
  };
  return handle;
}

/** ROT13 written the way the WellPay docs do it (a Caesar shift of −13 over A–Z and a–z). */
export function handRot13(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (code >= 65 && code <= 90) out += String.fromCharCode(((code - 65 + 13) % 26) + 65);
    else if (code >= 97 && code <= 122) out += String.fromCharCode(((code - 97 + 13) % 26) + 97);
    else out += c;
  }
  return out;
}

export async function controlCall(
  origin: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply> {
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/** A POST with node:http (so a test can choose the local address, e.g. 127.0.0.2). */
export function post(
  origin: string,
  path: string,
  headers: Record<string, string>,
  body: string,
  localAddress?: string,
): Promise<Reply> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        ...(localAddress ? { localAddress } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Json = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Creates an invoice through the control API (no encryption); returns its UID. */
export async function controlInvoice(h: WellpayHandle, title = 'Кава', price = '150'): Promise<string> {
  const res = await h.control('POST', '/sandbox/invoices', { title, price });
  if (res.status !== 200) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.row.uid_link as string;
}

export async function moveTo(h: WellpayHandle, uid: string, body: Record<string, unknown>): Promise<Reply> {
  return h.control('POST', `/sandbox/invoices/${uid}/status`, body);
}
