/**
 * /tool/setPictureCookie.js: a script a page loads with a `<script>` tag (the registry entry is
 * `public`, so no token is asked) that sets the three picture cookies, by `document.cookie` and by
 * `Set-Cookie` headers built with undici's `setCookie`. p, s and k were checked from the registry.
 */
import { setCookieLines } from '../cookies.js';
import type { Handler } from '../emu.js';
import { policyMaxAge } from '../jsonp.js';
import { pictureCookieScript } from '../pictures.js';

const setPictureCookie: Handler = (call) => {
  const { p = '', s = '', k = '' } = call.params;
  const cookies = { 'CloudFront-Policy': p, 'CloudFront-Signature': s, 'CloudFront-Key-Pair-Id': k };
  return {
    kind: 'bytes',
    status: 200,
    contentType: 'application/javascript; charset=utf-8',
    body: Buffer.from(pictureCookieScript(p, s, k)),
    headers: { 'set-cookie': setCookieLines(cookies, policyMaxAge(p)).join('\n') },
  };
};

export const toolHandlers: Record<string, Handler> = { 'tool.setPictureCookie': setPictureCookie };
