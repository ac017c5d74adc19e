/**
 * Face questions the cloud and the devices ask, answered by the face analyzer (`./faces/`).
 *
 * Stored pictures are content-addressed, so "the same bytes" is "the same picture id": that is
 * answered by SQL, and in `off` mode it is the whole answer, so importing thousands of synthetic
 * pictures never compares pictures pairwise. Other modes compare analyses, cached per picture id
 * with the bytes loaded only if the analyzer asks for them.
 */
import { createHash } from 'node:crypto';
import type { Emu } from './emu.js';
import type { AnalyzedPicture } from './faces/index.js';
import { getPicture } from './store.js';

export type Analysed = AnalyzedPicture;

const CACHE_LIMIT = 50_000;
const caches = new WeakMap<Emu, Map<number, Analysed>>();

export async function analyse(emu: Emu, bytes: Buffer): Promise<Analysed> {
  return { ...(await emu.faces.analyze(bytes)), bytes };
}

export function hasFace(a: Analysed): boolean {
  return a.decodable && a.faces >= 1;
}

export async function analyseStored(emu: Emu, pictureId: number): Promise<Analysed | undefined> {
  let cache = caches.get(emu);
  if (!cache) {
    cache = new Map();
    caches.set(emu, cache);
  }
  const hit = cache.get(pictureId);
  if (hit) return hit;
  const bytes = getPicture(emu.db, pictureId);
  if (!bytes) return undefined;
  const result = await emu.faces.analyze(bytes);
  const { db } = emu;
  // Keep the analysis, not the picture: the bytes are read again only when an analyzer wants them.
  const light = Object.defineProperty({ ...result } as Analysed, 'bytes', {
    enumerable: true,
    get: () => getPicture(db, pictureId) ?? Buffer.alloc(0),
  });
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as number);
  cache.set(pictureId, light);
  return light;
}

/** The stored picture id of these bytes, if they are stored. */
export function storedPictureId(emu: Emu, bytes: Buffer): number | undefined {
  const sha = createHash('sha256').update(bytes).digest('hex');
  const row = emu.db.prepare('SELECT id FROM pictures WHERE sha = ?').get(sha) as { id: number } | undefined;
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
  const same = db
    .prepare('SELECT 1 FROM device_persons WHERE serial = ? AND code <> ? AND picture_id = ? LIMIT 1')
    .get(serial, exceptCode, pictureId);
  if (same) return true;
  if (emu.faces.mode === 'off') return false;
  const others = db
    .prepare('SELECT picture_id FROM device_persons WHERE serial = ? AND code <> ? AND picture_id IS NOT NULL')
    .all(serial, exceptCode) as { picture_id: number }[];
  for (const o of others) {
    const other = await analyseStored(emu, o.picture_id);
    if (other && hasFace(other) && emu.faces.samePerson(probe, other)) return true;
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
  let best: { candidate: T; score: number; same: boolean } | undefined;
  for (const c of candidates) {
    if (c.picture_id === null) continue;
    const other = await analyseStored(emu, c.picture_id);
    if (!other || !hasFace(other)) continue;
    const score = emu.faces.score(probe, other);
    if (!best || score > best.score) best = { candidate: c, score, same: emu.faces.samePerson(probe, other) };
  }
  return best;
}
