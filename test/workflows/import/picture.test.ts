/**
 * The local picture check that runs on every row before anything is sent: the decode at 1/8 scale
 * still reads every entropy-coded block, so a photo cut short anywhere is refused, as a full decode
 * would refuse it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { heifKind, preparePicture } from '../../../src/workflows/import/picture.js';
import { picture } from '../../helpers/fixtures.js';
import { tempDir } from '../../helpers/temp.js';

const MAX = 5 * 1024 * 1024;

describe('the local picture check', () => {
  let dir: string;
  const photo = picture('face-astronaut.jpg');
  beforeAll(() => {
    dir = tempDir();
    writeFileSync(join(dir, 'whole.jpg'), photo);
    // Cut at several points of the entropy-coded data, the end marker (FFD9) missing each time.
    for (const part of [0.3, 0.6, 0.9]) {
      writeFileSync(join(dir, `cut-${part}.jpg`), photo.subarray(0, Math.floor(photo.length * part)));
    }
    writeFileSync(join(dir, 'no-end.jpg'), photo.subarray(0, photo.length - 2));
  });

  it('accepts a whole photo and says its hash', async () => {
    const got = await preparePicture(join(dir, 'whole.jpg'), 'whole.jpg', { fix: false, maxBase64: MAX });
    expect(got.ok).toBe(true);
    if (got.ok) expect(got.picture.bytes.equals(photo)).toBe(true);
  });

  for (const name of ['cut-0.3.jpg', 'cut-0.6.jpg', 'cut-0.9.jpg', 'no-end.jpg']) {
    it(`refuses ${name}, a photo cut short`, async () => {
      const got = await preparePicture(join(dir, name), name, { fix: false, maxBase64: MAX });
      expect(got).toEqual({ ok: false, message: expect.stringMatching(`^${name} cannot be decoded as a JPEG: `) });
    });
  }
});

describe('HEIF pictures (iPhone photos)', () => {
  /** An ftyp box: `major`, then the compatible brands, then a few bytes of anything. */
  const heif = (major: string, ...compatible: string[]) => {
    const size = 16 + 4 * compatible.length;
    const box = Buffer.alloc(size);
    box.writeUInt32BE(size, 0);
    box.write('ftyp', 4, 'latin1');
    box.write(major, 8, 'latin1');
    for (const [i, b] of compatible.entries()) box.write(b, 16 + 4 * i, 'latin1');
    return Buffer.concat([box, Buffer.alloc(2000, 7)]);
  };

  it('the --fix-pictures hint only for formats it converts (not a text file or a video)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.jpg'), 'hello, not a picture');
    writeFileSync(join(dir, 'clip.jpg'), heif('isom', 'mp42'));
    writeFileSync(join(dir, 'logo.jpg'), heif('avif', 'mif1'));
    const message = async (name: string) => {
      const got = await preparePicture(join(dir, name), name, { fix: false, maxBase64: MAX });
      return got.ok ? '' : got.message;
    };
    expect(await message('notes.jpg')).toBe('notes.jpg is not a JPEG (not an image format facetCloud takes)');
    expect(await message('clip.jpg')).toBe('clip.jpg is not a JPEG (not an image format facetCloud takes)');
    expect(await message('logo.jpg')).toBe('logo.jpg is not a JPEG (AVIF) (--fix-pictures converts it)');
  });

  it('tells HEIC from AVIF by the ftyp brands', () => {
    expect(heifKind(heif('heic', 'mif1', 'heic'))).toBe('HEIC');
    expect(heifKind(heif('mif1', 'mif1', 'heic'))).toBe('HEIC');
    expect(heifKind(heif('heix'))).toBe('HEIC');
    expect(heifKind(heif('avif', 'mif1', 'miaf'))).toBe('AVIF');
    expect(heifKind(heif('mif1', 'avif'))).toBe('AVIF');
    expect(heifKind(heif('isom', 'mp42'))).toBeUndefined();
    expect(heifKind(picture('face-astronaut.jpg'))).toBeUndefined();
  });

  it('a HEIC photo, whatever its name, is refused with the way to a JPEG, with or without --fix-pictures', async () => {
    const dir = tempDir();
    for (const name of ['IMG_0001.HEIC', 'renamed.jpg']) {
      writeFileSync(join(dir, name), heif('heic', 'mif1', 'heic'));
      for (const fix of [false, true]) {
        const got = await preparePicture(join(dir, name), name, { fix, maxBase64: MAX });
        expect(got.ok).toBe(false);
        if (!got.ok) {
          expect(got.message).toMatch(new RegExp(`^${name.replace('.', '\\.')} is a HEIC photo`));
          expect(got.message).toContain('save it as JPEG');
          expect(got.message).not.toContain('--fix-pictures');
        }
      }
    }
  });
});
