/**
 * The table of parameter types (`ParamType`, src/registry/types.ts): for each, how a value is checked,
 * how a friendly value becomes its wire text, the placeholder of its flag and the format words of its
 * `--help`. `satisfies Record<ParamType, ParamTypeSpec>` keeps it complete: a new type without all of
 * them does not compile. `checkValue` and `coerceValue` interpret it; nothing else switches on a type.
 */

import type { ParamDef, ParamType } from '../../registry/types.js';
import { formatApiDate, formatApiDateTime, formatIso8601, parseUserDate, parseUserDateTime } from '../dates.js';
import {
  type Check,
  checkBase64,
  checkCardNo,
  checkDate,
  checkDateTime,
  checkEnum,
  checkFlag,
  checkIdList,
  checkIso8601,
  checkJson,
  checkNumber,
  checkRgba,
  checkString,
  checkUnixSeconds,
} from './checks.js';
import type { ParamIssue } from './messages.js';
import { isSexEnum, SEX_WORDS } from './sex-words.js';

/** The moment relative forms (`-15m`, `today`) count from, and the IANA zone wall times are read and written in. */
export interface Clock {
  now: Date;
  zone: string;
}

export interface ParamTypeSpec {
  /** Checks one present, non-empty wire value; pushes what is wrong (catalogue messages) onto `out`. */
  check: Check;
  /**
   * Friendly text (trimmed, non-empty) → wire text. What it cannot read is returned as given, for
   * `check` to name with the documented limit.
   */
  coerce: (text: string, def: ParamDef, clock: Clock) => string;
  /** Text kept exactly as given, blanks and empty text included (free text, file content, JSON): `coerce` is not called. */
  verbatim: boolean;
  /** A `Date` → wire text; absent: the facetCloud date-time `YYYY/MM/DD HH:MI:SS` in the clock's zone. */
  fromDate?: (d: Date, clock: Clock) => string;
  /** File content (bytes) → wire text; absent: bytes are not a value of this type. */
  fromBytes?: (bytes: Uint8Array) => string;
  /** An array → wire text; absent: the array is read as text (`String(array)`). */
  fromList?: (items: readonly unknown[]) => string;
  /** Another object → wire text; absent: read as text. */
  fromObject?: (value: object) => string;
  /** The value is file content: the CLI takes a path (`-` for stdin), plans and logs leave it out. */
  file: boolean;
  /** The value as a JSON answer shows it (the document's `"deviceAudioVolume": 98`): a number or the text. */
  answer: (wire: string, def: ParamDef) => string | number;
  /** The flag's value placeholder in `--help` and usage lines: `--person-code <text>`. */
  placeholder: string;
  /** The accepted forms, as words for `--help`; absent when the limits alone say it. */
  help?: string;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'off']);

const asIs = (text: string) => text;
const asNumber = (wire: string) => Number(wire);
/** An enum whose values are all numbers (recogWorkstateTime) answers numbers. */
const enumAnswer = (wire: string, def: ParamDef) =>
  def.values?.every((v) => typeof v === 'number') ? Number(wire) : wire;
const text = { file: false, answer: asIs } as const;
const numeric = { file: false, answer: asNumber } as const;
const joined = (items: readonly unknown[]) => items.map(String).join(',');
const noBlanks = (text: string) => text.replace(/\s+/g, '');

/** `male`/`M`/`男性` → `male` where the values are the sexes; otherwise a value matched without case. */
function coerceEnum(text: string, def: ParamDef): string {
  const values = def.values ?? [];
  if (isSexEnum(values)) {
    const word = text.toLowerCase();
    const sex = Object.hasOwn(SEX_WORDS, word) ? SEX_WORDS[word] : undefined;
    if (sex) return sex;
  }
  const l = text.toLowerCase();
  for (const v of values) if (String(v).toLowerCase() === l) return String(v);
  return text;
}

/** A `Date` → whole Unix seconds (the zone plays no part). */
const unixSecondsOf = (d: Date) => String(Math.floor(d.getTime() / 1000));

/**
 * The coercions of a date type: text read by `parse` (absolute or relative to the clock) and written by
 * `format` in the clock's zone, a `Date` written by `format`. Text matching `already` is wire text
 * already (Unix seconds: digits are a timestamp; the check refuses milliseconds).
 */
function dateType(
  parse: (text: string, now: Date, zone: string, opts: { end?: boolean; recorded?: boolean }) => Date | undefined,
  format: (d: Date, zone: string) => string,
  already?: RegExp,
): Pick<ParamTypeSpec, 'coerce' | 'verbatim' | 'fromDate'> {
  return {
    coerce: (text, def, { now, zone }) => {
      if (already?.test(text)) return text;
      // The end of a range (ParamDef.rangeEnd): a day alone means its last second. A moment that
      // happened (ParamDef.recorded): `now` is the current second, not its end.
      const d = parse(text, now, zone, { end: def.rangeEnd === true, recorded: def.recorded === true });
      return d ? format(d, zone) : text;
    },
    verbatim: false,
    fromDate: (d, { zone }) => format(d, zone),
  };
}

/** The table; see `ParamTypeSpec` and the meaning of each type in src/registry/types.ts. */
export const PARAM_TYPES = {
  string: { check: checkString, coerce: asIs, verbatim: true, ...text, placeholder: 'text' },
  int: { check: checkNumber, coerce: asIs, verbatim: false, ...numeric, placeholder: 'n' },
  number: { check: checkNumber, coerce: asIs, verbatim: false, ...numeric, placeholder: 'num' },
  flag: {
    check: checkFlag,
    coerce: (text) => {
      const l = text.toLowerCase();
      return TRUE_WORDS.has(l) ? '1' : FALSE_WORDS.has(l) ? '0' : text;
    },
    verbatim: false,
    ...numeric,
    placeholder: '0|1',
    help: '1/0, true/false, yes/no; the flag alone means 1',
  },
  enum: {
    check: checkEnum,
    coerce: coerceEnum,
    verbatim: false,
    file: false,
    answer: enumAnswer,
    placeholder: 'value',
  },
  datetime: {
    check: checkDateTime,
    ...dateType(parseUserDateTime, formatApiDateTime),
    ...text,
    placeholder: 'datetime',
    help: "YYYY/MM/DD HH:MI:SS in the cloud's zone, ISO 8601, or relative: -24h, -7d, today, yesterday, now",
  },
  date: {
    check: checkDate,
    ...dateType(parseUserDate, formatApiDate),
    ...text,
    placeholder: 'date',
    help: 'YYYY/MM/DD or YYYY-MM-DD',
  },
  iso8601: {
    check: checkIso8601,
    ...dateType(parseUserDateTime, formatIso8601),
    ...text,
    placeholder: 'datetime',
    help: 'ISO 8601 (2022-12-11T00:00:00+09:00), YYYY/MM/DD HH:MI:SS or relative',
  },
  unixSeconds: {
    check: checkUnixSeconds,
    ...dateType(parseUserDateTime, unixSecondsOf, /^\d+$/),
    ...text,
    placeholder: 'unix-or-datetime',
    help: 'Unix seconds (not milliseconds), or a date/time (ISO 8601, -1h, now) converted to Unix seconds',
  },
  base64: {
    check: checkBase64,
    coerce: asIs,
    verbatim: true,
    file: true,
    answer: asIs,
    fromBytes: (bytes) => Buffer.from(bytes).toString('base64'),
    placeholder: 'file',
  },
  idList: { check: checkIdList, coerce: noBlanks, verbatim: false, ...text, fromList: joined, placeholder: 'ids' },
  rgba: {
    check: checkRgba,
    coerce: noBlanks,
    verbatim: false,
    ...text,
    fromList: joined,
    placeholder: 'r,g,b,a',
    help: 'R,G,B,A each 0–255',
  },
  cardNo: {
    check: checkCardNo,
    coerce: asIs,
    verbatim: false,
    ...text,
    placeholder: 'card-no',
    help: 'hex ≤ 16 digits or decimal ≤ 20 digits (≤ 18446744073709551615)',
  },
  json: {
    check: checkJson,
    coerce: asIs,
    verbatim: true,
    ...text,
    fromObject: (value) => JSON.stringify(value),
    placeholder: 'json',
    help: 'a JSON text',
  },
} satisfies Record<ParamType, ParamTypeSpec>;

/** The spec of `type`, as the interface (so optional members read as optional). */
export function paramType(type: ParamType): ParamTypeSpec {
  return PARAM_TYPES[type];
}

/** Checks one present, non-empty value against its definition (the type's `check`). */
export function checkValue(name: string, def: ParamDef, value: string, out: ParamIssue[]): void {
  paramType(def.type).check(name, def, value, out);
}

/**
 * One friendly value → its wire string, by its type's entry; `undefined` for nothing (null, blank
 * text, bytes where text is expected). What it cannot read is left as text for `checkValue` to name.
 */
export function coerceValue(def: ParamDef, value: unknown, clock: Clock): string | undefined {
  if (value === undefined || value === null) return undefined;
  const t = paramType(def.type);
  if (value instanceof Uint8Array) return t.fromBytes?.(value);
  if (value instanceof Date) return t.fromDate ? t.fromDate(value, clock) : formatApiDateTime(value, clock.zone);
  if (Array.isArray(value) && t.fromList) return t.fromList(value);
  if (typeof value === 'object' && t.fromObject) return t.fromObject(value);
  const raw = typeof value === 'string' ? value : String(value);
  if (t.verbatim) return raw;
  const text = raw.trim();
  return text === '' ? undefined : t.coerce(text, def, clock);
}
