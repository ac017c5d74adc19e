/** Reading requests with plain node:http: query, form and JSON bodies, cookies, the caller's address. */
import type { IncomingMessage } from 'node:http';

/** Bodies above this are refused (5 MB of base64 plus the other fields, with room to spare). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export class BodyTooLarge extends Error {}

/**
 * The whole body, at most `limit` bytes. Past the limit the rest is read and dropped (so the client
 * gets an answer, not a reset) and the promise rejects with `BodyTooLarge` once the body has ended.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else chunks.length = 0;
    });
    req.on('end', () => (size > limit ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** The body of a request without one (shared: a zero-length Buffer cannot be changed). */
export const NO_BODY: Buffer = Buffer.alloc(0);

/** POST bodies are read; any other method's body is drained and ignored. */
export async function bodyOf(req: IncomingMessage, method: string): Promise<Buffer> {
  if (method === 'POST' || method === 'PATCH' || method === 'PUT' || method === 'DELETE') return readBody(req);
  req.resume();
  return NO_BODY;
}

/** `decodeURIComponent`, or undefined for a malformed percent-escape (`%E0%A4%A`) instead of a throw. */
export function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export function searchToRecord(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) if (!(k in out)) out[k] = v;
  return out;
}

/** `+` is a space in a form body; the common case (a base64 picture is sent as %2B) has none. */
function formDecode(text: string): string {
  return decodeURIComponent(text.includes('+') ? text.replace(/\+/g, ' ') : text);
}

/**
 * An `application/x-www-form-urlencoded` text as `searchToRecord(new URLSearchParams(text))` reads
 * it (first value of a repeated name wins), through the built-in `decodeURIComponent`: 2–3×
 * faster on the 70 KB base64 pictures imports send (a large share of the emulator's time per such
 * call). A malformed escape or invalid UTF-8 (which URLSearchParams keeps or
 * replaces, where decodeURIComponent throws) falls back to URLSearchParams for the whole text.
 */
export function formToRecord(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const pair of text.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = formDecode(eq < 0 ? pair : pair.slice(0, eq));
      if (!(name in out)) out[name] = eq < 0 ? '' : formDecode(pair.slice(eq + 1));
    }
    return out;
  } catch {
    return searchToRecord(new URLSearchParams(text));
  }
}

/** JSON objects are flattened to dotted names (`image.data`), values turned into strings. */
export function flattenJson(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value === null || value === undefined) return out;
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      flattenJson(v, prefix ? `${prefix}.${k}` : k, out);
    }
    return out;
  }
  out[prefix] = Array.isArray(value) ? value.join(',') : String(value);
  return out;
}

export type ParsedBody = { ok: true; params: Record<string, string> } | { ok: false; reason: string };

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** A JSON body (SenseLink's POST record), flattened to dotted names. */
export function parseJsonBody(body: Buffer): ParsedBody {
  if (body.length === 0) return { ok: true, params: {} };
  try {
    return { ok: true, params: flattenJson(JSON.parse(body.toString('utf8'))) };
  } catch {
    return { ok: false, reason: 'JSON' };
  }
}

/**
 * A facetCloud POST body as PHP's `$_POST` reads it: `application/x-www-form-urlencoded` and
 * `multipart/form-data` (parsed by busboy, text fields only: file parts go to PHP's `$_FILES`, which
 * the API does not read). Any other type, JSON included, gives no parameters, as PHP gives an empty
 * `$_POST`; the request then fails on whatever it lacks (token 403, required fields 400). A multipart
 * body without a usable boundary is malformed (`ok: false`).
 */
export async function parseFormBody(contentType: string | undefined, body: Buffer): Promise<ParsedBody> {
  if (body.length === 0) return { ok: true, params: {} };
  const type = mediaType(contentType);
  if (type === 'application/x-www-form-urlencoded') return { ok: true, params: formToRecord(body.toString('utf8')) };
  if (type === 'multipart/form-data') return parseMultipart(contentType ?? '', body);
  return { ok: true, params: {} };
}

async function parseMultipart(contentType: string, body: Buffer): Promise<ParsedBody> {
  const { default: busboy } = await import('busboy');
  return new Promise((resolve) => {
    const params: Record<string, string> = {};
    let parser: ReturnType<typeof busboy>;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        defParamCharset: 'utf8',
        limits: { fieldSize: MAX_BODY_BYTES, fieldNameSize: 1000, fields: 10_000 },
      });
    } catch {
      resolve({ ok: false, reason: 'multipart' });
      return;
    }
    parser.on('field', (name, value) => {
      if (!Object.hasOwn(params, name)) params[name] = value;
    });
    parser.on('file', (_name, stream) => stream.resume());
    parser.on('close', () => resolve({ ok: true, params }));
    parser.on('error', () => resolve({ ok: false, reason: 'multipart' }));
    parser.end(body);
  });
}

export function clientIp(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}
