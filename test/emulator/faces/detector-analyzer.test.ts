import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createFaceAnalyzer,
  detectorAvailable,
  type FaceAnalyzer,
  SAME_PERSON_SCORE,
} from '../../../src/emulator/faces/index.js';
import { analysed, editedCopies, FACE_FIXTURES, fixture, NOFACE_FIXTURES, twoFacesSideBySide } from './pictures.js';

// The add-on is a devDependency here; on a lean install these tests are reported as skipped.
const installed = await detectorAvailable();

describe.skipIf(!installed)('detector mode (@vladmandic/face-api on the wasm backend)', () => {
  let detector: FaceAnalyzer;
  beforeAll(async () => {
    detector = await createFaceAnalyzer('detector');
  });

  it('reports its mode', () => {
    expect(detector.mode).toBe('detector');
  });

  it.each(FACE_FIXTURES)('finds exactly one face in %s, with a 128-number descriptor', async (name) => {
    const r = await detector.analyze(await fixture(name));
    expect(r).toMatchObject({ decodable: true, faces: 1 });
    expect(r.signature).toHaveLength(128);
  });

  it.each(NOFACE_FIXTURES)('finds no face in %s', async (name) => {
    expect(await detector.analyze(await fixture(name))).toEqual({ decodable: true, faces: 0 });
  });

  it('analyses a large picture (shrunk on load) like the original', async () => {
    const large = await sharp(await fixture('face-astronaut.jpg'))
      .resize(3000, 3000)
      .jpeg()
      .toBuffer();
    expect((await detector.analyze(large)).faces).toBe(1);
  });

  it('finds both faces in two portraits side by side', async () => {
    expect((await detector.analyze(await twoFacesSideBySide())).faces).toBeGreaterThanOrEqual(2);
  });

  it.each(FACE_FIXTURES)('an edited copy of %s is the same person', async (name) => {
    const original = await analysed(detector, await fixture(name));
    for (const [edit, copy] of Object.entries(await editedCopies(original.bytes))) {
      const other = await analysed(detector, copy);
      expect(other.faces, edit).toBe(1);
      expect(detector.samePerson(original, other), edit).toBe(true);
      expect(detector.score(original, other), edit).toBeGreaterThanOrEqual(SAME_PERSON_SCORE);
    }
  });

  it('the astronaut and the cameraman are different people', async () => {
    const a = await analysed(detector, await fixture('face-astronaut.jpg'));
    const b = await analysed(detector, await fixture('face-cameraman.jpg'));
    expect(detector.samePerson(a, b)).toBe(false);
    expect(detector.score(a, b)).toBeLessThan(SAME_PERSON_SCORE);
    expect(detector.score(a, b)).toBe(detector.score(b, a));
  });

  it('the person in a group picture is the largest face', async () => {
    const group = await analysed(detector, await twoFacesSideBySide());
    const astronaut = await analysed(detector, await fixture('face-astronaut.jpg'));
    expect(detector.samePerson(group, astronaut)).toBe(true);
  });

  it('a picture without a face matches nobody', async () => {
    const cat = await analysed(detector, await fixture('noface-cat.jpg'));
    expect(detector.samePerson(cat, cat)).toBe(false);
    expect(detector.score(cat, cat)).toBe(0);
  });
});

describe('decoding as a terminal does (issue 9 §5)', () => {
  it('keeps the stored pixels: no EXIF rotation, so a sideways-stored photo stays sideways', async () => {
    const { decodeJpeg } = await import('../../../src/emulator/faces/jpeg.js');
    const stored = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#884422' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const pic = await decodeJpeg(stored);
    expect([pic?.width, pic?.height]).toEqual([300, 200]);
  });

  it('refuses a CMYK JPEG (terminals decode RGB/YCbCr)', async () => {
    const { decodeJpeg, isDecodableJpeg } = await import('../../../src/emulator/faces/jpeg.js');
    const cmyk = await sharp(await fixture('face-astronaut.jpg'))
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    expect(await decodeJpeg(cmyk)).toBeUndefined();
    expect(await isDecodableJpeg(cmyk)).toBe(false);
  });
});

describe.skipIf(!installed)('detector mode on a phone photo stored sideways', () => {
  it('judges the tagged photo exactly as the same pixels without the tag', async () => {
    const detector = await createFaceAnalyzer('detector');
    const turned = await sharp(await fixture('face-astronaut.jpg'))
      .rotate(-90)
      .jpeg({ quality: 90 })
      .toBuffer();
    const tagged = await sharp(turned).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer();
    const a = await detector.analyze(turned);
    const b = await detector.analyze(tagged);
    expect(b.faces).toBe(a.faces);
  });
});
