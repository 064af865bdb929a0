/**
 * The live channel: a real socket.io v4 server at `/socket.io`, as `https://invoice.wellpay.me` runs it.
 *
 *   client → `invoice:join` (uid)      the socket joins the invoice's room; the first joiner's IP is bound to it
 *   server → `ip:send` (ip)            the IP bound to the invoice (the first joiner's), a plain string
 *   server → `invoce:refetch` ()       to the room, after every change of the invoice (spelled as the real one)
 *
 * The socket.io server is attached to a private, never-listening `http.Server`; requests and upgrades for
 * `/socket.io/` are handed to it explicitly (`handleRequest` / `handleUpgrade`). So the emulator never takes over
 * the listeners of the server it is mounted on, and several emulators can share one port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server, type Socket } from 'socket.io';
import type { WellpayFaults } from './faults.ts';
import type { ChangeKind, WellpayState } from './state.ts';

export const SOCKET_PATH = '/socket.io';

/** `::ffff:127.0.0.1` → `127.0.0.1`; anything else unchanged. */
export function normaliseIp(address: string | undefined): string {
  if (!address) return '';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

export interface SocketInfo {
  id: string;
  ip: string;
  rooms: string[];
}

export interface WellpaySockets {
  io: Server;
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket's transport (the clients see `transport close` and reconnect); returns how many. */
  drop(): number;
  sockets(): SocketInfo[];
  close(): Promise<void>;
}

export function createSockets(state: WellpayState, faults: WellpayFaults): WellpaySockets {
  const privateServer = createServer();
  const io = new Server(privateServer, {
    path: SOCKET_PATH,
    serveClient: false,
    cors: { origin: true },
    allowRequest: (_req, callback) => {
      if (faults.socketsRefused()) {
        faults.count('refuseSockets');
        callback('refused by the sandbox', false);
      } else callback(null, true);
    },
  });

  io.on('connection', (socket: Socket) => {
    const ip = normaliseIp(socket.handshake.address);
    socket.on('invoice:join', (uid: unknown) => {
      if (typeof uid !== 'string' || uid.length === 0 || uid.length > 200) return;
      void socket.join(uid);
      const bound = state.bindIp(uid, ip);
      // Unknown invoices: the socket joins the room (harmless) but no IP is bound or sent.
      if (bound !== null) socket.emit('ip:send', bound);
    });
  });

  const onChanged = (uid: string, _kind: ChangeKind): void => {
    io.to(uid).emit('invoce:refetch');
  };
  state.on('changed', onChanged);

  return {
    io,
    handleRequest: (req, res) => {
      privateServer.emit('request', req, res);
    },
    handleUpgrade: (req, socket, head) => {
      privateServer.emit('upgrade', req, socket, head);
    },
    drop() {
      let n = 0;
      for (const socket of io.of('/').sockets.values()) {
        socket.conn.close();
        n += 1;
      }
      return n;
    },
    sockets() {
      return [...io.of('/').sockets.values()].map((s) => ({
        id: s.id,
        ip: normaliseIp(s.handshake.address),
        rooms: [...s.rooms].filter((r) => r !== s.id),
      }));
    },
    async close() {
      state.off('changed', onChanged);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        // Closes the engine and the private server (which never listened: its "not running" error is expected).
        void io.close(() => resolve());
      });
    },
  };
}
