/**
 * One present, non-empty wire value against its definition, one function per parameter type (the
 * type table in `types.ts` names which). Each pushes its issues onto `out` and never throws.
 *
 * They run per request and per CSV row, so they avoid per-call regex compilation and large
 * allocations: base64 texts of several MB are measured by length and scanned once; only their first
 * bytes are decoded to sniff the content.
 */

import { MAX_WIRE_INTEGER } from '../../registry/common-params.js';
import type { ParamDef } from '../../registry/types.js';
import { isApiDate, isApiDateTime, MAX_UNIX_SECONDS, parseIso8601 } from '../dates.js';
import { issue, type ParamIssue } from './messages.js';
import { isSexEnum, SEX_WORDS } from './sex-words.js';

/** Parameters as they travel: wire name → text. */
export type WireParams = Record<string, string>;

/** Where checks put their issues. */
export type Sink = ParamIssue[];

/** `(name, def, value, out)`: the signature of every check. */
export type Check = (name: string, def: ParamDef, value: string, out: Sink) => void;

/** An integer as PHP's is_numeric + intval read 「数値」: `80` and `80.0` (a zero fraction) alike. */
const INT = /^-?\d+(?:\.0+)?$/;
/** A decimal number; group 1 is its fraction. Also read by the cross-field rules. */
export const NUMBER = /^-?\d+(?:\.(\d+))?$/;
const POSITIVE_INT = /^[1-9]\d*$/;
const RGBA = /^(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})$/;
const DECIMAL_CARD = /^\d{1,20}$/;
const HEX_CARD = /^[0-9a-fA-F]{1,16}$/;
const ISO_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/;
const MAX_CARD_DECIMAL = '18446744073709551615';

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

function enumIssue(name: string, def: ParamDef, value: string): ParamIssue {
  // The sexes are also read from the words a spreadsheet holds (M, 男性…): the English says so; the
  // cloud's Japanese (the emulator's) names the wire values only.
  const also = isSexEnum(def.values)
    ? Object.keys(SEX_WORDS)
        .filter((w) => w !== 'male' && w !== 'female')
        .join(', ')
    : undefined;
  return issue(name, 'notOneOf', { label: def.label, values: def.values ?? [], value, also });
}

/**
 * `int` and `number`: the form, `decimals`, an allowed set (`values`), then `min`/`max`, and in any
 * case at most ±MAX_WIRE_INTEGER (2^53−1): a larger value is `outOfRange` naming the parameter, since
 * it would be read as another number (facetcloud-api-v4.0 § 400: 「リクエストパラメータに誤りがあります」).
 */
export const checkNumber: Check = (name, def, value, out) => {
  const label = def.label;
  if (def.type === 'int') {
    if (!INT.test(value)) {
      out.push(issue(name, 'notInteger', { label, name, value }));
      return;
    }
  } else {
    const m = NUMBER.exec(value);
    if (!m) {
      out.push(issue(name, 'notNumber', { label, name, value }));
      return;
    }
    const decimals = m[1]?.length ?? 0;
    if (def.decimals !== undefined && decimals > def.decimals) {
      out.push(issue(name, 'tooManyDecimals', { label, decimals: def.decimals, value }));
      return;
    }
  }
  const n = Number(value);
  if (def.values && !def.values.some((v) => Number(v) === n)) {
    out.push(enumIssue(name, def, value));
    return;
  }
  if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) {
    out.push(issue(name, 'outOfRange', { label, min: def.min, max: def.max, value }));
  } else if (Math.abs(n) > MAX_WIRE_INTEGER) {
    // Beyond what a double holds exactly (99999999999999999999 reads as 1e20): every number is bounded
    // by ±MAX_WIRE_INTEGER where its entry declares nothing tighter, so no value is compared, stored
    // or echoed as another one.
    out.push(
      issue(name, 'outOfRange', {
        label,
        min: def.min ?? -MAX_WIRE_INTEGER,
        max: def.max ?? MAX_WIRE_INTEGER,
        value,
      }),
    );
  }
};

/** `string`: `maxLength`/`minLength` in code points (a surrogate pair is one character). */
export const checkString: Check = (name, def, value, out) => {
  if (def.maxLength === undefined && def.minLength === undefined) return;
  const len = value.length <= (def.maxLength ?? 0) ? value.length : codePointLength(value);
  if (def.maxLength !== undefined && len > def.maxLength) {
    out.push(issue(name, 'tooLong', { label: def.label, max: def.maxLength, got: len }));
  } else if (def.minLength !== undefined && len < def.minLength) {
    out.push(issue(name, 'tooShort', { label: def.label, min: def.minLength, got: len }));
  }
};

export const checkFlag: Check = (name, def, value, out) => {
  if (value !== '0' && value !== '1') out.push(issue(name, 'notFlag', { label: def.label, name, value }));
};

export const checkEnum: Check = (name, def, value, out) => {
  if (!def.values?.some((v) => String(v) === value)) out.push(enumIssue(name, def, value));
};

/** A date check: `valid(value)`, else `notDate` naming `form`. */
export function dateCheck(valid: (value: string) => boolean, form: string): Check {
  return (name, def, value, out) => {
    if (!valid(value)) out.push(issue(name, 'notDate', { label: def.label, name, form, value }));
  };
}

export const checkDateTime = dateCheck(isApiDateTime, 'YYYY/MM/DD HH:MI:SS');
export const checkDate = dateCheck(isApiDate, 'YYYY/MM/DD');
export const checkIso8601 = dateCheck(
  (v) => ISO_SHAPE.test(v) && parseIso8601(v) !== undefined,
  'ISO 8601 with an offset, e.g. 2022-12-11T00:00:00+09:00',
);

/** 1 for the 64 base64 letters; a table lookup per character keeps multi-MB texts cheap. */
const BASE64_LETTER = (() => {
  const t = new Uint8Array(128);
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < letters.length; i++) t[letters.charCodeAt(i)] = 1;
  return t;
})();

/**
 * A character that is neither a base64 letter nor `=`. Searched for rather than matching the whole
 * text with `^[A-Za-z0-9+/]*(={0,2})$`: V8 scans for this class about 10× faster (0.04 ms instead of
 * 0.4 ms per ~70 KB picture, measured on Node 20), and an import sends each picture's text through
 * this check three times (validation, checkPersonPicture, registPersonForCloud) and the emulator twice.
 */
const NOT_BASE64_OR_PAD = /[^A-Za-z0-9+/=]/;

/** Whitespace a base64 encoder may insert: line breaks (MIME, `base64` on the command line), spaces, tabs. */
function isBase64Blank(c: number): boolean {
  return c === 10 || c === 13 || c === 32 || c === 9;
}

/**
 * Base64 as PHP's `base64_decode` reads it: the 64 letters, line breaks and blanks anywhere (ignored),
 * padding optional (`=`, at most two, only at the end). A length of 4k+1 letters decodes to nothing
 * whole and is refused.
 */
function isWellFormedBase64(value: string): boolean {
  // Fast path (what encoders send: no blanks): one native regular-expression search for anything
  // else and one for the first `=`, instead of a JavaScript loop over every character.
  if (!NOT_BASE64_OR_PAD.test(value)) {
    const eq = value.indexOf('=');
    const pad = eq < 0 ? 0 : value.length - eq;
    // `=` inside the text, or more than two at the end: not base64 (as the loop below decides).
    if (pad > 2 || (pad === 2 && value.charCodeAt(value.length - 1) !== 61)) return false;
    const letters = value.length - pad;
    return letters % 4 !== 1 && (pad === 0 || value.length % 4 === 0);
  }
  let end = value.length;
  while (end > 0 && isBase64Blank(value.charCodeAt(end - 1))) end--;
  let pad = 0;
  while (end > 0 && pad < 2 && value.charCodeAt(end - 1) === 61) {
    end--;
    pad++;
    while (end > 0 && isBase64Blank(value.charCodeAt(end - 1))) end--;
  }
  let letters = 0;
  for (let i = 0; i < end; i++) {
    const c = value.charCodeAt(i);
    if (c < 128 && BASE64_LETTER[c] === 1) letters++;
    else if (!isBase64Blank(c)) return false;
  }
  if (letters % 4 === 1) return false;
  return pad === 0 || (letters + pad) % 4 === 0;
}

/** The first `n` base64 letters of `value`, blanks left out (to sniff the content). */
function base64Head(value: string, n: number): string {
  let out = '';
  for (let i = 0; i < value.length && out.length < n; i++) {
    if (!isBase64Blank(value.charCodeAt(i))) out += value[i];
  }
  return out;
}

/** `base64`: `maxBytes` of base64 text, the form, then what the first decoded bytes are (`content`). */
export const checkBase64: Check = (name, def, value, out) => {
  if (def.maxBytes !== undefined && value.length > def.maxBytes) {
    out.push(issue(name, 'base64TooLarge', { label: def.label, max: def.maxBytes, got: value.length }));
    return;
  }
  if (!isWellFormedBase64(value)) {
    out.push(issue(name, 'notBase64', { label: def.label, name }));
    return;
  }
  if (!def.content || def.content === 'binary') return;
  const head = Buffer.from(base64Head(value, 8), 'base64');
  const jpeg = head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
  const png = head.length >= 4 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47;
  const ok = def.content === 'jpeg' ? jpeg : def.content === 'png' ? png : jpeg || png;
  if (!ok) {
    const got = png ? 'PNG' : jpeg ? 'JPEG' : 'unknown content';
    out.push(issue(name, 'notPicture', { label: def.label, content: def.content, got }));
  }
};

/** `idList`: comma-separated positive integers, each at most MAX_WIRE_INTEGER, at most `maxItems`. */
export const checkIdList: Check = (name, def, value, out) => {
  // `ids=1, 2`: PHP's is_numeric accepts blanks around a number, so blanks around an id are allowed.
  const parts = value.split(',').map((p) => p.trim());
  for (const part of parts) {
    if (!POSITIVE_INT.test(part)) {
      out.push(issue(name, 'notIdList', { label: def.label, name, part }));
      return;
    }
    if (Number(part) > MAX_WIRE_INTEGER) {
      out.push(issue(name, 'outOfRange', { label: def.label, min: 1, max: MAX_WIRE_INTEGER, value: part }));
      return;
    }
  }
  if (def.maxItems !== undefined && parts.length > def.maxItems) {
    out.push(issue(name, 'tooManyIds', { label: def.label, max: def.maxItems, got: parts.length }));
  }
};

export const checkRgba: Check = (name, def, value, out) => {
  const m = RGBA.exec(value);
  if (!m || +m[1] > 255 || +m[2] > 255 || +m[3] > 255 || +m[4] > 255) {
    out.push(issue(name, 'notRgba', { label: def.label, name, value }));
  }
};

/** A pure-digit card number is decimal (≤20 digits, ≤ 2^64−1); anything else must be hex ≤16 digits. */
export function isValidCardNo(value: string): boolean {
  if (DECIMAL_CARD.test(value)) {
    const digits = value.replace(/^0+(?=\d)/, '');
    return digits.length < 20 || (digits.length === 20 && digits <= MAX_CARD_DECIMAL);
  }
  return HEX_CARD.test(value);
}

export const checkCardNo: Check = (name, def, value, out) => {
  if (!isValidCardNo(value)) {
    out.push(issue(name, 'notCardNo', { label: def.label, name, value, maxDecimal: MAX_CARD_DECIMAL }));
  }
};

/** `json`: `maxBytes` of UTF-8 (measured only when the text could exceed it), then `JSON.parse`. */
export const checkJson: Check = (name, def, value, out) => {
  if (def.maxBytes !== undefined && value.length > def.maxBytes / 3) {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > def.maxBytes) {
      out.push(issue(name, 'jsonTooLarge', { label: def.label, max: def.maxBytes, got: bytes }));
      return;
    }
  }
  try {
    JSON.parse(value);
  } catch {
    out.push(issue(name, 'notJson', { label: def.label, name }));
  }
};

/**
 * A Unix timestamp in whole seconds. A value above MAX_UNIX_SECONDS (year 5138) can only be
 * milliseconds, like the SenseLink document's own sample `1659423903029`: refused, naming the seconds
 * it most likely meant, rather than stored as a date around the year 54554.
 */
export const checkUnixSeconds: Check = (name, def, value, out) => {
  if (!/^\d{1,16}$/.test(value)) {
    out.push(issue(name, 'notUnixSeconds', { label: def.label, name, value }));
    return;
  }
  const n = Number(value);
  if (n > MAX_UNIX_SECONDS) {
    const seconds = Math.floor(n / 1000);
    const when =
      seconds <= MAX_UNIX_SECONDS ? ` (${new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')})` : '';
    out.push(issue(name, 'milliseconds', { label: def.label, name, value, seconds, when }));
  }
};
