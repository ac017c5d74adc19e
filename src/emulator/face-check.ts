/**
 * Face questions the cloud and the devices ask, answered by the face analyzer (`./faces/`). Analyses
 * are cached per stored picture so a 1:N search over many persons stays cheap after the first time.
 */
import type { Emu } from './emu.js';
import type { AnalyzedPicture } from './faces/index.js';
import { getPicture } from './store.js';

export type Analysed = AnalyzedPicture;

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
  const result = await analyse(emu, bytes);
  if (cache.size > 5000) cache.clear();
  cache.set(pictureId, result);
  return result;
}

/** The most similar candidate (by stored picture) and its score 0–100, whether or not it is the same person. */
export async function bestMatch<T extends { picture_id: number | null }>(
  emu: Emu,
  probe: Analysed,
  candidates: T[],
): Promise<{ candidate: T; score: number; same: boolean } | undefined> {
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
