import { beforeAll, describe, expect, it } from 'vitest';
import { createFaceAnalyzer, type FaceAnalyzer } from '../../../src/emulator/faces/index.js';
import { ALL_JPEG_FIXTURES, analysed, editedCopies, fixture } from './pictures.js';

let off: FaceAnalyzer;
beforeAll(async () => {
  off = await createFaceAnalyzer('off');
});

describe('off mode', () => {
  it.each(ALL_JPEG_FIXTURES)('accepts %s as one face without a signature', async (name) => {
    expect(await off.analyze(await fixture(name))).toEqual({ decodable: true, faces: 1 });
  });

  it('the same bytes are the same person, scored 100', async () => {
    const a = await analysed(off, await fixture('face-astronaut.jpg'));
    const b = await analysed(off, Buffer.from(a.bytes));
    expect(off.samePerson(a, b)).toBe(true);
    expect(off.score(a, b)).toBe(100);
  });

  it('an edited copy is another person, scored 0', async () => {
    const a = await analysed(off, await fixture('face-astronaut.jpg'));
    for (const copy of Object.values(await editedCopies(a.bytes))) {
      const b = await analysed(off, copy);
      expect(off.samePerson(a, b)).toBe(false);
      expect(off.score(a, b)).toBe(0);
    }
  });

  it('one changed byte makes another person', async () => {
    const a = await analysed(off, await fixture('noface-gray.jpg'));
    const changed = Buffer.from(a.bytes);
    changed[changed.length - 3] ^= 1;
    expect(off.samePerson(a, { ...a, bytes: changed })).toBe(false);
  });
});
