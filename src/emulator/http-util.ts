/** Reading requests with plain node:http: query, form and JSON bodies, cookies, the caller's address. */
import type { IncomingMessage } from 'node:http';

/** Bodies above this are refused (5 MB of base64 plus the other fields, with room to spare). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** POST bodies are read; any other method's body is drained and ignored. */
export async function bodyOf(req: IncomingMessage, method: string): Promise<Buffer> {
  if (method === 'POST' || method === 'PATCH' || method === 'PUT' || method === 'DELETE') return readBody(req);
  req.resume();
  return Buffer.alloc(0);
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

export function parseBody(contentType: string | undefined, body: Buffer): ParsedBody {
  if (body.length === 0) return { ok: true, params: {} };
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || (type === '' && body[0] === 0x7b)) {
    try {
      return { ok: true, params: flattenJson(JSON.parse(body.toString('utf8'))) };
    } catch {
      return { ok: false, reason: 'JSON' };
    }
  }
  return { ok: true, params: searchToRecord(new URLSearchParams(body.toString('utf8'))) };
}

export function clientIp(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}
