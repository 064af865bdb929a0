/**
 * The browser host's guard and bridge, over raw HTTP (node:http, so that Host, Origin and cookies are exactly what
 * the test says): one-time login link → HttpOnly SameSite=Strict cookie; everything else needs the cookie; Host must
 * be 127.0.0.1:<port> (DNS rebinding); bridge calls same-origin JSON only; contract errors come back as data; events
 * arrive over server-sent events. The core is a stand-in: this is about the host, not the core.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionView, MethodName, OrderView } from '../../shared/contract/contract.ts';
import { startWebHost, type BridgeCore, type WebHost } from '../../electron/web/host.ts';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(
  host: WebHost,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        method,
        path,
        headers: { host: `127.0.0.1:${host.port}`, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

class FakeCore implements BridgeCore {
  readonly events = new EventEmitter<{ connection: [ConnectionView]; order: [OrderView]; log: [string] }>();
  readonly calls: { method: MethodName; input: unknown }[] = [];
  async invoke(method: MethodName, input: unknown): Promise<unknown> {
    this.calls.push({ method, input });
    if (method === 'orders.get') {
      throw Object.assign(new Error('Order x is not in the local store'), {
        code: 'order_not_found',
        requestId: 'req-42',
      });
    }
    if (method === 'diagnostics.report') throw new Error('boom: a stack trace with secrets');
    return { echo: input };
  }
}

describe('browser host', () => {
  let dir: string;
  let core: FakeCore;
  let host: WebHost;
  let cookie: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paydesk-host-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>PayDesk</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'paydesk-host-secret.txt'), 'outside the renderer');
    core = new FakeCore();
    host = await startWebHost({ core, rendererDir: dir, pingMs: 200 });
  });

  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only and prints a one-time link', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.loginUrl).toMatch(new RegExp(`^${host.origin}/\\?k=[A-Za-z0-9_-]{43}$`));
  });

  it('refuses everything without the session cookie', async () => {
    expect((await raw(host, 'GET', '/')).status).toBe(401);
    expect((await raw(host, 'GET', '/assets/app.js')).status).toBe(401);
    const call = await raw(
      host,
      'POST',
      '/bridge/connection.get',
      { 'content-type': 'application/json' },
      '{}',
    );
    expect(call.status).toBe(401);
    expect(JSON.parse(call.body).error.code).toBe('host_unauthorized');
    expect((await raw(host, 'GET', '/bridge/events')).status).toBe(401);
    expect((await raw(host, 'GET', '/?k=not-the-secret')).status).toBe(403);
    expect(core.calls).toHaveLength(0);
  });

  it('trades the secret for an HttpOnly SameSite=Strict cookie, once', async () => {
    const path = new URL(host.loginUrl).pathname + new URL(host.loginUrl).search;
    const login = await raw(host, 'GET', path);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    cookie = setCookie.split(';')[0]!;
    expect(login.headers['referrer-policy']).toBe('no-referrer');
    // Spent: the same link without the cookie is refused.
    expect((await raw(host, 'GET', path)).status).toBe(403);
    // With the cookie it just leads to the app.
    expect((await raw(host, 'GET', path, { cookie })).status).toBe(303);
  });

  it('serves the renderer with a strict CSP, and nothing outside it', async () => {
    const index = await raw(host, 'GET', '/', { cookie });
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>PayDesk</title>');
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('data:'); // the QR is inline SVG: no data: images
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await raw(host, 'GET', '/assets/app.js', { cookie })).headers['content-type']).toMatch(
      /javascript/,
    );
    for (const p of [
      '/../paydesk-host-secret.txt',
      '/assets/../../paydesk-host-secret.txt',
      '/%2e%2e/paydesk-host-secret.txt',
      '/assets',
    ]) {
      const r = await raw(host, 'GET', p, { cookie });
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('outside the renderer');
    }
  });

  it('refuses a Host other than 127.0.0.1:<port> (DNS rebinding), even with the cookie', async () => {
    for (const h of [
      `localhost:${host.port}`,
      `evil.example:${host.port}`,
      '127.0.0.1',
      `127.0.0.1:${host.port + 1}`,
    ]) {
      const r = await raw(
        host,
        'POST',
        '/bridge/connection.get',
        { host: h, cookie, 'content-type': 'application/json' },
        '{}',
      );
      expect(r.status, h).toBe(421);
    }
    expect(
      (await raw(host, 'GET', host.loginUrl.replace(host.origin, ''), { host: 'evil.example' })).status,
    ).toBe(421);
  });

  it('bridges a call to core.invoke and answers {ok, data}', async () => {
    const r = await raw(
      host,
      'POST',
      '/bridge/orders.search',
      { cookie, 'content-type': 'application/json', origin: host.origin },
      '{"text":"PD-1"}',
    );
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, data: { echo: { text: 'PD-1' } } });
    expect(core.calls.at(-1)).toEqual({ method: 'orders.search', input: { text: 'PD-1' } });
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('passes contract errors as data with the request id, and never a stack', async () => {
    const r = await raw(
      host,
      'POST',
      '/bridge/orders.get',
      { cookie, 'content-type': 'application/json' },
      '{"id":"x"}',
    );
    expect(JSON.parse(r.body)).toEqual({
      ok: false,
      error: { code: 'order_not_found', message: 'Order x is not in the local store', requestId: 'req-42' },
    });
    const boom = JSON.parse(
      (
        await raw(
          host,
          'POST',
          '/bridge/diagnostics.report',
          { cookie, 'content-type': 'application/json' },
          '{}',
        )
      ).body,
    );
    expect(boom.error.code).toBe('internal_error');
    expect(JSON.stringify(boom)).not.toContain('secrets');
  });

  it('refuses cross-origin, non-JSON, unknown methods, bad JSON and oversized bodies', async () => {
    const json = { cookie, 'content-type': 'application/json' };
    const n = core.calls.length;
    expect(
      (await raw(host, 'POST', '/bridge/orders.search', { ...json, origin: 'http://evil.example' }, '{}'))
        .status,
    ).toBe(403);
    expect(
      (await raw(host, 'POST', '/bridge/orders.search', { ...json, 'sec-fetch-site': 'cross-site' }, '{}'))
        .status,
    ).toBe(403);
    expect(
      (await raw(host, 'POST', '/bridge/orders.search', { cookie, 'content-type': 'text/plain' }, '{}'))
        .status,
    ).toBe(415);
    expect((await raw(host, 'POST', '/bridge/process.exit', json, '{}')).status).toBe(404);
    expect((await raw(host, 'POST', '/bridge/orders.search', json, '{nope')).status).toBe(400);
    expect(
      (await raw(host, 'POST', '/bridge/orders.search', json, `{"text":"${'x'.repeat(1_100_000)}"}`)).status,
    ).toBe(413);
    expect((await raw(host, 'GET', '/bridge/orders.search', { cookie })).status).toBe(405);
    expect(core.calls.length).toBe(n);
  });

  it('streams the core’s events as server-sent events, with a heartbeat', async () => {
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: '/bridge/events',
          headers: { host: `127.0.0.1:${host.port}`, cookie, accept: 'text/event-stream' },
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            received.push(chunk);
            const all = received.join('');
            if (
              all.includes('event: log') &&
              all.includes('event: order') &&
              (all.match(/event: ping/g) ?? []).length >= 2
            ) {
              req.destroy();
              resolve();
            }
          });
          setTimeout(() => {
            core.events.emit('log', 'line one');
            core.events.emit('order', { id: 'o1', status: 'completed' } as OrderView);
          }, 50);
        },
      );
      req.on('error', (e) => (/aborted|socket hang up/.test(e.message) ? resolve() : reject(e)));
      req.end();
    });
    const all = received.join('');
    expect(all).toContain('event: log\ndata: "line one"\n\n');
    expect(all).toContain('event: order\ndata: {"id":"o1","status":"completed"}\n\n');
    // The stream's listeners are gone once it closes.
    await new Promise((r) => setTimeout(r, 100));
    expect(core.events.listenerCount('order')).toBe(0);
  });

  it('gives further one-time links on demand', async () => {
    const url = host.newLoginUrl();
    const r = await raw(host, 'GET', url.replace(host.origin, ''));
    expect(r.status).toBe(303);
    expect((await raw(host, 'GET', url.replace(host.origin, ''))).status).toBe(403);
  });
});
