/**
 * The one CP932 (Windows-31J) encoder for every writer of CP932 files: characters are first mapped
 * the way Windows maps them, then encoded by iconv-lite; a character CP932 cannot hold is never
 * dropped silently: it is reported to the caller, who names the row.
 *
 * Why a map: Unicode has two code points for several JIS X 0208 characters, and Mac and web input
 * produce the JIS ones (〜 U+301C WAVE DASH, typed on a Mac) while CP932 holds only Microsoft's
 * (～ U+FF5E FULLWIDTH TILDE). Windows' converters treat them as the same character; iconv-lite
 * does not, and would write `?`. The set below is the well-known "WAVE DASH problem" table (JIS X
 * 0208 mapping vs Microsoft's cp932 table).
 */
import iconv from 'iconv-lite';

/** Unicode (JIS X 0208 / ISO mapping) → the code point CP932 holds for the same character. */
export const CP932_WINDOWS_MAP: Readonly<Record<string, string>> = {
  '\u301c': '\uff5e', // 〜 WAVE DASH → ～ FULLWIDTH TILDE
  '\u2016': '\u2225', // ‖ DOUBLE VERTICAL LINE → ∥ PARALLEL TO
  '\u2212': '\uff0d', // − MINUS SIGN → － FULLWIDTH HYPHEN-MINUS
  '\u00a2': '\uffe0', // ¢ CENT SIGN → ￠ FULLWIDTH CENT SIGN
  '\u00a3': '\uffe1', // £ POUND SIGN → ￡ FULLWIDTH POUND SIGN
  '\u00ac': '\uffe2', // ¬ NOT SIGN → ￢ FULLWIDTH NOT SIGN
  '\u2014': '\u2015', // — EM DASH → ― HORIZONTAL BAR
  '\u00a6': '\uffe4', // ¦ BROKEN BAR → ￤ FULLWIDTH BROKEN BAR
};

const MAPPED = new RegExp(`[${Object.keys(CP932_WINDOWS_MAP).join('')}]`, 'g');
/** Characters outside ASCII; only these can be missing from CP932. */
const NON_ASCII = /[^\u0000-\u007f]/u;

const encodable = new Map<string, boolean>();

/** Whether CP932 holds `ch` (one code point): iconv-lite writes `?` for those it does not. */
function holds(ch: string): boolean {
  let ok = encodable.get(ch);
  if (ok === undefined) {
    const bytes = iconv.encode(ch, 'cp932');
    ok = !(bytes.length === 1 && bytes[0] === 0x3f);
    if (encodable.size < 65_536) encodable.set(ch, ok);
  }
  return ok;
}

export interface Cp932Encoded {
  bytes: Buffer;
  /** The distinct characters CP932 cannot hold, in order of appearance (each written as the replacement). */
  unmappable: string[];
}

/** `text` with the Windows equivalents of CP932_WINDOWS_MAP's characters; nothing else changes. */
export function toWindowsCp932Chars(text: string): string {
  return text.replace(MAPPED, (c) => CP932_WINDOWS_MAP[c]);
}

/**
 * Encodes `text` as CP932 the way Windows does (CP932_WINDOWS_MAP first). Each character CP932
 * cannot hold (𠮷 U+20BB7, emoji, é…) becomes `replacement` (default `?`; it must itself be a CP932
 * character, see checkCp932Replacement) and is listed in `unmappable`.
 */
export function encodeCp932(text: string, replacement = '?'): Cp932Encoded {
  const mapped = toWindowsCp932Chars(text);
  if (!NON_ASCII.test(mapped)) return { bytes: iconv.encode(mapped, 'cp932'), unmappable: [] };
  const missing = new Set<string>();
  let out = '';
  for (const ch of mapped) {
    if (ch.charCodeAt(0) < 0x80 || holds(ch)) out += ch;
    else {
      missing.add(ch);
      out += replacement;
    }
  }
  return { bytes: iconv.encode(out, 'cp932'), unmappable: [...missing] };
}

/** `U+20BB7 𠮷`: how a missing character is named in a message. */
export function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')} ${ch}`;
}

/** Null when `text` is a valid replacement (CP932 characters only, possibly empty), else why not. */
export function checkCp932Replacement(text: string): string | null {
  const { unmappable } = encodeCp932(text);
  return unmappable.length ? `${unmappable.map(describeChar).join(', ')} is not a CP932 character` : null;
}
