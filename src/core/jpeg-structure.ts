/**
 * Whether a JPEG is structurally whole, read from its markers without decoding it: every table a
 * scan uses is defined and well-formed, the frame and scan parameters are ones libjpeg takes, every
 * scan's entropy-coded data runs on to a marker, and the file reaches its EOI. That is everything
 * libjpeg (through sharp with `failOn: 'error'`) stops on before, between or after the scans,
 * including a file cut short. What only a decode finds is entropy-coded data so garbled that libjpeg's
 * "Corrupt JPEG data" warnings (it resynchronises and fills in) pile up until libvips gives up: in
 * the tests' and the benchmarks' thousands of randomly damaged copies, about 1 in 4,000 of those
 * this walk calls whole (`test/core/jpeg-structure.test.ts` checks that this is the only kind of
 * disagreement). The import's callers therefore rely on it only where the cloud's
 * checkPersonPicture will look at the picture anyway (see workflows/import/picture.ts).
 *
 * The walk is one-sided: `false` means only "not shown here", and the caller then asks the decoder,
 * whose verdict (and message) is final. So the walk never refuses a picture, and it accepts only the
 * common layout: 8-bit baseline, extended or progressive Huffman coding, 1 or 3 components, canonical
 * parameters. Anything else (arithmetic coding, 12-bit, lossless, DNL, bytes between segments, a
 * pixel count above sharp's limit) is left to the decoder.
 *
 * Follows ITU-T T.81 (the JPEG standard), B.2 (syntax) and C / G.1.1.1.1 (Huffman tables,
 * progressive parameters), and libjpeg-turbo's checks on them (`jdmarker.c`, `jdhuff.c`,
 * `jdphuff.c`, `jdinput.c`).
 */

import { isStandaloneMarker, markerAt } from './jpeg-markers.js';

/** sharp's default `limitInputPixels` (0x3FFF × 0x3FFF): above it sharp refuses the picture. */
export const SHARP_PIXEL_LIMIT = 0x3fff * 0x3fff;

interface Frame {
  progressive: boolean;
  /** Component id → its quantisation table and sampling factors. */
  components: Map<number, { tq: number; h: number; v: number }>;
}

/** SOFn markers this walk reads: baseline (C0), extended (C1) and progressive (C2) Huffman coding. */
const SOF_READ = new Set([0xc0, 0xc1, 0xc2]);

/**
 * Canonical Huffman codes of a DHT table (T.81 C.2, libjpeg's `jpeg_make_d_derived_tbl`): false when
 * the counts describe more codes than fit their lengths.
 */
function huffmanCodesFit(counts: Uint8Array): boolean {
  let code = 0;
  for (let length = 1; length <= 16; length++) {
    code += counts[length - 1];
    if (code > 1 << length) return false;
    code <<= 1;
  }
  return true;
}

/**
 * True when the JPEG's structure is whole and within what libjpeg takes (see the module comment);
 * false when that is not shown here — the caller decodes to know. `bytes` is the
 * whole file. Trailing bytes after the EOI (phones append thumbnails and maker data) are ignored,
 * as decoders ignore them. Cost: one pass over the markers plus a native `indexOf(0xff)` search
 * through the entropy-coded data (~0.02 ms for a 50 KB photo).
 */
export function isWholeJpeg(bytes: Uint8Array): boolean {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buf.length;
  if (n < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return false;
  const quant = new Set<number>();
  /** `class << 2 | id`: DC tables 0–3, AC tables 4–7. */
  const huffman = new Set<number>();
  let frame: Frame | undefined;
  /** Sequential: components scanned once each; progressive: components with a first DC scan. */
  const covered = new Set<number>();
  let i = 2;
  for (;;) {
    const seg = markerAt(buf, i);
    if (!seg) return false;
    const { marker, start, end } = seg;
    const length = end - start + 2;
    if (marker === 0xd9) {
      // EOI: whole when every component was scanned.
      return frame !== undefined && covered.size === frame.components.size;
    }
    // Markers without a length (TEM, RSTn, SOI) do not belong between segments, nor a stuffed FF 00.
    if (isStandaloneMarker(marker) || marker === 0x00) return false;
    if (marker === 0xdb) {
      if (!readQuantTables(buf, start, end, quant)) return false;
    } else if (marker === 0xc4) {
      if (!readHuffmanTables(buf, start, end, huffman)) return false;
    } else if (marker === 0xdd) {
      if (length !== 4) return false;
    } else if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) {
      // APPn, COM: skipped whole.
    } else if (marker >= 0xc0 && marker <= 0xcf) {
      if (frame || !SOF_READ.has(marker)) return false;
      frame = readFrame(buf, start, end, marker === 0xc2);
      if (!frame) return false;
    } else if (marker === 0xda) {
      if (!frame) return false;
      if (!readScan(buf, start, end, frame, quant, huffman, covered)) return false;
      const next = endOfEntropyData(buf, end);
      if (next < 0) return false;
      i = next;
      continue;
    } else {
      return false; // DNL, DHP, EXP, JPGn, reserved: left to the decoder
    }
    i = end;
  }
}

/** DQT (T.81 B.2.4.1): 8-bit or 16-bit tables 0–3, filling the segment exactly. */
function readQuantTables(buf: Buffer, start: number, end: number, quant: Set<number>): boolean {
  let p = start;
  while (p < end) {
    const pq = buf[p] >> 4;
    const tq = buf[p] & 0x0f;
    if (pq > 1 || tq > 3) return false;
    p += 1 + (pq === 0 ? 64 : 128);
    if (p > end) return false;
    quant.add(tq);
  }
  return p === end;
}

/** DHT (T.81 B.2.4.2): tables 0–3 of each class whose codes fit, DC symbols ≤ 15, filling the segment. */
function readHuffmanTables(buf: Buffer, start: number, end: number, huffman: Set<number>): boolean {
  let p = start;
  while (p < end) {
    if (p + 17 > end) return false;
    const tc = buf[p] >> 4;
    const th = buf[p] & 0x0f;
    if (tc > 1 || th > 3) return false;
    const counts = buf.subarray(p + 1, p + 17);
    let symbols = 0;
    for (const c of counts) symbols += c;
    if (symbols > 256 || !huffmanCodesFit(counts)) return false;
    const values = p + 17;
    if (values + symbols > end) return false;
    if (tc === 0) {
      for (let k = values; k < values + symbols; k++) if (buf[k] > 15) return false;
    }
    huffman.add((tc << 2) | th);
    p = values + symbols;
  }
  return p === end;
}

/** SOFn (T.81 B.2.2): 8-bit, a size within both limits, 1 or 3 components sampled 1–4 in whole ratios. */
function readFrame(buf: Buffer, start: number, end: number, progressive: boolean): Frame | undefined {
  if (end - start < 6) return undefined;
  const precision = buf[start];
  const height = (buf[start + 1] << 8) | buf[start + 2];
  const width = (buf[start + 3] << 8) | buf[start + 4];
  const count = buf[start + 5];
  if (precision !== 8 || height === 0 || width === 0) return undefined;
  if (width > 65500 || height > 65500 || width * height > SHARP_PIXEL_LIMIT) return undefined;
  if ((count !== 1 && count !== 3) || end - start !== 6 + 3 * count) return undefined;
  const components = new Map<number, { tq: number; h: number; v: number }>();
  let maxH = 0;
  let maxV = 0;
  for (let c = 0; c < count; c++) {
    const at = start + 6 + 3 * c;
    const id = buf[at];
    const h = buf[at + 1] >> 4;
    const v = buf[at + 1] & 0x0f;
    const tq = buf[at + 2];
    if (components.has(id) || h < 1 || h > 4 || v < 1 || v > 4 || tq > 3) return undefined;
    components.set(id, { tq, h, v });
    maxH = Math.max(maxH, h);
    maxV = Math.max(maxV, v);
  }
  for (const { h, v } of components.values()) if (maxH % h !== 0 || maxV % v !== 0) return undefined;
  return { progressive, components };
}

/**
 * SOS (T.81 B.2.3): components of the frame, each once, with their quantisation table and the
 * Huffman tables the scan decodes with already defined; at most 10 blocks per MCU when interleaved;
 * sequential scans with the canonical spectral selection, progressive ones within T.81 G.1.1.1.1.
 */
function readScan(
  buf: Buffer,
  start: number,
  end: number,
  frame: Frame,
  quant: Set<number>,
  huffman: Set<number>,
  covered: Set<number>,
): boolean {
  const count = buf[start];
  if (count < 1 || count > 4 || end - start !== 1 + 2 * count + 3) return false;
  const at = start + 1 + 2 * count;
  const ss = buf[at];
  const se = buf[at + 1];
  const ah = buf[at + 2] >> 4;
  const al = buf[at + 2] & 0x0f;
  if (frame.progressive) {
    const dc = ss === 0;
    if (dc ? se !== 0 : ss > se || se > 63 || count !== 1) return false;
    if ((ah !== 0 && al !== ah - 1) || al > 13) return false;
  } else if (ss !== 0 || se !== 63 || ah !== 0 || al !== 0) return false;
  const ids = new Set<number>();
  let blocks = 0;
  for (let c = 0; c < count; c++) {
    const id = buf[start + 1 + 2 * c];
    const td = buf[start + 2 + 2 * c] >> 4;
    const ta = buf[start + 2 + 2 * c] & 0x0f;
    const component = frame.components.get(id);
    if (!component || ids.has(id) || td > 3 || ta > 3 || !quant.has(component.tq)) return false;
    ids.add(id);
    blocks += component.h * component.v;
    // Tables the scan decodes with: DC for a DC scan (not its refinements), AC for an AC scan.
    if (ss === 0 && !(frame.progressive && ah !== 0) && !huffman.has(td)) return false;
    if (se > 0 && !huffman.has(4 | ta)) return false;
  }
  if (count > 1 && blocks > 10) return false;
  for (const id of ids) {
    if (frame.progressive) {
      if (ss === 0 && ah === 0) covered.add(id);
      else if (!covered.has(id)) return false; // an AC or refinement scan before the component's first DC scan
    } else {
      if (covered.has(id)) return false;
      covered.add(id);
    }
  }
  return true;
}

/**
 * Where the entropy-coded data starting at `from` ends: the offset of the first marker that is not a
 * stuffed 0xFF (FF 00) or a restart marker (FF D0–D7); −1 when the file ends first (cut short) or
 * the data holds FF FF, which this walk does not interpret.
 */
function endOfEntropyData(buf: Buffer, from: number): number {
  let p = from;
  for (;;) {
    const j = buf.indexOf(0xff, p);
    if (j < 0 || j + 1 >= buf.length) return -1;
    const next = buf[j + 1];
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
      p = j + 2;
      continue;
    }
    return next === 0xff ? -1 : j;
  }
}
