import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readJpegHeader } from '../../src/core/jpeg-header.js';
import { picture } from '../helpers/fixtures.js';

const FIXTURES = ['face-astronaut.jpg', 'face-cameraman.jpg', 'noface-cat.jpg', 'noface-coffee.jpg', 'noface-gray.jpg'];

/** A tiny TIFF block with IFD0 holding one Orientation entry, in either byte order, wrapped in APP1. */
function withExif(jpeg: Buffer, orientation: number, order: 'II' | 'MM'): Buffer {
  const tiff = Buffer.alloc(26);
  const le = order === 'II';
  tiff.write(order, 0, 'latin1');
  const w16 = (v: number, at: number) => (le ? tiff.writeUInt16LE(v, at) : tiff.writeUInt16BE(v, at));
  const w32 = (v: number, at: number) => (le ? tiff.writeUInt32LE(v, at) : tiff.writeUInt32BE(v, at));
  w16(42, 2);
  w32(8, 4);
  w16(1, 8); // one entry
  w16(0x0112, 10);
  w16(3, 12); // SHORT
  w32(1, 14);
  w16(orientation, 18);
  w32(0, 22); // no next IFD
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), app1, body, jpeg.subarray(2)]);
}

describe('readJpegHeader: what sharp metadata says, from the marker segments', () => {
  it('agrees with sharp on the fixtures', async () => {
    for (const name of FIXTURES) {
      const bytes = picture(name);
      const meta = await sharp(bytes).metadata();
      expect(readJpegHeader(bytes), name).toEqual({ components: meta.channels, orientation: meta.orientation ?? 1 });
    }
  });

  it('reads the EXIF Orientation in both byte orders, as sharp does', async () => {
    const plain = await sharp(picture('face-astronaut.jpg')).resize(64, 64).jpeg().toBuffer();
    for (const order of ['II', 'MM'] as const) {
      for (let o = 1; o <= 8; o++) {
        const bytes = withExif(plain, o, order);
        expect((await sharp(bytes).metadata()).orientation, `${order} ${o}`).toBe(o);
        expect(readJpegHeader(bytes), `${order} ${o}`).toEqual({ components: 3, orientation: o });
      }
    }
    const tagged = await sharp(plain).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect(readJpegHeader(tagged)?.orientation).toBe(6);
  });

  it('reads CMYK as 4 components', async () => {
    const cmyk = await sharp(picture('face-astronaut.jpg')).resize(64, 64).toColourspace('cmyk').jpeg().toBuffer();
    expect(readJpegHeader(cmyk)?.components).toBe(4);
  });

  it('gives up (undefined: ask sharp) on what it cannot walk', async () => {
    const plain = await sharp(picture('face-astronaut.jpg')).resize(64, 64).jpeg().toBuffer();
    expect(readJpegHeader(plain.subarray(0, 10))).toBeUndefined();
    expect(readJpegHeader(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBeUndefined();
    expect(readJpegHeader(withExif(plain, 9, 'II'))).toBeUndefined();
    const broken = withExif(plain, 6, 'II');
    broken.write('XX', 12, 'latin1'); // not a TIFF byte order (FFD8, APP1 header, Exif\0\0, then TIFF at 12)
    expect(readJpegHeader(broken)).toBeUndefined();
  });
});
