/**
 * Parameter coercion and validation: one implementation for the CLI, the CSV importer, the client
 * (before sending) and the emulator (on every request), so a limit is enforced identically everywhere.
 *
 * `validateWire` runs per request and per CSV row, so it avoids per-call regex compilation and large
 * allocations: base64 texts of several MB are measured by length and scanned once by a precompiled
 * regex; only their first bytes are decoded to sniff the content.
 */

import type { CrossRule, EndpointDef, FamilyDef, ParamDef } from '../registry/types.js';
import {
  DEFAULT_TIME_ZONE,
  formatApiDate,
  formatApiDateTime,
  formatIso8601,
  isApiDate,
  isApiDateTime,
  MAX_UNIX_SECONDS,
  parseIso8601,
  parseUserDate,
  parseUserDateTime,
} from './dates.js';

export type WireParams = Record<string, string>;

export interface ParamIssue {
  /** Wire name (e.g. 'accessTimeFrom_2', 'birthday') or family/group name. */
  name: string;
  code:
    | 'required'
    | 'type'
    | 'range'
    | 'length'
    | 'enum'
    | 'format'
    | 'size'
    | 'content'
    | 'oneOf'
    | 'interval'
    | 'overlap'
    | 'count'
    | 'unknown'
    | 'cross';
  /** English, the limit and the value, without the parameter's name (it is `name`; callers prefix the flag, key or column). */
  message: string;
  /** Japanese, in the documents' style. */
  messageJa: string;
}

/** Parameters every facetCloud endpoint accepts besides its own. */
const ALWAYS_ALLOWED = new Set(['ds-api-token', 'nochange-response-status']);

/** An integer as PHP's is_numeric + intval read 「数値」: `80` and `80.0` (a zero fraction) alike. */
const INT = /^-?\d+(?:\.0+)?$/;
const NUMBER = /^-?\d+(?:\.(\d+))?$/;
const POSITIVE_INT = /^[1-9]\d*$/;
const RGBA = /^(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})$/;
const DECIMAL_CARD = /^\d{1,20}$/;
const HEX_CARD = /^[0-9a-fA-F]{1,16}$/;
const ISO_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/;
const FAMILY_MEMBER = /^(.+)_([1-9]\d*)$/;
const MAX_CARD_DECIMAL = '18446744073709551615';
/** The longest SenseLink record window (the `window24h` rule): exporters split longer ranges by it. */
export const SENSELINK_MAX_WINDOW_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Issues

function issue(name: string, code: ParamIssue['code'], message: string, messageJa: string): ParamIssue {
  return { name, code, message, messageJa };
}

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

function rangeText(def: ParamDef): { en: string; ja: string } {
  const { min, max } = def;
  if (min !== undefined && max !== undefined) return { en: `between ${min} and ${max}`, ja: `${min}から${max}の範囲` };
  if (min !== undefined) return { en: `at least ${min}`, ja: `${min}以上` };
  return { en: `at most ${max}`, ja: `${max}以下` };
}

function bytesText(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)}MB`;
  if (n % 1024 === 0) return `${n / 1024}KB`;
  return `${n}バイト`;
}

// ---------------------------------------------------------------------------------------------
// One value against its definition

type Sink = ParamIssue[];

function checkNumber(name: string, def: ParamDef, value: string, out: Sink): void {
  const label = def.label;
  if (def.type === 'int') {
    if (!INT.test(value)) {
      out.push(
        issue(
          name,
          'type',
          `must be an integer (got '${value}')`,
          `${label}（${name}）は整数で指定する必要があります。`,
        ),
      );
      return;
    }
  } else {
    const m = NUMBER.exec(value);
    if (!m) {
      out.push(
        issue(name, 'type', `must be a number (got '${value}')`, `${label}（${name}）は数値で指定する必要があります。`),
      );
      return;
    }
    const decimals = m[1]?.length ?? 0;
    if (def.decimals !== undefined && decimals > def.decimals) {
      out.push(
        issue(
          name,
          'format',
          `at most ${def.decimals} decimal place(s) (got '${value}')`,
          `${label}は小数点以下${def.decimals}桁までで指定して下さい。`,
        ),
      );
      return;
    }
  }
  const n = Number(value);
  if (def.values && !def.values.some((v) => Number(v) === n)) {
    out.push(enumIssue(name, def, value));
    return;
  }
  if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) {
    const r = rangeText(def);
    out.push(issue(name, 'range', `must be ${r.en} (got ${value})`, `${label}は${r.ja}で指定して下さい。`));
  }
}

function enumIssue(name: string, def: ParamDef, value: string): ParamIssue {
  const values = def.values ?? [];
  return issue(
    name,
    'enum',
    `must be one of ${values.join(', ')} (got '${value}')`,
    `${def.label}は${values.join('、')}のいずれかで指定して下さい。`,
  );
}

function checkString(name: string, def: ParamDef, value: string, out: Sink): void {
  if (def.maxLength === undefined && def.minLength === undefined) return;
  const len = value.length <= (def.maxLength ?? 0) ? value.length : codePointLength(value);
  if (def.maxLength !== undefined && len > def.maxLength) {
    out.push(
      issue(
        name,
        'length',
        `at most ${def.maxLength} characters (got ${len})`,
        `${def.label}の文字数が多すぎます。${def.maxLength}文字以内で指定して下さい。`,
      ),
    );
  } else if (def.minLength !== undefined && len < def.minLength) {
    out.push(
      issue(
        name,
        'length',
        `at least ${def.minLength} characters (got ${len})`,
        `${def.label}の文字数が少なすぎます。${def.minLength}文字以上で指定して下さい。`,
      ),
    );
  }
}

/** 1 for the 64 base64 letters; a table lookup per character keeps multi-MB texts cheap. */
const BASE64_LETTER = (() => {
  const t = new Uint8Array(128);
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < letters.length; i++) t[letters.charCodeAt(i)] = 1;
  return t;
})();

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

function checkBase64(name: string, def: ParamDef, value: string, out: Sink): void {
  if (def.maxBytes !== undefined && value.length > def.maxBytes) {
    out.push(
      issue(
        name,
        'size',
        `at most ${def.maxBytes} bytes of base64 (got ${value.length})`,
        `${def.label}のサイズが大きすぎます。Base64エンコード後${bytesText(def.maxBytes)}以内で指定して下さい。`,
      ),
    );
    return;
  }
  if (!isWellFormedBase64(value)) {
    out.push(issue(name, 'format', 'must be base64 text', `${def.label}（${name}）はBase64形式で指定して下さい。`));
    return;
  }
  if (!def.content || def.content === 'binary') return;
  const head = Buffer.from(base64Head(value, 8), 'base64');
  const jpeg = head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
  const png = head.length >= 4 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47;
  const ok = def.content === 'jpeg' ? jpeg : def.content === 'png' ? png : jpeg || png;
  if (!ok) {
    const what = def.content === 'jpeg' ? 'JPEG' : def.content === 'png' ? 'PNG' : 'JPEG or PNG';
    const whatJa = def.content === 'jpeg' ? 'JPEG' : def.content === 'png' ? 'PNG' : 'JPEGまたはPNG';
    const got = png ? 'PNG' : jpeg ? 'JPEG' : 'unknown content';
    out.push(
      issue(
        name,
        'content',
        `must be a ${what} image (got ${got})`,
        `${def.label}は${whatJa}形式の画像で指定して下さい。`,
      ),
    );
  }
}

function checkIdList(name: string, def: ParamDef, value: string, out: Sink): void {
  // `ids=1, 2`: PHP's is_numeric accepts blanks around a number, so blanks around an id are allowed.
  const parts = value.split(',').map((p) => p.trim());
  for (const p of parts) {
    if (!POSITIVE_INT.test(p)) {
      out.push(
        issue(
          name,
          'format',
          `must be comma-separated positive integers (got '${p}')`,
          `${def.label}（${name}）はカンマ区切りの数値で指定して下さい。`,
        ),
      );
      return;
    }
  }
  if (def.maxItems !== undefined && parts.length > def.maxItems) {
    out.push(
      issue(
        name,
        'count',
        `at most ${def.maxItems} ids (got ${parts.length})`,
        `${def.label}は最大${def.maxItems}件まで指定可能です。`,
      ),
    );
  }
}

function checkRgba(name: string, def: ParamDef, value: string, out: Sink): void {
  const m = RGBA.exec(value);
  if (!m || +m[1] > 255 || +m[2] > 255 || +m[3] > 255 || +m[4] > 255) {
    out.push(
      issue(
        name,
        'format',
        `must be 'R,G,B,A' with each part 0–255 (got '${value}')`,
        `${def.label}（${name}）は「R,G,B,A」の形式（各0から255）で指定して下さい。`,
      ),
    );
  }
}

/** A pure-digit card number is decimal (≤20 digits, ≤ 2^64−1); anything else must be hex ≤16 digits. */
export function isValidCardNo(value: string): boolean {
  if (DECIMAL_CARD.test(value)) {
    const digits = value.replace(/^0+(?=\d)/, '');
    return digits.length < 20 || (digits.length === 20 && digits <= MAX_CARD_DECIMAL);
  }
  return HEX_CARD.test(value);
}

function checkCardNo(name: string, def: ParamDef, value: string, out: Sink): void {
  if (!isValidCardNo(value)) {
    out.push(
      issue(
        name,
        'format',
        `must be hex of at most 16 digits, or decimal of at most 20 digits up to ${MAX_CARD_DECIMAL} (got '${value}')`,
        `${def.label}（${name}）は16桁以内の16進数、または20桁以内（${MAX_CARD_DECIMAL}以下）の10進数で指定して下さい。`,
      ),
    );
  }
}

function checkJson(name: string, def: ParamDef, value: string, out: Sink): void {
  if (def.maxBytes !== undefined && value.length > def.maxBytes / 3) {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > def.maxBytes) {
      out.push(
        issue(
          name,
          'size',
          `at most ${def.maxBytes} bytes (got ${bytes})`,
          `${def.label}のサイズが大きすぎます。${bytesText(def.maxBytes)}以内で指定して下さい。`,
        ),
      );
      return;
    }
  }
  try {
    JSON.parse(value);
  } catch {
    out.push(issue(name, 'format', 'must be JSON text', `${def.label}（${name}）はJSON形式で指定して下さい。`));
  }
}

function dateIssue(name: string, def: ParamDef, form: string): ParamIssue {
  return issue(
    name,
    'format',
    `must be a real date in the form ${form}`,
    `${def.label}（${name}）は日付形式で指定する必要があります。`,
  );
}

/**
 * A Unix timestamp in whole seconds. A value above MAX_UNIX_SECONDS (year 5138) can only be
 * milliseconds, like the SenseLink document's own sample `1659423903029`: refused, naming the seconds
 * it most likely meant, rather than stored as a date around the year 54554.
 */
function checkUnixSeconds(name: string, def: ParamDef, value: string, out: Sink): void {
  if (!/^\d{1,16}$/.test(value)) {
    out.push(
      issue(
        name,
        'type',
        `must be a Unix timestamp in seconds (got '${value}')`,
        `${def.label}（${name}）はUNIXタイムスタンプ（秒）で指定する必要があります。`,
      ),
    );
    return;
  }
  const n = Number(value);
  if (n > MAX_UNIX_SECONDS) {
    const seconds = Math.floor(n / 1000);
    const when =
      seconds <= MAX_UNIX_SECONDS ? ` (${new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')})` : '';
    out.push(
      issue(
        name,
        'range',
        `is in milliseconds, but a Unix timestamp in seconds is expected: did you mean ${seconds}${when}? (got '${value}')`,
        `${def.label}（${name}）は秒単位のUNIXタイムスタンプで指定して下さい（ミリ秒ではありません）。`,
      ),
    );
  }
}

/** Checks one present, non-empty value against its definition. */
export function checkValue(name: string, def: ParamDef, value: string, out: ParamIssue[]): void {
  switch (def.type) {
    case 'string':
      checkString(name, def, value, out);
      return;
    case 'int':
    case 'number':
      checkNumber(name, def, value, out);
      return;
    case 'flag':
      if (value !== '0' && value !== '1') {
        out.push(
          issue(name, 'type', `must be 0 or 1 (got '${value}')`, `${def.label}（${name}）は0または1で指定して下さい。`),
        );
      }
      return;
    case 'enum':
      if (!def.values?.some((v) => String(v) === value)) out.push(enumIssue(name, def, value));
      return;
    case 'datetime':
      if (!isApiDateTime(value)) out.push(dateIssue(name, def, 'YYYY/MM/DD HH:MI:SS'));
      return;
    case 'date':
      if (!isApiDate(value)) out.push(dateIssue(name, def, 'YYYY/MM/DD'));
      return;
    case 'iso8601':
      if (!ISO_SHAPE.test(value) || parseIso8601(value) === undefined) {
        out.push(dateIssue(name, def, 'ISO 8601 with an offset, e.g. 2022-12-11T00:00:00+09:00'));
      }
      return;
    case 'unixSeconds':
      checkUnixSeconds(name, def, value, out);
      return;
    case 'base64':
      checkBase64(name, def, value, out);
      return;
    case 'idList':
      checkIdList(name, def, value, out);
      return;
    case 'rgba':
      checkRgba(name, def, value, out);
      return;
    case 'cardNo':
      checkCardNo(name, def, value, out);
      return;
    case 'json':
      checkJson(name, def, value, out);
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Families (accessFlag_N…, card_no_N…)

interface FamilyMember {
  family: FamilyDef;
  field: number;
  n: number;
}

const familyFieldCache = new WeakMap<EndpointDef, Map<string, { family: FamilyDef; field: number }>>();

function familyFields(ep: EndpointDef): Map<string, { family: FamilyDef; field: number }> {
  let map = familyFieldCache.get(ep);
  if (!map) {
    map = new Map();
    for (const family of ep.families ?? []) {
      for (let field = 0; field < family.fields.length; field++) map.set(family.fields[field].name, { family, field });
    }
    familyFieldCache.set(ep, map);
  }
  return map;
}

/** `accessTimeFrom_3` → its family, field index and N; undefined for anything else. */
export function familyMemberOf(ep: EndpointDef, wireName: string): FamilyMember | undefined {
  if (!ep.families) return undefined;
  const m = FAMILY_MEMBER.exec(wireName);
  if (!m) return undefined;
  const f = familyFields(ep).get(m[1]);
  return f ? { ...f, n: Number(m[2]) } : undefined;
}

function checkFamily(family: FamilyDef, wire: WireParams, present: Set<number>, out: Sink): void {
  const key = family.fields[0];
  const entries: { n: number; from?: string; to?: string }[] = [];
  const ns = [...present].sort((a, b) => a - b);
  for (const n of ns) {
    const keyName = `${key.name}_${n}`;
    const keyGiven = (wire[keyName] ?? '') !== '';
    let valid = true;
    for (const f of family.fields) {
      const name = `${f.name}_${n}`;
      const v = wire[name];
      if (v === undefined || v === '') {
        if (keyGiven && f !== key) {
          valid = false;
          out.push(
            issue(name, 'required', `required when ${keyName} is given`, `${f.def.label}（${name}）は必須です。`),
          );
        }
        continue;
      }
      if (!keyGiven) {
        valid = false;
        out.push(
          issue(name, 'required', `needs ${keyName} as well`, `${key.def.label}（${keyName}）が指定されていません。`),
        );
        continue;
      }
      const before = out.length;
      checkValue(name, f.def, v, out);
      if (out.length !== before) valid = false;
    }
    if (valid && keyGiven && family.interval) {
      entries.push({ n, from: wire[`${family.interval.from}_${n}`], to: wire[`${family.interval.to}_${n}`] });
    }
  }
  if (family.interval) checkIntervals(family, entries, out);
}

/** Wire dates and datetimes are fixed-width, so string order is time order. */
function checkIntervals(family: FamilyDef, entries: { n: number; from?: string; to?: string }[], out: Sink): void {
  const iv = family.interval!;
  const fromDef = family.fields.find((f) => f.name === iv.from)!.def;
  const toDef = family.fields.find((f) => f.name === iv.to)!.def;
  const ordered: { n: number; from: string; to: string }[] = [];
  for (const e of entries) {
    if (!e.from || !e.to) continue;
    const fromName = `${iv.from}_${e.n}`;
    const toName = `${iv.to}_${e.n}`;
    let ok = true;
    for (const [name, value, def] of [
      [fromName, e.from, fromDef],
      [toName, e.to, toDef],
    ] as const) {
      if ((iv.min !== undefined && value < iv.min) || (iv.max !== undefined && value > iv.max)) {
        ok = false;
        out.push(
          issue(
            name,
            'range',
            `must be between ${iv.min} and ${iv.max} (got ${value})`,
            `${def.label}は${iv.min}から${iv.max}の範囲で指定して下さい。`,
          ),
        );
      }
    }
    if (e.from > e.to) {
      ok = false;
      out.push(
        issue(
          fromName,
          'interval',
          `must not be after ${toName} (${e.from} > ${e.to})`,
          `${fromDef.label}（${fromName}）は${toDef.label}（${toName}）以前の日時で指定して下さい。`,
        ),
      );
    }
    if (ok) ordered.push({ n: e.n, from: e.from, to: e.to });
  }
  if (!iv.noOverlap || ordered.length < 2) return;
  ordered.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  // Compare with the latest end so far, so that a long window is seen to cover several later ones.
  let reach = ordered[0];
  for (let i = 1; i < ordered.length; i++) {
    const cur = ordered[i];
    // Inclusive windows that merely touch (one ends when the next starts) are not an overlap.
    if (cur.from < reach.to) {
      const name = `${iv.from}_${cur.n}`;
      out.push(
        issue(
          name,
          'overlap',
          `window ${cur.n} (${cur.from}–${cur.to}) overlaps window ${reach.n} (${reach.from}–${reach.to})`,
          `期間の重複指定は許容されません（${iv.from}_${reach.n}と${name}）。`,
        ),
      );
    }
    if (cur.to > reach.to) reach = cur;
  }
}

/**
 * The wire as the cloud reads it: family entries past their maximum that the document says are ignored
 * (`beyondMax.cloud === 'ignored'`, e.g. `accessFlag_11`) and parameters an endpoint's `ignoredWhen`
 * rules ignore (getRecogLog's `latest=1`) are left out. Returns `wire` itself when
 * nothing is dropped. Used by the emulator before `validateWire`; the CLI validates the full wire and
 * refuses those entries instead.
 */
export function dropIgnoredByCloud(ep: EndpointDef, wire: WireParams): WireParams {
  let out: WireParams | undefined;
  for (const rule of ep.ignoredWhen ?? []) {
    if (wire[rule.param] !== rule.value) continue;
    for (const name of rule.ignores) {
      if (!(name in wire)) continue;
      out ??= { ...wire };
      delete out[name];
    }
  }
  if (!ep.families) return out ?? wire;
  for (const name in wire) {
    const member = familyMemberOf(ep, name);
    if (!member || member.n <= member.family.max || member.family.beyondMax.cloud !== 'ignored') continue;
    out ??= { ...wire };
    delete out[name];
  }
  return out ?? wire;
}

/**
 * Values the cloud replaces by a documented fallback (`ParamDef.fallback`) because they are malformed:
 * one notice per value, its message saying what the device will use. The CLI prints them as warnings;
 * `cloudReading` substitutes the fallbacks.
 */
export function fallbackNotices(ep: EndpointDef, wire: WireParams): ParamIssue[] {
  const out: ParamIssue[] = [];
  for (const name in wire) {
    const def = ownParam(ep, name);
    const value = wire[name];
    if (!def?.fallback || value === '' || value === undefined) continue;
    const found: ParamIssue[] = [];
    checkValue(name, def, value, found);
    for (const i of found) {
      out.push({
        ...i,
        message: `${i.message}; the cloud accepts it and the device shows ${def.fallback.meaning}`,
      });
    }
  }
  return out;
}

/**
 * The wire as the cloud reads it: `dropIgnoredByCloud`, then every malformed value that has a
 * documented fallback replaced by the fallback (`BorderColor=red` → `0,0,0,255`).
 */
export function cloudReading(ep: EndpointDef, wire: WireParams): WireParams {
  const kept = dropIgnoredByCloud(ep, wire);
  const notices = fallbackNotices(ep, kept);
  if (notices.length === 0) return kept;
  const out = { ...kept };
  for (const n of notices) {
    const def = ownParam(ep, n.name);
    if (def?.fallback) out[n.name] = def.fallback.value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cross-field rules

const TEMP_RANGES = { '0': { min: 34.0, max: 42.0, unit: '°C' }, '1': { min: 93.2, max: 107.6, unit: '°F' } } as const;

function checkTempRangeByUnit(ep: EndpointDef, wire: WireParams, out: Sink): void {
  const unit = wire.tempUnit;
  const range = unit === '0' || unit === '1' ? TEMP_RANGES[unit] : undefined;
  const valid: Record<string, number> = {};
  for (const name of ['tempValueRangeFrom', 'tempValueRangeTo']) {
    const v = wire[name];
    if (v === undefined || v === '' || !NUMBER.test(v)) continue;
    const n = Number(v);
    if (range && (n < range.min || n > range.max)) {
      const label = ep.params[name]?.label ?? name;
      out.push(
        issue(
          name,
          'cross',
          `must be between ${range.min} and ${range.max} when tempUnit is ${unit} (${range.unit}) (got ${v})`,
          `${label}は${range.min}から${range.max}の範囲で指定して下さい。`,
        ),
      );
    } else {
      valid[name] = n;
    }
  }
  if (valid.tempValueRangeFrom !== undefined && valid.tempValueRangeTo !== undefined) {
    if (valid.tempValueRangeFrom > valid.tempValueRangeTo) {
      out.push(
        issue(
          'tempValueRangeFrom',
          'cross',
          `must not be above tempValueRangeTo (${valid.tempValueRangeFrom} > ${valid.tempValueRangeTo})`,
          '体温の範囲（下限）は上限以下で指定して下さい。',
        ),
      );
    }
  }
}

function checkWindow24h(wire: WireParams, out: Sink): void {
  const from = wire.time_from ? parseIso8601(wire.time_from) : undefined;
  const to = wire.time_to ? parseIso8601(wire.time_to) : undefined;
  if (from === undefined || to === undefined) return;
  if (from > to) {
    out.push(issue('time_from', 'cross', 'must not be after time_to', '開始時刻は終了時刻以前で指定して下さい。'));
  } else if (to - from > SENSELINK_MAX_WINDOW_MS) {
    out.push(
      issue('time_to', 'cross', 'must be at most 24 hours after time_from', '検索期間は24時間以内で指定して下さい。'),
    );
  }
}

function checkCross(rule: CrossRule, ep: EndpointDef, wire: WireParams, out: Sink): void {
  switch (rule) {
    case 'tempRangeByUnit':
      checkTempRangeByUnit(ep, wire, out);
      return;
    case 'window24h':
      checkWindow24h(wire, out);
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// validateWire

/** A declared parameter; never something inherited from Object.prototype (`toString`, `constructor`). */
function ownParam(ep: EndpointDef, name: string): ParamDef | undefined {
  return Object.hasOwn(ep.params, name) ? ep.params[name] : undefined;
}

/**
 * Strict check of wire params exactly as the API would receive them. Returns one issue per problem,
 * all of them (never stops at the first). An empty value of an optional parameter counts as absent,
 * as the API treats it.
 */
export function validateWire(ep: EndpointDef, wire: WireParams, opts: { allowUnknown?: boolean } = {}): ParamIssue[] {
  const out: ParamIssue[] = [];
  let familyNs: Map<FamilyDef, Set<number>> | undefined;
  let surplus: Set<string> | undefined;
  for (const name in wire) {
    const value = wire[name];
    const def = ownParam(ep, name);
    if (def) {
      // A parameter with a documented fallback is never refused for its form (see `fallbackNotices`).
      if (value !== '' && value !== undefined && !def.fallback) checkValue(name, def, value, out);
      continue;
    }
    const member = familyMemberOf(ep, name);
    if (member) {
      if (member.n > member.family.max) {
        // One issue per surplus entry, named after the first of its members met.
        const entry = `${member.family.name}_${member.n}`;
        surplus ??= new Set();
        if (surplus.has(entry)) continue;
        surplus.add(entry);
        out.push(
          issue(
            name,
            'count',
            `${member.family.name} takes at most ${member.family.max} entries (N = 1…${member.family.max}): ${member.family.beyondMax.reason}`,
            `${member.family.fields[member.field].def.label}は${member.family.max}件まで指定可能です。`,
          ),
        );
        continue;
      }
      familyNs ??= new Map();
      let set = familyNs.get(member.family);
      if (!set) {
        set = new Set();
        familyNs.set(member.family, set);
      }
      set.add(member.n);
      continue;
    }
    if (ALWAYS_ALLOWED.has(name) || opts.allowUnknown) continue;
    out.push(issue(name, 'unknown', `unknown parameter for ${ep.id}`, `${name}は不明なパラメータです。`));
  }
  for (const name in ep.params) {
    const def = ep.params[name];
    if (def.required && (wire[name] === undefined || wire[name] === '')) {
      out.push(issue(name, 'required', 'is required', `${def.label}は必須です。`));
    }
  }
  if (familyNs) for (const [family, ns] of familyNs) checkFamily(family, wire, ns, out);
  if (ep.oneOf) for (const alternatives of ep.oneOf) checkOneOf(ep, alternatives, wire, out);
  if (ep.crossRules) for (const rule of ep.crossRules) checkCross(rule, ep, wire, out);
  return out;
}

function checkOneOf(ep: EndpointDef, alternatives: readonly (readonly string[])[], wire: WireParams, out: Sink): void {
  const given = (n: string) => wire[n] !== undefined && wire[n] !== '';
  if (alternatives.some((alt) => alt.every(given))) return;
  // A half-given alternative (recogLogSerialNo without recogLogId) is named precisely.
  const partial = alternatives.find((alt) => alt.some(given));
  if (partial) {
    for (const n of partial) {
      if (!given(n)) {
        const label = ep.params[n]?.label ?? n;
        out.push(
          issue(n, 'required', `required together with ${partial.filter(given).join(', ')}`, `${label}は必須です。`),
        );
      }
    }
    return;
  }
  const names = alternatives.map((alt) => alt.join('+'));
  const labels = alternatives.map((alt) => alt.map((n) => ep.params[n]?.label ?? n).join('・'));
  out.push(
    issue(
      names.join('|'),
      'oneOf',
      `one of ${names.join(', ')} is required`,
      `${[...new Set(labels)].join('、')}のいずれかを指定して下さい。`,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// coerceParams

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'off']);
const SEX_WORDS: Record<string, string> = {
  male: 'male',
  m: 'male',
  男: 'male',
  男性: 'male',
  female: 'female',
  f: 'female',
  女: 'female',
  女性: 'female',
};

function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

/** The moment relative forms count from, and the zone wall times are read and written in. */
interface Clock {
  now: Date;
  zone: string;
}

/** One friendly value → its wire string; leaves what it cannot read as text for validateWire to name. */
function coerceValue(def: ParamDef, value: unknown, clock: Clock): string | undefined {
  const { now, zone } = clock;
  if (value === undefined || value === null) return undefined;
  if (isBytes(value)) return def.type === 'base64' ? Buffer.from(value).toString('base64') : undefined;
  if (value instanceof Date) {
    if (def.type === 'date') return formatApiDate(value, zone);
    if (def.type === 'iso8601') return formatIso8601(value, zone);
    if (def.type === 'unixSeconds') return String(Math.floor(value.getTime() / 1000));
    return formatApiDateTime(value, zone);
  }
  if (Array.isArray(value) && (def.type === 'idList' || def.type === 'rgba')) return value.map(String).join(',');
  if (def.type === 'json' && typeof value === 'object') return JSON.stringify(value);
  const raw = typeof value === 'string' ? value : String(value);
  if (def.type === 'string' || def.type === 'base64' || def.type === 'json') return raw;
  const s = raw.trim();
  if (s === '') return undefined;
  switch (def.type) {
    case 'flag': {
      const l = s.toLowerCase();
      return TRUE_WORDS.has(l) ? '1' : FALSE_WORDS.has(l) ? '0' : s;
    }
    case 'enum':
      return coerceEnum(def, s);
    case 'datetime': {
      const d = parseUserDateTime(s, now, zone);
      return d ? formatApiDateTime(d, zone) : s;
    }
    case 'date': {
      const d = parseUserDate(s, now, zone);
      return d ? formatApiDate(d, zone) : s;
    }
    case 'iso8601': {
      const d = parseUserDateTime(s, now, zone);
      return d ? formatIso8601(d, zone) : s;
    }
    case 'unixSeconds': {
      // Digits are a timestamp already (validateWire refuses milliseconds); other text may be a date.
      if (/^\d+$/.test(s)) return s;
      const d = parseUserDateTime(s, now, zone);
      return d ? String(Math.floor(d.getTime() / 1000)) : s;
    }
    case 'idList':
    case 'rgba':
      return s.replace(/\s+/g, '');
    default:
      return s;
  }
}

function coerceEnum(def: ParamDef, s: string): string {
  const values = def.values ?? [];
  if (values.includes('male') && values.includes('female')) {
    const word = s.toLowerCase();
    const sex = Object.hasOwn(SEX_WORDS, word) ? SEX_WORDS[word] : undefined;
    if (sex) return sex;
  }
  const l = s.toLowerCase();
  for (const v of values) if (String(v).toLowerCase() === l) return String(v);
  return s;
}

/** Splits 'a,b,c' into at most `count` parts; the last part keeps any further commas. */
function splitFamilyEntry(entry: string, count: number): string[] {
  const parts: string[] = [];
  let rest = entry;
  while (parts.length < count - 1) {
    const i = rest.indexOf(',');
    if (i < 0) break;
    parts.push(rest.slice(0, i).trim());
    rest = rest.slice(i + 1);
  }
  parts.push(rest.trim());
  return parts;
}

function coerceFamily(family: FamilyDef, value: unknown, clock: Clock, wire: WireParams, out: Sink): void {
  const entries = Array.isArray(value) ? value : [value];
  entries.forEach((entry, i) => {
    const n = i + 1;
    const parts = splitFamilyEntry(String(entry), family.fields.length);
    if (parts.length !== family.fields.length) {
      out.push(
        issue(
          `${family.name}_${n}`,
          'format',
          `entry ${n} must be '${family.cliFormat}' (got '${String(entry)}')`,
          `${family.description}は「${family.cliFormat}」の形式で指定して下さい。`,
        ),
      );
      return;
    }
    family.fields.forEach((f, k) => {
      const v = coerceValue(f.def, parts[k], clock);
      if (v !== undefined && v !== '') wire[`${f.name}_${n}`] = v;
    });
  });
}

/**
 * CLI/CSV input → wire. Keys are API parameter names or family names ('access', 'card') holding
 * 'a,b,c' strings. Friendly forms are converted (dates, flags, sex, Buffers for base64); whatever
 * cannot be read is passed through so that `validateWire` reports it with the documented limit.
 * All issues come back together. `now` is what relative forms (`-15m`, `today`) count from; `zone`
 * (IANA, default Asia/Tokyo: see core/dates.ts) is the zone wall times are read and written in.
 */
export function coerceParams(
  ep: EndpointDef,
  input: Record<string, unknown>,
  opts: { now: Date; zone?: string; allowUnknown?: boolean },
): { wire: WireParams; issues: ParamIssue[] } {
  const clock: Clock = { now: opts.now, zone: opts.zone ?? DEFAULT_TIME_ZONE };
  const wire: WireParams = {};
  const issues: ParamIssue[] = [];
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    const def = ownParam(ep, key);
    if (def) {
      if (isBytes(value) && def.type !== 'base64') {
        issues.push(
          issue(key, 'type', 'takes text, not file content', `${def.label}（${key}）は文字列で指定して下さい。`),
        );
        continue;
      }
      const v = coerceValue(def, value, clock);
      if (v !== undefined) wire[key] = v;
      continue;
    }
    const family = ep.families?.find((f) => f.name === key);
    if (family) {
      coerceFamily(family, value, clock, wire, issues);
      continue;
    }
    const member = familyMemberOf(ep, key);
    if (member) {
      const v = coerceValue(member.family.fields[member.field].def, value, clock);
      if (v !== undefined) wire[key] = v;
      continue;
    }
    wire[key] = String(value);
  }
  issues.push(...validateWire(ep, wire, { allowUnknown: opts.allowUnknown }));
  return { wire, issues };
}
