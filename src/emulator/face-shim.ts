/**
 * TEMPORARY stand-in for `./faces/index.js` (being written by another engineer) with the contract's
 * shape and the `off` semantics: any well-formed JPEG holds one face, and two pictures are the same
 * person when their bytes are equal. Delete once the real analyzer lands.
 */
export type FaceMode = 'detector' | 'basic' | 'off';
export interface FaceResult {
  decodable: boolean;
  faces: number;
  signature?: number[];
}
export interface FaceAnalyzer {
  mode: FaceMode;
  analyze(jpeg: Buffer): Promise<FaceResult>;
  samePerson(a: FaceResult & { bytes: Buffer }, b: FaceResult & { bytes: Buffer }): boolean;
}

function looksLikeJpeg(b: Buffer): boolean {
  return b.length > 4 && b[0] === 0xff && b[1] === 0xd8 && b.subarray(-4).includes(0xd9);
}

export async function createFaceAnalyzer(_mode?: FaceMode): Promise<FaceAnalyzer> {
  return {
    mode: 'off',
    async analyze(jpeg) {
      const ok = looksLikeJpeg(jpeg);
      return { decodable: ok, faces: ok ? 1 : 0 };
    },
    samePerson(a, b) {
      return a.bytes.equals(b.bytes);
    },
  };
}
