/**
 * The `node` HTTP engine: direct requests through Node's own `node:http` / `node:https`, for
 * one-shot commands (src/cli.ts decides; docs/design.md, "HTTP: two engines"). A one-call command
 * pays ~1.2× `node -e 0` this way against ~2.5× with undici, whose start (its bundled code, its
 * WebAssembly parser, its Agent) is most of such a run. Long runs and proxied requests keep undici
 * (src/core/http.ts).
 *
 * It behaves as the undici engine does, seen from the client: the same `HttpResponse` (a Readable
 * body with `arrayBuffer()`, `text()` and `dump()`, lower-case headers in a plain object), `timeoutMs` bounding
 * the connection, the wait for headers and every gap in the body (an idle socket; a body the caller
 * has not read yet is not the server's silence), abort by `signal`, keep-alive sockets that honour
 * the server's `Keep-Alive: timeout=N` hint, and errors carrying Node's codes, which `networkError()`
 * turns into the same messages. The modules are loaded on first use, `node:https` only for https URLs.
 * Node 20's http client reads no proxy variables: nothing comes from `process.env`.
 */
import type { ClientRequest, Agent as HttpAgent, IncomingMessage, RequestOptions } from 'node:http';
import type { HttpRequest, HttpResponse } from './http.js';

export interface NodeEngineOptions {
  /** PEM text of the CAs to trust, passed to TLS as `ca` (the same option undici's `connect` gets). */
  ca?: string;
  /** How long an idle keep-alive socket is kept (ms); a shorter `Keep-Alive: timeout=N` from the server wins. */
  keepAliveMs: number;
}

interface Loaded {
  request: (url: URL, options: RequestOptions) => ClientRequest;
  agent: HttpAgent;
}

/** The error a silent server ends in: ETIMEDOUT, which `networkError()` words as "no answer … (timeout)". */
function timeoutError(ms: number): Error {
  return Object.assign(new Error(`no data for ${ms} ms`), { code: 'ETIMEDOUT' });
}

/**
 * Node's http client writes the request before the TLS handshake ends, so a server that does not
 * speak TLS fails that write: `write EPROTO …:SSL routines:ssl3_get_record:wrong version number`,
 * where undici, which waits for the handshake, gets the TLS socket's own ERR_SSL_WRONG_VERSION_NUMBER.
 * The same code is made here from OpenSSL's reason (Node's own rule: ERR_SSL_ + the reason in upper
 * case, spaces as underscores), so `networkError()` words both alike; other errors pass unchanged.
 */
function withTlsCode(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e?.code !== 'EPROTO' || typeof e.message !== 'string') return err;
  const reason = /SSL routines:[^:]*:([^:]+)/.exec(e.message)?.[1];
  if (!reason) return err;
  return Object.assign(new Error(e.message, { cause: err }), {
    code: `ERR_SSL_${reason.trim().toUpperCase().replace(/\W+/g, '_')}`,
  });
}

/** The response as `HttpResponse['body']`: the message itself, with undici's two body helpers. */
function asBody(res: IncomingMessage): HttpResponse['body'] {
  return Object.assign(res, {
    /** The whole body in one ArrayBuffer; rejects with the stream's error. */
    async arrayBuffer(): Promise<ArrayBuffer> {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        size += chunk.length;
      }
      const all = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        all.set(chunk, at);
        at += chunk.length;
      }
      return all.buffer;
    },
    /** The whole body as UTF-8 text, a leading byte order mark skipped (as undici's `text()`); rejects with the stream's error. */
    async text(): Promise<string> {
      const decoder = new TextDecoder('utf-8');
      let text = '';
      for await (const chunk of res as AsyncIterable<Buffer>) text += decoder.decode(chunk, { stream: true });
      return text + decoder.decode();
    },
    /** Reads and drops up to `limit` bytes (default 128 KiB, as undici), then closes the stream. */
    async dump(opts?: { limit: number }): Promise<void> {
      const limit = opts?.limit ?? 128 * 1024;
      let seen = 0;
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          seen += chunk.length;
          if (seen > limit) break;
        }
      } catch {
        // A body being thrown away may fail: nothing to report.
      }
      if (!res.destroyed) res.destroy();
    },
  });
}

/** One keep-alive agent per scheme (created on first use), as undici's one Agent per client. */
export class NodeEngine {
  #http?: Promise<Loaded>;
  #https?: Promise<Loaded>;
  /** Requests not finished yet (their answer not read to the end): `close()` waits for them. */
  readonly #inFlight = new Set<ClientRequest>();

  constructor(private readonly opts: NodeEngineOptions) {}

  /** 'http.Agent' or 'https.Agent': what serves `url` (for tests and --verbose). */
  kind(url: URL): string {
    return url.protocol === 'https:' ? 'https.Agent' : 'http.Agent';
  }

  #loaded(url: URL): Promise<Loaded> {
    // The agent's `timeout` is the idle time of a free socket; Node 20 shortens it to the server's
    // Keep-Alive hint minus a second (and does not reuse a socket the hint says is about to close).
    const agentOptions = { keepAlive: true, timeout: this.opts.keepAliveMs };
    if (url.protocol === 'https:') {
      this.#https ??= import('node:https').then((https) => ({
        request: https.request,
        agent: new https.Agent({ ...agentOptions, ...(this.opts.ca ? { ca: this.opts.ca } : {}) }),
      }));
      return this.#https;
    }
    this.#http ??= import('node:http').then((http) => ({ request: http.request, agent: new http.Agent(agentOptions) }));
    return this.#http;
  }

  /**
   * Sends `req` and resolves when the status and headers have arrived. Rejects with Node's error
   * (ECONNREFUSED, ENOTFOUND, ECONNRESET, a TLS code, ETIMEDOUT after `timeoutMs` of silence, an
   * AbortError on `signal`): the caller maps it (HttpTransport.failure). A body that stops for
   * `timeoutMs` fails its reader with ETIMEDOUT.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const { request, agent } = await this.#loaded(url);
    return new Promise<HttpResponse>((resolve, reject) => {
      let res: IncomingMessage | undefined;
      const out = request(url, {
        method: req.method,
        headers: req.headers,
        agent,
        timeout: req.timeoutMs,
        signal: req.signal,
      });
      this.#inFlight.add(out);
      out.once('close', () => this.#inFlight.delete(out));
      out.on('timeout', () => {
        // Data the caller has not read yet: the wait is ours, not the server's (undici's bodyTimeout
        // does not run while its body is paused either). Watch again.
        if (res && !res.complete && res.readableLength > 0) {
          out.setTimeout(req.timeoutMs);
          return;
        }
        const err = timeoutError(req.timeoutMs);
        // The body's reader gets the timeout, not the 'aborted' that destroying the request gives it.
        if (res && !res.complete) res.destroy(err);
        out.destroy(err);
      });
      // Before the answer this rejects; after it, the body stream carries the failure.
      out.on('error', (err) => reject(withTlsCode(err)));
      out.on('response', (message: IncomingMessage) => {
        res = message;
        const ct = message.headers['content-type'];
        resolve({
          status: message.statusCode ?? 0,
          headers: message.headers,
          contentType: (Array.isArray(ct) ? ct[0] : ct) ?? '',
          body: asBody(message),
        });
      });
      out.end(req.body);
    });
  }

  /**
   * Lets the requests in flight finish (each bounded by its timeout or its signal), as undici's
   * `close()` does, then closes every socket.
   */
  async close(): Promise<void> {
    await Promise.all([...this.#inFlight].map((out) => new Promise((resolve) => out.once('close', resolve))));
    const all = [this.#http, this.#https];
    this.#http = undefined;
    this.#https = undefined;
    for (const loaded of all) if (loaded) (await loaded).agent.destroy();
  }
}
