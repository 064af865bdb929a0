/**
 * The emulator of `wss://ws-store.xsolla.com/connection/websocket`: a Centrifuge protocol v2 server, JSON frames only,
 * with just what Xsolla's order-status flow uses — connect (auth in the connect data, one server-side subscription to
 * the user's channel, recovery), history, server pings with pongs, publication pushes — and a reply for everything
 * else. See /work/shared/spec/xsolla.md and docs/sandbox-xsolla.md.
 *
 * Frames: several commands (client → server) or replies/pushes (server → client) may share a text frame, one JSON
 * object per line. Replies to the commands of one frame go out together in one frame, in order.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { TimerSet } from '../timer-set.ts';
import type { XsollaFaults } from './faults.ts';
import {
  userChannel,
  type PublicationEvent,
  type StoredPublication,
  type Stream,
  type XsollaState,
} from './state.ts';

export const WS_PATH = '/connection/websocket';
const MAX_FRAME_BYTES = 65_536;

/** Centrifuge error codes the emulator answers with. */
export const ERR = Object.freeze({
  internal: { code: 100, message: 'internal server error', temporary: true },
  unauthorized: { code: 101, message: 'unauthorized' },
  unknownChannel: { code: 102, message: 'unknown channel' },
  permissionDenied: { code: 103, message: 'permission denied' },
  badRequest: { code: 107, message: 'bad request' },
  notAvailable: { code: 108, message: 'not available' },
  tokenExpired: { code: 109, message: 'token expired' },
  unrecoverablePosition: { code: 112, message: 'unrecoverable position' },
});

/** Close codes (Centrifuge's disconnect codes): 3000–3499 and 4000–4499 reconnect, 3500–3999 and 4500–4999 don't. */
export const CLOSE = Object.freeze({
  shutdown: { code: 3001, reason: 'shutdown' },
  expired: { code: 3005, reason: 'connection expired' },
  noPong: { code: 3012, reason: 'no pong' },
  invalidToken: { code: 3500, reason: 'invalid token' },
  badRequest: { code: 3501, reason: 'bad request' },
});

export interface CentrifugeServerSettings {
  /** Server ping period; 0 = no pings. Sent to clients as `ping` in seconds (fractions work with centrifuge-js). */
  pingIntervalMs: number;
  /** After a ping, a client that sends nothing within this long is closed with 3012 "no pong". */
  pongTimeoutMs: number;
  /** A bad or missing JWT is answered with error 101 (`error`) or by closing with 3500 (`close`). */
  invalidTokenAs: 'error' | 'close';
  /** `version` in the connect reply. */
  version: string;
  /** Cap of `limit: -1` and of positive limits in history. */
  historyMaxLimit: number;
}

interface Session {
  id: string;
  ws: WebSocket;
  remote: string;
  openedAt: string;
  /** Set once a connect succeeded. */
  user: { userId: string; projectId: number; channel: string; externalId: string | null } | null;
  awaitingPong: boolean;
  pings: number;
  pongs: number;
  cancelPing: (() => void) | null;
  cancelPongDeadline: (() => void) | null;
  /** Closes a socket left open after a failed connect (the client is expected to close it). */
  cancelIdleClose: (() => void) | null;
}

export interface SessionInfo {
  client: string;
  remote: string;
  openedAt: string;
  userId: string | null;
  projectId: number | null;
  channel: string | null;
  /** Pings sent, and pongs (any frame while a ping was unanswered) received. */
  pings: number;
  pongs: number;
}

export interface CentrifugeServer {
  /** Takes upgrades of WS_PATH (answering 503 while refused); false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  sessions(): SessionInfo[];
  /** Terminates every socket without a close frame (the client sees 1006 and reconnects). */
  drop(): number;
  /** Closes every socket with a Centrifuge close code. */
  closeAll(code: number, reason: string): number;
  stats(): { sessions: number; timers: number };
  close(): Promise<void>;
}

export function createCentrifugeServer(
  state: XsollaState,
  faults: XsollaFaults,
  settings: CentrifugeServerSettings,
): CentrifugeServer {
  const timers = new TimerSet();
  const sessions = new Set<Session>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    clientTracking: false,
    perMessageDeflate: false,
  });
  let closed = false;

  const send = (session: Session, frames: readonly unknown[]): void => {
    if (frames.length === 0 || session.ws.readyState !== WebSocket.OPEN) return;
    session.ws.send(frames.map((f) => JSON.stringify(f)).join('\n'));
  };

  const closeSession = (session: Session, code: number, reason: string): void => {
    if (session.ws.readyState === WebSocket.OPEN || session.ws.readyState === WebSocket.CONNECTING) {
      session.ws.close(code, reason);
    }
  };

  const onPublication = ({ channel, publication }: PublicationEvent): void => {
    const push = { push: { channel, pub: wirePublication(publication) } };
    const deliver = (): void => {
      for (const s of sessions) if (s.user?.channel === channel) send(s, [push]);
    };
    const delay = faults.config.publishDelayMs;
    if (delay > 0) {
      faults.count('publishDelayMs');
      timers.after(delay, deliver);
    } else deliver();
  };
  state.events.on('publication', onPublication);

  const schedulePing = (session: Session): void => {
    if (settings.pingIntervalMs <= 0) return;
    session.cancelPing = timers.after(settings.pingIntervalMs, () => {
      session.cancelPing = null;
      if (session.ws.readyState !== WebSocket.OPEN) return;
      if (faults.silent()) {
        faults.count('silentUntil');
      } else {
        send(session, [{}]);
        session.pings += 1;
        if (!session.awaitingPong) {
          session.awaitingPong = true;
          session.cancelPongDeadline = timers.after(settings.pongTimeoutMs, () => {
            session.cancelPongDeadline = null;
            if (session.awaitingPong) closeSession(session, CLOSE.noPong.code, CLOSE.noPong.reason);
          });
        }
      }
      schedulePing(session);
    });
  };

  const connect = (session: Session, id: number, body: unknown): unknown => {
    if (session.user) {
      closeSession(session, CLOSE.badRequest.code, CLOSE.badRequest.reason);
      return null;
    }
    const req = isObject(body) ? body : {};
    const data = isObject(req.data) ? req.data : {};
    const auth = typeof data.auth === 'string' && data.auth !== '' ? data.auth : req.token;
    const projectId = data.project_id;
    if (typeof auth !== 'string' || auth === '') return rejectAuth(session, id);
    if (typeof projectId !== 'number' || !Number.isSafeInteger(projectId) || projectId <= 0) {
      return armIdleClose(session, { id, error: ERR.badRequest });
    }
    const check = state.checkToken(auth);
    if (!check.ok) {
      if (check.reason === 'expired') return armIdleClose(session, { id, error: ERR.tokenExpired });
      return rejectAuth(session, id);
    }
    if (check.projectId !== projectId) return armIdleClose(session, { id, error: ERR.permissionDenied });

    session.cancelIdleClose?.();
    session.cancelIdleClose = null;
    const channel = userChannel(projectId, check.userId);
    const externalId = typeof data.user_external_id === 'string' ? data.user_external_id : null;
    session.user = { userId: check.userId, projectId, channel, externalId };
    const stream = state.stream(channel);
    const sub: Record<string, unknown> = { recoverable: true, positioned: true, epoch: stream.epoch };
    if (stream.offset > 0) sub.offset = stream.offset;
    const subs = isObject(req.subs) ? req.subs : {};
    const asked = subs[channel];
    if (isObject(asked) && asked.recover === true) {
      sub.was_recovering = true;
      const offset = typeof asked.offset === 'number' ? asked.offset : 0;
      const epoch = typeof asked.epoch === 'string' ? asked.epoch : '';
      const missed = missedSince(stream, offset, epoch);
      if (missed) {
        sub.recovered = true;
        if (missed.length > 0) sub.publications = missed.map(wirePublication);
      }
    }
    const reply: Record<string, unknown> = {
      client: session.id,
      version: settings.version,
      subs: { [channel]: sub },
    };
    if (settings.pingIntervalMs > 0) {
      reply.ping = settings.pingIntervalMs / 1000;
      reply.pong = true;
      schedulePing(session);
    }
    return { id, connect: reply };
  };

  const rejectAuth = (session: Session, id: number): unknown => {
    if (settings.invalidTokenAs === 'close') {
      closeSession(session, CLOSE.invalidToken.code, CLOSE.invalidToken.reason);
      return null;
    }
    return armIdleClose(session, { id, error: ERR.unauthorized });
  };

  /** A client that got a connect error closes its socket; one that does not is closed after 5 s. */
  const armIdleClose = (session: Session, reply: unknown): unknown => {
    session.cancelIdleClose?.();
    session.cancelIdleClose = timers.after(5_000, () => {
      session.cancelIdleClose = null;
      if (!session.user) closeSession(session, CLOSE.badRequest.code, 'connect failed');
    });
    return reply;
  };

  const history = (session: Session, id: number, body: unknown): unknown => {
    if (!isObject(body) || typeof body.channel !== 'string' || body.channel === '') {
      return { id, error: ERR.badRequest };
    }
    const limit = body.limit ?? 0;
    const since = body.since;
    const reverse = body.reverse === true;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < -1)
      return { id, error: ERR.badRequest };
    if (
      since !== undefined &&
      (!isObject(since) ||
        (since.offset !== undefined && (typeof since.offset !== 'number' || since.offset < 0)) ||
        (since.epoch !== undefined && typeof since.epoch !== 'string'))
    ) {
      return { id, error: ERR.badRequest };
    }
    if (faults.take('historyErrors')) return { id, error: ERR.internal };
    if (!body.channel.startsWith('orders:')) return { id, error: ERR.unknownChannel };
    if (body.channel !== session.user?.channel) return { id, error: ERR.permissionDenied };
    const stream = state.stream(body.channel);
    let pubs: StoredPublication[];
    if (since !== undefined) {
      const offset = typeof since.offset === 'number' ? since.offset : 0;
      const epoch = typeof since.epoch === 'string' ? since.epoch : '';
      if (reverse) {
        pubs = stream.publications.filter((p) => p.offset < offset || offset === 0).reverse();
      } else {
        const missed = missedSince(stream, offset, epoch);
        if (!missed) return { id, error: ERR.unrecoverablePosition };
        pubs = missed;
      }
    } else pubs = reverse ? [...stream.publications].reverse() : stream.publications;
    const cap = limit === -1 ? settings.historyMaxLimit : Math.min(limit, settings.historyMaxLimit);
    const result: Record<string, unknown> = {};
    if (cap > 0 && pubs.length > 0) result.publications = pubs.slice(0, cap).map(wirePublication);
    result.epoch = stream.epoch;
    if (stream.offset > 0) result.offset = stream.offset;
    return { id, history: result };
  };

  /** One command → its reply (null: none, or the session was closed). */
  const command = (session: Session, cmd: Record<string, unknown>): unknown => {
    const id = cmd.id;
    const method = Object.keys(cmd).find((k) => k !== 'id');
    if (method === undefined && (id === undefined || id === 0)) return null; // {} = pong
    if (id === undefined || id === 0) return null; // an async command (`send`): nothing to answer
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      closeSession(session, CLOSE.badRequest.code, CLOSE.badRequest.reason);
      return null;
    }
    if (!session.user && method !== 'connect') {
      closeSession(session, CLOSE.badRequest.code, CLOSE.badRequest.reason);
      return null;
    }
    if (method === 'connect') return connect(session, id, cmd.connect);
    if (method === 'history') return history(session, id, cmd.history);
    return { id, error: ERR.notAvailable };
  };

  const onFrame = (session: Session, data: RawData, isBinary: boolean): void => {
    if (session.awaitingPong) session.pongs += 1;
    session.awaitingPong = false;
    session.cancelPongDeadline?.();
    session.cancelPongDeadline = null;
    if (isBinary) {
      closeSession(session, CLOSE.badRequest.code, CLOSE.badRequest.reason);
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8');
    const replies: unknown[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let cmd: unknown;
      try {
        cmd = JSON.parse(line);
      } catch {
        cmd = null;
      }
      if (!isObject(cmd)) {
        send(session, replies);
        closeSession(session, CLOSE.badRequest.code, CLOSE.badRequest.reason);
        return;
      }
      const reply = command(session, cmd);
      if (session.ws.readyState !== WebSocket.OPEN) return;
      if (reply !== null) replies.push(reply);
    }
    send(session, replies);
  };

  const addSession = (ws: WebSocket, req: IncomingMessage): void => {
    const session: Session = {
      id: randomUUID(),
      ws,
      remote: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`,
      openedAt: state.now().toISOString(),
      user: null,
      awaitingPong: false,
      pings: 0,
      pongs: 0,
      cancelPing: null,
      cancelPongDeadline: null,
      cancelIdleClose: null,
    };
    sessions.add(session);
    // A socket that never connects is closed, as Centrifuge does after its handshake timeout.
    armIdleClose(session, null);
    ws.on('message', (data, isBinary) => onFrame(session, data, isBinary));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      sessions.delete(session);
      session.cancelPing?.();
      session.cancelPongDeadline?.();
      session.cancelIdleClose?.();
    });
  };

  return {
    handleUpgrade(req, socket, head) {
      const url = URL.parse(req.url ?? '/', 'http://sandbox.invalid');
      if (url?.pathname !== WS_PATH) return false;
      if (closed) {
        rejectUpgrade(socket, 503, 'The emulator is shutting down');
        return true;
      }
      if (faults.connectsRefused()) {
        faults.count('refuseConnectsUntil');
        rejectUpgrade(socket, 503, 'Connections are refused for now (fault)');
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (closed) ws.terminate();
        else addSession(ws, req);
      });
      return true;
    },
    sessions: () =>
      [...sessions].map((s) => ({
        client: s.id,
        remote: s.remote,
        openedAt: s.openedAt,
        userId: s.user?.userId ?? null,
        projectId: s.user?.projectId ?? null,
        channel: s.user?.channel ?? null,
        pings: s.pings,
        pongs: s.pongs,
      })),
    drop() {
      const all = [...sessions];
      for (const s of all) s.ws.terminate();
      return all.length;
    },
    closeAll(code, reason) {
      const all = [...sessions];
      for (const s of all) closeSession(s, code, reason);
      return all.length;
    },
    stats: () => ({ sessions: sessions.size, timers: timers.size }),
    async close() {
      if (closed) return;
      closed = true;
      state.events.off('publication', onPublication);
      const all = [...sessions];
      await Promise.all(
        all.map(
          (s) =>
            new Promise<void>((resolve) => {
              if (s.ws.readyState === WebSocket.CLOSED) return resolve();
              s.ws.once('close', () => resolve());
              s.ws.terminate();
            }),
        ),
      );
      timers.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * The publications after `offset` when the stream still holds all of them, else null (unrecoverable): another
 * epoch (an empty one matches any), a position ahead of the stream, or a gap trimmed from the history.
 */
export function missedSince(stream: Stream, offset: number, epoch: string): StoredPublication[] | null {
  if (epoch !== '' && epoch !== stream.epoch) return null;
  if (offset > stream.offset) return null;
  if (offset === stream.offset) return [];
  const oldest = stream.publications[0]?.offset ?? stream.offset + 1;
  if (oldest > offset + 1) return null;
  return stream.publications.filter((p) => p.offset > offset);
}

function wirePublication(p: StoredPublication): { data: unknown; offset: number } {
  return { data: p.data, offset: p.offset };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: 'service_unavailable', message } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body,
  );
}
