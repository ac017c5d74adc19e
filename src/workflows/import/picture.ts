/**
 * Pictures named by the CSV: read, optionally fixed (--fix-pictures), and checked locally the way
 * the cloud will check them — JPEG, whole (decodable), at most the registry's base64 size. Used when
 * validating, and when sending a picture that was not kept from validation (KeptPictures: bytes
 * read again and compared by hash), so a file of thousands of persons holds at most a budget of
 * pictures in memory.
 */
import { createHash } from 'node:crypto';
import { tryReadInputFile } from '../../core/input-file.js';
import { readJpegHeader } from '../../core/jpeg-header.js';
import { isWholeJpeg } from '../../core/jpeg-structure.js';
import { fixPicture, loadSharp, pictureNeedsFix } from './picture-fix.js';

export interface PreparedPicture {
  /** What will be sent: the file's bytes, or the fixed JPEG. */
  bytes: Buffer;
  /** SHA-256 of the source file. */
  sha256: string;
  fixed: boolean;
}

/**
 * Pictures kept from validation for sending, up to a byte budget, so the first ones (all of them in
 * a file of a few hundred persons) are neither read, hashed nor fixed a second time: what is sent is
 * then exactly what was validated. Pictures validated once the budget is spent are read again when
 * sent (and refused if they changed), so memory stays bounded however long the file is. Keyed by the
 * source file's path and SHA-256; a kept picture is given up when it is taken.
 */
export class KeptPictures {
  private readonly kept = new Map<string, Buffer>();
  private used = 0;

  /** `budgetBytes`: at most this many bytes of pictures held at once. */
  constructor(readonly budgetBytes: number) {}

  private static key(ref: { path: string; sha256: string }): string {
    return `${ref.sha256}\0${ref.path}`;
  }

  /** Keeps the bytes validated for this file (what will be sent) when the budget allows. */
  keep(ref: { path: string; sha256: string }, bytes: Buffer): void {
    const key = KeptPictures.key(ref);
    if (this.kept.has(key) || this.used + bytes.length > this.budgetBytes) return;
    this.kept.set(key, bytes);
    this.used += bytes.length;
  }

  /** The kept bytes for this file, given up; undefined when it was not kept (read it again). */
  take(ref: { path: string; sha256: string }): Buffer | undefined {
    const key = KeptPictures.key(ref);
    const bytes = this.kept.get(key);
    if (bytes) {
      this.kept.delete(key);
      this.used -= bytes.length;
    }
    return bytes;
  }

  /** Bytes held now. */
  get bytesHeld(): number {
    return this.used;
  }
}

export type PictureResult = { ok: true; picture: PreparedPicture } | { ok: false; message: string };

export function base64Length(byteLength: number): number {
  return 4 * Math.ceil(byteLength / 3);
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * The HEIF family of a file from its `ftyp` box (ISO/IEC 14496-12 §4.3; brands of ISO/IEC 23008-12):
 * 'HEIC' (HEVC pictures: iPhones' "High Efficiency" photos), 'AVIF' (AV1), or undefined for
 * anything else. The major brand decides; a generic one (`mif1`, `msf1`) is read with the
 * compatible brands after it.
 */
export function heifKind(bytes: Uint8Array): 'HEIC' | 'AVIF' | undefined {
  if (bytes.length < 16) return undefined;
  const text = (at: number) => Buffer.from(bytes.subarray(at, at + 4)).toString('latin1');
  if (text(4) !== 'ftyp') return undefined;
  const size = Math.min(bytes.length, ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0);
  const brands = [text(8)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(text(at));
  const heic = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
  const avif = new Set(['avif', 'avis']);
  if (heic.has(brands[0])) return 'HEIC';
  if (avif.has(brands[0])) return 'AVIF';
  if (brands.some((b) => heic.has(b))) return 'HEIC';
  if (brands.some((b) => avif.has(b))) return 'AVIF';
  return undefined;
}

function sniff(bytes: Uint8Array): string {
  if (bytes.length >= 4 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return 'PNG';
  }
  const heif = heifKind(bytes);
  if (heif) return heif;
  if (bytes.length >= 3 && bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'GIF';
  if (bytes.length >= 12 && Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP') return 'WebP';
  return 'not an image format facetCloud takes';
}

function mb(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(2)} MB`;
}

async function readPictureFile(path: string, written: string): Promise<Buffer | string> {
  const got = await tryReadInputFile(path);
  if (got.ok) return got.bytes;
  if (got.code === 'ENOENT') return `file not found: ${written}`;
  return `${written} ${got.reason}`;
}

/** EXIF orientations and what a viewer does with them (what the terminal will *not* do). */
const ORIENTATION: Record<number, string> = {
  2: 'mirrored',
  3: 'upside down',
  4: 'upside down, mirrored',
  5: 'on its side, mirrored',
  6: 'on its side (turned 90° left)',
  7: 'on its side, mirrored',
  8: 'on its side (turned 90° right)',
};

/** The side the decode check shrinks to: small enough that libjpeg decodes at 1/8 scale. */
const DECODE_CHECK_SIDE = 32;

/**
 * Judges the picture as a terminal will see it: terminals decode the stored pixels (no EXIF
 * rotation) in RGB/YCbCr (not CMYK). A phone photo held upright is often stored sideways with an
 * Orientation tag; viewers rotate it, a terminal does not, and finds no face. Returns why the
 * picture will fail, or undefined when it will not.
 */
async function terminalProblem(
  bytes: Buffer,
  written: string,
  hint: string,
  alwaysDecode: boolean,
): Promise<string | undefined> {
  // The frame header and EXIF block say what sharp's metadata would (orientation, CMYK), without a
  // round trip through its thread pool; sharp is asked when the markers cannot be walked here.
  let meta: { orientation?: number; space?: string; channels?: number } | undefined;
  const header = readJpegHeader(bytes);
  if (header) meta = { orientation: header.orientation, channels: header.components };
  else {
    try {
      meta = await (await loadSharp())(bytes).metadata();
    } catch (err) {
      return `${written} cannot be decoded as a JPEG: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  const orientation = meta.orientation ?? 1;
  if (orientation !== 1) {
    const how = ORIENTATION[orientation] ?? `EXIF Orientation ${orientation}`;
    return (
      `${written} is stored ${how} with an EXIF Orientation ${orientation} tag: viewers turn it upright, ` +
      `but terminals use the stored pixels, so the face would not be upright${hint || ' (--fix-pictures makes it upright)'}`
    );
  }
  if (meta.space === 'cmyk' || meta.channels === 4) {
    return `${written} is a CMYK JPEG, which terminals do not decode (they take RGB/YCbCr)${hint}`;
  }
  // A structurally whole JPEG decodes unless its entropy-coded data is garbled beyond what libjpeg
  // repairs (core/jpeg-structure.ts), which the cloud's checkPersonPicture then refuses for the row.
  // Anything the walk does not vouch for is decoded, and the decoder's verdict is final; so is every
  // picture when no cloud check will follow (`alwaysDecode`, --no-remote-check).
  if (!alwaysDecode && isWholeJpeg(bytes)) return undefined;
  try {
    // Decoded at 1/8 scale (libjpeg's DCT scaling, chosen by libvips's shrink-on-load): every
    // entropy-coded block is still read, so a truncated or corrupt picture fails as a full decode
    // would, for about a third of its CPU time.
    await (await loadSharp())(bytes, { failOn: 'error' })
      .resize(DECODE_CHECK_SIDE, DECODE_CHECK_SIDE, { fit: 'inside' })
      .raw()
      .toBuffer();
    return undefined;
  } catch (err) {
    return `${written} cannot be decoded as a JPEG: ${(err as Error).message.split('\n')[0]}`;
  }
}

/**
 * Reads and checks one picture. With `expectSha256` (reading again to send) a file whose bytes
 * changed since validation is refused. `maxBase64` is the registry's limit (the documents' 5 MB after
 * base64). With `fix`, a PNG, an oversized picture or an EXIF-rotated one becomes a compliant JPEG.
 * `decode: false` stops after the cheap checks (readable, JPEG signature, size, SHA-256): `person
 * sync` decodes only the pictures it will send, once it knows which (default true). Otherwise a
 * structurally whole JPEG (core/jpeg-structure.ts) is not decoded unless `alwaysDecode` says no cloud
 * check follows (--no-remote-check): then every picture is decoded here.
 */
export async function preparePicture(
  path: string,
  written: string,
  opts: { fix: boolean; maxBase64: number; expectSha256?: string; decode?: boolean; alwaysDecode?: boolean },
): Promise<PictureResult> {
  const read = await readPictureFile(path, written);
  if (typeof read === 'string') return { ok: false, message: read };
  const sha256 = createHash('sha256').update(read).digest('hex');
  if (opts.expectSha256 !== undefined && opts.expectSha256 !== sha256) {
    return { ok: false, message: `${written} changed after it was validated; run the import again` };
  }
  let bytes = read;
  let fixed = false;
  // HEVC cannot be decoded here (sharp's prebuilt libvips reads AVIF only): name the way out instead.
  if (heifKind(read) === 'HEIC') {
    return {
      ok: false,
      message: `${written} is a HEIC photo (an iPhone's "High Efficiency" format), which facetCloud does not take and facetctl cannot convert: save it as JPEG (iPhone: 設定 > カメラ > フォーマット > 互換性優先, or share it as JPEG)`,
    };
  }
  if (opts.fix) {
    const need = await pictureNeedsFix(read, opts.maxBase64);
    if (need === 'undecodable') return { ok: false, message: `${written} cannot be decoded as an image` };
    if (need) {
      const out = await fixPicture(read, opts.maxBase64);
      if (!out)
        return { ok: false, message: `${written} cannot be made small enough (tried down to the lowest quality)` };
      bytes = out;
      fixed = true;
    }
  }
  // The hint only for what sharp can convert: an image format, not a text or a video.
  const kind = sniff(bytes);
  const convertible = kind === 'PNG' || kind === 'GIF' || kind === 'WebP' || kind === 'AVIF';
  const hint = opts.fix || (!isJpeg(bytes) && !convertible) ? '' : ' (--fix-pictures converts it)';
  if (!isJpeg(bytes)) return { ok: false, message: `${written} is not a JPEG (${kind})${hint}` };
  const size = base64Length(bytes.length);
  if (size > opts.maxBase64) {
    return {
      ok: false,
      message: `${written} is ${mb(size)} once base64-encoded; the limit is ${mb(opts.maxBase64)}${hint}`,
    };
  }
  // The same bytes were judged when they were validated; sending them needs no second decode.
  const decode = opts.expectSha256 === undefined && opts.decode !== false;
  const why = decode ? await terminalProblem(bytes, written, hint, opts.alwaysDecode === true) : undefined;
  if (why) return { ok: false, message: why };
  return { ok: true, picture: { bytes, sha256, fixed } };
}
