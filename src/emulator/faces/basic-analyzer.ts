import { decodeJpeg, type RgbPicture, thumbnail } from './jpeg.js';
import { looksLikePortrait, portraitStats } from './portrait-test.js';
import { normalisedSignature, SIGNATURE_SIDE, signatureCorrelation } from './thumbnail-signature.js';
import {
  type AnalyzedPicture,
  type FaceAnalyzer,
  type FaceResult,
  roundScore,
  SAME_PERSON_SCORE,
  UNDECODABLE,
} from './types.js';

/** Pictures at least this much wider than tall are read as two portraits side by side. */
export const SIDE_BY_SIDE_ASPECT = 1.8;
const TEST_SIDE = 64;

type Region = { left: number; top: number; width: number; height: number };

async function portraitIn(pic: RgbPicture, region: Region): Promise<boolean> {
  const t = await thumbnail(pic, TEST_SIDE, { region });
  return looksLikePortrait(portraitStats(t.data, t.width, t.height));
}

async function countFaces(pic: RgbPicture): Promise<number> {
  const whole = { left: 0, top: 0, width: pic.width, height: pic.height };
  if (pic.width < SIDE_BY_SIDE_ASPECT * pic.height) return (await portraitIn(pic, whole)) ? 1 : 0;
  const half = Math.floor(pic.width / 2);
  const left = await portraitIn(pic, { ...whole, width: half });
  const right = await portraitIn(pic, { ...whole, left: half, width: pic.width - half });
  return Number(left) + Number(right);
}

async function signatureOf(pic: RgbPicture): Promise<number[]> {
  const t = await thumbnail(pic, SIGNATURE_SIDE, { fill: true, grey: true });
  return normalisedSignature(t.data);
}

/** Correlation 0.9 (the same-picture threshold) maps to 80 (SAME_PERSON_SCORE), 1.0 to 100, ≤0.5 to 0. */
function basicScore(a: AnalyzedPicture, b: AnalyzedPicture): number {
  if (!a.signature || !b.signature || a.faces < 1 || b.faces < 1) return 0;
  return roundScore(100 * (2 * signatureCorrelation(a.signature, b.signature) - 1));
}

export function createBasicAnalyzer(): FaceAnalyzer {
  return {
    mode: 'basic',
    async analyze(jpeg: Buffer): Promise<FaceResult> {
      const pic = await decodeJpeg(jpeg);
      if (!pic) return { ...UNDECODABLE };
      const faces = await countFaces(pic);
      return { decodable: true, faces, signature: await signatureOf(pic) };
    },
    score: basicScore,
    samePerson: (a, b) => basicScore(a, b) >= SAME_PERSON_SCORE,
  };
}
