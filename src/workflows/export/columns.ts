/**
 * Column order of exported rows: the API's own field names, `serialNo` first so rows of several
 * devices stay apart. The order is part of the documented interface (scripts and Excel macros read
 * columns by position), so it never follows the order a given answer happens to use.
 */

export const RECOG_COLUMNS = [
  'serialNo',
  'id',
  'time',
  'personCode',
  'personName',
  'pictureUrl',
  'mask',
  'temp',
  'pass',
  'searchScore',
  'passFlagName',
  'accessType',
  'cardNo',
  'cardType',
  'cardBindPersonCode',
  'cardBindPersonName',
] as const;

export const OPERATE_COLUMNS = ['serialNo', 'operateTime', 'operateUser', 'mainType', 'subType', 'detail'] as const;

export const SENSELINK_COLUMNS = [
  'record_id',
  'sn',
  'image_id',
  'user_id',
  'verify_score',
  'device_timestamp',
  'timezone',
  'create_at',
  'extend',
] as const;

/**
 * The row with the documented columns first, in order, then any field a newer API adds (so JSON
 * output loses nothing; CSV keeps to the documented columns).
 */
export function orderRow(
  columns: readonly string[],
  row: Record<string, unknown>,
  serialNo?: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = c === 'serialNo' && serialNo !== undefined ? serialNo : (row[c] ?? null);
  for (const [k, v] of Object.entries(row)) if (!(k in out)) out[k] = v;
  return out;
}

/** Characters after which JSON.stringify writes a string differently from `"text"`. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON text of one value as JSON.stringify writes it inside an object; undefined when it leaves the key out. */
function jsonValue(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return v === null ? 'null' : JSON.stringify(v);
  }
}

/** Keys an object enumerates before all others (array indices): their rows take the slow path. */
function startsWithDigit(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/** JSON lines of rows as answered: one line per row, and a whole page at once (`jsonPageFormatter`). */
export interface JsonFormatter {
  /** `JSON.stringify(orderRow(columns, row, serialNo))`, byte for byte: one JSON object, no newline. */
  line(row: Record<string, unknown>, serialNo?: string): string;
  /** The rows' lines joined by `separator` (none before the first or after the last); '' for none. */
  page(rows: readonly Record<string, unknown>[], serialNo: string | undefined, separator: string): string;
}

/**
 * `JSON.stringify(orderRow(columns, row, serialNo))`, byte for byte, without building the reordered
 * object (an export writes millions of rows: the object and its garbage were most of its CPU per
 * row). Compiled once per column list.
 * - When the row's keys are the documented columns in order (as facetCloud answers them), each
 *   present, followed only by extra fields, the row is already in output order: one
 *   `JSON.stringify(row)` with the serialNo in front.
 * - Otherwise the line is assembled column by column, then the extra fields.
 * - A row with a key starting with a digit (which an object enumerates first) goes through
 *   orderRow itself, so the text stays identical whatever the answer holds.
 * @returns (row, serialNo?) => one JSON object, no newline.
 */
export function jsonRowFormatter(
  columns: readonly string[],
): (row: Record<string, unknown>, serialNo?: string) => string {
  return jsonFormatter(columns).line;
}

/**
 * A page of JSON lines, byte for byte the rows' `jsonRowFormatter` lines joined by `separator`, with
 * one `JSON.stringify` for the whole page when every row is in the documented order (as facetCloud
 * answers) and holds only strings, numbers, booleans and nulls (no nested object or array). Then the
 * only `},{"` in the page's text are the row boundaries (inside a JSON string every `"` is escaped),
 * so each boundary becomes `}` + separator + the next row's serialNo prefix. Otherwise row by row.
 * Saves the per-row call, slice and concatenation: an export at 0 ms of latency is bound by its CPU
 * per row (BENCHMARKS.md, stop 19). Compiled once per column list.
 * @returns (rows, serialNo, separator) => the page's text, no separator before or after.
 */
export function jsonPageFormatter(
  columns: readonly string[],
): (rows: readonly Record<string, unknown>[], serialNo: string | undefined, separator: string) => string {
  return jsonFormatter(columns).page;
}

function jsonFormatter(columns: readonly string[]): JsonFormatter {
  const known = new Set(columns);
  const keys = columns.map((c) => `${JSON.stringify(c)}:`);
  if (columns.some(startsWithDigit)) {
    const slow = (row: Record<string, unknown>, serialNo?: string) => JSON.stringify(orderRow(columns, row, serialNo));
    return { line: slow, page: (rows, serialNo, separator) => rows.map((r) => slow(r, serialNo)).join(separator) };
  }
  const serialFirst = columns[0] === 'serialNo';
  // With a serialNo given, the row's own keys should be the columns after it.
  const afterSerial = columns.slice(1);
  const shapeAllowed = serialFirst || !known.has('serialNo');
  let lastSerial: string | undefined;
  let lastPrefix = '';

  /** Whether the row's own keys are `shape`, in order, each defined, then only extra fields. */
  const inShape = (row: Record<string, unknown>, shape: readonly string[]): boolean => {
    let i = 0;
    for (const k in row) {
      if (i < shape.length) {
        if (k !== shape[i] || row[k] === undefined) return false;
        i++;
      } else if (known.has(k) || k in Object.prototype || startsWithDigit(k) || !Object.hasOwn(row, k)) return false;
    }
    return i === shape.length;
  };

  /** inShape, and no value an object, array or function (a toJSON of its own could change the text). */
  const flatInShape = (row: Record<string, unknown>, shape: readonly string[]): boolean => {
    let i = 0;
    for (const k in row) {
      const v = row[k];
      if ((typeof v === 'object' && v !== null) || typeof v === 'function') return false;
      if (i < shape.length) {
        if (k !== shape[i] || v === undefined) return false;
        i++;
      } else if (known.has(k) || k in Object.prototype || startsWithDigit(k) || !Object.hasOwn(row, k)) return false;
    }
    return i === shape.length;
  };

  /** `{"serialNo":<serialNo>`, built once per device. */
  const serialPrefix = (serialNo: string): string => {
    if (serialNo !== lastSerial) {
      lastSerial = serialNo;
      lastPrefix = `{${keys[0]}${JSON.stringify(serialNo)}`;
    }
    return lastPrefix;
  };

  const assembled = (row: Record<string, unknown>, serialNo: string | undefined): string => {
    let out = '';
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i];
      const text = jsonValue(c === 'serialNo' && serialNo !== undefined ? serialNo : (row[c] ?? null));
      if (text !== undefined) out += `${out === '' ? '{' : ','}${keys[i]}${text}`;
    }
    for (const k in row) {
      // As orderRow: documented columns once, and (its `k in out`) never a name Object.prototype has.
      if (known.has(k) || k in Object.prototype || !Object.hasOwn(row, k)) continue;
      if (startsWithDigit(k)) return JSON.stringify(orderRow(columns, row, serialNo));
      const text = jsonValue(row[k]);
      if (text !== undefined) out += `${out === '' ? '{' : ','}${JSON.stringify(k)}:${text}`;
    }
    return out === '' ? '{}' : `${out}}`;
  };

  const line = (row: Record<string, unknown>, serialNo?: string): string => {
    if (shapeAllowed) {
      if (serialNo !== undefined && serialFirst) {
        if (inShape(row, afterSerial)) {
          const prefix = serialPrefix(serialNo);
          const rest = JSON.stringify(row);
          return rest === '{}' ? `${prefix}}` : `${prefix},${rest.slice(1)}`;
        }
      } else if (inShape(row, columns)) return JSON.stringify(row);
    }
    return assembled(row, serialNo);
  };

  const page = (rows: readonly Record<string, unknown>[], serialNo: string | undefined, separator: string): string => {
    const withSerial = serialNo !== undefined && serialFirst;
    const shape = withSerial ? afterSerial : columns;
    // Each row's text then starts with `{"` (a first key): the boundaries are exactly the `},{"`.
    if (shapeAllowed && shape.length > 0 && rows.length > 0 && rows.every((r) => flatInShape(r, shape))) {
      const prefix = withSerial ? `${serialPrefix(serialNo)},` : '{';
      // `[{` + first row's fields … last row's fields + `}]`; split/join, not replaceAll, which would
      // read `$` in a serial number as a pattern.
      const inner = JSON.stringify(rows).slice(2, -2);
      return `${prefix}${inner.split('},{"').join(`}${separator}${prefix}"`)}}`;
    }
    let out = '';
    for (let i = 0; i < rows.length; i++)
      out += i === 0 ? line(rows[i], serialNo) : `${separator}${line(rows[i], serialNo)}`;
    return out;
  };

  return { line, page };
}
