/**
 * A forward proxy for tests, listening on 127.0.0.1, port 0. It answers `CONNECT host:port` by
 * tunnelling to the address `route` gives for that authority (default: its port on 127.0.0.1, so
 * every host name leads to this machine), and plain proxied requests with `onRequest` (default: 502).
 * It records what it was asked (`seen`: CONNECT authorities and absolute URLs, with the headers a
 * proxy reads) and the bytes clients sent inside the tunnels (`tunnelled`).
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, connect } from 'node:net';

export interface TestProxy {
  /** `http://127.0.0.1:PORT`, for HTTP_PROXY / HTTPS_PROXY. */
  url: string;
  server: Server;
  /** Every CONNECT (`url` = the authority) and plain request (`url` = the absolute URL), in order. */
  seen: { method: string; url: string; headers: IncomingHttpHeaders }[];
  /** The authorities of the CONNECT requests, in order. */
  tunnels(): string[];
  /** What the clients sent inside the tunnels (latin1). */
  tunnelled(): string;
  close(): Promise<void>;
}

export async function startTestProxy(
  opts: {
    route?: (authority: string) => { host: string; port: number };
    onRequest?: (req: IncomingMessage, res: ServerResponse) => void;
  } = {},
): Promise<TestProxy> {
  const seen: TestProxy['seen'] = [];
  let tunnelled = '';
  const route =
    opts.route ??
    ((authority: string) => ({ host: '127.0.0.1', port: Number(authority.slice(authority.lastIndexOf(':') + 1)) }));
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (opts.onRequest) return opts.onRequest(req, res);
    res.writeHead(502);
    res.end();
  });
  server.on('connect', (req: IncomingMessage, socket, head: Buffer) => {
    seen.push({ method: 'CONNECT', url: req.url ?? '', headers: req.headers });
    const to = route(req.url ?? '');
    const upstream = connect(to.port, to.host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      socket.on('data', (chunk: Buffer) => {
        tunnelled += chunk.toString('latin1');
      });
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    seen,
    tunnels: () => seen.filter((s) => s.method === 'CONNECT').map((s) => s.url),
    tunnelled: () => tunnelled,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
