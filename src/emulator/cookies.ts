/**
 * Cookies with undici's helpers: `getCookies` parses a `Cookie` header, `setCookie` builds
 * `Set-Cookie` lines and refuses a name or value that would inject attributes (`;`, spaces, controls).
 */
import { getCookies, Headers, setCookie } from 'undici';
import { safeDecode } from './http-util.js';

/**
 * The cookies of a request, values percent-decoded as PHP's `$_COOKIE` gives them (a malformed escape
 * is kept as sent). Never throws.
 */
export function readCookies(header: string | string[] | undefined): Record<string, string> {
  if (!header) return {};
  const headers = new Headers();
  try {
    headers.set('cookie', Array.isArray(header) ? header.join('; ') : header);
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(getCookies(headers))) out[name] = safeDecode(value) ?? value;
  return out;
}

/**
 * `Set-Cookie` lines for `values` (name → value), each `Path=/; Max-Age=maxAge; HttpOnly`. Values are
 * percent-encoded first, as PHP's `setcookie()` does, so any text (`山`, `a;Domain=x`) becomes one
 * harmless cookie value instead of a 500 or an injected attribute.
 */
export function setCookieLines(values: Record<string, string>, maxAge: number): string[] {
  const headers = new Headers();
  for (const [name, value] of Object.entries(values)) {
    // Plain http: no Secure/SameSite=None (a browser would drop such cookies over http).
    setCookie(headers, { name, value: encodeURIComponent(value), path: '/', maxAge, httpOnly: true });
  }
  return headers.getSetCookie();
}
