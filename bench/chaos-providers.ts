/**
 * The chaos run's traffic and verdict for the two other gateways (bench/chaos.ts runs it beside Invoicebox's):
 *  - WellPay: the cashier creates invoices through the contract (`wellpay.create`, retried with the same requestKey),
 *    a trader moves them through the spec's statuses (price changes included) with the emulator's control API, the
 *    cashier removes some (`orders.cancel`);
 *  - Xsolla: store orders are made in the emulator and followed through the contract (`xsolla.track` with the user's
 *    JWT); the payment flow moves them new → paid → done or canceled. After each console restart the cashier tracks
 *    the open ones again with a fresh token (JWTs are never stored: that is what a restarted console asks for);
 *  - faults at random: dropped sockets with refused reconnects, 500s, slow answers, broken exchange logs (WellPay);
 *    dropped sockets, refused connects, silent pings, late pushes, history errors, reset streams (Xsolla).
 * Verdict against each emulator's truth: lost (on the gateway, not in the store), duplicated (one cashier intent, two
 * invoices; one status applied twice), wrong_status (the stored raw status or amount is not the gateway's).
 *
 * WellPay has no idempotency key and no way to list or search invoices: a create cut short by a SIGKILL may have
 * made an invoice the console can never learn of. The console does not hide it: the retried intent is answered
 * `create_outcome_unknown` (check the WellPay cabinet). Such intents are reported as `in_doubt`, apart from `lost`.
 */
import type { AllSandboxes } from '../electron/sandbox/all.ts';
import { sleep } from './lib/clock.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- control-API answers are read field by field
type Json = any;

export const WP_TAG = 'chaos-wp#';

export interface ChaosContext {
  invoke<T>(method: string, input: unknown): Promise<T>;
  running(): boolean;
  deadline: number;
  rand(): number;
  pick<T>(items: readonly T[]): T;
  between(a: number, b: number): number;
  count(bag: 'actions' | 'faults', key: string, n?: number): void;
  noteError(where: string, err: unknown): void;
}

export interface ProviderVerdict {
  wellpayInvoices: number;
  xsollaOrders: number;
  lost: string[];
  duplicated: string[];
  wrong_status: string[];
  in_doubt: string[];
}

export interface ProviderChaos {
  /** The console child's environment: live mode against the emulators. */
  env: Record<string, string>;
  /** Secrets whose appearance anywhere is a leak: the WellPay token and every Xsolla JWT handed to the console. */
  secrets(): string[];
  /** The traffic and fault loops (they end at the deadline). */
  loops(ctx: ChaosContext): Promise<void>[];
  /** A restarted console: the cashier follows the open Xsolla orders again. */
  afterRestart(ctx: ChaosContext): Promise<void>;
  /** Faults off, and time for tracking to converge; then the verdict. */
  settle(ctx: ChaosContext): Promise<ProviderVerdict>;
}

export async function providerChaos(all: AllSandboxes): Promise<ProviderChaos> {
  const origin = all.urls.invoicebox;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; data: Json }> => {
    const res = await fetch(origin + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => null)) as Json;
    return { status: res.status, data: json?.data ?? null };
  };
  const wellpayToken = (await call('POST', '/sandbox/wellpay/tokens', {})).data.token as string;

  interface WpIntent {
    n: number;
    requestKey: string;
    id: string | null;
    inDoubt: boolean;
  }
  const wpIntents: WpIntent[] = [];
  const wpIds = new Map<string, string>(); // uid → console id
  const xsOrders = new Map<number, { projectId: number; id: string }>(); // order id → project, console id
  const jwts: string[] = [];

  async function track(
    ctx: ChaosContext,
    orderId: number,
    projectId: number,
    token: string,
  ): Promise<boolean> {
    jwts.push(token);
    try {
      const v = await ctx.invoke<{ id: string }>('xsolla.track', { projectId, orderId, token });
      xsOrders.set(orderId, { projectId, id: v.id });
      ctx.count('actions', 'xsolla track');
      return true;
    } catch (err) {
      ctx.noteError('xsolla track', err);
      // Followed anyway when Xsolla answers late (xsolla_unavailable): remember it for the verdict.
      xsOrders.set(orderId, { projectId, id: `xsolla:${projectId}:${orderId}` });
      return false;
    }
  }

  /**
   * What a cashier does after a restart: the console lists the Xsolla orders it holds that are not final (and any it
   * was asked to follow but never stored); each is tracked again with a fresh token from the payment flow.
   */
  async function retrackOpen(ctx: ChaosContext): Promise<void> {
    for (const [orderId, known] of [...xsOrders]) {
      let raw: string | null;
      try {
        raw = (await ctx.invoke<{ rawStatus: string }>('orders.get', { id: known.id })).rawStatus;
      } catch {
        raw = null;
      }
      if (raw === 'done' || raw === 'canceled') continue;
      const token = (await call('POST', `/sandbox/xsolla/orders/${orderId}/token`, { ttl_seconds: 3600 }))
        .data?.token;
      if (typeof token === 'string') await track(ctx, orderId, known.projectId, token);
    }
  }

  const wellpayCashier = async (ctx: ChaosContext) => {
    while (ctx.running() && Date.now() < ctx.deadline) {
      const n = wpIntents.length + 1;
      const intent: WpIntent = {
        n,
        requestKey: `chaos-wp-${n}-${Math.floor(ctx.rand() * 1e9)}`,
        id: null,
        inDoubt: false,
      };
      wpIntents.push(intent);
      const input = {
        title: `${WP_TAG}${n} Кава`,
        amount: 100 * (10 + Math.floor(ctx.rand() * 5_000)),
        requestKey: intent.requestKey,
      };
      while (ctx.running()) {
        try {
          const v = await ctx.invoke<{ id: string; merchantOrderId: string }>('wellpay.create', input);
          intent.id = v.id;
          wpIds.set(v.merchantOrderId, v.id);
          ctx.count('actions', 'wellpay create');
          break;
        } catch (err) {
          if ((err as { code?: unknown }).code === 'create_outcome_unknown') {
            intent.inDoubt = true;
            ctx.count('actions', 'wellpay create in doubt');
            break;
          }
          ctx.noteError('wellpay create', err);
          await sleep(ctx.between(200, 1_000));
        }
      }
      await sleep(ctx.between(700, 1_800));
    }
  };

  const NEXT: Record<string, [number, string][]> = {
    'not approve exchange': [
      [0.8, 'wait card'],
      [0.9, 'canceled'],
      [1, 'remove'],
    ],
    'wait card': [
      [0.8, 'send card'],
      [0.9, 'rejected'],
      [1, 'remove'],
    ],
    'send card': [
      [0.7, 'pay'],
      [0.85, 'rejected'],
      [1, 'remove'],
    ],
    pay: [
      [0.4, 'success'],
      [0.6, 'price'],
      [0.8, 'waitPhoto'],
      [1, 'canceled'],
    ],
    waitPhoto: [
      [0.5, 'notApprove'],
      [0.8, 'success'],
      [1, 'rejected'],
    ],
    notApprove: [
      [0.7, 'success'],
      [1, 'canceled'],
    ],
  };

  const wellpayTrader = async (ctx: ChaosContext) => {
    while (ctx.running() && Date.now() < ctx.deadline) {
      await sleep(ctx.between(150, 450));
      const uids = [...wpIds.keys()];
      if (uids.length === 0) continue;
      const uid = ctx.pick(uids);
      try {
        const truth = await call('GET', `/sandbox/wellpay/invoices/${uid}`);
        if (truth.status !== 200) continue; // removed
        const status = truth.data.row.status as string;
        const options = NEXT[status];
        if (!options) continue; // final
        const roll = ctx.rand();
        const move = options.find(([p]) => roll < p)![1];
        if (move === 'remove') {
          await ctx.invoke('orders.cancel', { id: wpIds.get(uid) });
          ctx.count('actions', 'wellpay remove');
        } else if (move === 'price') {
          const r = await call('POST', `/sandbox/wellpay/invoices/${uid}/status`, {
            status: 'pay',
            send_value: String(10 + Math.floor(ctx.rand() * 5_000)),
          });
          ctx.count('actions', r.status === 200 ? 'wellpay price change' : 'wellpay move refused');
        } else {
          const r = await call('POST', `/sandbox/wellpay/invoices/${uid}/status`, {
            status: move,
            ...(move === 'notApprove' ? { approve_photo: 'https://example.com/proof.jpg' } : {}),
          });
          ctx.count('actions', r.status === 200 ? `wellpay ${move}` : 'wellpay move refused');
        }
      } catch (err) {
        ctx.noteError('wellpay action', err);
      }
    }
  };

  const xsollaCashier = async (ctx: ChaosContext) => {
    while (ctx.running() && Date.now() < ctx.deadline) {
      try {
        const o = (
          await call('POST', '/sandbox/xsolla/orders', {
            amount: (1 + Math.floor(ctx.rand() * 50)).toFixed(2),
          })
        ).data;
        await track(ctx, o.order_id, o.project_id, o.token);
      } catch (err) {
        ctx.noteError('xsolla order', err);
      }
      await sleep(ctx.between(900, 2_200));
    }
  };

  const xsollaPayer = async (ctx: ChaosContext) => {
    while (ctx.running() && Date.now() < ctx.deadline) {
      await sleep(ctx.between(200, 600));
      const ids = [...xsOrders.keys()];
      if (ids.length === 0) continue;
      const id = ctx.pick(ids);
      try {
        const truth = (await call('GET', `/sandbox/xsolla/orders/${id}`)).data;
        const roll = ctx.rand();
        let next: string | null = null;
        if (truth.status === 'new') next = roll < 0.7 ? 'paid' : roll < 0.85 ? 'canceled' : null;
        else if (truth.status === 'paid') next = roll < 0.7 ? 'done' : roll < 0.85 ? 'canceled' : null;
        if (next) {
          const r = await call('POST', `/sandbox/xsolla/orders/${id}/status`, { status: next });
          ctx.count('actions', r.status === 200 ? `xsolla ${next}` : 'xsolla move refused');
        }
      } catch (err) {
        ctx.noteError('xsolla action', err);
      }
    }
  };

  const injector = async (ctx: ChaosContext) => {
    while (ctx.running() && Date.now() < ctx.deadline) {
      await sleep(ctx.between(1_500, 4_000));
      const kind = ctx.pick([
        'wellpay drop',
        'wellpay 500',
        'wellpay delay',
        'wellpay broken log',
        'xsolla drop',
        'xsolla 500',
        'xsolla silent',
        'xsolla late push',
        'xsolla history error',
        'xsolla reset streams',
      ] as const);
      ctx.count('faults', `injected ${kind}`);
      const later = (ms: number, fn: () => Promise<unknown>) =>
        setTimeout(() => void fn().catch(() => undefined), ms).unref();
      switch (kind) {
        case 'wellpay drop': {
          const r = await call('POST', '/sandbox/wellpay/sockets/drop', {
            refuseSeconds: Math.round(ctx.between(1, 6)),
          });
          ctx.count('faults', 'wellpay sockets dropped', Number(r.data?.dropped ?? 0));
          break;
        }
        case 'wellpay 500':
          await call('POST', '/sandbox/wellpay/faults', { http500: 1 + Math.floor(ctx.rand() * 3) });
          break;
        case 'wellpay delay':
          await call('POST', '/sandbox/wellpay/faults', { httpDelayMs: Math.round(ctx.between(200, 1_500)) });
          later(ctx.between(1_000, 4_000), () => call('POST', '/sandbox/wellpay/faults', { httpDelayMs: 0 }));
          break;
        case 'wellpay broken log':
          await call('POST', '/sandbox/wellpay/faults', {
            malformedExchangeLog: ctx.pick(['truncated', 'garbage']),
          });
          later(ctx.between(1_000, 4_000), () =>
            call('POST', '/sandbox/wellpay/faults', { malformedExchangeLog: false }),
          );
          break;
        case 'xsolla drop': {
          const r = await call('POST', '/sandbox/xsolla/faults', {
            dropSockets: true,
            refuseConnectsForMs: Math.round(ctx.between(500, 5_000)),
          });
          ctx.count('faults', 'xsolla sockets dropped', Number(r.data?.actions?.dropped ?? 0));
          break;
        }
        case 'xsolla 500':
          await call('POST', '/sandbox/xsolla/faults', { http500: 1 + Math.floor(ctx.rand() * 3) });
          break;
        case 'xsolla silent':
          await call('POST', '/sandbox/xsolla/faults', {
            silencePingsForMs: Math.round(ctx.between(1_000, 6_000)),
          });
          break;
        case 'xsolla late push':
          await call('POST', '/sandbox/xsolla/faults', {
            publishDelayMs: Math.round(ctx.between(200, 1_500)),
          });
          later(ctx.between(1_000, 4_000), () =>
            call('POST', '/sandbox/xsolla/faults', { publishDelayMs: 0 }),
          );
          break;
        case 'xsolla history error':
          await call('POST', '/sandbox/xsolla/faults', { historyErrors: 1 + Math.floor(ctx.rand() * 3) });
          break;
        case 'xsolla reset streams':
          await call('POST', '/sandbox/xsolla/faults', { resetStreams: true });
          break;
      }
    }
  };

  async function verdict(ctx: ChaosContext): Promise<ProviderVerdict & { converged: boolean }> {
    const lost: string[] = [];
    const duplicated: string[] = [];
    const wrong: string[] = [];
    // WellPay's truth: the invoices still there (removed ones are deleted).
    const wpTruth = ((await call('GET', '/sandbox/wellpay/state')).data.invoices as Json[])
      .map((i) => i.row)
      .filter((r) => typeof r.name_ex === 'string' && r.name_ex.startsWith(WP_TAG));
    const byIntent = new Map<string, string[]>();
    for (const r of wpTruth) {
      const n = r.name_ex.slice(WP_TAG.length).split(' ')[0];
      byIntent.set(n, [...(byIntent.get(n) ?? []), r.uid_link]);
    }
    for (const [n, uids] of byIntent)
      if (uids.length > 1) duplicated.push(`wellpay intent ${n}: ${uids.join(', ')}`);
    const stored = new Map<string, Json>();
    for (let cursor: string | null = null; ;) {
      const page: Json = await ctx.invoke('orders.search', {
        provider: 'wellpay',
        limit: 500,
        ...(cursor ? { cursor } : {}),
      });
      for (const row of page.rows) stored.set(row.merchantOrderId, row);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    const inDoubtNs = new Set(wpIntents.filter((i) => i.inDoubt).map((i) => String(i.n)));
    const inDoubt: string[] = [];
    const truthUids = new Set<string>();
    for (const r of wpTruth) {
      truthUids.add(r.uid_link);
      const s = stored.get(r.uid_link);
      const n = r.name_ex.slice(WP_TAG.length).split(' ')[0];
      if (!s) {
        if (inDoubtNs.has(n)) inDoubt.push(`wellpay intent ${n}: invoice ${r.uid_link} (${r.status})`);
        else lost.push(`wellpay ${r.uid_link} (${r.name_ex}, ${r.status})`);
        continue;
      }
      const amount = Math.round(Number(r.send_value) * 100);
      if (s.rawStatus !== r.status || s.amount !== amount)
        wrong.push(`wellpay ${r.uid_link}: store ${s.rawStatus} ${s.amount}, gateway ${r.status} ${amount}`);
    }
    for (const [uid, s] of stored) {
      if (!truthUids.has(uid) && s.rawStatus !== 'removed')
        wrong.push(`wellpay ${uid}: store ${s.rawStatus}, gateway: removed`);
    }
    for (const n of inDoubtNs) if (!byIntent.has(n)) inDoubt.push(`wellpay intent ${n}: no invoice was made`);

    // Xsolla's truth: every order handed to the console.
    const xsTruth = new Map(
      ((await call('GET', '/sandbox/xsolla/orders')).data as Json[]).map((o) => [o.order_id, o]),
    );
    for (const [orderId, known] of xsOrders) {
      const t = xsTruth.get(orderId);
      let d: Json;
      try {
        d = await ctx.invoke('orders.get', { id: known.id });
      } catch {
        d = null;
      }
      if (!d) {
        lost.push(`xsolla ${orderId} (${t?.status})`);
        continue;
      }
      if (d.rawStatus !== t?.status)
        wrong.push(`xsolla ${orderId}: store ${d.rawStatus}, gateway ${t?.status}`);
      const applied = (d.history as Json[]).filter((h) => h.applied).map((h) => h.rawStatus as string);
      if (new Set(applied).size !== applied.length)
        duplicated.push(`xsolla ${orderId}: applied ${applied.join(' → ')}`);
    }
    for (const s of stored.values()) {
      const d: Json = await ctx.invoke('orders.get', { id: s.id });
      const applied = (d.history as Json[]).filter((h) => h.applied).map((h) => `${h.rawStatus}`);
      // WellPay's `pay` may repeat (a price change is a new stage), any other status twice is a duplicate.
      const repeats = applied.filter((raw, i) => raw !== 'pay' && applied.indexOf(raw) !== i);
      if (repeats.length > 0) duplicated.push(`wellpay ${s.merchantOrderId}: applied ${applied.join(' → ')}`);
    }
    return {
      wellpayInvoices: wpTruth.length,
      xsollaOrders: xsOrders.size,
      lost,
      duplicated,
      wrong_status: wrong,
      in_doubt: inDoubt,
      converged: lost.length + wrong.length === 0,
    };
  }

  return {
    env: {
      PAYDESK_XSOLLA_API_URL: all.urls.xsolla,
      PAYDESK_XSOLLA_WS_URL: all.urls.xsollaWebsocket,
      PAYDESK_WELLPAY_API_URL: all.urls.wellpay,
      PAYDESK_WELLPAY_SOCKET_URL: all.urls.wellpay,
      PAYDESK_WELLPAY_PAYER_URL: `${all.urls.wellpay}/sandbox/wellpay/invoices/`,
      PAYDESK_WELLPAY_TOKEN: wellpayToken,
      // Sockets from the first moment, so that their drops are part of the run (live mode waits for the payer).
      PAYDESK_WELLPAY_JOIN: 'always',
    },
    secrets: () => [wellpayToken, ...jwts],
    loops: (ctx) => [
      wellpayCashier(ctx),
      wellpayTrader(ctx),
      xsollaCashier(ctx),
      xsollaPayer(ctx),
      injector(ctx),
    ],
    afterRestart: (ctx) => retrackOpen(ctx).catch((err: unknown) => ctx.noteError('xsolla retrack', err)),
    async settle(ctx) {
      await call('DELETE', '/sandbox/wellpay/faults');
      await call('DELETE', '/sandbox/xsolla/faults');
      await retrackOpen(ctx).catch((err: unknown) => ctx.noteError('xsolla retrack', err));
      // Tracking converges by itself (sockets back, or the 3 s poll): wait for it, then judge.
      const until = Date.now() + 30_000;
      for (;;) {
        const v = await verdict(ctx);
        if (v.converged || Date.now() > until) {
          const { converged: _c, ...rest } = v;
          return rest;
        }
        await sleep(1_000);
      }
    },
  };
}
