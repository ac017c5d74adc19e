/** Decoding shared by every mode: JPEG magic first, then sharp (imported lazily: it is heavy). */
import { jpegComponents } from '../../core/jpeg-header.js';

export { jpegComponents };

export interface RgbPicture {
  data: Buffer;
  width: number;
  height: number;
}

export function hasJpegMagic(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

type Sharp = typeof import('sharp')['default'];
let sharpModule: Promise<Sharp> | undefined;

export function loadSharp(): Promise<Sharp> {
  sharpModule ??= import('sharp').then((m) => m.default);
  return sharpModule;
}

/**
 * Larger pictures are shrunk on load: neither analysis needs more (the detector works at 416 px), and a
 * 5 MB JPEG can hold 30+ megapixels.
 */
export const MAX_ANALYSED_SIDE = 1024;

/**
 * A terminal decodes RGB/YCbCr JPEGs; a CMYK one (4 channels, Adobe) is not a picture it can use.
 * Reads the header only: the frame header when it can be walked (`core/jpeg-header.ts`, no round trip
 * through sharp's thread pool), else sharp's metadata.
 */
async function isCmyk(sharp: Sharp, bytes: Buffer): Promise<boolean> {
  const components = jpegComponents(bytes);
  if (components !== undefined) return components === 4;
  const meta = await sharp(bytes).metadata();
  return meta.space === 'cmyk' || meta.channels === 4;
}

/**
 * sRGB pixels as a terminal sees them — the stored pixels, with no EXIF orientation applied (a phone
 * photo stored sideways stays sideways) — or undefined when the bytes are not a JPEG a terminal
 * decodes (not decodable, or CMYK).
 */
export async function decodeJpeg(bytes: Buffer): Promise<RgbPicture | undefined> {
  if (!hasJpegMagic(bytes)) return undefined;
  const sharp = await loadSharp();
  try {
    if (await isCmyk(sharp, bytes)) return undefined;
    const { data, info } = await sharp(bytes, { failOn: 'error' })
      .resize(MAX_ANALYSED_SIDE, MAX_ANALYSED_SIDE, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) return undefined;
    return { data, width: info.width, height: info.height };
  } catch {
    return undefined;
  }
}

/** A region of a decoded picture shrunk to fit `size`×`size` (aspect kept), or stretched to exactly that with `fill`. */
export async function thumbnail(
  pic: RgbPicture,
  size: number,
  opts: { fill?: boolean; grey?: boolean; region?: { left: number; top: number; width: number; height: number } } = {},
): Promise<RgbPicture & { channels: number }> {
  const sharp = await loadSharp();
  let img = sharp(pic.data, { raw: { width: pic.width, height: pic.height, channels: 3 } });
  if (opts.region) img = img.extract(opts.region);
  img = img.resize(size, size, { fit: opts.fill ? 'fill' : 'inside' });
  if (opts.grey) img = img.greyscale();
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Decodes (as a terminal would: not CMYK) without keeping the pixels; shrink-on-load lets libjpeg skip most of the work (off mode, bulk imports). */
export async function isDecodableJpeg(bytes: Buffer): Promise<boolean> {
  if (!hasJpegMagic(bytes)) return false;
  const sharp = await loadSharp();
  try {
    if (await isCmyk(sharp, bytes)) return false;
    await sharp(bytes, { failOn: 'error' }).resize(32, 32, { fit: 'inside' }).raw().toBuffer();
    return true;
  } catch {
    return false;
  }
}
