/**
 * The WellPay adapter end to end against the real emulator: create → track → statuses moved by the control API
 * (as a trader and an admin would) → every status seen with its label; dropped sockets and the polling fallback;
 * removal; malformed exchange logs; and the access token never in logs or errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  WellpayAdapter,
  WellpayError,
  wellpayDetails,
  type WellpayAdapterOptions,
  type WellpayOrderDetails,
} from '../../electron/core/providers/wellpay/index.ts';
import type { ProviderConnection, TrackedOrder } from '../../electron/core/providers/types.ts';
import { waitFor } from '../helpers/wait.ts';
import { TOKEN, controlInvoice, moveTo, withWellpay } from './helpers.ts';

const sb = withWellpay();
const adapters: WellpayAdapter[] = [];

afterEach(async () => {
  for (const a of adapters.splice(0)) await a.stop();
  await sb.control('DELETE', '/sandbox/faults');
});

interface Harness {
  adapter: WellpayAdapter;
  updates: TrackedOrder[];
  connections: ProviderConnection[];
  lines: string[];
  /** The updates of one invoice. */
  of(uid: string): TrackedOrder[];
  /** Waits for an update of `uid` matching `probe`. */
  until(
    uid: string,
    probe: (o: TrackedOrder, d: WellpayOrderDetails) => boolean,
    what: string,
  ): Promise<TrackedOrder>;
}

/** Consecutive updates of one invoice always differ in what WellPay said. */
function expectOnlyChanges(orders: TrackedOrder[]): void {
  const raws = orders.map((o) => JSON.stringify(wellpayDetails(o)!.invoice?.raw ?? null));
  for (let i = 1; i < raws.length; i++) expect(raws[i]).not.toBe(raws[i - 1]);
}

/** Consecutive duplicates collapsed. */
function distinct(values: string[]): string[] {
  return values.filter((v, i) => i === 0 || values[i - 1] !== v);
}

function harness(options: Partial<WellpayAdapterOptions> = {}): Harness {
  const lines: string[] = [];
  const log = (level: string) => (event: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${event} ${JSON.stringify(fields ?? {})}`);
  };
  const adapter = new WellpayAdapter({
    apiUrl: sb.url,
    socketUrl: sb.url,
    payerUrlBase: `${sb.url}/pay/`,
    token: () => TOKEN,
    pollIntervalMs: 100,
    reconnectionDelayMs: 50,
    reconnectionDelayMaxMs: 200,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    ...options,
  });
  adapters.push(adapter);
  const updates: TrackedOrder[] = [];
  const connections: ProviderConnection[] = [];
  adapter.events.on('update', (o) => updates.push(o));
  adapter.events.on('connection', (c) => connections.push(c));
  const h: Harness = {
    adapter,
    updates,
    connections,
    lines,
    of: (uid) => updates.filter((u) => u.id === uid),
    until: (uid, probe, what) =>
      waitFor(() => h.of(uid).find((o) => probe(o, wellpayDetails(o)!)), { what, timeoutMs: 20_000 }),
  };
  return h;
}

describe('create, track, follow every status', () => {
  it('sees each status once, with its neutral mapping and ru/en labels, until the final one', async () => {
    const h = harness();
    expect(h.adapter.capabilities).toEqual({ create: true, cancel: true, refund: false, track: true });
    expect(h.adapter.connection().state).toBe('idle');

    const { uid, payerUrl } = await h.adapter.createInvoice({ title: 'Замовлення №42', priceMinor: 150_050 });
    expect(payerUrl).toBe(`${sb.url}/pay/${uid}`);
    const first = await h.adapter.track(uid);
    expect(first).toMatchObject({
      provider: 'wellpay',
      id: uid,
      status: 'created',
      rawStatus: 'not approve exchange',
      amount: 150_050,
      currency: 'UAH',
      paymentUrl: payerUrl,
      final: false,
    });
    await waitFor(() => h.adapter.connection().state === 'live', { what: 'live' });
    // ip:send recorded, and the snapshot shows the binding (the adapter refetches after ip:send if needed).
    await waitFor(() => wellpayDetails(h.adapter.current(uid)!)?.invoice?.ip === '127.0.0.1', {
      what: 'bound IP',
    });
    expect(wellpayDetails(h.adapter.current(uid)!)?.joinerIp).toBe('127.0.0.1');

    const steps: { move: Record<string, unknown>; raw: string; stage: string; ru: string; en: string }[] = [
      {
        move: { status: 'wait card' },
        raw: 'wait card',
        stage: 'waiting_card',
        ru: 'Ожидание карты от трейдера',
        en: "Waiting for the trader's card",
      },
      {
        move: { status: 'send card', card_f_pay: '4149-0000-1111-2222' },
        raw: 'send card',
        stage: 'awaiting_payment',
        ru: 'Ожидает оплаты на карту',
        en: 'Waiting for payment to the card',
      },
      {
        move: { status: 'pay' },
        raw: 'pay',
        stage: 'checking_payment',
        ru: 'Трейдер проверяет оплату',
        en: 'The trader is checking the payment',
      },
      {
        move: { status: 'pay', send_value: '1600' },
        raw: 'pay',
        stage: 'price_changed',
        ru: 'Трейдер изменил сумму заявки',
        en: 'The trader changed the amount',
      },
      {
        move: { status: 'waitPhoto' },
        raw: 'waitPhoto',
        stage: 'awaiting_proof',
        ru: 'Ожидается фото подтверждения оплаты',
        en: 'Waiting for a photo proving the payment',
      },
      {
        move: { status: 'waitPhoto', approve_photo: 'https://example.com/proof.jpg' },
        raw: 'waitPhoto',
        stage: 'admin_review',
        ru: 'Заявку рассматривает администратор',
        en: 'An administrator is reviewing the invoice',
      },
      {
        move: { status: 'notApprove' },
        raw: 'notApprove',
        stage: 'admin_review',
        ru: 'Заявку рассматривает администратор',
        en: 'An administrator is reviewing the invoice',
      },
      { move: { status: 'success' }, raw: 'success', stage: 'success', ru: 'Оплачено', en: 'Paid' },
    ];
    for (const [i, step] of steps.entries()) {
      const before = h.of(uid).length;
      expect((await moveTo(sb, uid, step.move)).status).toBe(200);
      const seen = await waitFor(() => h.of(uid)[before], { what: `update for step ${i} (${step.raw})` });
      const d = wellpayDetails(seen)!;
      expect({ raw: seen.rawStatus, stage: d.stage, ru: d.label.ru, en: d.label.en }).toEqual({
        raw: step.raw,
        stage: step.stage,
        ru: step.ru,
        en: step.en,
      });
    }
    const all = h.of(uid);
    // One update per change, never the same invoice twice: the initial snapshot (twice at most: the join may bind
    // the IP after the first fetch, which is a change), then the steps in order.
    expectOnlyChanges(all);
    expect(all.slice(-steps.length).map((o) => o.rawStatus)).toEqual(steps.map((s) => s.raw));
    expect(all.length - steps.length).toBeLessThanOrEqual(2);
    expect(all.some((o) => o.source === 'push')).toBe(true);
    const repriced = all.find((o) => wellpayDetails(o)!.stage === 'price_changed')!;
    expect(repriced.amount).toBe(160_000);
    expect(wellpayDetails(repriced)).toMatchObject({ priceChanged: true, previousAmountMinor: 150_050 });
    const last = all.at(-1)!;
    expect(last).toMatchObject({ status: 'paid', final: true });
    expect(wellpayDetails(last)!.invoice!.cardToPay).toBe('4149-0000-1111-2222');
    // A final status ends the tracking.
    await waitFor(() => h.adapter.tracked().length === 0, { what: 'untracked after success' });
    await waitFor(() => h.adapter.connection().state === 'idle', { what: 'idle' });
  });

  it('maps canceled and rejected (time ran out) to final neutral statuses', async () => {
    const h = harness();
    const a = await controlInvoice(sb);
    const b = await controlInvoice(sb);
    await h.adapter.track(a);
    await h.adapter.track(b);
    await waitFor(() => h.adapter.connection().state === 'live', { what: 'live' });
    await moveTo(sb, a, { status: 'canceled' });
    await moveTo(sb, b, { status: 'send card' });
    await moveTo(sb, b, { status: 'rejected' });
    const canceled = await h.until(a, (o) => o.rawStatus === 'canceled', 'canceled');
    expect(canceled).toMatchObject({ status: 'canceled', final: true });
    expect(wellpayDetails(canceled)!.label).toMatchObject({ ru: 'Отменено', en: 'Canceled' });
    const rejected = await h.until(b, (o) => o.rawStatus === 'rejected', 'rejected');
    expect(rejected).toMatchObject({ status: 'expired', final: true });
    expect(wellpayDetails(rejected)!.label.en).toBe('Canceled: the time to pay ran out');
  });

  it('an unknown UID is not_found and is not tracked', async () => {
    const h = harness();
    const err = await h.adapter.track('nosuchuid').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WellpayError);
    expect((err as WellpayError).code).toBe('not_found');
    expect(h.adapter.tracked()).toEqual([]);
  });

  it('a title too long for the key is refused before anything is sent', async () => {
    const h = harness();
    const before = { ...sb.sandbox.state.requests };
    const err = await h.adapter
      .createInvoice({ title: 'ї'.repeat(300), priceMinor: 100 })
      .catch((e: unknown) => e);
    expect((err as WellpayError).code).toBe('payload_too_large');
    expect(sb.sandbox.state.requests.key).toBe(before.key);
    expect(sb.sandbox.state.requests.method).toBe(before.method);
  });
});

describe('dropped sockets and the polling fallback', () => {
  it('polls while the socket is down (nothing missed), goes offline on failing polls, comes back live', async () => {
    const h = harness();
    const uid = await controlInvoice(sb);
    await h.adapter.track(uid);
    await waitFor(() => h.adapter.connection().state === 'live', { what: 'live' });

    await sb.control('POST', '/sandbox/sockets/drop', { refuseSeconds: 3600 });
    await waitFor(() => h.adapter.connection().state === 'degraded', { what: 'degraded' });
    expect(h.adapter.connection().reason).toBe('polling');

    await moveTo(sb, uid, { status: 'wait card' });
    const polled = await h.until(uid, (o) => o.rawStatus === 'wait card', 'wait card by polling');
    expect(polled.source).toBe('poll');

    // The REST side fails too: offline, then back to polling when it answers again.
    await sb.control('POST', '/sandbox/faults', { http500: 3 });
    await waitFor(() => h.connections.some((c) => c.state === 'offline'), { what: 'offline' });
    expect(h.connections.find((c) => c.state === 'offline')!.reason).toBe('connection_lost');
    await moveTo(sb, uid, { status: 'send card' });
    const after = await h.until(uid, (o) => o.rawStatus === 'send card', 'send card after the 500s');
    expect(after.source).toBe('poll');
    await waitFor(() => h.adapter.connection().state === 'degraded', { what: 'degraded again' });

    // Sockets allowed again: socket.io's manager reconnects, the adapter re-joins and is live.
    await sb.control('POST', '/sandbox/faults', { refuseSocketsSeconds: 0 });
    await waitFor(() => h.adapter.connection().state === 'live', { what: 'live again' });
    await waitFor(() => sb.sandbox.io.of('/').adapter.rooms.get(uid)?.size === 1, {
      what: 're-joined the room',
    });
    await moveTo(sb, uid, { status: 'pay' });
    const pushed = await h.until(uid, (o) => o.rawStatus === 'pay', 'pay after reconnect');
    expect(['push', 'api']).toContain(pushed.source);

    expect(h.connections.map((c) => c.state)).toEqual(
      expect.arrayContaining(['connecting', 'live', 'degraded', 'offline']),
    );
    // In order, and no update repeats the previous one, although polls, resyncs and pushes overlapped.
    expectOnlyChanges(h.of(uid));
    expect(distinct(h.of(uid).map((o) => o.rawStatus))).toEqual([
      'not approve exchange',
      'wait card',
      'send card',
      'pay',
    ]);
  });
});

describe('removal', () => {
  it('removeInvoice reports removed (canceled, final) and stops tracking; the emulator forgets it', async () => {
    const h = harness();
    const { uid } = await h.adapter.createInvoice({ title: 'Відміна', priceMinor: 5_000 });
    await h.adapter.track(uid);
    const order = await h.adapter.removeInvoice(uid);
    expect(order).toMatchObject({
      id: uid,
      status: 'canceled',
      rawStatus: 'removed',
      final: true,
      source: 'api',
      amount: 5_000,
    });
    expect(wellpayDetails(order)!.label).toMatchObject({ ru: 'Счёт удалён', en: 'Invoice removed' });
    expect(h.of(uid).at(-1)).toEqual(order);
    expect(h.adapter.tracked()).toEqual([]);
    expect(sb.sandbox.state.invoice(uid)).toBeUndefined();
  });

  it('an invoice removed elsewhere is reported once the refetch finds nothing', async () => {
    const h = harness();
    const other = harness();
    const uid = await controlInvoice(sb);
    await h.adapter.track(uid);
    await waitFor(() => h.adapter.connection().state === 'live', { what: 'live' });
    await other.adapter.removeInvoice(uid);
    const removed = await h.until(uid, (o) => o.rawStatus === 'removed', 'removed');
    expect(removed).toMatchObject({ status: 'canceled', final: true, source: 'push' });
    expect(h.adapter.tracked()).toEqual([]);
  });

  it('removal while the trader checks the payment is refused by the emulator', async () => {
    const h = harness();
    const uid = await controlInvoice(sb);
    await moveTo(sb, uid, { status: 'send card' });
    await moveTo(sb, uid, { status: 'pay' });
    const err = await h.adapter.removeInvoice(uid).catch((e: unknown) => e);
    expect((err as WellpayError).httpStatus).toBe(409);
  });
});

describe('malformed exchange_log', () => {
  it('a cut bracket is repaired; garbage is kept raw; the update still comes and nothing throws', async () => {
    const h = harness();
    const uid = await controlInvoice(sb);
    await sb.control('POST', '/sandbox/faults', { malformedExchangeLog: 'truncated' });
    const first = (await h.adapter.track(uid))!;
    const log = wellpayDetails(first)!.invoice!.exchangeLog!;
    expect(log).toMatchObject({ ok: true, repaired: true });
    expect(log.entries[0]!.status).toBe('Инвойс создан');

    await sb.control('POST', '/sandbox/faults', { malformedExchangeLog: 'garbage' });
    await waitFor(() => h.adapter.connection().state === 'live', { what: 'live' });
    await moveTo(sb, uid, { status: 'wait card' });
    const garbled = await h.until(uid, (o) => o.rawStatus === 'wait card', 'wait card with a garbled log');
    const d = wellpayDetails(garbled)!;
    expect(d.exchangeLogMalformed).toBe(true);
    expect(d.invoice!.exchangeLog).toMatchObject({ ok: false, entries: [] });
    expect(typeof (d.invoice!.exchangeLog as { raw: string }).raw).toBe('string');
    expect(h.lines.some((l) => l.includes('wellpay.exchange_log_malformed'))).toBe(true);
  });
});

describe('the access token', () => {
  it('never appears in logs, events or errors across a whole session with faults', async () => {
    const secret = 'ab12cd34ef56gh78ij90kl12mn34op56';
    await sb.control('POST', '/sandbox/tokens', { token: secret });
    const h = harness({ token: () => secret });
    const errors: unknown[] = [];
    const { uid } = await h.adapter.createInvoice({ title: 'Секрет', priceMinor: 100 });
    await h.adapter.track(uid);
    await waitFor(() => h.adapter.connection().state === 'live', { what: 'live' });
    await sb.control('POST', '/sandbox/key/rotate');
    await moveTo(sb, uid, { status: 'wait card' });
    await h.until(uid, (o) => o.rawStatus === 'wait card', 'wait card after a key rotation');
    await sb.control('POST', '/sandbox/faults', { http500: 2 });
    await sb.control('POST', '/sandbox/sockets/drop', { refuseSeconds: 3600 });
    await waitFor(() => h.connections.some((c) => c.state === 'offline'), { what: 'offline' });
    await waitFor(() => h.adapter.connection().state === 'degraded', { what: 'polls answer again' });
    errors.push(await h.adapter.track('missing').catch((e: unknown) => e));
    errors.push(
      await h.adapter.createInvoice({ title: 'x'.repeat(600), priceMinor: 1 }).catch((e: unknown) => e),
    );
    await sb.control('POST', '/sandbox/tokens', {});
    const stranger = harness({ token: () => `${secret}-revoked` });
    errors.push(await stranger.adapter.createInvoice({ title: 't', priceMinor: 1 }).catch((e: unknown) => e));
    expect(errors.every((e) => e instanceof WellpayError)).toBe(true);

    const everything = JSON.stringify({
      lines: [...h.lines, ...stranger.lines],
      updates: h.updates,
      connections: h.connections,
      errors: errors.map((e) => ({
        message: (e as Error).message,
        stack: (e as Error).stack,
        ...(e as object),
      })),
    });
    expect(h.lines.some((l) => l.includes('wellpay.key_too_old'))).toBe(true);
    expect(everything).not.toContain(secret);
  });
});
