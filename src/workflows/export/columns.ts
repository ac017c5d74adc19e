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
