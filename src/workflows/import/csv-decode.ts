/**
 * Turns the bytes of a CSV into text, deciding the encoding from evidence and never guessing past it.
 *
 * What Excel and scripts write in Japan: "CSV" = CP932 (Shift_JIS with Microsoft's extensions),
 * "CSV UTF-8" = UTF-8 with a BOM, "Unicode テキスト" = UTF-16LE with a BOM (tab-separated), scripts =
 * plain UTF-8. The evidence, in order:
 *
 * 1. a byte order mark (UTF-8 `EF BB BF`, UTF-16LE `FF FE`, UTF-16BE `FE FF`);
 * 2. UTF-16 without a BOM: the header is ASCII, so every other byte of it is NUL;
 * 3. strict UTF-8 validity (ASCII is the same in every candidate);
 * 4. otherwise the UTF-8 sequences are weighed against the bytes that break UTF-8: a file with more
 *    well-formed multi-byte UTF-8 characters than broken bytes is UTF-8 with damage (CP932 Japanese
 *    text practically never forms UTF-8 sequences), anything else is CP932.
 *
 * A file that is not valid in the encoding chosen (or forced with `--encoding`) is refused, naming
 * the offending byte: it is never decoded into mojibake. The text returned then holds U+FFFD where
 * the bad bytes were, so the caller can name the row and column (see `load-rows.ts`).
 */
import { UsageError } from '../../core/errors.js';

export type CsvEncoding = 'utf8' | 'cp932' | 'utf16le' | 'utf16be';

/** How the encoding was decided, for the summary line. */
export type EncodingSource = 'bom' | 'detected' | 'forced';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Accepted spellings for `--encoding`. */
const ENCODING_NAMES: Record<string, CsvEncoding> = {
  utf8: 'utf8',
  'utf-8': 'utf8',
  'utf8-bom': 'utf8',
  cp932: 'cp932',
  'windows-31j': 'cp932',
  sjis: 'cp932',
  shift_jis: 'cp932',
  'shift-jis': 'cp932',
  utf16le: 'utf16le',
  'utf-16le': 'utf16le',
  'utf-16': 'utf16le',
  utf16: 'utf16le',
  unicode: 'utf16le',
  utf16be: 'utf16be',
  'utf-16be': 'utf16be',
};

/** The names `--encoding` offers (completion and help). */
export const ENCODING_CHOICES = ['utf8', 'cp932', 'utf16le', 'utf16be'] as const;

/** `--encoding NAME` → an encoding; a UsageError (exit 2) naming the flag for anything else. */
export function parseEncodingName(name: string): CsvEncoding {
  const enc = ENCODING_NAMES[name.trim().toLowerCase()];
  if (!enc) {
    throw new UsageError(`--encoding must be utf8, cp932 (shift_jis), utf16le or utf16be (got '${name}')`);
  }
  return enc;
}

/** A person's word for an encoding: `UTF-8`, `CP932 (Shift_JIS)`, `UTF-16LE`. */
export function encodingLabel(encoding: CsvEncoding): string {
  return { utf8: 'UTF-8', cp932: 'CP932 (Shift_JIS)', utf16le: 'UTF-16LE', utf16be: 'UTF-16BE' }[encoding];
}

/** The byte order mark at the start of `bytes`, if any. */
export function bomOf(bytes: Uint8Array): { encoding: CsvEncoding; length: number } | undefined {
  if (UTF8_BOM.every((b, i) => bytes[i] === b)) return { encoding: 'utf8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf16be', length: 2 };
  return undefined;
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Length of the well-formed UTF-8 sequence starting at `i` (1 for ASCII), 0 when none starts there. */
function utf8SequenceAt(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number) => i + k < b.length && (b[i + k] & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const second = b[i + 1];
    if ((c === 0xe0 && second < 0xa0) || (c === 0xed && second > 0x9f)) return 0;
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const second = b[i + 1];
    if ((c === 0xf0 && second < 0x90) || (c === 0xf4 && second > 0x8f)) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Multi-byte UTF-8 characters, bytes that break UTF-8, and the offset of the first such byte. */
function utf8Evidence(
  b: Uint8Array,
  from: number,
): { chars: number; wide: number; broken: number; firstBroken: number } {
  let chars = 0;
  /** Characters of 3 or 4 bytes (kana, kanji): CP932 bytes practically never form them. */
  let wide = 0;
  let broken = 0;
  let firstBroken = -1;
  for (let i = from; i < b.length; ) {
    if (b[i] === 0) {
      // NUL is never text in a CSV (it is what UTF-16 read as bytes looks like).
      if (firstBroken < 0) firstBroken = i;
      broken++;
      i++;
    } else if (b[i] < 0x80) {
      i++;
      continue;
    }
    const n = utf8SequenceAt(b, i);
    if (n > 0) {
      chars++;
      if (n > 2) wide++;
      i += n;
    } else {
      if (firstBroken < 0) firstBroken = i;
      broken++;
      i++;
    }
  }
  return { chars, wide, broken, firstBroken };
}

/** Whether every byte from `from` on is ASCII or a CP932 half-width katakana (0xA1–0xDF). */
function onlyHalfWidthKana(b: Uint8Array, from: number): boolean {
  for (let i = from; i < b.length; i++) if (b[i] >= 0x80 && (b[i] < 0xa1 || b[i] > 0xdf)) return false;
  return true;
}

function isCp932Lead(c: number): boolean {
  return (c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc);
}

/** Offset of the first byte that is not a CP932 character (structure only; unmapped pairs are found by decoding). */
function cp932StructureError(b: Uint8Array, from: number): number {
  for (let i = from; i < b.length; i++) {
    const c = b[i];
    if (c === 0) return i;
    if (c < 0x80 || (c >= 0xa1 && c <= 0xdf)) continue;
    const t = b[i + 1];
    if (!isCp932Lead(c) || t === undefined || t < 0x40 || t === 0x7f || t > 0xfc) return i;
    i++;
  }
  return -1;
}

/** The undefined CP932 pair (or byte) at the first U+FFFD iconv-lite produced. */
function cp932Unmapped(b: Uint8Array, from: number, decode: (bytes: Uint8Array) => string): number {
  for (let i = from; i < b.length; i++) {
    const c = b[i];
    if (c < 0x80 || (c >= 0xa1 && c <= 0xdf)) continue;
    if (decode(b.subarray(i, i + 2)).includes('\ufffd')) return i;
    i++;
  }
  return -1;
}

function sniffUtf16(b: Uint8Array): CsvEncoding | undefined {
  if (b.length < 4) return undefined;
  if (b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return 'utf16le';
  if (b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0) return 'utf16be';
  return undefined;
}

/** The encoding the bytes' evidence points to (see the module comment), and how it was decided. */
export function detectEncoding(bytes: Uint8Array): CsvEncoding {
  return chooseEncoding(bytes).encoding;
}

function chooseEncoding(bytes: Uint8Array): { encoding: CsvEncoding; source: EncodingSource; ambiguous?: true } {
  const bom = bomOf(bytes);
  if (bom) return { encoding: bom.encoding, source: 'bom' };
  const wide = sniffUtf16(bytes);
  if (wide) return { encoding: wide, source: 'detected' };
  const ev = utf8Evidence(bytes, 0);
  // Half-width katakana pairs (ﾅｶ = C5 B6) are also 2-byte UTF-8 (Ŷ): a file whose only non-ASCII
  // bytes are those, without a single 3-byte character, reads both ways (José's é is ﾃｩ too).
  if (ev.broken === 0 && ev.chars > 0 && ev.wide === 0 && onlyHalfWidthKana(bytes, 0)) {
    return { encoding: 'utf8', source: 'detected', ambiguous: true };
  }
  if (ev.broken === 0 || (ev.chars > ev.broken && ev.wide > 0)) return { encoding: 'utf8', source: 'detected' };
  return { encoding: 'cp932', source: 'detected' };
}

/**
 * A file that reads as UTF-8 and as CP932 half-width katakana alike: refused (exit 2, nothing
 * sent), showing the first line that differs in both readings, so the user picks with --encoding.
 */
async function ambiguousFile(bytes: Uint8Array, why?: string): Promise<UsageError> {
  const { default: iconv } = await import('iconv-lite');
  const utf8 = new TextDecoder('utf-8').decode(bytes).split(/\r\n|\n|\r/);
  const cp932 = iconv.decode(Buffer.from(bytes), 'cp932').split(/\r\n|\n|\r/);
  const at = Math.max(
    0,
    utf8.findIndex((line, i) => line !== cp932[i]),
  );
  return new UsageError(
    `the file reads as UTF-8 and as CP932 (Shift_JIS) ${why ?? 'half-width katakana'} alike; give --encoding utf8 or --encoding cp932:\n` +
      `  line ${at + 1} as UTF-8: ${utf8[at]}\n` +
      `  line ${at + 1} as CP932: ${cp932[at]}`,
  );
}

/**
 * Characters a Japanese CSV practically never holds, which CP932 kanji read as UTF-8 do form: a
 * level-2 kanji with lead byte E0–E1 or EE–EF and a trail byte 80–BF, followed by a character whose
 * lead byte is 80–BF (田 93 63, 山 8E 52), is one 3-byte UTF-8 character U+0800–U+1FFF or
 * U+E000–U+FFFF (`燿田` → U+0813 `c`, `﨑田` → U+D553 `c`, `纈田` → U+3493 `c`). Scripts from U+0800 to
 * U+1FFF (Samaritan … Greek Extended), CJK Extension A (U+3400–U+4DBF, rare variants), Yi, Hangul and
 * their neighbours (U+A000–U+D7FF) and the private use area (U+E000–U+F8FF). A UTF-8 file with a Korean
 * name that is also whole CP932 is then asked about too (`--encoding utf8` settles it).
 */
const UNLIKELY_IN_JAPANESE_TEXT = /[\u0800-\u1fff\u3400-\u4dbf\ua000-\ud7ff\ue000-\uf8ff]/u;

/**
 * For a file detected as UTF-8: the first character of its UTF-8 reading a Japanese file rarely holds
 * (`U+0813 ࠓ`), when the same bytes are also whole CP932 (every pair defined); else undefined. Such a
 * file is refused as ambiguous, both readings shown. Kanji that read as CJK ideographs in UTF-8 too
 * (lead bytes E3–E9) cannot be told apart this way and stay UTF-8.
 */
async function unlikelyUtf8(bytes: Uint8Array): Promise<string | undefined> {
  const text = new TextDecoder('utf-8').decode(bytes);
  const odd = UNLIKELY_IN_JAPANESE_TEXT.exec(text)?.[0];
  if (odd === undefined || cp932StructureError(bytes, 0) >= 0) return undefined;
  const { default: iconv } = await import('iconv-lite');
  if (iconv.decode(Buffer.from(bytes), 'cp932').includes('\ufffd')) return undefined;
  return `U+${(odd.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} ${odd}`;
}

export interface DecodedCsv {
  /** The text, without a BOM. When `invalid` is set it holds U+FFFD where the bad bytes were. */
  text: string;
  encoding: CsvEncoding;
  source: EncodingSource;
  /** The first byte that is not valid in `encoding`: the file must be refused. */
  invalid?: { offset: number; bytes: number[] };
}

function hex(b: number): string {
  return `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** `0xFF`, `0x85 0x40`: the bytes named in a refusal. */
export function describeBytes(bytes: readonly number[]): string {
  return bytes.map(hex).join(' ');
}

function decodeUtf16(body: Uint8Array, le: boolean): { text: string; bad: number } {
  if (body.length % 2 !== 0) return { text: new TextDecoder('utf-16le').decode(body), bad: body.length - 1 };
  const buf = Buffer.from(body);
  if (!le) buf.swap16();
  const text = new TextDecoder('utf-16le').decode(buf);
  try {
    new TextDecoder('utf-16le', { fatal: true }).decode(buf);
    return { text, bad: -1 };
  } catch {
    // An unpaired surrogate: find its code unit.
    for (let i = 0; i + 1 < buf.length; i += 2) {
      const u = buf.readUInt16LE(i);
      if (u >= 0xd800 && u <= 0xdbff) {
        const next = i + 3 < buf.length ? buf.readUInt16LE(i + 2) : 0;
        if (next >= 0xdc00 && next <= 0xdfff) i += 2;
        else return { text, bad: i };
      } else if (u >= 0xdc00 && u <= 0xdfff) return { text, bad: i };
    }
    return { text, bad: 0 };
  }
}

/**
 * The text of the file, without a BOM. `forced` is `--encoding` (a BOM of another encoding is then
 * ignored). Never throws for bad bytes: `invalid` says where the first one is, and the caller refuses
 * the file naming its row (only it can parse rows). Offsets count from the file's first byte.
 */
export async function decodeCsv(bytes: Uint8Array, forced?: CsvEncoding): Promise<DecodedCsv> {
  const chosen = forced ? { encoding: forced, source: 'forced' as const } : chooseEncoding(bytes);
  if ('ambiguous' in chosen && chosen.ambiguous) throw await ambiguousFile(bytes);
  if (chosen.source === 'detected' && chosen.encoding === 'utf8') {
    const odd = await unlikelyUtf8(bytes);
    if (odd)
      throw await ambiguousFile(bytes, `text (its UTF-8 reading holds ${odd}, which a Japanese file rarely does)`);
  }
  const { encoding, source } = chosen;
  const bom = bomOf(bytes);
  const skip = bom && bom.encoding === encoding ? bom.length : 0;
  const body = bytes.subarray(skip);
  // The bad bytes become one U+FFFD in the text, whatever the decoder would have made of them.
  const result = (decode: (b: Uint8Array) => string, text: string, bad: number, width = 1): DecodedCsv =>
    bad < 0
      ? { text, encoding, source }
      : {
          text: `${decode(body.subarray(0, bad))}\ufffd${decode(body.subarray(bad + width))}`,
          encoding,
          source,
          invalid: { offset: skip + bad, bytes: [...body.subarray(bad, bad + width)] },
        };
  if (encoding === 'utf8') {
    const decode = (b: Uint8Array) => new TextDecoder('utf-8').decode(b);
    return result(decode, decode(body), utf8Evidence(body, 0).firstBroken);
  }
  if (encoding === 'utf16le' || encoding === 'utf16be') {
    const le = encoding === 'utf16le';
    const { text, bad } = decodeUtf16(body, le);
    return result((b) => decodeUtf16(b, le).text, text, bad, 2);
  }
  const { default: iconv } = await import('iconv-lite');
  const decode = (b: Uint8Array) => iconv.decode(Buffer.from(b), 'cp932');
  const text = decode(body);
  const structural = cp932StructureError(body, 0);
  const bad = structural >= 0 ? structural : text.includes('\ufffd') ? cp932Unmapped(body, 0, decode) : -1;
  return result(decode, text, bad, bad >= 0 && isCp932Lead(body[bad]) && body[bad + 1] !== undefined ? 2 : 1);
}

/**
 * The delimiter the header line uses: a tab when the first line holds more tabs than commas (Excel's
 * "Unicode テキスト" and "テキスト (タブ区切り)"), otherwise a comma. Header names never hold either.
 */
export function detectDelimiter(text: string): ',' | '\t' {
  const end = text.search(/[\r\n]/);
  const first = end < 0 ? text : text.slice(0, end);
  let tabs = 0;
  let commas = 0;
  for (const ch of first) {
    if (ch === '\t') tabs++;
    else if (ch === ',') commas++;
  }
  return tabs > commas ? '\t' : ',';
}
