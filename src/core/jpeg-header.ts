/**
 * What a JPEG's marker segments say without decoding it: the frame header's component count (1 grey,
 * 3 YCbCr/RGB, 4 CMYK/YCCK) and the EXIF Orientation tag (1–8). Both are what sharp's `metadata()`
 * reports as `channels` and `orientation` for a JPEG; reading them here saves a round trip through
 * sharp's thread pool per picture (bulk imports check thousands). Anything this reader cannot walk
 * (truncated, unusual layout) gives `undefined`, and the caller asks sharp instead.
 */

import { markerAt } from './jpeg-markers.js';

export interface JpegHeader {
  /** Components in the frame header (SOFn): 1, 3 or 4. */
  components: number;
  /** The EXIF Orientation of IFD0 (1 when there is no EXIF or no such tag). */
  orientation: number;
}

const EXIF = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

/** The header facts of a JPEG (bytes starting with FF D8), or undefined when they cannot be read here. */
export function readJpegHeader(bytes: Uint8Array): JpegHeader | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let orientation = 1;
  let i = 2;
  for (;;) {
    const seg = markerAt(bytes, i);
    if (!seg) return undefined;
    // EOI or SOS before a frame header: not a JPEG read here. Other lone markers are stepped over.
    if (seg.marker === 0xd9 || seg.marker === 0xda) return undefined;
    if (seg.marker === 0xe1 && seg.end - seg.start >= 6 && EXIF.every((b, k) => bytes[seg.start + k] === b)) {
      const o = exifOrientation(bytes.subarray(seg.start + 6, seg.end));
      if (o === undefined) return undefined;
      orientation = o;
    }
    const m = seg.marker;
    const isSof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (isSof) return seg.end - seg.start >= 6 ? { components: bytes[seg.start + 5], orientation } : undefined;
    i = seg.end;
  }
}

/** Components in the frame header only (see readJpegHeader). */
export function jpegComponents(bytes: Uint8Array): number | undefined {
  return readJpegHeader(bytes)?.components;
}

/** Orientation (tag 0x0112) of IFD0 in a TIFF block; 1 when absent; undefined when the block is malformed. */
function exifOrientation(tiff: Uint8Array): number | undefined {
  if (tiff.length < 8) return undefined;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return undefined;
  const u16 = (at: number) => (little ? tiff[at] | (tiff[at + 1] << 8) : (tiff[at] << 8) | tiff[at + 1]);
  const u32 = (at: number) => (little ? u16(at) + u16(at + 2) * 65536 : u16(at) * 65536 + u16(at + 2));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  if (ifd + 2 + count * 12 > tiff.length) return undefined;
  for (let e = 0; e < count; e++) {
    const at = ifd + 2 + e * 12;
    if (u16(at) !== 0x0112) continue;
    // SHORT, count 1: the value sits in the first two bytes of the value field.
    if (u16(at + 2) !== 3 || u32(at + 4) !== 1) return undefined;
    const value = u16(at + 8);
    return value >= 1 && value <= 8 ? value : undefined;
  }
  return 1;
}
