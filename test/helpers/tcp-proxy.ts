/**
 * A loopback TCP proxy in front of the sandbox, for the crash test: it tells the test the moment a whole POST
 * request (headers and the Content-Length body) has been handed to the sandbox, so the client can be killed while
 * the request is certainly in flight — no sleeps, no guessing.
 *
 * `keepUpstreamOpen: true` (default) models a gateway that finishes a request it has fully received even if the
 * client vanishes (what a PHP backend does; the sandbox itself aborts a request whose socket closes during its
 * injected delay): when the client's side closes, the connection to the sandbox stays open until the proxy is closed.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Resolves when the first complete POST has been written to the sandbox. */
  postForwarded: Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(
  target: { host: string; port: number },
  options: { keepUpstreamOpen?: boolean } = {},
): Promise<TcpProxy> {
  const keepOpen = options.keepUpstreamOpen ?? true;
  const sockets = new Set<net.Socket>();
  let signal!: () => void;
  const postForwarded = new Promise<void>((resolve) => (signal = resolve));

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let seen = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk, () => {
        seen = Buffer.concat([seen, chunk]);
        if (completePost(seen)) signal();
      });
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!client.destroyed) client.write(chunk);
    });
    client.on('close', () => {
      sockets.delete(client);
      if (!keepOpen) upstream.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    postForwarded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** True when `bytes` start with a POST whose headers and Content-Length body are all there. */
function completePost(bytes: Buffer): boolean {
  const text = bytes.toString('latin1');
  if (!text.startsWith('POST ')) return false;
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1];
  return length !== undefined && bytes.length >= end + 4 + Number(length);
}
