import { createBasicAnalyzer } from './basic-analyzer.js';
import { createDetectorAnalyzer, detectorAvailable } from './detector-analyzer.js';
import { createOffAnalyzer } from './off-analyzer.js';
import type { FaceAnalyzer, FaceMode } from './types.js';

export { detectorAvailable } from './detector-analyzer.js';
export {
  type AnalyzedPicture,
  type FaceAnalyzer,
  type FaceMode,
  type FaceResult,
  SAME_PERSON_SCORE,
} from './types.js';

export const FACE_MODES: readonly FaceMode[] = ['detector', 'basic', 'off'];

/**
 * The analysis behind `--faces`. Without a mode: the detector when the add-on is installed and starts,
 * else basic. An explicit `detector` rejects when the add-on is missing, with the install command.
 */
export async function createFaceAnalyzer(mode?: FaceMode): Promise<FaceAnalyzer> {
  if (mode === 'off') return createOffAnalyzer();
  if (mode === 'basic') return createBasicAnalyzer();
  if (mode === 'detector') return createDetectorAnalyzer();
  if (!(await detectorAvailable())) return createBasicAnalyzer();
  try {
    return await createDetectorAnalyzer();
  } catch {
    return createBasicAnalyzer();
  }
}
