/**
 * The HTTP transport: one keep-alive pool per client (through a proxy when the environment names
 * one), private CAs, per-request timeouts, and network failures turned into NetworkError with a
 * message a person understands. Two engines carry direct requests (docs/design.md, "HTTP: two
 * engines"): undici (long runs: imports, exports, the emulator) and Node's own `node:http(s)`
 * (one-shot commands, whose start-up undici would dominate; src/core/node-http.ts). Proxied requests
 * always go through undici's ProxyAgent. Both are loaded on the first request, so commands that never
 * talk to the network pay for neither.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { CancelledError, NetworkError } from './errors.js';
import { NodeEngine } from './node-http.js';
import { assertProxyUrl, type ProxySettings, parseNoProxy, proxyFor } from './proxy.js';
import { loadUndici, type UndiciParts } from './undici.js';

export type { ProxySettings };

/**
 * Who carries direct (non-proxied) requests: `undici` (its Agent) or `node` (`node:http`/`node:https`
 * with a keep-alive `http.Agent`). Same behaviour for the caller; `node` starts ~150 ms faster, undici
 * sustains bulk traffic better. Chosen by src/cli.ts per command (Context.httpEngine).
 */
export type HttpEngine = 'node' | 'undici';

/** How long an idle keep-alive socket is kept, on both engines (ms). */
const KEEP_ALIVE_MS = 10_000;

export interface TransportConfig {
  /** PEM text of the CAs to trust, given to TLS as `ca` (Node's meaning: these CAs, not the built-in list). */
  caCert?: string;
  proxy?: ProxySettings;
  /** Called each time undici's code is ready, before the request that follows (Context.beforeHttp); never for the node engine. */
  beforeHttp?: () => void;
  /** Engine of direct requests; default `undici`. Proxied requests always use undici's ProxyAgent. */
  engine?: HttpEngine;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  body: Readable & {
    dump(opts?: { limit: number }): Promise<void>;
    arrayBuffer(): Promise<ArrayBuffer>;
    /** UTF-8 text (a leading byte order mark skipped), decoded from the chunks without a joined copy. */
    text(): Promise<string>;
  };
}

/** TLS codes that mean "certificate not trusted": retrying does not help, --ca-cert might. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** OpenSSL's ways of saying "the other end is not speaking TLS" (an http server on an https URL). */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_RECORD_LAYER_FAILURE',
]);

interface CodedError {
  code?: unknown;
  cause?: unknown;
  errors?: { code?: unknown }[];
}

/** The most specific error code in the cause chain (undici wraps socket errors; AggregateError for happy eyeballs). */
function errorCode(err: unknown): string | undefined {
  let e = err as CodedError | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 4; depth++, e = e.cause as CodedError | undefined) {
    if (typeof e.code === 'string' && e.code !== 'UND_ERR_CONNECT' && e.code !== 'ERR_UNDICI') return e.code;
    const first = Array.isArray(e.errors) ? e.errors[0]?.code : undefined;
    if (typeof first === 'string') return first;
  }
  return undefined;
}

/** Codes of a failed connection attempt: through a proxy, the attempt was to the proxy itself. */
const CONNECT_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'its host name does not resolve',
  EAI_AGAIN: 'DNS, temporary failure',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
};

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * A network failure as NetworkError: 'could not connect to 127.0.0.1:9 (connection refused)'. With
 * `proxy` (the proxy URL the request went through), a failed connection names the proxy, not the
 * cloud it was meant for, and a tunnel the proxy refused says so with the proxy's status.
 */
export function networkError(err: unknown, url: string, timeoutMs: number, proxy?: string): NetworkError {
  const host = hostOf(url);
  const code = errorCode(err);
  if (proxy !== undefined) {
    const via = hostOf(proxy);
    if (code !== undefined && code in CONNECT_CODES) {
      return new NetworkError(
        `could not connect to the proxy ${via} for ${host} (${CONNECT_CODES[code]}, ${code}): check HTTPS_PROXY / HTTP_PROXY, or name ${host} in NO_PROXY if it is reached directly`,
        code,
        code !== 'ENOTFOUND',
      );
    }
    const refused = /Proxy response \((\d{3})\)/.exec(err instanceof Error ? err.message : String(err));
    if (refused) {
      const status = Number(refused[1]);
      return new NetworkError(
        `the proxy ${via} refused the tunnel to ${host} (HTTP ${status}): the proxy may not allow this host or port, or could not reach it`,
        code,
        status >= 500,
      );
    }
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new NetworkError(`could not connect to ${host} (connection refused)`, code);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return new NetworkError(`the connection to ${host} was closed unexpectedly (${code})`, code);
    case 'ENOTFOUND':
      return new NetworkError(`could not resolve the host name of ${host} (DNS)`, code, false);
    case 'EAI_AGAIN':
      return new NetworkError(`could not resolve the host name of ${host} (DNS, temporary failure)`, code);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new NetworkError(`${host} is unreachable from this network (${code})`, code);
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new NetworkError(
        `no answer from ${host} within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} (timeout; see --timeout)`,
        code,
      );
  }
  if (code && NOT_TLS_CODES.has(code)) {
    let plain = '';
    try {
      const u = new URL(url);
      const api1 = /^(.*?\/api1)(\/|$)/.exec(u.pathname)?.[1] ?? '/api1';
      plain = `http://${u.host}${api1}`;
    } catch {
      plain = `http://${host}/api1`;
    }
    return new NetworkError(
      `${host} does not speak TLS (https) on this port: it answered in plain http. Use --host ${plain}` +
        ' (plain http is refused beyond this machine unless you add --insecure-http: the token would travel unencrypted)',
      code,
      false,
    );
  }
  if (code && TLS_CODES.has(code)) {
    return new NetworkError(
      `the TLS certificate of ${host} is not trusted (${code}): for a private CA pass --ca-cert FILE`,
      code,
      false,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new NetworkError(`request to ${host} failed: ${message}${code ? ` (${code})` : ''}`, code, false);
}

/** One way of sending requests: undici's Agent or ProxyAgent, or the node engine. */
interface Carrier {
  /** What serves `url`: 'Agent', 'ProxyAgent' (undici), 'http.Agent', 'https.Agent' (node). */
  kind(url: URL): string;
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** An undici dispatcher as a Carrier: `dispatcher.request`, the documented Dispatcher API. */
function undiciCarrier(dispatcher: Dispatcher): Carrier {
  return {
    kind: () => dispatcher.constructor.name,
    async send(req) {
      const url = new URL(req.url);
      const res = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const ct = res.headers['content-type'];
      return {
        status: res.statusCode,
        headers: res.headers,
        contentType: (Array.isArray(ct) ? ct[0] : ct) ?? '',
        body: res.body,
      };
    },
    close: () => dispatcher.close(),
  };
}

export class HttpTransport {
  #direct?: Promise<Carrier>;
  #proxied = new Map<string, Promise<Carrier>>();
  readonly #noProxy: ReturnType<typeof parseNoProxy>;

  constructor(private readonly cfg: TransportConfig) {
    this.#noProxy = parseNoProxy(cfg.proxy?.noProxy);
  }

  #load(): Promise<UndiciParts> {
    return loadUndici().then((parts) => {
      this.cfg.beforeHttp?.();
      return parts;
    });
  }

  /**
   * The carrier for one URL: direct (one keep-alive pool, on the configured engine) or undici's
   * ProxyAgent for the proxy the environment names for it (see proxy.ts: loopback never, NO_PROXY as
   * curl and Go read it). The settings come from the command's context, so neither engine reads
   * process.env behind its back.
   */
  #carrierFor(url: string): Promise<Carrier> {
    const proxy = this.#proxyOf(url);
    if (!proxy) {
      this.#direct ??=
        this.cfg.engine === 'node'
          ? Promise.resolve(new NodeEngine({ ca: this.cfg.caCert, keepAliveMs: KEEP_ALIVE_MS }))
          : this.#load().then(({ Agent }) =>
              undiciCarrier(
                new Agent({
                  keepAliveTimeout: KEEP_ALIVE_MS,
                  connect: this.cfg.caCert ? { ca: this.cfg.caCert } : undefined,
                }),
              ),
            );
      return this.#direct;
    }
    let got = this.#proxied.get(proxy);
    if (!got) {
      const uri = proxy;
      assertProxyUrl(uri, url.startsWith('https:') ? 'HTTPS_PROXY' : 'HTTP_PROXY');
      // With a proxy the private CA goes to requestTls (TLS inside the tunnel).
      const requestTls = this.cfg.caCert ? { ca: this.cfg.caCert } : undefined;
      got = this.#load().then(({ ProxyAgent }) =>
        undiciCarrier(new ProxyAgent({ uri, keepAliveTimeout: KEEP_ALIVE_MS, requestTls })),
      );
      this.#proxied.set(proxy, got);
    }
    return got;
  }

  /** The proxy URL a request to `url` goes through, or undefined for a direct connection. */
  #proxyOf(url: string): string | undefined {
    try {
      return proxyFor(new URL(url), this.cfg.proxy, this.#noProxy);
    } catch {
      return undefined;
    }
  }

  /**
   * What serves `url` (default: a plain https URL) — for tests and --verbose: 'Agent' or
   * 'ProxyAgent' (undici), 'http.Agent' or 'https.Agent' (the node engine).
   */
  async dispatcherKind(url = 'https://facetcloud.invalid/'): Promise<string> {
    return (await this.#carrierFor(url)).kind(new URL(url));
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    if (req.signal?.aborted) throw new CancelledError();
    // A proxy variable that names no HTTP proxy is a usage error (exit 2), not a network failure.
    const carrier = this.#carrierFor(req.url);
    try {
      return await (await carrier).send(req);
    } catch (err) {
      throw this.failure(err, req);
    }
  }

  /** Maps an error thrown while sending or reading a body. */
  failure(err: unknown, req: Pick<HttpRequest, 'url' | 'timeoutMs' | 'signal'>): Error {
    if (req.signal?.aborted) return new CancelledError();
    if (err instanceof CancelledError || err instanceof NetworkError) return err;
    return networkError(err, req.url, req.timeoutMs, this.#proxyOf(req.url));
  }

  /** Closes every pool: the requests in flight finish first (undici's `close()`, NodeEngine.close), then the sockets close. */
  async close(): Promise<void> {
    const all = [this.#direct, ...this.#proxied.values()].filter((d): d is Promise<Carrier> => d !== undefined);
    this.#direct = undefined;
    this.#proxied.clear();
    await Promise.all(all.map(async (d) => (await d).close()));
  }
}
