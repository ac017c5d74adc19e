export type FaceMode = 'detector' | 'basic' | 'off';

export interface FaceResult {
  decodable: boolean;
  faces: number;
  /** Detector: 128-number face descriptor; basic: normalised 16×16 thumbnail; off: absent. */
  signature?: number[];
}

export type AnalyzedPicture = FaceResult & { bytes: Buffer };

export interface FaceAnalyzer {
  mode: FaceMode;
  analyze(jpeg: Buffer): Promise<FaceResult>;
  /** Same person? True exactly when `score(a, b) >= SAME_PERSON_SCORE`. */
  samePerson(a: AnalyzedPicture, b: AnalyzedPicture): boolean;
  /** Similarity 0–100 with one decimal, for checkSimilarityInDevice and SenseLink 1:N (as 0–1 there). */
  score(a: AnalyzedPicture, b: AnalyzedPicture): number;
}

/** One threshold for every mode, so callers can reason about scores without knowing the mode. */
export const SAME_PERSON_SCORE = 80;

export const UNDECODABLE: FaceResult = Object.freeze({ decodable: false, faces: 0 }) as FaceResult;

export function roundScore(x: number): number {
  return Math.round(Math.min(100, Math.max(0, x)) * 10) / 10;
}
