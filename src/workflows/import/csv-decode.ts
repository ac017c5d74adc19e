/**
 * Turns the bytes of a CSV into text. Excel in Japan saves "CSV" as CP932 (Shift_JIS with
 * Microsoft's extensions), and "CSV UTF-8" with a BOM; scripts write plain UTF-8. Valid UTF-8 is
 * taken as UTF-8 (a CP932 file of Japanese text is practically never valid UTF-8), anything else
 * as CP932.
 */
import { UsageError } from '../../core/errors.js';

export type CsvEncoding = 'utf8' | 'cp932';

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
};

export function parseEncodingName(name: string): CsvEncoding {
  const enc = ENCODING_NAMES[name.trim().toLowerCase()];
  if (!enc) throw new UsageError(`--encoding must be utf8 or cp932 (shift_jis) (got '${name}')`);
  return enc;
}

function hasUtf8Bom(bytes: Uint8Array): boolean {
  return UTF8_BOM.every((b, i) => bytes[i] === b);
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function detectEncoding(bytes: Uint8Array): CsvEncoding {
  return hasUtf8Bom(bytes) || isValidUtf8(bytes) ? 'utf8' : 'cp932';
}

/** The text of the file, without a BOM. `forced` is `--encoding`. */
export async function decodeCsv(
  bytes: Uint8Array,
  forced?: CsvEncoding,
): Promise<{ text: string; encoding: CsvEncoding }> {
  const encoding = forced ?? detectEncoding(bytes);
  if (encoding === 'utf8') {
    const body = hasUtf8Bom(bytes) ? bytes.subarray(3) : bytes;
    return { text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), encoding };
  }
  const { default: iconv } = await import('iconv-lite');
  return { text: iconv.decode(Buffer.from(bytes), 'cp932'), encoding };
}
