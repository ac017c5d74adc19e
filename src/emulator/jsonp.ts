/**
 * jsonp: 「jsonp による API アクセスの場合、クラウドサーバーは本文 JSON 中の pictureCookie に加えて
 * set-cookie レスポンスヘッダを自動的に返却します。」 A facetCloud call with `callback=NAME` answers
 * `NAME({...});` as JavaScript, and an answer that carries a `pictureCookie` also sets the three
 * CloudFront cookies, so the `<img>` tags of the page load the pictures.
 */
import { messageJa } from '../core/params/index.js';
import { setCookieLines } from './cookies.js';
import { type Answer, fail } from './envelope.js';

/** The callback parameter's name: not in the document; `callback` is what jsonp clients send by default. */
export const JSONP_PARAM = 'callback';

/** A JavaScript function name or dotted path (`cb`, `jQuery123_456`, `app.onLogs`): nothing else is echoed. */
const CALLBACK_NAME = /^[A-Za-z_$][\w$]{0,127}(?:\.[A-Za-z_$][\w$]{0,127}){0,7}$/;

/** Seconds until the policy of a picture cookie expires (0 when it cannot be read). */
export function policyMaxAge(policy: string, nowSeconds = Math.floor(Date.now() / 1000)): number {
  try {
    const text = Buffer.from(policy.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64').toString();
    const exp = Number(JSON.parse(text).Statement[0].Condition.DateLessThan['AWS:EpochTime']);
    return Number.isFinite(exp) ? Math.max(0, exp - nowSeconds) : 0;
  } catch {
    return 0;
  }
}

/**
 * Wraps a JSON answer for jsonp: `callback(body);` as `application/javascript`, the status kept, the
 * picture cookies as `Set-Cookie` when the body has a `pictureCookie`. Other answers (pictures, empty
 * 503s) pass unchanged. A callback that is not a plain function name answers 400 with the envelope.
 */
export function asJsonp(answer: Answer, callback: string): Answer {
  if (!CALLBACK_NAME.test(callback)) {
    return fail(400, JSONP_PARAM, messageJa('malformed', { label: `コールバック関数名（${JSONP_PARAM}）` }));
  }
  if (answer.kind !== 'json') return answer;
  const headers: Record<string, string> = { ...(answer.headers ?? {}) };
  const cookie = (answer.body as { pictureCookie?: Record<string, string> } | null)?.pictureCookie;
  if (cookie && typeof cookie === 'object') {
    const policy = cookie['CloudFront-Policy'] ?? '';
    headers['set-cookie'] = setCookieLines(cookie, policyMaxAge(policy)).join('\n');
  }
  // U+2028/2029 are valid in JSON but end a line in older JavaScript: escaped.
  const json = JSON.stringify(answer.body)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return {
    kind: 'bytes',
    status: answer.status,
    contentType: 'application/javascript; charset=utf-8',
    body: Buffer.from(`/**/${callback}(${json});`),
    headers,
  };
}
