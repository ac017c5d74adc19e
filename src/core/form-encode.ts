/**
 * `application/x-www-form-urlencoded` serialisation, byte for byte what
 * `new URLSearchParams(params).toString()` gives (WHATWG URL "urlencoded serializer": letters, digits
 * and `*-._` kept, space as `+`, everything else percent-encoded as UTF-8), through the built-in
 * `encodeURIComponent`: about 2× cheaper on the ~70 KB base64 pictures an import sends, where
 * URLSearchParams walks the text in JavaScript. encodeURIComponent keeps `!'()~`, which the form
 * serializer escapes, so those are escaped after it. A lone surrogate (which encodeURIComponent
 * refuses and URLSearchParams turns into U+FFFD) falls back to URLSearchParams for the whole body.
 */
export function formEncode(params: Record<string, string>): string {
  try {
    let out = '';
    for (const name of Object.keys(params)) {
      if (out !== '') out += '&';
      out += `${encodeFormText(name)}=${encodeFormValue(params[name])}`;
    }
    return out;
  } catch {
    return new URLSearchParams(params).toString();
  }
}

const FORM_EXTRA = /[!'()~]|%20/g;

function escapeExtra(c: string): string {
  return c === '%20' ? '+' : `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}

function encodeFormText(text: string): string {
  return encodeURIComponent(text).replace(FORM_EXTRA, escapeExtra);
}

/**
 * Values of at least this many UTF-16 units are remembered with their encoding, the last
 * MEMO_ENTRIES of them: an import sends each picture's base64 text (~70 KB) twice, to
 * checkPersonPicture then to registPersonForCloud, and encodes it once. The threshold keeps the memo
 * to pictures and other uploads; above V8's 16,383-unit hashing limit a Map hashes a string by its
 * length, so a lookup costs a pointer comparison when it is the same string (a content comparison
 * otherwise), never a walk over the text. Holds at most 32 × (text + encoding), ~5 MB of pictures.
 */
const MEMO_MIN_CHARS = 16 * 1024;
const MEMO_ENTRIES = 32;
const memo = new Map<string, string>();

function encodeFormValue(text: string): string {
  if (text.length < MEMO_MIN_CHARS) return encodeFormText(text);
  const hit = memo.get(text);
  if (hit !== undefined) return hit;
  // Throws on a lone surrogate (formEncode then falls back): nothing is remembered then.
  const encoded = encodeFormText(text);
  memo.set(text, encoded);
  if (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
  return encoded;
}
