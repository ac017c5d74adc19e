/**
 * Face questions the cloud and the devices ask, answered by the face analyzer. Analyses are cached
 * per stored picture so a 1:N search over many persons stays cheap after the first time.
 */
import type { Emu } from './emu.js';
import type { FaceResult } from './face-shim.js';
import { getPicture } from './store.js';

export type Analysed = FaceResult & { bytes: Buffer };

const caches = new WeakMap<Emu, Map<number, Analysed>>();

export async function analyse(emu: Emu, bytes: Buffer): Promise<Analysed> {
  return { ...(await emu.faces.analyze(bytes)), bytes };
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

/**
 * A similarity score in [0, 1]: 1 for the same bytes; for the same person by the analyzer, 0.9 plus
 * up to 0.09 from signature closeness when signatures exist; 0 otherwise.
 */
export function similarity(emu: Emu, a: Analysed, b: Analysed): number {
  if (a.bytes.equals(b.bytes)) return 1;
  if (!a.decodable || !b.decodable || a.faces < 1 || b.faces < 1) return 0;
  if (!emu.faces.samePerson(a, b)) return 0;
  if (a.signature && b.signature && a.signature.length === b.signature.length) {
    let sum = 0;
    for (let i = 0; i < a.signature.length; i++) sum += (a.signature[i] - b.signature[i]) ** 2;
    const distance = Math.sqrt(sum);
    return 0.9 + 0.09 * Math.max(0, 1 - distance);
  }
  return 0.95;
}

/** The best match among candidates (by stored picture), or undefined when none is the same person. */
export async function bestMatch<T extends { picture_id: number | null }>(
  emu: Emu,
  probe: Analysed,
  candidates: T[],
): Promise<{ candidate: T; score: number } | undefined> {
  let best: { candidate: T; score: number } | undefined;
  for (const c of candidates) {
    if (c.picture_id === null) continue;
    const other = await analyseStored(emu, c.picture_id);
    if (!other) continue;
    const score = similarity(emu, probe, other);
    if (score > 0 && (!best || score > best.score)) best = { candidate: c, score };
  }
  return best;
}
