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
  const known = new Set(columns);
  const keys = columns.map((c) => `${JSON.stringify(c)}:`);
  if (columns.some(startsWithDigit)) return (row, serialNo) => JSON.stringify(orderRow(columns, row, serialNo));
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

  return (row, serialNo) => {
    if (shapeAllowed) {
      if (serialNo !== undefined && serialFirst) {
        if (inShape(row, afterSerial)) {
          if (serialNo !== lastSerial) {
            lastSerial = serialNo;
            lastPrefix = `{${keys[0]}${JSON.stringify(serialNo)}`;
          }
          const rest = JSON.stringify(row);
          return rest === '{}' ? `${lastPrefix}}` : `${lastPrefix},${rest.slice(1)}`;
        }
      } else if (inShape(row, columns)) return JSON.stringify(row);
    }
    return assembled(row, serialNo);
  };
}
