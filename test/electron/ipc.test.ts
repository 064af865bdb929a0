/**
 * The IPC surface without Electron: one channel per contract method, the sender check, the input check, error
 * envelopes, the customer display's read-only role — and the preload's bridge against a fake ipcRenderer.
 */
import { describe, expect, it, vi } from 'vitest';
import { contract, EVENT_NAMES, events, METHOD_NAMES } from '../../shared/contract/contract.ts';
import * as names from '../../shared/contract/names.ts';
import {
  checkInput,
  errorEnvelope,
  EVENT_CHANNELS,
  eventAllowed,
  MAX_INPUT_BYTES,
  METHOD_CHANNELS,
  methodAllowed,
  senderRole,
  type SenderInfo,
} from '../../electron/main/ipc-policy.ts';
import { createIpcBridge, type IpcLike } from '../../electron/preload/ipc-bridge.ts';
import { BridgeError } from '../../shared/contract/bridge.ts';

describe('channels', () => {
  it('names.ts lists exactly the contract’s methods and events (the preload depends on it)', () => {
    expect([...names.METHOD_NAMES].sort()).toEqual(Object.keys(contract).sort());
    expect([...names.EVENT_NAMES].sort()).toEqual(Object.keys(events).sort());
    expect(METHOD_NAMES).toBe(names.METHOD_NAMES);
    expect(EVENT_NAMES).toBe(names.EVENT_NAMES);
  });

  it('has one paydesk:<method> channel per method, all distinct, none shared with events', () => {
    expect(METHOD_CHANNELS.map((c) => c.method)).toEqual([...METHOD_NAMES]);
    for (const { method, channel } of METHOD_CHANNELS) expect(channel).toBe(`paydesk:${method}`);
    const all = [...METHOD_CHANNELS.map((c) => c.channel), ...EVENT_CHANNELS.map((c) => c.channel)];
    expect(new Set(all).size).toBe(all.length);
    expect(EVENT_CHANNELS.map((c) => c.channel)).toEqual([
      'paydesk:event:connection',
      'paydesk:event:order',
      'paydesk:event:log',
      'paydesk:event:provider',
    ]);
  });
});

describe('sender check', () => {
  const good: SenderInfo = {
    windowRole: 'cashier',
    frame: { url: 'app://paydesk/index.html#/new', isMainFrame: true, detached: false },
  };

  it('accepts the main frame of one of our windows on our origin, with its role', () => {
    expect(senderRole(good)).toBe('cashier');
    expect(senderRole({ ...good, windowRole: 'customer' })).toBe('customer');
  });

  it.each<[string, SenderInfo]>([
    ['an unknown webContents', { ...good, windowRole: null }],
    ['a frame that is gone', { ...good, frame: null }],
    ['a subframe', { ...good, frame: { ...good.frame!, isMainFrame: false } }],
    ['a detached frame', { ...good, frame: { ...good.frame!, detached: true } }],
    ['a page navigated elsewhere', { ...good, frame: { ...good.frame!, url: 'https://evil.example/' } }],
    ['a file:// page', { ...good, frame: { ...good.frame!, url: 'file:///tmp/x.html' } }],
    ['a look-alike host', { ...good, frame: { ...good.frame!, url: 'app://paydesk.evil/index.html' } }],
    ['about:blank', { ...good, frame: { ...good.frame!, url: 'about:blank' } }],
  ])('drops %s', (_why, sender) => {
    expect(senderRole(sender)).toBeNull();
  });

  it('accepts the dev server only when it is one of the app origins', () => {
    const dev = { ...good, frame: { ...good.frame!, url: 'http://localhost:5173/#/new' } };
    expect(senderRole(dev)).toBeNull();
    expect(senderRole(dev, ['app://paydesk', 'http://localhost:5173'])).toBe('cashier');
  });
});

describe('roles', () => {
  it('lets the cashier call everything and receive every event', () => {
    for (const m of METHOD_NAMES) expect(methodAllowed('cashier', m)).toBe(true);
    for (const e of EVENT_NAMES) expect(eventAllowed('cashier', e)).toBe(true);
  });

  it('lets the customer display only read, and keeps the log from it', () => {
    const allowed = METHOD_NAMES.filter((m) => methodAllowed('customer', m));
    expect(allowed.sort()).toEqual([
      'connection.get',
      'orders.get',
      'orders.search',
      'settings.get',
      'token.status',
    ]);
    expect(eventAllowed('customer', 'order')).toBe(true);
    expect(eventAllowed('customer', 'connection')).toBe(true);
    expect(eventAllowed('customer', 'log')).toBe(false);
  });
});

describe('input check', () => {
  it('passes valid input through as sent', () => {
    const input = { id: 'abc' };
    expect(checkInput('orders.get', input)).toEqual({ ok: true, input });
    expect(checkInput('connection.get', undefined)).toEqual({ ok: true, input: {} });
  });

  it('refuses what the schema refuses, with the fields', () => {
    const r = checkInput('orders.get', { id: '', extra: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_input');
    expect(r.error.fields?.length).toBeGreaterThan(0);
  });

  it.each<[string, unknown]>([
    ['an array', [1, 2]],
    ['a string', 'orders'],
    ['a number', 42],
    ['a class instance', new Date()],
    ['a map', new Map()],
  ])('refuses %s', (_why, input) => {
    const r = checkInput('orders.search', input);
    expect(r.ok).toBe(false);
  });

  it('refuses oversized input before parsing it', () => {
    const r = checkInput('orders.search', { text: 'x'.repeat(MAX_INPUT_BYTES) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/too large/);
  });
});

describe('error envelopes', () => {
  it('carries the contract error as data', () => {
    const err = new BridgeError({
      code: 'token_rejected',
      message: 'no',
      requestId: 'r-1',
      fields: [{ name: 'a', code: 'b' }],
    });
    expect(errorEnvelope(err)).toEqual({
      ok: false,
      error: { code: 'token_rejected', message: 'no', requestId: 'r-1', fields: [{ name: 'a', code: 'b' }] },
    });
  });

  it('hides anything that is not a contract error behind internal_error (no stack, no message)', () => {
    const r = errorEnvelope(new Error('ENOENT /home/cashier/.config/PayDesk/secret'));
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'internal_error',
        message: expect.not.stringContaining('secret') as unknown,
        requestId: null,
      },
    });
    expect(errorEnvelope(undefined).ok).toBe(false);
  });
});

/** A fake ipcRenderer: records calls, answers with what the test sets. */
function fakeIpc(answer: (channel: string, input: unknown) => unknown = () => ({ ok: true, data: 'ok' })) {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc = {
    invoke: vi.fn(async (channel: string, input: unknown) => answer(channel, input)),
    on: vi.fn((channel: string, l: (event: unknown, ...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    }),
    removeListener: vi.fn((channel: string, l: (event: unknown, ...args: unknown[]) => void) => {
      listeners.get(channel)?.delete(l);
    }),
  } satisfies IpcLike;
  const emit = (channel: string, payload: unknown): void => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'SECRET-SENDER' }, payload);
  };
  return { ipc, emit, listeners };
}

describe('preload bridge', () => {
  it('is the contract bridge for host electron and nothing else', () => {
    const bridge = createIpcBridge(fakeIpc().ipc);
    expect(Object.keys(bridge).sort()).toEqual(['host', 'invoke', 'on']);
    expect(bridge.host).toBe('electron');
  });

  it('invokes paydesk:<method> and resolves with the data', async () => {
    const { ipc } = fakeIpc(() => ({ ok: true, data: { state: 'live' } }));
    const bridge = createIpcBridge(ipc);
    await expect(bridge.invoke('connection.get', {})).resolves.toEqual({ state: 'live' });
    expect(ipc.invoke).toHaveBeenCalledWith('paydesk:connection.get', {});
  });

  it('refuses unknown methods before any IPC', async () => {
    const { ipc } = fakeIpc();
    const bridge = createIpcBridge(ipc);
    for (const bad of ['orders.delete', '__proto__', 'constructor', 'paydesk:orders.get', '', 42]) {
      await expect(bridge.invoke(bad as never, {} as never)).rejects.toMatchObject({
        code: 'unknown_method',
      });
    }
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('rejects with the contract error as plain data (what survives contextBridge)', async () => {
    const { ipc } = fakeIpc(() => ({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'bad',
        requestId: 'req-9',
        fields: [{ name: 'id', code: 'too_small' }, { bogus: 1 }],
      },
    }));
    const bridge = createIpcBridge(ipc);
    const err = await bridge.invoke('orders.get', { id: 'x' }).catch((e: unknown) => e);
    expect(err).toEqual({
      code: 'invalid_input',
      message: 'bad',
      requestId: 'req-9',
      fields: [{ name: 'id', code: 'too_small' }],
    });
    expect(Object.getPrototypeOf(err)).toBe(Object.prototype);
  });

  it('turns a failed or odd IPC answer into ipc_failed', async () => {
    const dropped = createIpcBridge({
      ...fakeIpc().ipc,
      invoke: async () => {
        throw new Error("Error invoking remote method 'paydesk:orders.get': dropped");
      },
    });
    await expect(dropped.invoke('orders.get', { id: 'x' })).rejects.toMatchObject({ code: 'ipc_failed' });
    const odd = createIpcBridge(fakeIpc(() => 'surprise').ipc);
    await expect(odd.invoke('orders.get', { id: 'x' })).rejects.toMatchObject({ code: 'ipc_failed' });
  });

  it('subscribes known events only, passes the payload without the IPC event, and unsubscribes once', () => {
    const { ipc, emit, listeners } = fakeIpc();
    const bridge = createIpcBridge(ipc);
    expect(() => bridge.on('secrets' as never, () => {})).toThrow();
    expect(() => bridge.on('order', 'not a function' as never)).toThrow();
    const seen: unknown[] = [];
    const off = bridge.on('order', (payload) => seen.push(payload));
    emit('paydesk:event:order', { id: 'o1' });
    expect(seen).toEqual([{ id: 'o1' }]);
    off();
    off();
    expect(ipc.removeListener).toHaveBeenCalledTimes(1);
    emit('paydesk:event:order', { id: 'o2' });
    expect(seen).toEqual([{ id: 'o1' }]);
    expect(listeners.get('paydesk:event:order')?.size).toBe(0);
  });
});
