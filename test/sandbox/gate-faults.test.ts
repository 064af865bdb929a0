/** The gate's faults, as a console sees them: duplicates, reordering, delays, a silent (half-dead) socket. */
import { describe, expect, it } from 'vitest';
import { eventually, payNewOrder, useGateHarness, type FakeConsoleOptions } from './gate-harness.ts';

const gate = useGateHarness();
const open = (options?: FakeConsoleOptions) => gate.open(undefined, options);

describe('notifyDuplicate', () => {
  it('sends each notification twice, under two RPC ids, and both answers are logged', async () => {
    const c = await open();
    gate.h.faults.set({ notifyDuplicate: true });
    const orderId = payNewOrder(gate.h.state);
    const [first, second] = [await c.next(), await c.next()];
    expect(first.params).toEqual(second.params);
    expect(first.params[0].id).toBe(orderId);
    expect(first.id).not.toBe(second.id);
    expect(gate.h.faults.fired.notifyDuplicate).toBe(1);

    const record = await eventually(() => {
      const r = gate.h.gate.deliveries({ orderId })[0];
      return r?.outcome === 'delivered' && r;
    });
    expect(record.attempts[0]!.answers).toHaveLength(2);
  });
});

describe('notifyReorderWindow', () => {
  it('releases each full group in reverse order', async () => {
    const c = await open();
    gate.h.faults.set({ notifyReorderWindow: 3 });
    const ids = [payNewOrder(gate.h.state), payNewOrder(gate.h.state), payNewOrder(gate.h.state)];
    const got = [await c.next(), await c.next(), await c.next()].map((f) => f.params[0].id);
    expect(got).toEqual([...ids].reverse());
    expect(gate.h.faults.fired.notifyReorderWindow).toBe(1);
  });

  it('flushes a partial group after a short while, so nothing is stuck', async () => {
    const c = await open();
    gate.h.faults.set({ notifyReorderWindow: 10 });
    const ids = [payNewOrder(gate.h.state), payNewOrder(gate.h.state)];
    expect(gate.h.gate.deliveries().every((d) => d.attempts.length === 0)).toBe(true); // held
    const got = [await c.next(), await c.next()].map((f) => f.params[0].id);
    expect(got).toEqual([ids[1], ids[0]]);
  });

  it('keeps each merchant in its own group', async () => {
    const c = await open();
    gate.h.faults.set({ notifyReorderWindow: 2 });
    const a = payNewOrder(gate.h.state);
    payNewOrder(gate.h.state, '99999999-9999-9999-9999-999999999999'); // another merchant: does not fill our group
    const b = payNewOrder(gate.h.state);
    const got = [await c.next(), await c.next()].map((f) => f.params[0].id);
    expect(got).toEqual([b, a]);
  });
});

describe('notifyDelayMs', () => {
  it('holds each send back, then delivers', async () => {
    const c = await open();
    gate.h.faults.set({ notifyDelayMs: 50 });
    const orderId = payNewOrder(gate.h.state);
    // Without the fault the first try is made at once, within the status change.
    expect(gate.h.gate.deliveries({ orderId })[0]!.attempts).toHaveLength(0);
    expect((await c.next()).params[0].id).toBe(orderId);
    expect(gate.h.faults.fired.notifyDelayMs).toBe(1);

    gate.h.faults.set({ notifyDelayMs: 0 });
    const prompt = payNewOrder(gate.h.state);
    expect(gate.h.gate.deliveries({ orderId: prompt })[0]!.attempts).toHaveLength(1);
  });
});

describe('silentUntil', () => {
  it('answers no ping, sends nothing, takes nothing in; afterwards the retry gets through', async () => {
    const c = await open();
    const pongs: number[] = [];
    c.ws.on('pong', () => pongs.push(1));

    gate.h.faults.set({ silentUntil: Date.now() + 60_000 });
    c.ws.ping();
    const orderId = payNewOrder(gate.h.state);
    c.send('{garbage'); // would get −32700 if the gate were listening
    expect(await c.quietFor(150)).toBe(true);
    expect(pongs).toHaveLength(0);
    expect(gate.h.faults.fired.silentUntil).toBeGreaterThanOrEqual(3); // the pong, the call, the garbage

    gate.h.faults.set({ silentUntil: 0 });
    c.ws.ping();
    await eventually(() => pongs.length === 1);
    const frame = await c.next();
    expect(frame).toMatchObject({ method: 'onOrderStatusChange', params: [{ id: orderId }] });
    const record = await eventually(() => {
      const r = gate.h.gate.deliveries({ orderId })[0];
      return r?.outcome === 'delivered' && r;
    });
    expect(record.attempts[0]!.answers[0]!.outcome).toBe('timeout');
  });

  it('does not ping or judge consoles while silent', async () => {
    await gate.restart({ gatePingIntervalMs: 30 });
    gate.h.faults.set({ silentUntil: Date.now() + 60_000 });
    const deaf = await open({ autoPong: false });
    const pings: number[] = [];
    deaf.ws.on('ping', () => pings.push(1));
    expect(await deaf.quietFor(150)).toBe(true);
    expect(pings).toHaveLength(0);
    expect(gate.h.gate.connections()).toBe(1);

    gate.h.faults.set({ silentUntil: 0 });
    await deaf.closed; // pinged, no pong → terminated by the next round
  });
});
