/**
 * JSON-RPC 2.0 codec and dispatcher, pure (no sockets). Used by both ends of the Invoicebox gate: the console, which is
 * called (`onOrderStatusChange`, `getStatus`), and the sandbox gate, which calls and reads the answers.
 *
 * Hostile input is expected: frames are size-capped before parsing, nesting depth is bounded, `__proto__` /
 * `constructor` / `prototype` keys are dropped while parsing, and nothing thrown by a handler leaks beyond a −32603.
 */

export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;

export type RpcId = string | number | null;

export interface RpcRequest {
  jsonrpc: '2.0';
  method: string;
  params?: unknown;
  id?: RpcId; // absent → notification
}

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export type RpcResponse =
  { jsonrpc: '2.0'; id: RpcId; result: unknown } | { jsonrpc: '2.0'; id: RpcId; error: RpcErrorObject };

export interface ParseLimits {
  maxBytes: number;
  maxDepth: number;
  maxBatch: number;
}

export const DEFAULT_LIMITS: ParseLimits = { maxBytes: 1_048_576, maxDepth: 32, maxBatch: 100 };

/** Thrown by a method handler to answer with a specific JSON-RPC error. */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

export function rpcResult(id: RpcId, result: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, result };
}

export function rpcError(id: RpcId, code: number, message: string, data?: unknown): RpcResponse {
  const error: RpcErrorObject = data === undefined ? { code, message } : { code, message, data };
  return { jsonrpc: '2.0', id, error };
}

export function rpcRequest(id: RpcId, method: string, params?: unknown): RpcRequest {
  return params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function depthOf(value: unknown, limit: number): number {
  // Iterative, so a hostile nesting cannot blow the stack here.
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > limit) return max;
    if (v !== null && typeof v === 'object') {
      for (const child of Object.values(v as Record<string, unknown>)) {
        if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
      }
    }
  }
  return max;
}

export type ParsedFrame =
  | { kind: 'parse_error'; reason: string }
  | { kind: 'single'; value: unknown }
  | { kind: 'batch'; values: unknown[] };

/** Text → JSON value, safely. Does not judge the JSON-RPC shape (see classify). */
export function parseFrame(text: string, limits: ParseLimits = DEFAULT_LIMITS): ParsedFrame {
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes)
    return { kind: 'parse_error', reason: 'frame too large' };
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => (FORBIDDEN_KEYS.has(key) ? undefined : v));
  } catch {
    return { kind: 'parse_error', reason: 'not JSON' };
  }
  if (depthOf(value, limits.maxDepth) > limits.maxDepth)
    return { kind: 'parse_error', reason: 'nested too deep' };
  if (Array.isArray(value)) return { kind: 'batch', values: value };
  return { kind: 'single', value };
}

export type Classified =
  | { kind: 'request'; request: RpcRequest & { id: RpcId } }
  | { kind: 'notification'; request: RpcRequest }
  | { kind: 'response'; response: RpcResponse }
  | { kind: 'invalid'; id: RpcId; reason: string };

function isId(v: unknown): v is RpcId {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

export function classify(value: unknown): Classified {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'invalid', id: null, reason: 'not an object' };
  }
  const m = value as Record<string, unknown>;
  const id: RpcId = isId(m.id) ? m.id : null;
  if (m.jsonrpc !== '2.0') return { kind: 'invalid', id, reason: 'jsonrpc must be "2.0"' };
  if ('id' in m && !isId(m.id))
    return { kind: 'invalid', id: null, reason: 'id must be a string, number or null' };
  if ('method' in m) {
    if (typeof m.method !== 'string' || m.method.length === 0 || m.method.length > 128) {
      return { kind: 'invalid', id, reason: 'method must be a non-empty string' };
    }
    if ('params' in m && (m.params === null || typeof m.params !== 'object')) {
      return { kind: 'invalid', id, reason: 'params must be an array or an object' };
    }
    const request: RpcRequest = { jsonrpc: '2.0', method: m.method };
    if ('params' in m) request.params = m.params;
    if (!('id' in m)) return { kind: 'notification', request };
    return { kind: 'request', request: { ...request, id } };
  }
  if ('result' in m && !('error' in m) && 'id' in m) {
    return { kind: 'response', response: { jsonrpc: '2.0', id, result: m.result } };
  }
  if ('error' in m && !('result' in m) && 'id' in m) {
    const e = m.error as Record<string, unknown> | null;
    if (e && typeof e === 'object' && typeof e.code === 'number' && typeof e.message === 'string') {
      return { kind: 'response', response: rpcError(id, e.code, e.message, e.data) };
    }
  }
  return { kind: 'invalid', id, reason: 'neither a request nor a response' };
}

export type MethodHandler = (params: unknown, context: { id: RpcId | undefined }) => unknown;

export interface DispatchOptions {
  limits?: ParseLimits;
  /** Called for replies found in the frame (the other side answering our calls). */
  onResponse?: (response: RpcResponse) => void;
  /** Called when a handler throws something that is not an RpcError (a bug): for the log, never for the wire. */
  onInternalError?: (error: unknown, method: string) => void;
}

async function handleOne(
  value: unknown,
  methods: Readonly<Record<string, MethodHandler>>,
  options: DispatchOptions,
): Promise<RpcResponse | null> {
  const c = classify(value);
  switch (c.kind) {
    case 'invalid':
      return rpcError(c.id, RPC_INVALID_REQUEST, `Invalid Request: ${c.reason}`);
    case 'response':
      options.onResponse?.(c.response);
      return null;
    case 'notification':
    case 'request': {
      const isCall = c.kind === 'request';
      const id = isCall ? c.request.id : null;
      const handler = Object.hasOwn(methods, c.request.method) ? methods[c.request.method] : undefined;
      if (!handler) return isCall ? rpcError(id, RPC_METHOD_NOT_FOUND, 'Method not found') : null;
      try {
        const result = await handler(c.request.params, { id: isCall ? id : undefined });
        return isCall ? rpcResult(id, result ?? null) : null;
      } catch (err) {
        if (!isCall) return null;
        if (err instanceof RpcError) return rpcError(id, err.code, err.message, err.data);
        options.onInternalError?.(err, c.request.method);
        return rpcError(id, RPC_INTERNAL_ERROR, 'Internal error');
      }
    }
  }
}

/**
 * One incoming text frame → the text to send back, or null when nothing is to be sent (notifications, replies).
 * Batch members are processed in order (a status change and its duplicate in one batch must not race).
 */
export async function dispatch(
  text: string,
  methods: Readonly<Record<string, MethodHandler>>,
  options: DispatchOptions = {},
): Promise<string | null> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const frame = parseFrame(text, limits);
  if (frame.kind === 'parse_error') return JSON.stringify(rpcError(null, RPC_PARSE_ERROR, 'Parse error'));
  if (frame.kind === 'single') {
    const out = await handleOne(frame.value, methods, options);
    return out ? JSON.stringify(out) : null;
  }
  if (frame.values.length === 0) {
    return JSON.stringify(rpcError(null, RPC_INVALID_REQUEST, 'Invalid Request: empty batch'));
  }
  if (frame.values.length > limits.maxBatch) {
    return JSON.stringify(
      rpcError(null, RPC_INVALID_REQUEST, `Invalid Request: batch over ${limits.maxBatch}`),
    );
  }
  const out: RpcResponse[] = [];
  for (const v of frame.values) {
    const r = await handleOne(v, methods, options);
    if (r) out.push(r);
  }
  return out.length > 0 ? JSON.stringify(out) : null;
}
