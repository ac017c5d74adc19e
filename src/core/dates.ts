/**
 * Date and time forms. The facetCloud wire format is local time `YYYY/MM/DD HH:MI:SS` (dates alone
 * `YYYY/MM/DD`); SenseLink takes ISO 8601 with an offset. "Local" is the process's time zone, which
 * in practice is Asia/Tokyo like the cloud's.
 */

const API_DATETIME = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const API_DATE = /^(\d{4})\/(\d{2})\/(\d{2})$/;
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
/** Friendly absolute forms: `2024/05/01`, `2024-05-01 10:00`, `2024-05-01T10:00:00+09:00`, … */
const USER_DATETIME =
  /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const RELATIVE = /^([+-])(\d{1,6})\s*([smhdw])$/i;
/** A clock time inside the text: `10:00`, or a date joined to a time by `T`. */
const HAS_TIME = /:|\dT\d/i;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when the numbers name a real calendar moment (no 2023/02/30, no 24:00:00). */
export function isRealDateTime(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && s <= 59;
}

function localMidnight(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

/** Offset text like `+09:00` → minutes east of UTC. */
function offsetMinutes(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

/**
 * A date-time a person typed: the wire form, ISO 8601 (with or without offset; an offset converts
 * to local time), a date alone (midnight), relative `-24h`/`-30m`/`-7d`, `now`, `today`, `yesterday`.
 * Returns undefined when the text is none of these or not a real calendar moment.
 */
export function parseUserDateTime(text: string, now: Date): Date | undefined {
  const s = text.trim();
  const lower = s.toLowerCase();
  if (lower === 'now') return new Date(now.getTime());
  if (lower === 'today') return localMidnight(now);
  if (lower === 'yesterday') {
    const m = localMidnight(now);
    return new Date(m.getFullYear(), m.getMonth(), m.getDate() - 1);
  }
  const rel = RELATIVE.exec(s);
  if (rel) {
    const ms = Number(rel[2]) * UNIT_MS[rel[3].toLowerCase()];
    return new Date(now.getTime() + (rel[1] === '-' ? -ms : ms));
  }
  const m = USER_DATETIME.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, sec] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (!isRealDateTime(y, mo, d, h, mi, sec)) return undefined;
  if (m[7]) {
    const utc = Date.UTC(y, mo - 1, d, h, mi, sec) - offsetMinutes(m[7]) * 60_000;
    return new Date(utc);
  }
  return new Date(y, mo - 1, d, h, mi, sec);
}

/** A date a person typed: `YYYY/MM/DD`, `YYYY-MM-DD`, `today`, `yesterday`, relative days. */
export function parseUserDate(text: string, now: Date): Date | undefined {
  const s = text.trim();
  if (HAS_TIME.test(s)) return undefined;
  return parseUserDateTime(s, now);
}

/** Local time as the facetCloud wire wants it: `YYYY/MM/DD HH:MI:SS`. */
export function formatApiDateTime(d: Date): string {
  return `${formatApiDate(d)} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Local date as the facetCloud wire wants it: `YYYY/MM/DD`. */
export function formatApiDate(d: Date): string {
  return `${d.getFullYear()}/${pad2(d.getMonth() + 1)}/${pad2(d.getDate())}`;
}

/** Local time with its offset, as SenseLink wants it: `2022-12-11T00:00:00+09:00`. */
export function formatIso8601(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return `${date}T${time}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** Strict parse of the wire form `YYYY/MM/DD HH:MI:SS` (local time); undefined when malformed or unreal. */
export function parseApiDateTime(s: string): Date | undefined {
  const m = API_DATETIME.exec(s);
  if (!m) return undefined;
  const n = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  if (!isRealDateTime(n[0], n[1], n[2], n[3], n[4], n[5])) return undefined;
  return new Date(n[0], n[1] - 1, n[2], n[3], n[4], n[5]);
}

/** Strict parse of the wire form `YYYY/MM/DD` (local midnight). */
export function parseApiDate(s: string): Date | undefined {
  const m = API_DATE.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDateTime(y, mo, d)) return undefined;
  return new Date(y, mo - 1, d);
}

/** Strict parse of ISO 8601 with a mandatory offset (SenseLink); returns epoch milliseconds. */
export function parseIso8601(s: string): number | undefined {
  const m = ISO_8601.exec(s);
  if (!m) return undefined;
  const n = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  if (!isRealDateTime(n[0], n[1], n[2], n[3], n[4], n[5])) return undefined;
  return Date.UTC(n[0], n[1] - 1, n[2], n[3], n[4], n[5]) - offsetMinutes(m[7]) * 60_000;
}

/** Cheap strict check of the wire datetime form, without building a Date. */
export function isApiDateTime(s: string): boolean {
  const m = API_DATETIME.exec(s);
  return !!m && isRealDateTime(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
}

/** Cheap strict check of the wire date form. */
export function isApiDate(s: string): boolean {
  const m = API_DATE.exec(s);
  return !!m && isRealDateTime(+m[1], +m[2], +m[3]);
}
