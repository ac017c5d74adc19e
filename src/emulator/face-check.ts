/**
 * Face questions the cloud and the devices ask, answered by the face analyzer (`./faces/`).
 *
 * Stored pictures are content-addressed, so "the same bytes" is "the same picture id": that is
 * answered by SQL (an index on the device's picture ids), and in `off` mode it is the whole answer, so
 * importing thousands of synthetic pictures never compares pictures pairwise. Analyses are cached by
 * content (the sha256 the store keys pictures by), so a picture is decoded and analysed at most once
 * however many calls carry it (checkPersonPicture, then toDevice on each device); comparisons against
 * a device's persons then run synchronously over cached signatures.
 */
import { createHash } from 'node:crypto';
import type { Emu } from './emu.js';
import type { AnalyzedPicture, FaceResult } from './faces/index.js';
import { getPicture, stmt } from './store.js';

export type Analysed = AnalyzedPicture;

const CACHE_LIMIT = 50_000;
/** Per emulator: content sha256 → the analysis (a promise, so concurrent calls with one picture share it). */
const caches = new WeakMap<Emu, Map<string, Promise<FaceResult>>>();
/** The settled analyses of the same cache, for synchronous comparisons. */
const settled = new WeakMap<Emu, Map<string, FaceResult>>();

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function cacheOf(emu: Emu): { pending: Map<string, Promise<FaceResult>>; done: Map<string, FaceResult> } {
  let pending = caches.get(emu);
  let done = settled.get(emu);
  if (!pending || !done) {
    pending = new Map();
    done = new Map();
    caches.set(emu, pending);
    settled.set(emu, done);
  }
  return { pending, done };
}

/** The analysis of these bytes (whose sha256 is `sha`), computed at most once per content. */
function analysisOf(emu: Emu, sha: string, load: () => Buffer | undefined): Promise<FaceResult> | undefined {
  const { pending, done } = cacheOf(emu);
  const hit = pending.get(sha);
  if (hit) return hit;
  const bytes = load();
  if (!bytes) return undefined;
  const job = emu.faces.analyze(bytes).then(
    (result) => {
      if (pending.get(sha) === job) done.set(sha, result);
      return result;
    },
    (err: unknown) => {
      pending.delete(sha);
      throw err;
    },
  );
  if (pending.size >= CACHE_LIMIT) {
    const oldest = pending.keys().next().value as string;
    pending.delete(oldest);
    done.delete(oldest);
  }
  pending.set(sha, job);
  return job;
}

export async function analyse(emu: Emu, bytes: Buffer): Promise<Analysed> {
  const result = await analysisOf(emu, sha256(bytes), () => bytes);
  return { ...(result as FaceResult), bytes };
}

export function hasFace(a: Analysed): boolean {
  return a.decodable && a.faces >= 1;
}

function pictureSha(emu: Emu, pictureId: number): string | undefined {
  const row = stmt(emu.db, 'SELECT sha FROM pictures WHERE id = ?').get(pictureId) as { sha: string } | undefined;
  return row?.sha;
}

/** The analysis without the picture: the bytes are read again only when an analyzer wants them. */
function light(emu: Emu, pictureId: number, result: FaceResult): Analysed {
  const { db } = emu;
  return Object.defineProperty({ ...result } as Analysed, 'bytes', {
    enumerable: true,
    get: () => getPicture(db, pictureId) ?? Buffer.alloc(0),
  });
}

export async function analyseStored(emu: Emu, pictureId: number): Promise<Analysed | undefined> {
  const sha = pictureSha(emu, pictureId);
  if (sha === undefined) return undefined;
  const result = await analysisOf(emu, sha, () => getPicture(emu.db, pictureId));
  return result ? light(emu, pictureId, result) : undefined;
}

/** Analyses of stored pictures by id: from the cache without waiting, analysing only the ones not seen yet. */
async function analyseStoredMany(emu: Emu, rows: { id: number; sha: string }[]): Promise<Map<number, Analysed>> {
  const { done } = cacheOf(emu);
  const out = new Map<number, Analysed>();
  const missing: { id: number; sha: string }[] = [];
  for (const r of rows) {
    const hit = done.get(r.sha);
    if (hit) out.set(r.id, light(emu, r.id, hit));
    else missing.push(r);
  }
  for (const r of missing) {
    const result = await analysisOf(emu, r.sha, () => getPicture(emu.db, r.id));
    if (result) out.set(r.id, light(emu, r.id, result));
  }
  return out;
}

/** The stored picture id of these bytes, if they are stored. */
export function storedPictureId(emu: Emu, bytes: Buffer): number | undefined {
  const row = stmt(emu.db, 'SELECT id FROM pictures WHERE sha = ?').get(sha256(bytes)) as { id: number } | undefined;
  return row?.id;
}

/** Whether another person on the device has this face (toDevice's 「既に保存されている人物の顔写真です。」). */
export async function faceOnDevice(
  emu: Emu,
  serial: string,
  exceptCode: string,
  pictureId: number,
  probe: Analysed,
): Promise<boolean> {
  const { db } = emu;
  // Same bytes, same face: decided by the (serial, picture_id) index without analysing anything.
  const same = stmt(db, 'SELECT 1 FROM device_persons WHERE serial = ? AND picture_id = ? AND code <> ? LIMIT 1').get(
    serial,
    pictureId,
    exceptCode,
  );
  if (same) return true;
  if (emu.faces.mode === 'off') return false;
  const others = stmt(
    db,
    `SELECT DISTINCT d.picture_id AS id, p.sha AS sha FROM device_persons d JOIN pictures p ON p.id = d.picture_id
     WHERE d.serial = ? AND d.code <> ? AND d.picture_id <> ?`,
  ).all(serial, exceptCode, pictureId) as { id: number; sha: string }[];
  const analysed = await analyseStoredMany(emu, others);
  for (const other of analysed.values()) {
    if (hasFace(other) && emu.faces.samePerson(probe, other)) return true;
  }
  return false;
}

/** The most similar candidate (by stored picture) and its score 0–100, whether or not it is the same person. */
export async function bestMatch<T extends { picture_id: number | null }>(
  emu: Emu,
  probe: Analysed,
  candidates: T[],
): Promise<{ candidate: T; score: number; same: boolean } | undefined> {
  const probeId = storedPictureId(emu, probe.bytes);
  const identical = probeId === undefined ? undefined : candidates.find((c) => c.picture_id === probeId);
  if (identical) return { candidate: identical, score: 100, same: true };
  // In `off` mode only identical bytes are similar at all.
  if (emu.faces.mode === 'off') return undefined;
  const ids = [...new Set(candidates.map((c) => c.picture_id).filter((id): id is number => id !== null))];
  const rows = ids.flatMap((id) => {
    const sha = pictureSha(emu, id);
    return sha === undefined ? [] : [{ id, sha }];
  });
  const analysed = await analyseStoredMany(emu, rows);
  let best: { candidate: T; score: number; same: boolean } | undefined;
  for (const c of candidates) {
    const other = c.picture_id === null ? undefined : analysed.get(c.picture_id);
    if (!other || !hasFace(other)) continue;
    const score = emu.faces.score(probe, other);
    if (!best || score > best.score) best = { candidate: c, score, same: emu.faces.samePerson(probe, other) };
  }
  return best;
}
