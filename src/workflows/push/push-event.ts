/**
 * A push notification as facetctl writes it: the documented fields in the documented order (absent
 * ones as null: the cloud leaves null fields out of its form) and numbers as numbers. Nothing else:
 * consumers (jq, a CSV) get the same keys on every line, and a stray field cannot inject one.
 */

export const PUSH_FIELDS = [
  'serialNo',
  'time',
  'personCode',
  'personName',
  'pictureUrl',
  'mask',
  'temp',
  'pass',
  'searchScore',
  'accessType',
  'cardNo',
  'cardType',
  'cardBindPersonCode',
] as const;

/** The fields the document marks required (必須 〇): a body without them is not a push. */
export const PUSH_REQUIRED = ['serialNo', 'time'] as const;

const NUMERIC = new Set(['mask', 'temp', 'pass', 'searchScore', 'cardType']);

function asNumber(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (t === '') return null;
  if (t === 'true') return 1;
  if (t === 'false') return 0;
  const n = Number(t);
  return Number.isFinite(n) ? n : v;
}

export function normalisePushEvent(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of PUSH_FIELDS) {
    const v = fields[f];
    out[f] = v === undefined ? null : NUMERIC.has(f) ? asNumber(v) : v;
  }
  return out;
}

/** The required fields this body lacks (absent, null or blank). */
export function missingPushFields(fields: Record<string, unknown>): string[] {
  return PUSH_REQUIRED.filter((f) => {
    const v = fields[f];
    return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  });
}

const STRING_FIELDS = new Set([
  'serialNo',
  'personCode',
  'personName',
  'pictureUrl',
  'accessType',
  'cardNo',
  'cardBindPersonCode',
]);
/** 日付時刻 in the push format: `YYYY/MM/DD HH:MI:SS`. */
const PUSH_TIME = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/;

function isNumeric(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'string') return false;
  const t = v.trim();
  return t === '' || t === 'true' || t === 'false' || Number.isFinite(Number(t));
}

/**
 * The fields whose value has the wrong type for the document's push format (facetCloud v4.0,
 * 認識の通知（プッシュ通知）): 文字列 fields must be strings, 数値 fields numbers (or, in a form,
 * text that reads as one), `time` a `YYYY/MM/DD HH:MI:SS` 日付時刻. Absent and null fields are fine
 * (the cloud sends null for unknown persons). Returns `field: reason` strings, empty when the body fits.
 */
export function pushFieldErrors(fields: Record<string, unknown>): string[] {
  const errors: string[] = [];
  for (const f of PUSH_FIELDS) {
    const v = fields[f];
    if (v === undefined || v === null) continue;
    if (STRING_FIELDS.has(f) && typeof v !== 'string') errors.push(`${f}: expected a string`);
    else if (NUMERIC.has(f) && !isNumeric(v)) errors.push(`${f}: expected a number`);
    else if (f === 'time' && (typeof v !== 'string' || !PUSH_TIME.test(v.trim())))
      errors.push('time: expected YYYY/MM/DD HH:MI:SS');
  }
  return errors;
}

/** The body of a push: JSON when it says so (or looks like an object), else a form. */
export function parsePushBody(contentType: string | undefined, body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json') || (!type.includes('form') && text.trimStart().startsWith('{'))) {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('JSON body is not an object');
    return parsed as Record<string, unknown>;
  }
  return Object.fromEntries(new URLSearchParams(text));
}
