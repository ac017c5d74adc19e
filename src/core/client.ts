/**
 * The facetCloud and SenseLink client. Every request is shaped from the registry entry: validated
 * locally first (nothing is sent when a parameter is wrong), GET with a query when small, a POST form
 * when the endpoint is POST-only or the values are large (pictures: never a 414), the token in the
 * `ds-api-token` header only. Answers become JSON, bytes (buffered or streamed) or typed errors, and
 * transient failures are retried only for endpoints the registry marks repeatable.
 */
import type { Readable } from 'node:stream';
import type { EndpointDef } from '../registry/types.js';
import { assertNoClearTextProxy, assertSafeScheme } from './connection.js';
import { CancelledError, type FacetError, NetworkError, RuntimeError, UsageError, ValidationError } from './errors.js';
import { formEncode } from './form-encode.js';
import { type HttpEngine, type HttpResponse, HttpTransport, type ProxySettings } from './http.js';
import { errorForAnswer, senselinkErrorForAnswer } from './outcome.js';
import { paramType, validateWire, type WireParams } from './params/index.js';
import { describeParams, formatBytes, formatHeaders, redactHeaders, redactParams, redactUrl } from './redact.js';
import { DEFAULT_RETRY_POLICY, realSleep, type Sleep, withRetry } from './retry.js';
import { nestDottedParams, senselinkAuthParams } from './senselink-sign.js';

export interface ClientConfig {
  /** e.g. http://127.0.0.1:8080/api1 (already normalised). */
  baseUrl: string;
  token: string;
  senselink?: { baseUrl: string; appKey: string; appSecret: string };
  /** Extra attempts for repeatable endpoints; default 3. */
  retries?: number;
  /** Per request; default 30 s, and 120 s for endpoints that contact a device. */
  timeoutMs?: number;
  /** PEM text. */
  caCert?: string;
  insecureHttp?: boolean;
  /** --verbose; the token never appears. */
  log?: (line: string) => void;
  now?: () => Date;
  /** Proxies from the environment (see `proxyFromEnv`); none when absent. */
  proxy?: ProxySettings;
  /** Default timeout of device-contacting endpoints when `timeoutMs` is not given; default 120 s. */
  deviceTimeoutMs?: number;
  /** Total time the attempts of one call may take; default 60 s. */
  retryBudgetMs?: number;
  /** Injectable for tests: the wait between attempts and its randomness. */
  sleep?: Sleep;
  random?: () => number;
  /** Monotonic milliseconds for durations (Context.monotonicMs); default `performance.now()`. */
  clock?: () => number;
  /** Called when undici's code is loaded, before the request that follows (Context.beforeHttp). */
  beforeHttp?: () => void;
  /**
   * Engine of direct requests: 'undici' (default) or 'node' (node:http/https, for one-shot commands:
   * Context.httpEngine). Proxied requests always go through undici's ProxyAgent.
   */
  httpEngine?: HttpEngine;
}

export type CallAnswer =
  // biome-ignore lint/suspicious/noExplicitAny: API answers are free-form JSON (docs/contracts.md)
  | { kind: 'json'; status: number; body: any }
  | { kind: 'binary'; status: number; contentType: string; bytes: number; data?: Buffer };

export interface CallOptions {
  signal?: AbortSignal;
  /** Binary answers are written here (not ended) instead of being buffered. */
  out?: NodeJS.WritableStream;
  retries?: number;
}

/**
 * The request `call` would send, for `--dry-run`: the same method choice, URL, headers and encoding,
 * with the token and signatures redacted and base64 pictures summarised by size and SHA-256
 * (`redactParams`). `query` holds the URL's parameters, `body` the form or JSON body's.
 */
export interface PlannedRequest {
  method: 'GET' | 'POST';
  /** Base URL and path, without the query string. */
  url: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body?: { encoding: 'form' | 'json'; params: unknown };
}

export interface FacetClient {
  call(ep: EndpointDef, wire: WireParams, opts?: CallOptions): Promise<CallAnswer>;
  /**
   * What `call(ep, wire)` would send, without sending (validation as `call`: ValidationError, exit 2).
   * Follows facetCloud §共通仕様 (GET preferred, POST form when POST-only or long) and SenseLink's
   * signing; see `PlannedRequest`.
   */
  plan(ep: EndpointDef, wire: WireParams): PlannedRequest;
  // biome-ignore lint/suspicious/noExplicitAny: API answers are free-form JSON (docs/contracts.md)
  json<T = any>(ep: EndpointDef, wire: WireParams, opts?: { signal?: AbortSignal }): Promise<T>;
  // biome-ignore lint/suspicious/noExplicitAny: API answers are free-form JSON (docs/contracts.md)
  pages(ep: EndpointDef, wire: WireParams, opts?: { signal?: AbortSignal; startPage?: number }): AsyncGenerator<any>;
  raw(
    path: string,
    params: Record<string, string>,
    opts?: { method?: 'GET' | 'POST'; signal?: AbortSignal },
  ): Promise<{ status: number; contentType: string; body: Buffer }>;
  fetchPicture(
    url: string,
    cookie: Record<string, string>,
    opts?: { signal?: AbortSignal },
  ): Promise<{ status: number; body: Buffer }>;
  /**
   * How a request to `url` (default: the base URL) leaves: 'Agent' (undici, direct), 'ProxyAgent',
   * or 'http.Agent' / 'https.Agent' (the node engine, direct).
   */
  dispatcherKind(url?: string): Promise<string>;
  close(): Promise<void>;
}

/** Longest query string sent as GET; longer ones go as a POST form where the endpoint allows it. */
export const MAX_GET_QUERY = 2000;
/** Parameter that asks facetCloud for 200 with the error body; the client understands both forms. */
export const NOCHANGE_PARAM = 'nochange-response-status';
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_DEVICE_TIMEOUT_MS = 120_000;
const WAIT_MARGIN_MS = 30_000;

interface Prepared {
  api: EndpointDef['api'];
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** For the log: what the body holds, by name and size. */
  bodyNote?: string;
  timeoutMs: number;
  path: string;
}

/**
 * How long one request may wait for an answer: `timeoutMs` when given, else 30 s (120 s for
 * endpoints that contact a device); an endpoint that waits on purpose (capturePersonPicture's
 * `getCount` seconds) gets that wait plus a margin.
 */
export function requestTimeoutMs(
  ep: EndpointDef,
  wire: WireParams,
  cfg: Pick<ClientConfig, 'timeoutMs' | 'deviceTimeoutMs'>,
): number {
  let ms =
    cfg.timeoutMs ?? (ep.contactsDevice ? (cfg.deviceTimeoutMs ?? DEFAULT_DEVICE_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS);
  if (ep.waitParam) {
    const seconds = Number(wire[ep.waitParam.name] ?? ep.waitParam.defaultSeconds);
    const wait = Number.isFinite(seconds) ? seconds : ep.waitParam.defaultSeconds;
    ms = Math.max(ms, wait * 1000 + WAIT_MARGIN_MS);
  }
  return ms;
}

function getPath(obj: unknown, path: string): unknown {
  let node: unknown = obj;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Substitutes `{name}` path segments (SenseLink image id) and returns the params left for the query. */
function fillPath(ep: EndpointDef, wire: WireParams): { path: string; rest: WireParams } {
  const rest: WireParams = { ...wire };
  const path = ep.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = rest[name] ?? '';
    delete rest[name];
    return encodeURIComponent(value);
  });
  return { path, rest };
}

function isJsonType(contentType: string): boolean {
  return /[/+]json\b/i.test(contentType);
}

async function readAll(res: HttpResponse): Promise<Buffer> {
  return Buffer.from(await res.body.arrayBuffer());
}

function parseJson(buf: Buffer): unknown {
  return parseJsonText(buf.toString('utf8'));
}

function parseJsonText(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function writeTo(out: NodeJS.WritableStream, body: Readable, onBytes: (n: number) => void): Promise<void> {
  for await (const chunk of body) {
    onBytes(chunk.length);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
}

class Client implements FacetClient {
  readonly #transport: HttpTransport;
  readonly #clock: () => number;

  constructor(private readonly cfg: ClientConfig) {
    if (cfg.baseUrl) assertSafeScheme(cfg.baseUrl, cfg.insecureHttp);
    if (cfg.senselink) assertSafeScheme(cfg.senselink.baseUrl, cfg.insecureHttp);
    // Secrets never cross a proxy in clear (docs/connecting.md).
    if (cfg.baseUrl) assertNoClearTextProxy(cfg.baseUrl, cfg.proxy);
    if (cfg.senselink) assertNoClearTextProxy(cfg.senselink.baseUrl, cfg.proxy);
    this.#transport = new HttpTransport({
      caCert: cfg.caCert,
      proxy: cfg.proxy,
      beforeHttp: cfg.beforeHttp,
      engine: cfg.httpEngine,
    });
    this.#clock = cfg.clock ?? (() => performance.now());
  }

  /** The line is built only when someone listens (--verbose): most calls log nothing. */
  #log(line: () => string): void {
    if (this.cfg.log) this.cfg.log(line());
  }

  #now(): Date {
    return this.cfg.now ? this.cfg.now() : new Date();
  }

  #timeoutFor(ep: EndpointDef, wire: WireParams): number {
    return requestTimeoutMs(ep, wire, this.cfg);
  }

  #prepareFacet(ep: EndpointDef, wire: WireParams): Prepared {
    if (!this.cfg.baseUrl)
      throw new UsageError('no facetCloud host configured: run `facetctl profile add` or set FACETCTL_HOST');
    const { path, rest } = fillPath(ep, wire);
    const query = formEncode(rest);
    const getAllowed = ep.methods.includes('GET');
    const postAllowed = ep.methods.includes('POST');
    const method = !getAllowed || (postAllowed && query.length > MAX_GET_QUERY) ? 'POST' : 'GET';
    const headers: Record<string, string> = { accept: ep.answer === 'json' ? 'application/json' : '*/*' };
    if (!ep.public) headers['ds-api-token'] = this.cfg.token;
    const url = `${this.cfg.baseUrl}${path}`;
    if (method === 'GET') {
      return {
        api: 'facetcloud',
        method,
        url: query ? `${url}?${query}` : url,
        headers,
        timeoutMs: this.#timeoutFor(ep, wire),
        path,
      };
    }
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return {
      api: 'facetcloud',
      method,
      url,
      headers,
      body: query,
      bodyNote: `form: ${describeParams(rest)}`,
      timeoutMs: this.#timeoutFor(ep, wire),
      path,
    };
  }

  #senselinkBase(): { baseUrl: string; appKey: string; appSecret: string } {
    const sl = this.cfg.senselink;
    if (!sl) {
      throw new UsageError(
        'SenseLink is not configured: add it to the profile or set FACETCTL_SENSELINK_URL, FACETCTL_SENSELINK_APP_KEY and FACETCTL_SENSELINK_APP_SECRET',
      );
    }
    return sl;
  }

  #prepareSenselink(ep: EndpointDef, wire: WireParams): Prepared {
    const sl = this.#senselinkBase();
    const { path, rest } = fillPath(ep, wire);
    const auth = senselinkAuthParams(sl.appKey, sl.appSecret, this.#now());
    const url = `${sl.baseUrl}${path}`;
    const timeoutMs = this.#timeoutFor(ep, wire);
    const headers: Record<string, string> = { accept: ep.answer === 'json' ? 'application/json' : '*/*' };
    const method = ep.methods.includes('GET') ? 'GET' : 'POST';
    if (method === 'POST' && ep.bodyEncoding === 'json') {
      headers['content-type'] = 'application/json';
      return {
        api: 'senselink',
        method,
        url: `${url}?${new URLSearchParams({ ...auth })}`,
        headers,
        body: JSON.stringify(nestDottedParams(ep, rest)),
        bodyNote: `json: ${describeParams(rest)}`,
        timeoutMs,
        path,
      };
    }
    if (method === 'POST') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      return {
        api: 'senselink',
        method,
        url: `${url}?${new URLSearchParams({ ...auth })}`,
        headers,
        body: formEncode(rest),
        bodyNote: `form: ${describeParams(rest)}`,
        timeoutMs,
        path,
      };
    }
    return {
      api: 'senselink',
      method,
      url: `${url}?${new URLSearchParams({ ...rest, ...auth })}`,
      headers,
      timeoutMs,
      path,
    };
  }

  async #send(p: Prepared, signal?: AbortSignal): Promise<{ res: HttpResponse; started: number }> {
    const started = this.#clock();
    this.#log(
      () =>
        `→ ${p.method} ${redactUrl(p.url)}${p.bodyNote ? ` ${p.bodyNote}` : ''} headers ${formatHeaders(p.headers)}`,
    );
    const res = await this.#transport.request({ ...p, signal });
    return { res, started };
  }

  #logAnswer(p: Prepared, status: number, contentType: string, bytes: number, started: number): void {
    if (!this.cfg.log) return;
    const ms = Math.round(this.#clock() - started);
    this.#log(
      () =>
        `← ${status} ${p.method} ${redactUrl(p.url)} ${ms} ms ${contentType || '(no content-type)'} ${formatBytes(bytes)}`,
    );
  }

  #errorFor(p: Prepared, status: number, body: unknown): FacetError | undefined {
    return p.api === 'senselink'
      ? senselinkErrorForAnswer(status, body, p.path)
      : errorForAnswer(status, body, p.path, this.cfg.baseUrl);
  }

  async #attempt(ep: EndpointDef, p: Prepared, opts: CallOptions, state: { wrote: boolean }): Promise<CallAnswer> {
    const { res, started } = await this.#send(p, opts.signal);
    const ok = res.status >= 200 && res.status < 300;
    const binaryBytes = ep.answer === 'binary' && ok && !isJsonType(res.contentType);
    try {
      if (binaryBytes && opts.out) {
        let bytes = 0;
        await writeTo(opts.out, res.body, (n) => {
          bytes += n;
          state.wrote = true;
        });
        this.#logAnswer(p, res.status, res.contentType, bytes, started);
        return { kind: 'binary', status: res.status, contentType: res.contentType, bytes };
      }
      if (binaryBytes || (ok && ep.answer === 'javascript')) {
        const data = await readAll(res);
        this.#logAnswer(p, res.status, res.contentType, data.length, started);
        return { kind: 'binary', status: res.status, contentType: res.contentType, bytes: data.length, data };
      }
      // Text straight from the body's chunks: no joined ArrayBuffer per answer, whose memory lives
      // outside the V8 heap until a later GC (an export reads thousands of pages).
      const text = await res.body.text();
      if (this.cfg.log) this.#logAnswer(p, res.status, res.contentType, Buffer.byteLength(text), started);
      const body = parseJsonText(text);
      const error = this.#errorFor(p, res.status, body);
      if (error) throw error;
      if (body === undefined) {
        throw new RuntimeError(
          `${p.path} answered ${res.status} with ${text.length ? 'something that is not JSON' : 'an empty body'} (${res.contentType || 'no content-type'})`,
        );
      }
      return { kind: 'json', status: res.status, body };
    } catch (err) {
      if (err instanceof Error && 'exitCode' in err) {
        if (state.wrote && err instanceof NetworkError) throw new NetworkError(err.message, err.code, false);
        throw err;
      }
      const mapped = this.#transport.failure(err, { url: p.url, timeoutMs: p.timeoutMs, signal: opts.signal });
      if (state.wrote && mapped instanceof NetworkError) throw new NetworkError(mapped.message, mapped.code, false);
      throw mapped;
    }
  }

  #retryHooks(signal?: AbortSignal) {
    return {
      sleep: this.cfg.sleep ?? realSleep,
      random: this.cfg.random ?? Math.random,
      clock: this.#clock,
      signal,
      onRetry: (attempt: number, err: FacetError, delay: number) =>
        this.#log(() => `retry ${attempt} in ${delay} ms after: ${err.message.split('\n')[0]}`),
    };
  }

  #policy(retries: number) {
    return { ...DEFAULT_RETRY_POLICY, retries, budgetMs: this.cfg.retryBudgetMs ?? DEFAULT_RETRY_POLICY.budgetMs };
  }

  plan(ep: EndpointDef, wire: WireParams): PlannedRequest {
    const p = this.#prepared(ep, wire);
    const base64 = new Set(
      Object.entries(ep.params).flatMap(([name, def]) => (paramType(def.type).file ? [name] : [])),
    );
    const url = new URL(p.url);
    const query = redactParams(Object.fromEntries(url.searchParams), base64) as Record<string, unknown>;
    url.search = '';
    const type = p.headers['content-type'];
    const body =
      p.body === undefined
        ? undefined
        : type === 'application/json'
          ? { encoding: 'json' as const, params: redactParams(JSON.parse(p.body), base64) }
          : {
              encoding: 'form' as const,
              params: redactParams(Object.fromEntries(new URLSearchParams(p.body)), base64),
            };
    return {
      method: p.method,
      url: url.toString(),
      query,
      headers: redactHeaders(p.headers),
      ...(body ? { body } : {}),
    };
  }

  /** Validation (as the API would, exit 2) and the prepared request: what `call` and `plan` share. */
  #prepared(ep: EndpointDef, wire: WireParams): Prepared {
    const { [NOCHANGE_PARAM]: nochange, ...params } = wire;
    const issues = validateWire(ep, params);
    if (issues.length) {
      throw new ValidationError(
        issues.map((i) => ({ name: i.name, message: i.message })),
        issues.map((i) => `${i.name}: ${i.message}`).join('\n'),
      );
    }
    const send = nochange === undefined ? params : { ...params, [NOCHANGE_PARAM]: nochange };
    return ep.api === 'senselink' ? this.#prepareSenselink(ep, send) : this.#prepareFacet(ep, send);
  }

  async call(ep: EndpointDef, wire: WireParams, opts: CallOptions = {}): Promise<CallAnswer> {
    if (opts.signal?.aborted) throw new CancelledError();
    const p = this.#prepared(ep, wire);
    const retries = ep.repeatable ? (opts.retries ?? this.cfg.retries ?? DEFAULT_RETRY_POLICY.retries) : 0;
    const state = { wrote: false };
    return withRetry(
      async (n) => {
        // SenseLink signatures carry a timestamp: re-sign each attempt.
        const prepared = n > 0 && ep.api === 'senselink' ? this.#prepared(ep, wire) : p;
        return this.#attempt(ep, prepared, opts, state);
      },
      this.#policy(retries),
      this.#retryHooks(opts.signal),
    );
  }

  // biome-ignore lint/suspicious/noExplicitAny: API answers are free-form JSON (docs/contracts.md)
  async json<T = any>(ep: EndpointDef, wire: WireParams, opts: { signal?: AbortSignal } = {}): Promise<T> {
    const answer = await this.call(ep, wire, opts);
    if (answer.kind === 'json') return answer.body as T;
    return { contentType: answer.contentType, bytes: answer.bytes, data: answer.data } as T;
  }

  async *pages(
    ep: EndpointDef,
    wire: WireParams,
    opts: { signal?: AbortSignal; startPage?: number } = {},
    // biome-ignore lint/suspicious/noExplicitAny: API answers are free-form JSON (docs/contracts.md)
  ): AsyncGenerator<any> {
    const paging = ep.paging;
    if (!paging) {
      yield await this.json(ep, wire, opts);
      return;
    }
    let page = opts.startPage ?? Number(wire[paging.pageParam] ?? 1);
    const size = Number((paging.sizeParam && wire[paging.sizeParam]) || paging.pageSize);
    for (;;) {
      const pageWire: WireParams = { ...wire, [paging.pageParam]: String(page) };
      if (paging.sizeParam) pageWire[paging.sizeParam] = String(size);
      const body = await this.json(ep, pageWire, opts);
      yield body;
      const list = getPath(body, paging.listPath);
      if (!Array.isArray(list) || list.length === 0) return;
      if (paging.pagesPath) {
        const pages = Number(getPath(body, paging.pagesPath));
        if (!Number.isFinite(pages) || page >= pages) return;
      } else if (paging.totalPath) {
        const total = Number(getPath(body, paging.totalPath));
        if (!Number.isFinite(total) || page * size >= total) return;
      } else if (list.length < size) return;
      page++;
    }
  }

  async raw(
    path: string,
    params: Record<string, string>,
    opts: { method?: 'GET' | 'POST'; signal?: AbortSignal } = {},
  ): Promise<{ status: number; contentType: string; body: Buffer }> {
    const clean = path.startsWith('/') ? path : `/${path}`;
    const senselink = clean.startsWith('/api/v1/');
    let query = new URLSearchParams(params).toString();
    const method = opts.method ?? (query.length > MAX_GET_QUERY ? 'POST' : 'GET');
    const headers: Record<string, string> = { accept: '*/*' };
    let url: string;
    if (senselink) {
      const sl = this.#senselinkBase();
      const auth = new URLSearchParams({ ...senselinkAuthParams(sl.appKey, sl.appSecret, this.#now()) }).toString();
      url = `${sl.baseUrl}${clean}`;
      if (method === 'GET') query = query ? `${query}&${auth}` : auth;
      else url = `${url}?${auth}`;
    } else {
      if (!this.cfg.baseUrl) throw new UsageError('no facetCloud host configured');
      url = `${this.cfg.baseUrl}${clean}`;
      headers['ds-api-token'] = this.cfg.token;
    }
    const p: Prepared = {
      api: senselink ? 'senselink' : 'facetcloud',
      method,
      url: method === 'GET' && query ? `${url}?${query}` : url,
      headers,
      timeoutMs: this.cfg.timeoutMs ?? DEFAULT_DEVICE_TIMEOUT_MS,
      path: clean,
    };
    if (method === 'POST') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      p.body = formEncode(params);
      p.bodyNote = `form: ${describeParams(params)}`;
    }
    let last: { status: number; contentType: string; body: Buffer } | undefined;
    const retries = method === 'GET' ? (this.cfg.retries ?? DEFAULT_RETRY_POLICY.retries) : 0;
    try {
      return await withRetry(
        async () => {
          const { res, started } = await this.#send(p, opts.signal);
          try {
            const body = await readAll(res);
            this.#logAnswer(p, res.status, res.contentType, body.length, started);
            last = { status: res.status, contentType: res.contentType, body };
          } catch (err) {
            throw this.#transport.failure(err, { url: p.url, timeoutMs: p.timeoutMs, signal: opts.signal });
          }
          const error = this.#errorFor(p, last.status, parseJson(last.body));
          if (error?.retryable) throw error;
          return last;
        },
        this.#policy(retries),
        this.#retryHooks(opts.signal),
      );
    } catch (err) {
      // Out of retries on an answer: `api` prints that answer as it is.
      if (last && !(err instanceof NetworkError) && !(err instanceof CancelledError)) return last;
      throw err;
    }
  }

  async fetchPicture(
    url: string,
    cookie: Record<string, string>,
    opts: { signal?: AbortSignal } = {},
  ): Promise<{ status: number; body: Buffer }> {
    assertSafeScheme(url, this.cfg.insecureHttp);
    const cookieHeader = Object.entries(cookie)
      .map(([k, v]) => `${k}=${String(v).replace(/[\r\n;]/g, '')}`)
      .join('; ');
    // Deliberately no ds-api-token: picture URLs may live on another host (a CDN).
    const p: Prepared = {
      api: 'facetcloud',
      method: 'GET',
      url,
      headers: { accept: 'image/*', cookie: cookieHeader },
      timeoutMs: this.cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      path: new URL(url).pathname,
    };
    return withRetry(
      async () => {
        const { res, started } = await this.#send(p, opts.signal);
        try {
          const body = await readAll(res);
          this.#logAnswer(p, res.status, res.contentType, body.length, started);
          return { status: res.status, body };
        } catch (err) {
          throw this.#transport.failure(err, { url: p.url, timeoutMs: p.timeoutMs, signal: opts.signal });
        }
      },
      this.#policy(this.cfg.retries ?? DEFAULT_RETRY_POLICY.retries),
      this.#retryHooks(opts.signal),
    );
  }

  /** For tests and --verbose: see FacetClient.dispatcherKind. */
  dispatcherKind(url?: string): Promise<string> {
    return this.#transport.dispatcherKind(url ?? this.cfg.baseUrl);
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}

export function createClient(cfg: ClientConfig): FacetClient {
  return new Client(cfg);
}
