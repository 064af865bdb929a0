/**
 * Any failure → the contract's error data: a stable code the UI translates, a message a person can act on, and the
 * X-Request-Id for support. Masked: no error text that crosses to the renderer can carry the token.
 */
import type { ContractError } from '../../shared/contract/contract.ts';
import { isApiError } from './api/errors.ts';
import { maskSecrets } from './diagnostics/mask.ts';

interface Coded {
  code?: unknown;
  message?: unknown;
  requestId?: unknown;
  fields?: unknown;
}

export function toContractError(err: unknown, secrets: string[]): ContractError {
  if (isApiError(err)) {
    return {
      code: err.code,
      message: maskSecrets(err.message, secrets),
      requestId: err.requestId,
      fields: err.fields.map((f) => ({ name: f.name, code: f.code ?? 'wrong_value' })),
    };
  }
  const e = (err ?? {}) as Coded;
  const code = typeof e.code === 'string' ? e.code : 'internal_error';
  const message = typeof e.message === 'string' ? e.message : 'Unexpected error';
  const out: ContractError = {
    code,
    message: maskSecrets(
      code === 'internal_error' ? 'Unexpected error in the console; see the log' : message,
      secrets,
    ),
    requestId: typeof e.requestId === 'string' ? e.requestId : null,
  };
  if (Array.isArray(e.fields)) {
    out.fields = (e.fields as { name?: unknown; code?: unknown }[])
      .filter((f) => typeof f.name === 'string')
      .map((f) => ({ name: String(f.name), code: typeof f.code === 'string' ? f.code : 'wrong_value' }));
  }
  return out;
}
