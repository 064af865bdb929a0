/** Small HTTP helpers shared by the sandbox's API, control API and payment page. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: { name: string; code: string; message: string }[] | undefined;
  constructor(
    status: number,
    code: string,
    message: string,
    fields?: { name: string; code: string; message: string }[],
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

export function requestId(res: ServerResponse): string {
  const existing = res.getHeader('x-request-id');
  if (typeof existing === 'string') return existing;
  const id = randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  requestId(res);
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  const body: { error: Record<string, unknown> } = { error: { message: error.message, code: error.code } };
  if (error.fields) body.error.fields = error.fields;
  sendJson(res, error.status, body);
}

/** Reads the whole body, refusing more than `maxBytes` (413) without buffering the excess. */
export async function readBody(req: IncomingMessage, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBytes) {
    req.resume();
    throw new HttpError(413, 'payload_too_large', `Body over ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) {
      req.resume();
      throw new HttpError(413, 'payload_too_large', `Body over ${maxBytes} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON body: 415 for a wrong content type, 400 for malformed JSON. `__proto__` keys are dropped. */
export async function readJson(req: IncomingMessage, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    throw new HttpError(415, 'unsupported_media_type', 'Content-Type must be application/json');
  }
  const text = await readBody(req, maxBytes);
  try {
    return JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value));
  } catch {
    throw new HttpError(400, 'bad_request', 'Malformed JSON body');
  }
}
