/**
 * SenseLink Cloud 認証レコード+ under `/api/v1/plus/`: sign check (`app_key`, `timestamp`, `sign` =
 * md5(`timestamp#app_secret`) as query parameters), POST record with a 1:N face search over the cloud
 * persons, GET records in a ≤24-hour window, GET image. Errors use `{code, message}` with the same
 * HTTP status as `code`.
 */

import { createHash, randomBytes } from 'node:crypto';
import { secretEquals } from '../core/compare.js';
import { parseIso8601 } from '../core/dates.js';
import { validateWire } from '../core/params/index.js';
import { endpointForPath, pathParamsOf } from '../registry/index.js';
import type { EndpointDef } from '../registry/types.js';
import type { Emu } from './emu.js';
import type { Answer } from './envelope.js';
import { analyse, bestMatch, hasFace } from './face-check.js';
import { pageOffset } from './handlers/common.js';
import { parseFormBody, parseJsonBody } from './http-util.js';
import { getPicture, putPicture, stmt } from './store.js';

const SIGN_PARAMS = ['app_key', 'timestamp', 'sign'];

function reply(code: number, message: string, data?: unknown): Answer {
  return { kind: 'json', status: code, body: data === undefined ? { code, message } : { code, message, data } };
}

function signOk(emu: Emu, query: Record<string, string>): boolean {
  const { app_key: key, timestamp, sign } = query;
  if (!key || !timestamp || !sign) return false;
  const expected = createHash('md5').update(`${timestamp}#${emu.settings.senselink.appSecret}`, 'utf8').digest('hex');
  // Both compared in constant time (hash digests of equal length).
  return secretEquals(key, emu.settings.senselink.appKey) && secretEquals(sign.toLowerCase(), expected);
}

export async function handleSenselink(
  emu: Emu,
  method: string,
  path: string,
  query: Record<string, string>,
  contentType: string | undefined,
  body: Buffer,
): Promise<Answer> {
  // Routing from the registry: the path templates and methods of the SenseLink entries.
  const known = endpointForPath('senselink', path);
  const pathParams = known ? pathParamsOf(known, path) : undefined;
  if (!known || !pathParams) return reply(404, 'Not Found');
  if (!signOk(emu, query)) return reply(401, 'sign verification failed: check app_key, timestamp and sign');
  const ep = endpointForPath('senselink', path, method === 'POST' ? 'POST' : method === 'GET' ? 'GET' : undefined);
  if (!ep?.methods.includes(method as 'GET' | 'POST')) return reply(405, 'Method Not Allowed');
  let params: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) if (!SIGN_PARAMS.includes(k)) params[k] = v;
  if (method === 'POST') {
    // JSON as the document says; a form body (what `facetctl api -f` sends) is read too, as before.
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    const form = type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
    const parsed = form ? await parseFormBody(contentType, body) : parseJsonBody(body);
    if (!parsed.ok) return reply(400, 'request body is not valid JSON');
    params = { ...params, ...parsed.params };
  }
  params = { ...params, ...pathParams };
  const issues = validateWire(ep, params, { allowUnknown: true });
  // The messages do not name their parameter (core/params): it is named here, once.
  if (issues.length) return reply(400, issues.map((i) => `${i.name}: ${i.message}`).join('; '));
  const handler = senselinkHandlers[ep.id];
  return handler ? handler(emu, ep, params) : reply(404, 'Not Found');
}

type SenselinkHandler = (emu: Emu, ep: EndpointDef, params: Record<string, string>) => Answer | Promise<Answer>;

/** A numeric parameter, or the default the registry documents for it. */
function numberParam(ep: EndpointDef, p: Record<string, string>, name: string): number {
  const value = p[name];
  return Number(value === undefined || value === '' ? ep.params[name]?.default : value);
}

async function createRecord(emu: Emu, ep: EndpointDef, p: Record<string, string>): Promise<Answer> {
  const bytes = Buffer.from(p['image.data'], 'base64');
  const threshold = numberParam(ep, p, 'threshold');
  const area = await searchArea(bytes, p);
  const probe = area ? await analyse(emu, area) : undefined;
  const persons = stmt(emu.db, 'SELECT seq, picture_id FROM persons WHERE picture_id IS NOT NULL').all() as {
    seq: number;
    picture_id: number | null;
  }[];
  const match = probe && hasFace(probe) ? await bestMatch(emu, probe, persons) : undefined;
  // SenseLink scores are 0–1; the analyzer's are 0–100.
  const score = match ? Math.round(match.score * 10) / 1000 : 0;
  const hit = match && score >= threshold ? match : undefined;
  const imageId = randomBytes(12).toString('hex');
  const pictureId = putPicture(emu.db, bytes);
  stmt(emu.db, 'INSERT INTO senselink_images (id, picture_id) VALUES (?, ?)').run(imageId, pictureId);
  const extend = p.extend ?? null;
  const info = stmt(
    emu.db,
    `INSERT INTO senselink_records (sn, image_id, user_id, verify_score, device_timestamp, timezone, create_at, extend)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    p.sn,
    imageId,
    hit ? hit.candidate.seq : null,
    score,
    Number(p.timestamp),
    p.timezone ?? 'GMT+9:00',
    // create_at: milliseconds since the epoch (the document gives no unit; time_from/time_to compare with it).
    Date.now(),
    extend,
  );
  return reply(200, 'OK', { record_id: Number(info.lastInsertRowid), image_id: imageId });
}

const RECT = ['image.rectangle.left', 'image.rectangle.top', 'image.rectangle.width', 'image.rectangle.height'];

/**
 * The part of the picture the face search looks at: 「画像内の領域範囲の指定。領域内の最も大きい顔を検出。」
 * With all four `image.rectangle.*` values, that rectangle clipped to the picture (a JPEG of it);
 * undefined when it lies outside the picture (no face can be found); otherwise the whole picture.
 */
async function searchArea(bytes: Buffer, p: Record<string, string>): Promise<Buffer | undefined> {
  if (RECT.some((k) => p[k] === undefined || p[k] === '')) return bytes;
  const [left, top, width, height] = RECT.map((k) => Number(p[k]));
  const { default: sharp } = await import('sharp');
  try {
    const meta = await sharp(bytes).metadata();
    const w = Math.min(width, (meta.width ?? 0) - left);
    const h = Math.min(height, (meta.height ?? 0) - top);
    if (w <= 0 || h <= 0) return undefined;
    return await sharp(bytes).extract({ left, top, width: w, height: h }).jpeg().toBuffer();
  } catch {
    return bytes;
  }
}

interface RecordRow {
  id: number;
  sn: string;
  image_id: string;
  user_id: number | null;
  verify_score: number;
  device_timestamp: number;
  timezone: string;
  create_at: number;
  extend: string | null;
}

/**
 * Formats, ranges and the 24-hour window were checked by validateWire (the registry's window24h rule).
 * Bounds are inclusive at the wire's one-second precision: `time_to` 16:47:25 includes a record stored
 * at 16:47:25.600 (create_at is in milliseconds).
 */
function getRecords(emu: Emu, ep: EndpointDef, p: Record<string, string>): Answer {
  const from = Math.floor((parseIso8601(p.time_from) ?? 0) / 1000) * 1000;
  const to = Math.floor((parseIso8601(p.time_to) ?? 0) / 1000) * 1000 + 999;
  const page = numberParam(ep, p, 'page');
  const size = numberParam(ep, p, 'size');
  const order = p.order === '1' ? 'ASC' : 'DESC';
  const parts = ['create_at >= ?', 'create_at <= ?'];
  const args: (string | number)[] = [from, to];
  if (p.sn) {
    parts.push('sn = ?');
    args.push(p.sn);
  }
  const where = parts.join(' AND ');
  const total = (
    stmt(emu.db, `SELECT COUNT(*) AS n FROM senselink_records WHERE ${where}`).get(...args) as { n: number }
  ).n;
  const rows = stmt(emu.db, `SELECT * FROM senselink_records WHERE ${where} ORDER BY id ${order} LIMIT ? OFFSET ?`).all(
    ...args,
    size,
    pageOffset(page, size, total),
  ) as RecordRow[];
  return reply(200, 'OK', {
    page_num: page,
    page_size: size,
    total,
    list: rows.map((r) => ({
      record_id: r.id,
      sn: r.sn,
      image_id: r.image_id,
      user_id: r.user_id,
      verify_score: r.verify_score,
      device_timestamp: r.device_timestamp,
      timezone: r.timezone,
      create_at: r.create_at,
      extend: r.extend,
    })),
  });
}

function getImage(emu: Emu, _ep: EndpointDef, p: Record<string, string>): Answer {
  const imageId = p.image_id;
  const row = stmt(emu.db, 'SELECT picture_id FROM senselink_images WHERE id = ?').get(imageId) as
    | { picture_id: number }
    | undefined;
  const data = row ? getPicture(emu.db, row.picture_id) : undefined;
  if (!data) return reply(404, `image ${imageId} not found`);
  const isPng = data[0] === 0x89 && data[1] === 0x50;
  return { kind: 'bytes', status: 200, contentType: isPng ? 'image/png' : 'image/jpeg', body: data };
}

/** Every SenseLink endpoint's handler, keyed by the registry id. */
const senselinkHandlers: Readonly<Record<string, SenselinkHandler>> = {
  'senselink.createRecord': createRecord,
  'senselink.getRecords': getRecords,
  'senselink.getImage': getImage,
};
