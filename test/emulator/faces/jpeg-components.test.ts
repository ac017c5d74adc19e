import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isDecodableJpeg, jpegComponents } from '../../../src/emulator/faces/jpeg.js';
import { picture } from '../../helpers/fixtures.js';

const FIXTURES = ['face-astronaut.jpg', 'face-cameraman.jpg', 'noface-cat.jpg', 'noface-coffee.jpg', 'noface-gray.jpg'];

describe('jpegComponents: the frame header read instead of sharp metadata', () => {
  it('agrees with sharp on every fixture JPEG', async () => {
    for (const name of FIXTURES) {
      const bytes = picture(name);
      expect(jpegComponents(bytes), name).toBe((await sharp(bytes).metadata()).channels);
    }
  });

  it('reads grey (1), progressive YCbCr (3) and CMYK (4) JPEGs, and a CMYK one is not decodable', async () => {
    const base = sharp(picture('face-astronaut.jpg')).resize(64, 64);
    const grey = await base.clone().toColourspace('b-w').jpeg().toBuffer();
    const progressive = await base.clone().jpeg({ progressive: true }).toBuffer();
    const cmyk = await base.clone().toColourspace('cmyk').jpeg().toBuffer();
    expect(jpegComponents(grey)).toBe(1);
    expect(jpegComponents(progressive)).toBe(3);
    expect(jpegComponents(cmyk)).toBe(4);
    expect((await sharp(cmyk).metadata()).channels).toBe(4);
    expect(await isDecodableJpeg(cmyk)).toBe(false);
    expect(await isDecodableJpeg(progressive)).toBe(true);
  });

  it('says undefined (ask sharp) when the header cannot be walked', () => {
    const bytes = picture('face-astronaut.jpg');
    expect(jpegComponents(bytes.subarray(0, 6))).toBeUndefined();
    expect(jpegComponents(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBeUndefined();
    expect(jpegComponents(Buffer.from([0xff, 0xd8, 0x00, 0x00, 0x00, 0x00]))).toBeUndefined();
  });
});
