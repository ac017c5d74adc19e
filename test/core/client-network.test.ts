/**
 * States the emulator cannot produce (401, 414, a silent server, a refused port, a proxy, TLS with a
 * private CA) and what goes over the wire byte for byte (where the token travels, the SenseLink
 * signature, picture cookies): small ad-hoc servers that record what they receive. Every case runs on
 * both HTTP engines (core/http.ts: undici for long runs, node:http for one-shot commands).
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientConfig, createClient, type FacetClient, requestTimeoutMs } from '../../src/core/client.js';
import { ApiError, AuthError, CancelledError, NetworkError, UsageError } from '../../src/core/errors.js';
import { type HttpEngine, HttpTransport } from '../../src/core/http.js';
import { endpointById } from '../../src/registry/index.js';
import { startTestProxy } from '../helpers/connect-proxy.js';
import { picture } from '../helpers/fixtures.js';
import { until } from '../helpers/poll.js';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWx1234';
const FIXTURES = join(import.meta.dirname, 'fixtures');
const ep = (id: string) => endpointById(id)!;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];
const clients: FacetClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections?.();
          s.close(() => r());
        }),
    ),
  );
});

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

/** A recording HTTP server; by default it answers `{"result":true}`. */
async function recorder(handler?: Handler): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (handler) return handler(req, res, body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"result":true}');
    });
  });
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, seen };
}

const ENGINES: HttpEngine[] = ['undici', 'node'];
/** What `dispatcherKind` says of a direct request on each engine, by scheme. */
const DIRECT: Record<HttpEngine, Record<'http' | 'https', string>> = {
  undici: { http: 'Agent', https: 'Agent' },
  node: { http: 'http.Agent', https: 'https.Agent' },
};

describe.each(ENGINES)('on the %s engine', (engine) => {
  function client(cfg: Partial<ClientConfig> & { baseUrl: string }): FacetClient {
    const c = createClient({ token: TOKEN, sleep: async () => {}, random: () => 0.5, httpEngine: engine, ...cfg });
    clients.push(c);
    return c;
  }

  /** What `device.getDevice` through a client of `cfg` ends in: the error it rejects with (or its answer). */
  /** Every request through one proxy (HTTP_PROXY and HTTPS_PROXY both set to `url`, NO_PROXY empty). */
  const everyProxy = (url: string) => ({ httpProxy: url, httpsProxy: url, noProxy: '' });

  function getDeviceFailure(cfg: Partial<ClientConfig> & { baseUrl: string }) {
    return client(cfg)
      .json(ep('device.getDevice'), {})
      .catch((e) => e);
  }

  describe('where the token travels', () => {
    it('only in the ds-api-token header: GET, POST form, raw, never in a URL or body', async () => {
      const { origin, seen } = await recorder();
      const lines: string[] = [];
      const c = client({ baseUrl: `${origin}/api1`, log: (l) => lines.push(l) });
      await c.json(ep('device.getPushUrl'), { serialNo: 'S1' });
      await c.json(ep('person.registPersonForCloud'), {
        personCode: 'P1',
        personName: 'A',
        recogLogSerialNo: 'S1',
        recogLogId: '5',
      });
      await c.raw('/device/getDevice', { a: 'b' });
      await c.raw('/device/getDevice', { a: 'b' }, { method: 'POST' });
      expect(seen).toHaveLength(4);
      expect(seen.map((s) => s.method)).toEqual(['GET', 'POST', 'GET', 'POST']);
      for (const s of seen) {
        expect(s.headers['ds-api-token']).toBe(TOKEN);
        expect(s.url).not.toContain(TOKEN);
        expect(s.url).not.toContain('ds-api-token');
        expect(s.body).not.toContain(TOKEN);
      }
      expect(seen[1].headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(new URLSearchParams(seen[1].body).get('personCode')).toBe('P1');
      expect(lines.length).toBeGreaterThanOrEqual(8);
      expect(lines.join('\n')).not.toContain(TOKEN);
    });

    it('is not sent to the public setPictureCookie.js tool, whose answer comes back as text', async () => {
      const { origin, seen } = await recorder((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/javascript' });
        res.end('document.cookie="x";');
      });
      const answer = await client({ baseUrl: `${origin}/api1` }).call(ep('tool.setPictureCookie'), {
        p: 'pp',
        s: 'ss',
        k: 'kk',
      });
      expect(seen[0].headers['ds-api-token']).toBeUndefined();
      expect(answer.kind === 'binary' && answer.data?.toString()).toBe('document.cookie="x";');
    });

    it('fetchPicture sends the three cookies and never the token, even on the API host', async () => {
      const { origin, seen } = await recorder((_req, res) => {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end(Buffer.from([0xff, 0xd8, 0xff]));
      });
      const c = client({ baseUrl: `${origin}/api1` });
      const pic = await c.fetchPicture(`${origin}/api1/picture/1.jpg`, {
        'CloudFront-Policy': 'pol',
        'CloudFront-Signature': 'sig',
        'CloudFront-Key-Pair-Id': 'kid',
      });
      expect(pic.status).toBe(200);
      expect(seen[0].headers.cookie).toBe(
        'CloudFront-Policy=pol; CloudFront-Signature=sig; CloudFront-Key-Pair-Id=kid',
      );
      expect(seen[0].headers['ds-api-token']).toBeUndefined();
      expect(JSON.stringify(seen[0])).not.toContain(TOKEN);
    });
  });

  describe('SenseLink signing', () => {
    const now = new Date('2026-11-23T12:34:56.789Z');

    it('puts app_key, a millisecond timestamp and md5(timestamp#secret) in the query', async () => {
      const { origin, seen } = await recorder((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ code: 200, message: 'OK', data: { page_num: 1, page_size: 100, total: 0, list: [] } }),
        );
      });
      const c = client({
        baseUrl: '',
        senselink: { baseUrl: origin, appKey: 'key-1', appSecret: 'secret-1' },
        now: () => now,
      });
      await c.json(ep('senselink.getRecords'), {
        time_from: '2026-11-23T00:00:00+09:00',
        time_to: '2026-11-23T23:59:59+09:00',
      });
      const url = new URL(seen[0].url, origin);
      expect(url.pathname).toBe('/api/v1/plus/record');
      expect(url.searchParams.get('app_key')).toBe('key-1');
      expect(url.searchParams.get('timestamp')).toBe(String(now.getTime()));
      expect(url.searchParams.get('sign')).toBe(createHash('md5').update(`${now.getTime()}#secret-1`).digest('hex'));
      expect(url.searchParams.get('time_from')).toBe('2026-11-23T00:00:00+09:00');
      expect(seen[0].url).not.toContain('secret-1');
      expect(seen[0].headers['ds-api-token']).toBeUndefined();
    });

    it('sends POST record as nested JSON and reads an error envelope verbatim', async () => {
      const { origin, seen } = await recorder((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 40002, message: '画像の形式が正しくありません' }));
      });
      const c = client({ baseUrl: '', senselink: { baseUrl: origin, appKey: 'k', appSecret: 's' }, now: () => now });
      const jpeg = picture('face-astronaut.jpg').toString('base64');
      const err = await c
        .json(ep('senselink.createRecord'), {
          sn: 'SN1',
          timestamp: '1659423903',
          'image.data': jpeg,
          'image.rectangle.top': '12',
        })
        .catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err.errors).toEqual([{ name: '40002', message: '画像の形式が正しくありません' }]);
      expect(seen[0].headers['content-type']).toBe('application/json');
      const body = JSON.parse(seen[0].body);
      expect(body).toEqual({ sn: 'SN1', timestamp: 1659423903, image: { data: jpeg, rectangle: { top: 12 } } });
      expect(new URL(seen[0].url, origin).searchParams.get('timestamp')).toBe(String(now.getTime()));
    });

    it('asks for the SenseLink settings when there are none', async () => {
      const c = client({ baseUrl: 'http://127.0.0.1:1/api1' });
      await expect(
        c.json(ep('senselink.getRecords'), {
          time_from: '2026-11-23T00:00:00+09:00',
          time_to: '2026-11-23T01:00:00+09:00',
        }),
      ).rejects.toBeInstanceOf(UsageError);
    });
  });

  describe('statuses the emulator does not produce', () => {
    it('401: source IP not allowed', async () => {
      const { origin } = await recorder((_req, res) => {
        res.writeHead(401);
        res.end();
      });
      const err = await getDeviceFailure({ baseUrl: `${origin}/api1` });
      expect(err).toBeInstanceOf(AuthError);
      expect(err.message).toBe('source IP address not allowed (401)');
      expect(err.exitCode).toBe(4);
    });

    it('414: URI too long', async () => {
      const { origin } = await recorder((_req, res) => {
        res.writeHead(414);
        res.end();
      });
      const err = await getDeviceFailure({ baseUrl: `${origin}/api1` });
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(414);
    });

    it('a 200 that is not JSON is reported, not swallowed', async () => {
      const { origin } = await recorder((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login</html>');
      });
      await expect(client({ baseUrl: `${origin}/api1` }).json(ep('device.getDevice'), {})).rejects.toThrow(/not JSON/);
    });
  });

  describe('network failures', () => {
    it('connection refused has a friendly message', async () => {
      const server = createHttpServer();
      const port = await listen(server);
      servers.pop();
      await new Promise<void>((r) => server.close(() => r()));
      const err = await getDeviceFailure({ baseUrl: `http://127.0.0.1:${port}/api1`, retries: 0 });
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toBe(`could not connect to 127.0.0.1:${port} (connection refused)`);
      expect(err.exitCode).toBe(1);
    });

    it('a silent server times out (and a repeatable call is retried)', async () => {
      const { origin, seen } = await recorder(() => {
        /* never answers */
      });
      const err = await getDeviceFailure({ baseUrl: `${origin}/api1`, timeoutMs: 150, retries: 1 });
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toMatch(/no answer from 127\.0\.0\.1:\d+ within 150 ms \(timeout/);
      expect(seen).toHaveLength(2);
    });

    it('Ctrl-C during a request cancels it at once, without a retry', async () => {
      const ac = new AbortController();
      const { origin, seen } = await recorder(() => ac.abort());
      const err = await client({ baseUrl: `${origin}/api1` })
        .json(ep('device.getDevice'), {}, { signal: ac.signal })
        .catch((e) => e);
      expect(err).toBeInstanceOf(CancelledError);
      expect(err.exitCode).toBe(130);
      expect(seen).toHaveLength(1);
    });

    it('refuses plain http to a remote host', () => {
      expect(() => createClient({ baseUrl: 'http://facet.example.com/api1', token: TOKEN })).toThrow(/--insecure-http/);
      expect(() =>
        createClient({ baseUrl: 'http://facet.example.com/api1', token: TOKEN, insecureHttp: true }),
      ).not.toThrow();
    });
  });

  describe('proxies', () => {
    /** A CONNECT proxy (test/helpers/connect-proxy.ts) closed after each test; every host name leads to this machine. */
    async function connectProxy() {
      const proxy = await startTestProxy();
      servers.push(proxy.server);
      return proxy;
    }

    it('goes through HTTP(S)_PROXY for a remote host, and around it for NO_PROXY hosts', async () => {
      const { origin, seen } = await recorder();
      const proxy = await connectProxy();
      const port = new URL(origin).port;
      // A name that only the proxy can resolve: reaching the recorder proves the proxy carried it.
      const remote = `http://facet.example.test:${port}/api1`;
      // Plain http through a proxy hands it the token: refused unless opted in (docs/connecting.md).
      expect(() =>
        client({ baseUrl: remote, insecureHttp: true, proxy: { httpProxy: proxy.url, httpsProxy: proxy.url } }),
      ).toThrow(/refusing plain http to facet\.example\.test:\d+ through HTTP_PROXY/);
      const via = client({
        baseUrl: remote,
        insecureHttp: true,
        proxy: { ...everyProxy(proxy.url), plainHttpThroughProxy: true },
      });
      expect(await via.dispatcherKind()).toBe('ProxyAgent');
      await via.json(ep('device.getDevice'), {});
      expect(proxy.tunnels()).toEqual([`facet.example.test:${port}`]);
      expect(seen[0].headers['ds-api-token']).toBe(TOKEN);

      for (const noProxy of ['example.test', '.example.test', '*.example.test', `facet.example.test:${port}`, '*']) {
        const around = client({ baseUrl: remote, insecureHttp: true, proxy: { httpProxy: proxy.url, noProxy } });
        expect(await around.dispatcherKind(), noProxy).toBe(DIRECT[engine].http);
      }
      const otherPort = client({
        baseUrl: remote,
        insecureHttp: true,
        proxy: { httpProxy: proxy.url, noProxy: 'facet.example.test:1', plainHttpThroughProxy: true },
      });
      expect(await otherPort.dispatcherKind()).toBe('ProxyAgent');
    });

    it('never sends a loopback host through the proxy (the emulator, demo, tunnels), even without NO_PROXY', async () => {
      const { origin, seen } = await recorder();
      const proxy = await connectProxy();
      const dead = 'http://127.0.0.1:9';
      for (const base of [`${origin}/api1`, origin.replace('127.0.0.1', 'localhost') + '/api1']) {
        const c = client({ baseUrl: base, proxy: everyProxy(dead) });
        expect(await c.dispatcherKind()).toBe(DIRECT[engine].http);
      }
      const c = client({
        baseUrl: `${origin}/api1`,
        proxy: everyProxy(proxy.url),
      });
      await c.json(ep('device.getDevice'), {});
      expect(proxy.tunnels()).toEqual([]);
      expect(seen).toHaveLength(1);
    });
  });

  describe('a proxy that fails names the proxy, not the cloud behind it', () => {
    it('a proxy that refuses connections: "could not connect to the proxy …", with the variables to check', async () => {
      const server = createHttpServer();
      const port = await listen(server);
      servers.pop();
      await new Promise<void>((r) => server.close(() => r()));
      const proxy = `http://127.0.0.1:${port}`;
      const err = await getDeviceFailure({
        baseUrl: 'https://facet.example.test/api1',
        retries: 0,
        proxy: everyProxy(proxy),
      });
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toMatch(
        new RegExp(
          `^could not connect to the proxy 127\\.0\\.0\\.1:${port} for facet\\.example\\.test \\(connection refused, ECONNREFUSED\\): check HTTPS_PROXY / HTTP_PROXY, or name facet\\.example\\.test in NO_PROXY`,
        ),
      );
      expect(err.exitCode).toBe(1);
    });

    it('a proxy that refuses the tunnel: its status, not retried', async () => {
      let asked = 0;
      const proxy = createHttpServer();
      proxy.on('connect', (_req, socket) => {
        asked++;
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      });
      const port = await listen(proxy);
      const via = `http://127.0.0.1:${port}`;
      const err = await getDeviceFailure({
        baseUrl: 'https://facet.example.test:8443/api1',
        retries: 3,
        proxy: everyProxy(via),
      });
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toBe(
        `the proxy 127.0.0.1:${port} refused the tunnel to facet.example.test:8443 (HTTP 403): the proxy may not allow this host or port, or could not reach it`,
      );
      expect(asked).toBe(1);
    });
  });

  describe('the transport: what both engines do alike (core/http.ts)', () => {
    const SLOW_JPEG = ep('person.getPersonPictureFromDevice');

    it('a body that stops half-way times out with the same message as a silent server', async () => {
      const { origin } = await recorder((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"result":');
      });
      const err = await getDeviceFailure({ baseUrl: `${origin}/api1`, timeoutMs: 150, retries: 0 });
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toMatch(/^no answer from 127\.0\.0\.1:\d+ within 150 ms \(timeout; see --timeout\)$/);
    });

    it('a reader slower than the timeout is not a silent server: the whole body arrives', async () => {
      const big = Buffer.alloc(2 * 1024 * 1024, 7);
      const { origin } = await recorder((_req, res) => {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end(big);
      });
      let first = true;
      let got = 0;
      const out = new Writable({
        highWaterMark: 1,
        write(chunk: Buffer, _enc, done) {
          got += chunk.length;
          // Longer than the timeout: the body waits on us, as a pager would make it.
          if (first) setTimeout(done, 400);
          else done();
          first = false;
        },
      });
      const answer = await client({ baseUrl: `${origin}/api1`, timeoutMs: 150, retries: 0 }).call(
        SLOW_JPEG,
        { serialNo: 'S1', personCode: 'P1' },
        { out },
      );
      expect(answer).toMatchObject({ kind: 'binary', bytes: big.length });
      expect(got).toBe(big.length);
    });

    it('a connection closed before the answer or half-way through the body: "closed unexpectedly"', async () => {
      const before = await recorder((req) => req.socket.destroy());
      const during = await recorder((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"result":', () => res.socket?.destroy());
      });
      for (const { origin } of [before, during]) {
        const err = await getDeviceFailure({ baseUrl: `${origin}/api1`, retries: 0 });
        expect(err).toBeInstanceOf(NetworkError);
        expect(err.message).toMatch(/^the connection to 127\.0\.0\.1:\d+ was closed unexpectedly \(\w+\)$/);
      }
    });

    it('Ctrl-C half-way through a streamed body cancels it (exit 130)', async () => {
      const ac = new AbortController();
      const { origin } = await recorder((_req, res) => {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.write(Buffer.alloc(1000, 1));
      });
      const out = new Writable({
        write(_chunk, _enc, done) {
          ac.abort();
          done();
        },
      });
      const err = await client({ baseUrl: `${origin}/api1`, retries: 0 })
        .call(SLOW_JPEG, { serialNo: 'S1', personCode: 'P1' }, { out, signal: ac.signal })
        .catch((e) => e);
      expect(err).toBeInstanceOf(CancelledError);
    });

    it('a host name that does not resolve: the DNS message', async () => {
      const err = await getDeviceFailure({ baseUrl: 'https://facet.invalid/api1', retries: 0 });
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toMatch(/^could not resolve the host name of facet\.invalid \(DNS/);
    });

    it('keeps one connection for calls in a row, unless the Keep-Alive hint is too short; close() ends them', async () => {
      // A hint of 1 s leaves no safe time to reuse (both engines keep a margin): a new connection each
      // call. With 5 s the node engine reuses its socket; undici's Pool may open a second connection
      // when the next call comes before the first connection is marked free.
      for (const [hintSeconds, connections] of [
        [5, engine === 'node' ? 1 : 2],
        [1, 2],
      ]) {
        const open = new Set<Socket>();
        let made = 0;
        const server = createHttpServer({ keepAliveTimeout: hintSeconds * 1000 }, (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"result":true}');
        });
        server.on('connection', (socket: Socket) => {
          made++;
          open.add(socket);
          socket.on('close', () => open.delete(socket));
        });
        const port = await listen(server);
        const c = client({ baseUrl: `http://127.0.0.1:${port}/api1` });
        await c.json(ep('device.getDevice'), {});
        await c.json(ep('device.getDevice'), {});
        expect(made, `Keep-Alive: timeout=${hintSeconds}`).toBeLessThanOrEqual(connections);
        if (hintSeconds === 1 || engine === 'node') expect(made).toBe(connections);
        await c.close();
        await until(() => (open.size === 0 ? true : undefined));
      }
    });

    it('close() lets a request in flight finish, then closes the connection', async () => {
      let release: (() => void) | undefined;
      const { origin, seen } = await recorder((_req, res) => {
        release = () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"result":true}');
        };
      });
      const c = client({ baseUrl: `${origin}/api1`, retries: 0 });
      const call = c.json(ep('device.getDevice'), {});
      await until(() => (seen.length === 1 ? true : undefined));
      let closed = false;
      const closing = c.close().then(() => {
        closed = true;
      });
      await new Promise((r) => setImmediate(r));
      expect(closed).toBe(false);
      release?.();
      expect(await call).toEqual({ result: true });
      await closing;
      expect(closed).toBe(true);
    });

    it('answers headers as a plain object with lower-case names, and a body with arrayBuffer() and dump()', async () => {
      const { origin } = await recorder((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Facet-Test': 'yes' });
        res.end('hello');
      });
      const transport = new HttpTransport({ engine });
      try {
        const req = { method: 'GET' as const, url: `${origin}/x`, headers: {}, timeoutMs: 5000 };
        const res = await transport.request(req);
        expect(res.status).toBe(200);
        expect(res.contentType).toBe('text/plain');
        expect(res.headers['x-facet-test']).toBe('yes');
        expect(Buffer.from(await res.body.arrayBuffer()).toString()).toBe('hello');
        const again = await transport.request(req);
        await again.body.dump();
        expect(again.body.destroyed || again.body.readableEnded).toBe(true);
      } finally {
        await transport.close();
      }
    });

    it('reads a body as UTF-8 text(), across chunks that split a character, a leading BOM skipped', async () => {
      const bytes = Buffer.from('\uFEFF{"name":"山田 花子"}', 'utf8');
      const { origin } = await recorder((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        // 山 is three bytes: the first chunk ends inside it.
        const cut = bytes.indexOf(Buffer.from('山')) + 1;
        res.write(bytes.subarray(0, cut));
        setTimeout(() => res.end(bytes.subarray(cut)), 20);
      });
      const transport = new HttpTransport({ engine });
      try {
        const res = await transport.request({ method: 'GET', url: `${origin}/x`, headers: {}, timeoutMs: 5000 });
        expect(await res.body.text()).toBe('{"name":"山田 花子"}');
      } finally {
        await transport.close();
      }
    });

    it('parses a JSON answer that starts with a byte order mark', async () => {
      const { origin } = await recorder((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(Buffer.from('\uFEFF{"result":true,"list":[]}', 'utf8'));
      });
      const c = client({ baseUrl: `${origin}/api1`, retries: 0 });
      expect(await c.json(ep('device.getDevice'), {})).toEqual({ result: true, list: [] });
    });
  });

  describe('the wrong door: https to a plain-http port, a host URL without /api1', () => {
    it('says the server does not speak TLS and suggests the http://…/api1 URL (no OpenSSL dump)', async () => {
      const { origin } = await recorder();
      const port = new URL(origin).port;
      const err = await getDeviceFailure({ baseUrl: `https://127.0.0.1:${port}/api1` });
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toContain(`127.0.0.1:${port} does not speak TLS (https) on this port`);
      expect(err.message).toContain(`--host http://127.0.0.1:${port}/api1`);
      expect(err.message).not.toMatch(/SSL routines|ssl3_get_record|openssl/i);
    });

    it('adds the /api1 hint to a 404 from a host URL without it', async () => {
      const { origin } = await recorder((_req, res) => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html>Not Found</html>');
      });
      const err = await getDeviceFailure({ baseUrl: origin });
      expect(err).toBeInstanceOf(ApiError);
      expect(err.message).toContain(`does not end in /api1, where facetCloud's API lives: try ${origin}/api1`);
      const withApi1 = await getDeviceFailure({ baseUrl: `${origin}/api1` });
      expect(withApi1.message).not.toContain('/api1, where');
    });
  });

  describe('TLS with a private CA (--ca-cert)', () => {
    async function httpsServer(): Promise<string> {
      const server = createHttpsServer(
        {
          key: readFileSync(join(FIXTURES, 'localhost-key.pem')),
          cert: readFileSync(join(FIXTURES, 'localhost-cert.pem')),
        },
        (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('[]');
        },
      );
      const port = await listen(server);
      return `https://127.0.0.1:${port}/api1`;
    }

    it('fails clearly without the CA and succeeds with it', async () => {
      const baseUrl = await httpsServer();
      const err = await getDeviceFailure({ baseUrl });
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toMatch(/not trusted .*--ca-cert/);
      const ok = await client({ baseUrl, caCert: readFileSync(join(FIXTURES, 'localhost-cert.pem'), 'utf8') }).json(
        ep('device.getDevice'),
        {},
      );
      expect(ok).toEqual([]);
    });

    it('--ca-cert is the whole list of trusted CAs: several PEMs in one file work, an unrelated CA alone does not', async () => {
      const baseUrl = await httpsServer();
      const ours = readFileSync(join(FIXTURES, 'localhost-cert.pem'), 'utf8');
      const other = readFileSync(join(import.meta.dirname, '../fixtures/proxy/facet-example-test-cert.pem'), 'utf8');
      expect(await client({ baseUrl, caCert: `${other}${ours}` }).json(ep('device.getDevice'), {})).toEqual([]);
      const err = await getDeviceFailure({ baseUrl, caCert: other, retries: 0 });
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toMatch(/not trusted .*--ca-cert/);
    });
  });
});

describe('timeouts per endpoint', () => {
  it('gives device calls longer and capturePersonPicture its wait plus a margin', () => {
    expect(requestTimeoutMs(ep('device.getDevice'), {}, {})).toBe(30_000);
    expect(requestTimeoutMs(ep('device.sync'), { serialNo: 'S' }, {})).toBe(120_000);
    expect(requestTimeoutMs(ep('device.sync'), { serialNo: 'S' }, { timeoutMs: 10_000 })).toBe(10_000);
    expect(
      requestTimeoutMs(ep('person.capturePersonPicture'), { serialNo: 'S', getCount: '10' }, { timeoutMs: 5000 }),
    ).toBe(40_000);
    expect(requestTimeoutMs(ep('person.capturePersonPicture'), { serialNo: 'S' }, { timeoutMs: 5000 })).toBe(60_000);
  });
});
