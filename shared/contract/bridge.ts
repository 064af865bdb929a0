/**
 * What the renderer sees as `window.paydesk`: the contract, and nothing else. Implemented by the Electron preload
 * (IPC) and by the browser host's loopback bridge (HTTP + server-sent events). Errors reject with a ContractError.
 */
import type {
  ContractError,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
} from './contract.ts';

export interface PayDeskBridge {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** `electron` or `browser`: the renderer offers a second window only where one can be opened. */
  host: 'electron' | 'browser';
}

export class BridgeError extends Error implements ContractError {
  readonly code: string;
  readonly requestId: string | null;
  readonly fields: { name: string; code: string }[] | undefined;
  constructor(error: ContractError) {
    super(error.message);
    this.code = error.code;
    this.requestId = error.requestId;
    this.fields = error.fields;
  }
}

declare global {
  interface Window {
    paydesk?: PayDeskBridge;
  }
}
