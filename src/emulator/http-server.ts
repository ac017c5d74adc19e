/**
 * The HTTP front: picks the API by path prefix, applies what is common to all requests (URI length,
 * maintenance, injected faults, the journal, `nochange-response-status`), and writes answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { messageJa } from '../core/params/index.js';
import { readCookies } from './cookies.js';
import type { Emu, Handler } from './emu.js';
import { type Answer, fail, messages } from './envelope.js';
import { handleFacet, ipAllowed, tokenOk } from './facet-api.js';
import {
  BodyTooLarge,
  bodyOf,
  clientIp,
  NO_BODY,
  type ParsedBody,
  parseFormBody,
  searchToRecord,
} from './http-util.js';
import { asJsonp, JSONP_PARAM } from './jsonp.js';
import { handleOperator } from './operator.js';
import { finalizeDue } from './preliminary.js';
import { handleSenselink } from './senselink.js';
import { getPicture } from './store.js';

/** GET URIs longer than this answer 414, as the cloud's web server does ("use POST"). */
export const MAX_URI_LENGTH = 8192;

/** How long an idle kept-alive connection stays open. */
export const KEEP_ALIVE_MS = 30_000;

interface Incoming {
  method: string;
  path: string;
  query: Record<string, string>;
  req: IncomingMessage;
  ip: string;
}

export function createEmulatorServer(emu: Emu, handlers: Map<string, Handler>): Server {
  // noDelay (Node's default, stated): an answer goes out in one write at once, never held back by Nagle.
  const server = createServer({ maxHeaderSize: 4 * 1024 * 1024, noDelay: true }, (req, res) => {
    serve(emu, handlers, req, res).catch((err: unknown) => {
      emu.log(`emulator: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) write(res, fail(500, 'server', '予期せぬエラーが発生しました。'));
      else res.destroy();
    });
  });
  // Bulk clients pause between bursts (a device queue waiting on its latency): keep their connections
  // (Node's 5 s default closes them); kept below headersTimeout (60 s).
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return server;
}

async function serve(emu: Emu, handlers: Map<string, Handler>, req: IncomingMessage, res: ServerResponse) {
  // Whatever a request reads, a preliminary log whose analysis time has passed has its id by now.
  finalizeDue(emu);
  const method = (req.method ?? 'GET').toUpperCase();
  const rawUrl = req.url ?? '/';
  if (method === 'GET' && rawUrl.length > MAX_URI_LENGTH) {
    req.resume();
    emu.journal.add(method, rawUrl.split('?')[0].slice(0, 200), [], 414);
    return write(res, { kind: 'empty', status: 414 });
  }
  const url = new URL(rawUrl, 'http://emulator.invalid');
  const inc: Incoming = { method, path: url.pathname, query: searchToRecord(url.searchParams), req, ip: clientIp(req) };
  if (inc.path.startsWith('/_emulator/')) {
    const answer = await handleOperator(emu, inc.method, inc.path.slice('/_emulator'.length), req, inc.query);
    return write(res, answer);
  }
  let paramNames: string[] = Object.keys(inc.query);
  let answer: Answer;
  let nochange = false;
  const result = await route(emu, handlers, inc);
  answer = result.answer;
  paramNames = result.paramNames;
  nochange = result.nochange;
  if (nochange && (answer.kind === 'json' || answer.kind === 'bytes') && answer.status >= 400)
    answer = { ...answer, status: 200 };
  emu.journal.add(method, inc.path, paramNames, answer.kind === 'reset' ? 0 : answer.status);
  write(res, answer);
}

async function route(
  emu: Emu,
  handlers: Map<string, Handler>,
  inc: Incoming,
): Promise<{ answer: Answer; paramNames: string[]; nochange: boolean }> {
  const isFacet = inc.path === '/api1' || inc.path.startsWith('/api1/');
  const isSenselink = inc.path.startsWith('/api/v1/plus/');
  const isPicture = inc.path.startsWith('/pictures/');
  const paramNames = Object.keys(inc.query);
  if (!isFacet && !isSenselink && !isPicture) {
    inc.req.resume();
    return { answer: fail(404, 'url', messages.notFound), paramNames, nochange: false };
  }
  if (isFacet && isMaintenance(emu)) {
    inc.req.resume();
    return { answer: { kind: 'empty', status: 503 }, paramNames, nochange: false };
  }
  if (isPicture) {
    inc.req.resume();
    return { answer: servePicture(emu, inc), paramNames, nochange: false };
  }
  let body: Buffer = NO_BODY;
  let tooLarge = false;
  try {
    body = await bodyOf(inc.req, inc.method === 'POST' ? 'POST' : 'GET');
  } catch (err) {
    if (!(err instanceof BodyTooLarge)) throw err;
    tooLarge = true;
  }
  if (emu.settings.apiLatencyMs > 0) await emu.sleep(emu.settings.apiLatencyMs);
  const fault = emu.faults.roll(inc.path);
  if (fault.delayMs > 0) await emu.sleep(fault.delayMs);
  if (fault.action === 'reset') return { answer: { kind: 'reset' }, paramNames, nochange: false };
  if (typeof fault.action === 'object') {
    const status = fault.action.status;
    const answer: Answer =
      status === 500
        ? fail(500, 'server', '予期せぬエラーが発生しました。')
        : fault.action.deviceFailure
          ? fail(503, 'device', messages.deviceFailure)
          : { kind: 'empty', status };
    return { answer, paramNames, nochange: false };
  }
  if (isSenselink && tooLarge) {
    return {
      answer: { kind: 'json', status: 400, body: { code: 400, message: 'request body too large' } },
      paramNames,
      nochange: false,
    };
  }
  if (isSenselink) {
    const answer = await handleSenselink(emu, inc.method, inc.path, inc.query, inc.req.headers['content-type'], body);
    return { answer, paramNames, nochange: false };
  }
  const parsed: ParsedBody = tooLarge
    ? { ok: false, reason: 'size' }
    : await parseFormBody(inc.req.headers['content-type'], body);
  const params = parsed.ok ? { ...inc.query, ...parsed.params } : { ...inc.query };
  const names = Object.keys(params);
  const nochange = params['nochange-response-status'] === '1';
  const sub = inc.path.slice('/api1'.length);
  const header = inc.req.headers['ds-api-token'];
  const headerToken = Array.isArray(header) ? header[0] : header;
  if (!parsed.ok) {
    const answer = !ipAllowed(emu, inc.ip)
      ? fail(401, 'ip', messages.ip)
      : !tokenOk(emu, headerToken, params)
        ? fail(403, 'ds-api-token', messages.token)
        : parsed.reason === 'size'
          ? fail(400, 'body', messages.bodyTooLarge)
          : fail(400, 'body', messageJa('malformed', { label: 'リクエスト' }));
    return { answer, paramNames: names, nochange };
  }
  const answer = await handleFacet(emu, { method: inc.method, path: sub, params, headerToken, ip: inc.ip }, handlers);
  const callback = params[JSONP_PARAM];
  return { answer: callback === undefined ? answer : asJsonp(answer, callback), paramNames: names, nochange };
}

function isMaintenance(emu: Emu): boolean {
  return emu.settings.maintenance;
}

function servePicture(emu: Emu, inc: Incoming): Answer {
  if (inc.method !== 'GET' && inc.method !== 'HEAD') return { kind: 'empty', status: 405 };
  const name = inc.path.slice('/pictures/'.length);
  const verdict = emu.signer.verify(name, readCookies(inc.req.headers.cookie), inc.ip);
  if ('denied' in verdict)
    return { kind: 'bytes', status: 403, contentType: 'text/plain', body: Buffer.from(verdict.denied) };
  const data = getPicture(emu.db, verdict.pictureId);
  if (!data) return { kind: 'empty', status: 404 };
  return { kind: 'bytes', status: 200, contentType: 'image/jpeg', body: data };
}

/**
 * Writes an answer. A JSON body goes to `res.end` as a string: Node joins it to the head in one chunk
 * (a Buffer body stays a chunk of its own, after a copy of the text), and the common answer (no extra
 * headers) builds no intermediate header objects.
 */
function write(res: ServerResponse, answer: Answer): void {
  if (answer.kind === 'reset') {
    res.socket?.destroy();
    return;
  }
  const extra = 'headers' in answer ? answer.headers : undefined;
  if (extra) {
    for (const [k, v] of Object.entries(extra)) res.setHeader(k, k === 'set-cookie' ? v.split('\n') : v);
  }
  if (answer.kind === 'empty') {
    res.writeHead(answer.status, EMPTY_HEAD);
    res.end();
    return;
  }
  if (answer.kind === 'bytes') {
    res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': answer.body.length });
    res.end(answer.body);
    return;
  }
  const body = jsonText(answer.body);
  res.writeHead(answer.status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** JSON texts of frozen bodies (memoized answers, `memoOnDb`): they cannot change, so they are serialized once. */
const frozenTexts = new WeakMap<object, string>();

function jsonText(body: unknown): string {
  if (body === null || typeof body !== 'object' || !Object.isFrozen(body)) return JSON.stringify(body);
  let text = frozenTexts.get(body);
  if (text === undefined) {
    text = JSON.stringify(body);
    frozenTexts.set(body, text);
  }
  return text;
}
const EMPTY_HEAD = { 'content-length': '0' } as const;
