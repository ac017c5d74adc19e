/**
 * Date and time forms, in the cloud's time zone whatever the host's zone is. The one date module of
 * facetctl: the CLI, the importer, the exports and the emulator all read and write times here.
 *
 * facetCloud's wire format `YYYY/MM/DD HH:MI:SS` (dates alone `YYYY/MM/DD`) carries no zone: it is
 * the site's wall clock, Japan's (facetCloud v4.0 「日時形式」). SenseLink takes ISO 8601 with an
 * offset; its document's default zone is "GMT+9:00". Every function that turns an instant into wall
 * time or back takes an IANA zone name (default {@link DEFAULT_TIME_ZONE}); the offsets come from the
 * platform's time-zone data (Intl), never from a hand-written table, and the host's `TZ` is never read.
 *
 * A wall time that does not exist in the zone (a daylight-saving gap) is read like Temporal's
 * `compatible` disambiguation: moved forward by the gap. Asia/Tokyo has no such gap since 1951.
 */
import { UsageError } from './errors.js';

/** The zone facetCloud and SenseLink sites run on unless the user says otherwise. */
export const DEFAULT_TIME_ZONE = 'Asia/Tokyo';

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

/** Wall-clock fields in some zone; month 1–12. */
export interface WallTime {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return String(n).padStart(4, '0');
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when the numbers name a real calendar moment (no 2023/02/30, no 24:00:00). */
export function isRealDateTime(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && s <= 59;
}

// ---------------------------------------------------------------------------------------------
// Zones (Intl)

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The IANA name of a zone the user gave (`Asia/Tokyo`, `UTC`, `america/los_angeles`), checked against
 * the platform's time-zone data. `source` names the flag, variable or profile it came from.
 * @throws UsageError (exit 2) for a zone the platform does not know.
 */
export function checkTimeZone(name: string, source: string): string {
  const text = name.trim();
  try {
    if (!text) throw new RangeError('empty');
    return new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    throw new UsageError(
      `${source} '${name}': unknown time zone; give an IANA name such as Asia/Tokyo (the default), UTC or America/Los_Angeles`,
    );
  }
}

/** The wall-clock fields straight from Intl (slow: ~15 µs); zoneOffsetMs caches what it learns. */
function intlWallTime(ms: number, zone: string): WallTime {
  const w: WallTime = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0 };
  let bc = false;
  for (const p of formatterFor(zone).formatToParts(ms)) {
    switch (p.type) {
      case 'year':
        w.y = Number(p.value);
        break;
      case 'month':
        w.mo = Number(p.value);
        break;
      case 'day':
        w.d = Number(p.value);
        break;
      case 'hour':
        w.h = Number(p.value);
        break;
      case 'minute':
        w.mi = Number(p.value);
        break;
      case 'second':
        w.s = Number(p.value);
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
    }
  }
  if (bc) w.y = 1 - w.y;
  return w;
}

function utcOfWall(w: WallTime): number {
  const d = new Date(0);
  d.setUTCFullYear(w.y, w.mo - 1, w.d);
  d.setUTCHours(w.h, w.mi, w.s, 0);
  return d.getTime();
}

function exactOffsetMs(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return utcOfWall(intlWallTime(whole, zone)) - whole;
}

/** Offsets per zone per 15-minute slot, kept when the slot holds no transition. */
const OFFSET_SLOT_MS = 15 * 60_000;
const OFFSET_CACHE_MAX = 50_000;
const offsetCache = new Map<string, Map<number, number>>();

/**
 * The zone's offset from UTC at an instant (epoch milliseconds), in milliseconds (Tokyo: +32 400 000).
 * Cached per 15-minute slot, so formatting a million rows costs little; a slot holding a transition
 * is computed exactly every time.
 */
export function zoneOffsetMs(ms: number, zone: string = DEFAULT_TIME_ZONE): number {
  let cache = offsetCache.get(zone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  const slot = Math.floor(ms / OFFSET_SLOT_MS);
  const known = cache.get(slot);
  if (known !== undefined) return known;
  const start = exactOffsetMs(slot * OFFSET_SLOT_MS, zone);
  const end = exactOffsetMs((slot + 1) * OFFSET_SLOT_MS - 1000, zone);
  if (start !== end) return exactOffsetMs(ms, zone);
  if (cache.size >= OFFSET_CACHE_MAX) cache.clear();
  cache.set(slot, start);
  return start;
}

/** The wall-clock fields of an instant (epoch milliseconds) in `zone`, to the second. */
export function wallTimeOf(ms: number, zone: string = DEFAULT_TIME_ZONE): WallTime {
  const d = new Date(Math.floor(ms / 1000) * 1000 + zoneOffsetMs(ms, zone));
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
  };
}

/** The instant (epoch milliseconds) a wall time in `zone` names; a time in a DST gap moves forward. */
export function epochOfWall(w: WallTime, zone: string = DEFAULT_TIME_ZONE): number {
  const asUtc = utcOfWall(w);
  const first = asUtc - zoneOffsetMs(asUtc, zone);
  const second = asUtc - zoneOffsetMs(first, zone);
  if (first === second) return first;
  // Across a transition: take the reading whose wall time matches, else (a gap) the later one.
  const back = (t: number) => utcOfWall(wallTimeOf(t, zone)) === asUtc;
  if (back(first) && back(second)) return Math.min(first, second);
  if (back(first)) return first;
  if (back(second)) return second;
  return Math.max(first, second);
}

function midnightOf(ms: number, zone: string, daysBack = 0): Date {
  const w = wallTimeOf(ms, zone);
  const day = new Date(Date.UTC(2000, w.mo - 1, w.d - daysBack));
  day.setUTCFullYear(w.y);
  return new Date(
    epochOfWall({ y: day.getUTCFullYear(), mo: day.getUTCMonth() + 1, d: day.getUTCDate(), h: 0, mi: 0, s: 0 }, zone),
  );
}

/** Offset text like `+09:00` → minutes east of UTC. */
function offsetMinutes(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

/**
 * The end of the current second: what `now` means. The API counts whole seconds, so a bound of
 * `now` (or `-15m`, measured from it) must not exclude what happened earlier in this second.
 */
function endOfSecond(now: Date): number {
  return Math.ceil(now.getTime() / 1000) * 1000;
}

/** The start of the current second: what `now` means for a moment that happened (`opts.recorded`). */
function startOfSecond(now: Date): number {
  return Math.floor(now.getTime() / 1000) * 1000;
}

// ---------------------------------------------------------------------------------------------
// What people type

/**
 * A date-time a person typed, as an instant:
 * - the wire form and friendly forms (`2024-05-01 10:00`, `2024/5/1`, a date alone = midnight) are
 *   wall times in `zone`;
 * - ISO 8601 with an offset or `Z` is that exact instant, whatever the zone;
 * - `now` is the end of the current second (so it never excludes the current second); relative
 *   `-24h`/`-30m`/`-7d`/`+1w` are measured from it; `today`/`yesterday` are midnight in `zone`.
 * With `opts.end` (the end of a range: `--to`, recogTimeTo), a day without a time (`2024/05/31`,
 * `today`, `yesterday`) means its last second, 23:59:59 in `zone`: `--from 2024/05/01 --to 2024/05/31`
 * is all of May, not May without its last day.
 * With `opts.recorded` (the moment something happened, not a search bound: SenseLink's 画像記録時間),
 * `now` and the relative forms count from the start of the current second instead, so the value is
 * never a moment still to come.
 * Returns undefined when the text is none of these or not a real calendar moment (`2023/02/30`).
 */
export function parseUserDateTime(
  text: string,
  now: Date,
  zone: string = DEFAULT_TIME_ZONE,
  opts: { end?: boolean; recorded?: boolean } = {},
): Date | undefined {
  const s = text.trim();
  const nowMs = opts.recorded ? startOfSecond(now) : endOfSecond(now);
  const lower = s.toLowerCase();
  /** Midnight of a day, or with `end` that day's last second (the next midnight less one second). */
  const day = (daysBack: number): Date =>
    opts.end
      ? new Date(midnightOf(now.getTime(), zone, daysBack - 1).getTime() - 1000)
      : midnightOf(now.getTime(), zone, daysBack);
  if (lower === 'now') return new Date(nowMs);
  if (lower === 'today') return day(0);
  if (lower === 'yesterday') return day(1);
  const rel = RELATIVE.exec(s);
  if (rel) {
    const ms = Number(rel[2]) * UNIT_MS[rel[3].toLowerCase()];
    return new Date(nowMs + (rel[1] === '-' ? -ms : ms));
  }
  const m = USER_DATETIME.exec(s);
  if (!m) return undefined;
  const w: WallTime = {
    y: Number(m[1]),
    mo: Number(m[2]),
    d: Number(m[3]),
    h: Number(m[4] ?? 0),
    mi: Number(m[5] ?? 0),
    s: Number(m[6] ?? 0),
  };
  if (!isRealDateTime(w.y, w.mo, w.d, w.h, w.mi, w.s)) return undefined;
  if (m[7]) return new Date(utcOfWall(w) - offsetMinutes(m[7]) * 60_000);
  if (opts.end && m[4] === undefined) {
    // The day's last second: the next day's midnight (DST-safe, as the zone has it) less one second.
    const next = new Date(Date.UTC(2000, w.mo - 1, w.d + 1));
    next.setUTCFullYear(w.y + (next.getUTCFullYear() - 2000));
    const midnight = epochOfWall(
      { y: next.getUTCFullYear(), mo: next.getUTCMonth() + 1, d: next.getUTCDate(), h: 0, mi: 0, s: 0 },
      zone,
    );
    return new Date(midnight - 1000);
  }
  return new Date(epochOfWall(w, zone));
}

/** A date a person typed: `YYYY/MM/DD`, `YYYY-MM-DD`, `today`, `yesterday`, relative days (in `zone`). */
export function parseUserDate(text: string, now: Date, zone: string = DEFAULT_TIME_ZONE): Date | undefined {
  const s = text.trim();
  if (HAS_TIME.test(s)) return undefined;
  return parseUserDateTime(s, now, zone);
}

// ---------------------------------------------------------------------------------------------
// Wire forms

/** An instant as the facetCloud wire wants it: `YYYY/MM/DD HH:MI:SS`, wall time in `zone`. */
export function formatApiDateTime(d: Date, zone: string = DEFAULT_TIME_ZONE): string {
  const w = wallTimeOf(d.getTime(), zone);
  return `${pad4(w.y)}/${pad2(w.mo)}/${pad2(w.d)} ${pad2(w.h)}:${pad2(w.mi)}:${pad2(w.s)}`;
}

/** An instant's date in `zone`, as the facetCloud wire wants it: `YYYY/MM/DD`. */
export function formatApiDate(d: Date, zone: string = DEFAULT_TIME_ZONE): string {
  const w = wallTimeOf(d.getTime(), zone);
  return `${pad4(w.y)}/${pad2(w.mo)}/${pad2(w.d)}`;
}

/** An instant in `zone` with that zone's offset, as SenseLink wants it: `2022-12-11T00:00:00+09:00`. */
export function formatIso8601(d: Date, zone: string = DEFAULT_TIME_ZONE): string {
  const ms = d.getTime();
  const w = wallTimeOf(ms, zone);
  const off = Math.round(zoneOffsetMs(ms, zone) / 60_000);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const date = `${pad4(w.y)}-${pad2(w.mo)}-${pad2(w.d)}`;
  const time = `${pad2(w.h)}:${pad2(w.mi)}:${pad2(w.s)}`;
  return `${date}T${time}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** Strict parse of the wire form `YYYY/MM/DD HH:MI:SS` (wall time in `zone`); undefined when malformed or unreal. */
export function parseApiDateTime(s: string, zone: string = DEFAULT_TIME_ZONE): Date | undefined {
  const m = API_DATETIME.exec(s);
  if (!m) return undefined;
  const w: WallTime = { y: +m[1], mo: +m[2], d: +m[3], h: +m[4], mi: +m[5], s: +m[6] };
  if (!isRealDateTime(w.y, w.mo, w.d, w.h, w.mi, w.s)) return undefined;
  return new Date(epochOfWall(w, zone));
}

/** Strict parse of the wire form `YYYY/MM/DD` (midnight in `zone`); undefined when malformed or unreal. */
export function parseApiDate(s: string, zone: string = DEFAULT_TIME_ZONE): Date | undefined {
  const m = API_DATE.exec(s);
  if (!m) return undefined;
  const w: WallTime = { y: +m[1], mo: +m[2], d: +m[3], h: 0, mi: 0, s: 0 };
  if (!isRealDateTime(w.y, w.mo, w.d)) return undefined;
  return new Date(epochOfWall(w, zone));
}

/** Strict parse of ISO 8601 with a mandatory offset (SenseLink); returns epoch milliseconds. */
export function parseIso8601(s: string): number | undefined {
  const m = ISO_8601.exec(s);
  if (!m) return undefined;
  const w: WallTime = { y: +m[1], mo: +m[2], d: +m[3], h: +m[4], mi: +m[5], s: +m[6] };
  if (!isRealDateTime(w.y, w.mo, w.d, w.h, w.mi, w.s)) return undefined;
  return utcOfWall(w) - offsetMinutes(m[7]) * 60_000;
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

// ---------------------------------------------------------------------------------------------
// Epoch seconds (the emulator's storage) ↔ wire

/** Epoch seconds → `YYYY/MM/DD HH:MI:SS` in `zone`. */
export function formatEpochSeconds(epochSeconds: number, zone: string = DEFAULT_TIME_ZONE): string {
  const ms = epochSeconds * 1000;
  // The wall time as wallTimeOf computes it (whole seconds, the zone's offset at that instant).
  const wall = Math.floor(ms / 1000) * 1000 + zoneOffsetMs(ms, zone);
  const hour = Math.floor(wall / 3_600_000);
  if (lastHour.hour !== hour || lastHour.zone !== zone || lastHour.prefix === '') {
    const d = new Date(hour * 3_600_000);
    lastHour.prefix = `${pad4(d.getUTCFullYear())}/${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:`;
    lastHour.hour = hour;
    lastHour.zone = zone;
  }
  const inHour = Math.floor((wall - hour * 3_600_000) / 1000);
  return `${lastHour.prefix}${pad2(Math.floor(inHour / 60))}:${pad2(inHour % 60)}`;
}

/**
 * The date and hour text (`YYYY/MM/DD HH:`) of the wall-clock hour formatEpochSeconds formatted last:
 * a page of logs in id order falls mostly in one hour, so most rows cost an offset lookup and two
 * pads, not a Date and six field reads (the emulator formats a time per listed log).
 */
const lastHour = { zone: '', hour: 0, prefix: '' };

/**
 * `YYYY/MM/DD HH:MI:SS`, or `YYYY/MM/DD` meaning midnight, in `zone` → epoch seconds; undefined when
 * malformed or not a real date (`2023/02/30` is refused, never rolled into March).
 */
export function parseWireEpochSeconds(text: string, zone: string = DEFAULT_TIME_ZONE): number | undefined {
  const s = text.trim();
  const d = parseApiDateTime(s, zone) ?? parseApiDate(s, zone);
  return d ? Math.floor(d.getTime() / 1000) : undefined;
}

/** The current time in epoch seconds. */
export function epochSecondsNow(): number {
  return Math.floor(Date.now() / 1000);
}

// ---------------------------------------------------------------------------------------------
// Unix timestamps (SenseLink `timestamp`)

/**
 * The largest Unix timestamp in seconds accepted: 99 999 999 999 (year 5138). Any larger value can
 * only be milliseconds (the SenseLink document's own sample `1659423903029` is 2022-08-02 in ms).
 */
export const MAX_UNIX_SECONDS = 99_999_999_999;
