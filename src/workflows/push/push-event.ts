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
