/**
 * Answers as rows: the shapes the two APIs answer with (`{rows, pages, list}`, SenseLink's
 * `{code, data: {list, total}}`, bare arrays, maps keyed by serial number, flat objects) turned into
 * rows and columns for tables and CSV. JSON output never goes through here: it is the answer unchanged.
 */
import { terminalSafe } from './untrusted-text.js';

export type Row = Record<string, unknown>;

export interface Tabulated {
  /** 'object' is one record shown as key/value pairs in a table and as one CSV row. */
  shape: 'list' | 'array' | 'map' | 'object' | 'scalar';
  rows: Row[];
  /** 'page 1/2, 150 rows' for paged answers. */
  footer?: string;
}

/** Columns a table leaves out unless asked for: base64 pictures and long signed URLs. */
export const TABLE_HIDDEN = new Set(['picture', 'pictureUrl', 'pictureCookie']);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** SenseLink's `{code, message, data}`. */
export function isSenselinkEnvelope(v: unknown): v is { code: unknown; message?: unknown; data: unknown } {
  return (
    isObject(v) && 'code' in v && 'data' in v && Object.keys(v).every((k) => ['code', 'message', 'data'].includes(k))
  );
}

/** Serial numbers are letters and digits with at least one digit (`7L11R010014`, `S99999`). */
const SERIAL_LIKE = /^(?=.*\d)[A-Za-z0-9-]{4,}$/;

/** `{serial: [..]}` or `{serial: {...}}`: getPersonAcessTimeFromCloud, apbRepaire. */
function isSerialMap(v: Record<string, unknown>): boolean {
  const entries = Object.entries(v);
  return (
    entries.length > 0 && entries.every(([k, val]) => SERIAL_LIKE.test(k) && (Array.isArray(val) || isObject(val)))
  );
}

function asRow(v: unknown): Row {
  return isObject(v) ? v : { value: v };
}

function flattenMap(v: Record<string, unknown>, keyColumn: string): Row[] {
  const rows: Row[] = [];
  for (const [key, val] of Object.entries(v)) {
    if (Array.isArray(val)) {
      if (val.length === 0) rows.push({ [keyColumn]: key });
      for (const item of val) rows.push({ [keyColumn]: key, ...asRow(item) });
    } else if (isObject(val)) rows.push({ [keyColumn]: key, ...val });
    else rows.push({ [keyColumn]: key, value: val });
  }
  return rows;
}

function pagedFooter(container: Record<string, unknown>, list: unknown[]): string | undefined {
  if (typeof container.pages === 'number' || typeof container.rows === 'number') {
    const parts: string[] = [];
    if (typeof container.pages === 'number') parts.push(`${container.pages} page${container.pages === 1 ? '' : 's'}`);
    parts.push(`${list.length} of ${container.rows ?? list.length} rows`);
    return parts.join(', ');
  }
  if (typeof container.total === 'number') {
    const page = typeof container.page_num === 'number' ? `page ${container.page_num}, ` : '';
    return `${page}${list.length} of ${container.total} rows`;
  }
  return undefined;
}

export function tabulate(data: unknown): Tabulated {
  const payload = isSenselinkEnvelope(data) ? data.data : data;
  if (Array.isArray(payload)) return { shape: 'array', rows: payload.map(asRow) };
  if (!isObject(payload)) return { shape: 'scalar', rows: payload === undefined ? [] : [{ value: payload }] };
  if (Array.isArray(payload.list)) {
    return { shape: 'list', rows: payload.list.map(asRow), footer: pagedFooter(payload, payload.list) };
  }
  if (isSerialMap(payload)) return { shape: 'map', rows: flattenMap(payload, 'serialNo') };
  const values = Object.values(payload);
  if (values.length > 0 && values.every((v) => v === null || isObject(v))) {
    // getPerson's {device: {...}|null, cloud: {...}|null}: one row per side.
    return { shape: 'map', rows: flattenMap(payload, 'key') };
  }
  return { shape: 'object', rows: [payload] };
}

/** Columns in first-seen order across all rows. */
export function unionColumns(rows: readonly Row[], hidden?: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) if (!hidden?.has(key)) seen.add(key);
  return [...seen];
}

const MAX_CELL = 60;
const MAX_INLINE = 40;

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : s;
}

/** A table cell: short, one line, control characters and escapes shown, never run (terminalSafe); arrays and objects summarised. */
export function tableCell(v: unknown): string {
  return terminalSafe(rawTableCell(v));
}

function rawTableCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return truncate(v.replace(/\r?\n/g, ' ⏎ ').replace(/\t/g, ' '), MAX_CELL);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== 'object')) {
      const joined = v.join(', ');
      if (joined.length <= MAX_INLINE) return joined;
    }
    return `[${v.length} item${v.length === 1 ? '' : 's'}]`;
  }
  const json = JSON.stringify(v);
  if (json.length <= MAX_INLINE) return json;
  return truncate(`{${Object.keys(v).join(', ')}}`, MAX_CELL);
}

/** A CSV cell: complete; nested values as JSON. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
