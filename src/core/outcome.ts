/**
 * What an answer means. `errorForAnswer` turns the documented error statuses and bodies into typed
 * errors (including errors inside a 200 under `nochange-response-status=1`); `judge` reads the
 * documented success shapes that may still be a partial or complete failure (`result:false`,
 * `errored`), so commands can exit 3 or 1 instead of hiding them.
 */
import type { EndpointDef } from '../registry/types.js';
import {
  ApiError,
  AuthError,
  DeviceError,
  ExclusionError,
  type FacetError,
  type FieldError,
  ServerUnavailableError,
} from './errors.js';

export type OutcomeStatus = 'ok' | 'partial' | 'failed';
export interface Outcome {
  status: OutcomeStatus;
  /** The API's own message (verbatim), or ours naming the keys that failed. */
  message?: string;
  /** Matching items left for further calls (registry `batch`): the message says how to continue and is always shown. */
  remaining?: number;
}

/** A `batch` endpoint's answer `{result:true, total, deleted}` with items left: how many, and how to continue. */
function judgeBatch(ep: EndpointDef, body: Record<string, unknown>): Outcome | undefined {
  const batch = ep.batch;
  if (!batch || body.result === false) return undefined;
  const done = Number(body[batch.doneField]);
  const total = Number(body[batch.totalField]);
  if (!Number.isFinite(done) || !Number.isFinite(total) || total <= done) return undefined;
  const remaining = total - done;
  const calls = Math.ceil(remaining / batch.perCall);
  return {
    status: 'ok',
    remaining,
    message: `${batch.verb} ${done} of ${total} matching (at most ${batch.perCall} a call); ${remaining} remain: run the same command again (${calls} more run${calls === 1 ? '' : 's'})`,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The documented error envelope `{"error":true,"errors":[{name,message}]}`, or undefined. */
export function errorFields(body: unknown): FieldError[] | undefined {
  if (!isObject(body) || body.error !== true || !Array.isArray(body.errors)) return undefined;
  return body.errors.map((e: unknown) =>
    isObject(e) ? { name: String(e.name ?? ''), message: String(e.message ?? '') } : { name: '', message: String(e) },
  );
}

/** An error envelope that arrived with 200 (`nochange-response-status=1`): typed as its status would have been. */
function errorInsideOk(fields: FieldError[], body: unknown): FacetError {
  if (fields.some((f) => f.name === 'exclusion')) return new ExclusionError(400, fields, body);
  if (fields.some((f) => f.name === 'device')) return new DeviceError(503, fields, body);
  return new ApiError(400, fields, body);
}

/** The API's messages after ours: `server error (500): …`. */
function withApiMessages(ours: string, fields: FieldError[] | undefined): string {
  if (!fields?.length) return ours;
  return `${ours}\n${fields.map((f) => `${f.name}: ${f.message}`).join('\n')}`;
}

/**
 * The hint for a 404 from a host URL without `/api1` (`--host https://cloud.example.jp`, a web
 * server that is not the API): the documents' endpoints all live under `/api1`.
 */
export function missingApi1Hint(baseUrl: string | undefined): string {
  if (!baseUrl) return '';
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return '';
  }
  if (/\/api1\/?$/.test(url.pathname)) return '';
  return ` (the host URL ${baseUrl} does not end in /api1, where facetCloud's API lives: try ${url.origin}/api1)`;
}

/**
 * A facetCloud answer as an error, or undefined when it is a success. `body` is the parsed JSON
 * (undefined when the body was empty or not JSON); `path` names the endpoint in our messages;
 * `baseUrl` (the connection's) adds the /api1 hint to a 404 when it does not end in /api1.
 */
export function errorForAnswer(status: number, body: unknown, path: string, baseUrl?: string): FacetError | undefined {
  const fields = errorFields(body);
  if (status >= 200 && status < 300) return fields ? errorInsideOk(fields, body) : undefined;
  const list = fields ?? [];
  switch (status) {
    case 400:
      if (list.some((f) => f.name === 'exclusion')) return new ExclusionError(400, list, body);
      return new ApiError(400, list, body, list.length ? undefined : `bad request (400): ${path}`);
    case 401:
      return new AuthError(401, list, body, 'source IP address not allowed (401)');
    case 403:
      return new AuthError(403, list, body, "token rejected (403): check the profile's token");
    case 404: {
      const hint = missingApi1Hint(baseUrl);
      const err = new ApiError(404, list, body, `not found: ${path}${hint}`);
      if (hint) err.hint = hint.replace(/^ \((.*)\)$/, '$1');
      return err;
    }
    case 414:
      return new ApiError(414, list, body, `URI too long (414): ${path}`);
    case 500:
      return new ServerUnavailableError(500, list, body, withApiMessages(`server error (500): ${path}`, fields));
    case 502:
      return new ServerUnavailableError(502, list, body, 'the API server is under maintenance (502)');
    case 503:
      if (fields) return new DeviceError(503, fields, body);
      return new ServerUnavailableError(503, [], body, 'the API server is under maintenance (503)');
    case 504:
      return new ServerUnavailableError(504, list, body, `gateway timeout (504): ${path}`);
    default:
      return new ApiError(status, list, body, withApiMessages(`HTTP ${status}: ${path}`, fields));
  }
}

/** SenseLink's envelope `{code, message, data}`: a code other than 200 is an error, its message verbatim. */
export function senselinkErrorForAnswer(status: number, body: unknown, path: string): FacetError | undefined {
  const code = isObject(body) && body.code !== undefined ? body.code : undefined;
  const message = isObject(body) && typeof body.message === 'string' ? body.message : '';
  if (status >= 200 && status < 300 && (code === undefined || Number(code) === 200)) return undefined;
  const fields: FieldError[] = code === undefined ? [] : [{ name: String(code), message }];
  if (status === 401 || status === 403) {
    return new AuthError(
      status,
      fields,
      body,
      `SenseLink rejected the app key or signature (${status})${message ? `: ${message}` : ''}`,
    );
  }
  if (code === undefined) {
    if (status >= 500)
      return new ServerUnavailableError(status, [], body, `SenseLink server error (${status}): ${path}`);
    return new ApiError(status, [], body, status === 404 ? `not found: ${path}` : `HTTP ${status}: ${path}`);
  }
  if (status >= 500) return new ServerUnavailableError(status, fields, body);
  return new ApiError(status, fields, body);
}

function joinMessage(body: Record<string, unknown>, fallback?: string): string | undefined {
  return typeof body.message === 'string' && body.message ? body.message : fallback;
}

/** apbRepaire's `{serial: {success:[codes], error:[codes]}}`. */
function judgeApbRepair(body: Record<string, unknown>): Outcome {
  let ok = 0;
  const failed: string[] = [];
  for (const [serial, entry] of Object.entries(body)) {
    if (!isObject(entry)) continue;
    ok += Array.isArray(entry.success) ? entry.success.length : 0;
    const errors = Array.isArray(entry.error) ? entry.error : [];
    if (errors.length) failed.push(`${serial}: ${errors.join(', ')}`);
  }
  if (!failed.length) return { status: 'ok' };
  return { status: ok > 0 ? 'partial' : 'failed', message: `not repaired: ${failed.join('; ')}` };
}

/** Reads a successful (2xx, no error envelope) answer for the documented partial and failure shapes. */
export function judge(ep: EndpointDef, body: unknown): Outcome {
  if (!isObject(body)) return { status: 'ok' };
  if (ep.action === 'apbRepaire') return judgeApbRepair(body);
  const batch = judgeBatch(ep, body);
  if (batch) return batch;
  if (body.result === false) {
    const deleted = typeof body.deleted === 'number' ? body.deleted : Number(body.deleted);
    const status: OutcomeStatus = Number.isFinite(deleted) && deleted > 0 ? 'partial' : 'failed';
    return {
      status,
      message: joinMessage(body, status === 'partial' ? `deleted ${deleted} of ${body.total ?? '?'}` : undefined),
    };
  }
  if (Array.isArray(body.errored) && body.errored.length > 0) {
    const updated = Array.isArray(body.updated) ? body.updated : [];
    return {
      status: updated.length > 0 ? 'partial' : 'failed',
      message: `not updated: ${body.errored.join(', ')}`,
    };
  }
  if (body.result === true && body.regist === false) return { status: 'ok', message: joinMessage(body) };
  return { status: 'ok', message: typeof body.message === 'string' && body.message ? body.message : undefined };
}
