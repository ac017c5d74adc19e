import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFaceAnalyzer, type FaceAnalyzer, SAME_PERSON_SCORE } from '../../../src/emulator/faces/index.js';
import { analysed, editedCopies, FACE_FIXTURES, fixture, NOFACE_FIXTURES, twoFacesSideBySide } from './pictures.js';

let basic: FaceAnalyzer;
beforeAll(async () => {
  basic = await createFaceAnalyzer('basic');
});

describe('basic mode: face test', () => {
  it('reports its mode', () => {
    expect(basic.mode).toBe('basic');
  });

  it.each(FACE_FIXTURES)('finds one face in %s', async (name) => {
    const r = await basic.analyze(await fixture(name));
    expect(r).toMatchObject({ decodable: true, faces: 1 });
    expect(r.signature).toHaveLength(256);
  });

  it.each(NOFACE_FIXTURES)('finds no face in %s', async (name) => {
    expect(await basic.analyze(await fixture(name))).toMatchObject({ decodable: true, faces: 0 });
  });

  it('analyses a large picture (shrunk on load) like the original', async () => {
    const large = await sharp(await fixture('face-astronaut.jpg'))
      .resize(3000, 3000)
      .jpeg()
      .toBuffer();
    expect((await basic.analyze(large)).faces).toBe(1);
  });

  it('finds the face in a tight crop of a portrait', async () => {
    const crop = await sharp(await fixture('face-astronaut.jpg'))
      .extract({ left: 154, top: 70, width: 107, height: 110 })
      .jpeg()
      .toBuffer();
    expect((await basic.analyze(crop)).faces).toBe(1);
  });

  it('finds no face in a blank picture of skin colour', async () => {
    const skin = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#d2a082' } })
      .jpeg()
      .toBuffer();
    expect((await basic.analyze(skin)).faces).toBe(0);
  });

  it('counts two faces in two portraits side by side', async () => {
    expect((await basic.analyze(await twoFacesSideBySide())).faces).toBe(2);
  });

  it('counts one face in a wide picture with a portrait beside a non-face', async () => {
    const astronaut = await fixture('face-astronaut.jpg');
    const coffee = await sharp(await fixture('noface-coffee.jpg'))
      .resize(480, 480, { fit: 'fill' })
      .toBuffer();
    const wide = await sharp({ create: { width: 960, height: 480, channels: 3, background: '#000' } })
      .composite([
        { input: astronaut, left: 0, top: 0 },
        { input: coffee, left: 480, top: 0 },
      ])
      .jpeg()
      .toBuffer();
    expect((await basic.analyze(wide)).faces).toBe(1);
  });

  it.each(FACE_FIXTURES)('still finds the face in edited copies of %s', async (name) => {
    for (const copy of Object.values(await editedCopies(await fixture(name)))) {
      expect((await basic.analyze(copy)).faces).toBe(1);
    }
  });

  it('is deterministic', async () => {
    const bytes = await fixture('face-astronaut.jpg');
    expect(await basic.analyze(bytes)).toEqual(await basic.analyze(bytes));
  });
});

describe('basic mode: same person', () => {
  it.each(FACE_FIXTURES)('an edited copy of %s is the same person', async (name) => {
    const original = await analysed(basic, await fixture(name));
    for (const [edit, copy] of Object.entries(await editedCopies(original.bytes))) {
      const other = await analysed(basic, copy);
      expect(basic.samePerson(original, other), edit).toBe(true);
      expect(basic.score(original, other), edit).toBeGreaterThanOrEqual(95);
    }
  });

  it('the two portraits are different people', async () => {
    const a = await analysed(basic, await fixture('face-astronaut.jpg'));
    const b = await analysed(basic, await fixture('face-cameraman.jpg'));
    expect(basic.samePerson(a, b)).toBe(false);
    expect(basic.score(a, b)).toBeLessThan(SAME_PERSON_SCORE);
  });

  it('a picture without a face matches nobody, not even itself', async () => {
    const cat = await analysed(basic, await fixture('noface-cat.jpg'));
    expect(basic.samePerson(cat, cat)).toBe(false);
    expect(basic.score(cat, cat)).toBe(0);
  });

  it('scores are symmetric, within 0–100 and have one decimal', async () => {
    const a = await analysed(basic, await fixture('face-astronaut.jpg'));
    const b = await analysed(basic, (await editedCopies(a.bytes)).resized90);
    const s = basic.score(a, b);
    expect(s).toBe(basic.score(b, a));
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThanOrEqual(100);
    expect(Math.round(s * 10)).toBe(s * 10);
    expect(basic.score(a, a)).toBe(100);
  });
});
