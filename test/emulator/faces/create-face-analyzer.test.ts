import { describe, expect, it } from 'vitest';
import { createFaceAnalyzer, detectorAvailable, FACE_MODES } from '../../../src/emulator/faces/index.js';

describe('createFaceAnalyzer', () => {
  it('sees the detector add-on installed as a devDependency', async () => {
    expect(await detectorAvailable()).toBe(true);
  });

  it('picks the detector by default when it is installed', async () => {
    expect((await createFaceAnalyzer()).mode).toBe('detector');
  });

  it.each(FACE_MODES)('gives the %s mode when asked', async (mode) => {
    expect((await createFaceAnalyzer(mode)).mode).toBe(mode);
  });
});
