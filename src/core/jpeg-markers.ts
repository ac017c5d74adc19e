/**
 * The marker segments of a JPEG file (ITU-T T.81 B.1.1), read one at a time: the one place that
 * knows how a segment is framed, shared by the header reader (jpeg-header.ts: components, EXIF
 * orientation) and the structure walk (jpeg-structure.ts: whole or not). Each decides which markers
 * it accepts where; neither decodes anything.
 */

/** A marker at a position of the file, with its segment when it has one. */
export interface JpegMarker {
  /** The marker code after FF (D8 SOI, C0 SOF0, DA SOS, E1 APP1…). */
  marker: number;
  /** Where the segment's parameters start (after the 2-byte length), or where the next marker may start for a marker without a length. */
  start: number;
  /** Where the segment ends, i.e. where the next marker (or, after SOS, the entropy-coded data) starts. */
  end: number;
}

/** Markers that stand alone, without a length (T.81 B.1.1.3): TEM, RST0–7, SOI, EOI. */
export function isStandaloneMarker(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9);
}

/**
 * The marker at byte `i` (fill bytes FF before it skipped, T.81 B.1.1.2) and, unless it stands alone,
 * its segment: a big-endian length of at least 2 that stays within the file.
 * @param bytes the whole file
 * @returns undefined when there is no marker at `i` or its segment runs past the end
 */
export function markerAt(bytes: Uint8Array, i: number): JpegMarker | undefined {
  const n = bytes.length;
  if (i + 2 > n || bytes[i] !== 0xff) return undefined;
  let at = i;
  while (bytes[at + 1] === 0xff) {
    at++;
    if (at + 2 > n) return undefined;
  }
  const marker = bytes[at + 1];
  if (isStandaloneMarker(marker)) return { marker, start: at + 2, end: at + 2 };
  if (at + 4 > n) return undefined;
  const length = (bytes[at + 2] << 8) | bytes[at + 3];
  const end = at + 2 + length;
  if (length < 2 || end > n) return undefined;
  return { marker, start: at + 4, end };
}
