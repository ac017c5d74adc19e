import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isJpeg, preparePicture } from '../../../src/workflows/import/picture.js';
import { fixPicture, pictureNeedsFix } from '../../../src/workflows/import/picture-fix.js';
import { PICTURES, tempDir } from './fixtures.js';

const FIVE_MB = 5 * 1024 * 1024;

describe('--fix-pictures', () => {
  it('turns a PNG into a JPEG', async () => {
    const dir = tempDir();
    const png = await sharp(join(PICTURES, 'face-astronaut.jpg')).png().toBuffer();
    writeFileSync(join(dir, 'face.png'), png);
    const without = await preparePicture(join(dir, 'face.png'), 'face.png', { fix: false, maxBase64: FIVE_MB });
    expect(without).toEqual({ ok: false, message: 'face.png is not a JPEG (PNG) (--fix-pictures converts it)' });
    const got = await preparePicture(join(dir, 'face.png'), 'face.png', { fix: true, maxBase64: FIVE_MB });
    if (!got.ok) throw new Error(got.message);
    expect(got.picture.fixed).toBe(true);
    expect(isJpeg(got.picture.bytes)).toBe(true);
    const meta = await sharp(got.picture.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBeLessThanOrEqual(480);
    expect(meta.height).toBeLessThanOrEqual(720);
  });

  it('stands an EXIF-rotated JPEG upright', async () => {
    // Stored landscape 400×200 with orientation 6 (rotate 90° clockwise to view): upright it is 200×400.
    const stored = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#3366aa' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(stored).metadata()).orientation).toBe(6);
    expect(await pictureNeedsFix(stored, FIVE_MB)).toBe(true);
    const fixed = await fixPicture(stored, FIVE_MB);
    const meta = await sharp(fixed!).metadata();
    expect([meta.width, meta.height]).toEqual([200, 400]);
    expect(meta.orientation ?? 1).toBe(1);
  });

  it('shrinks an oversized picture into 480×720 and under the limit, stepping the quality down', async () => {
    const noise = Buffer.alloc(1200 * 1600 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const big = await sharp(noise, { raw: { width: 1200, height: 1600, channels: 3 } })
      .jpeg({ quality: 100 })
      .toBuffer();
    const limit = 200 * 1024;
    expect(await pictureNeedsFix(big, limit)).toBe(true);
    const fixed = await fixPicture(big, limit);
    expect(fixed).toBeDefined();
    expect(4 * Math.ceil(fixed!.length / 3)).toBeLessThanOrEqual(limit);
    const meta = await sharp(fixed!).metadata();
    expect(meta.width).toBeLessThanOrEqual(480);
    expect(meta.height).toBeLessThanOrEqual(720);
  });

  it('leaves a compliant JPEG alone and keeps the source file unchanged', async () => {
    const file = join(PICTURES, 'face-cameraman.jpg');
    const got = await preparePicture(file, 'face-cameraman.jpg', { fix: true, maxBase64: FIVE_MB });
    if (!got.ok) throw new Error(got.message);
    expect(got.picture.fixed).toBe(false);
    const { readFileSync } = await import('node:fs');
    expect(got.picture.bytes.equals(readFileSync(file))).toBe(true);
  });
});
