/**
 * Picture URLs guarded like CloudFront signed cookies. An answer that lists pictures carries a
 * `pictureCookie` (policy with an expiry and an optional source IP, an HMAC signature of it, a key
 * pair id); fetching `/pictures/<token>.jpg` checks the three cookies. The URL itself is signed too, so
 * it cannot be guessed, and names the picture without any server-side bookkeeping.
 * Push notifications carry URLs marked public: valid about two minutes, no cookies needed.
 */
import { createHmac, hash, randomBytes } from 'node:crypto';
import { secretEquals } from '../core/compare.js';
import { ipMatches } from '../core/ip-rules.js';

export const DEFAULT_PICTURE_EXPIRES = 300;
export const PUSH_PICTURE_SECONDS = 120;

export interface PictureCookie {
  'CloudFront-Policy': string;
  'CloudFront-Signature': string;
  'CloudFront-Key-Pair-Id': string;
}

/** CloudFront's URL-safe base64: + → -, = → _, / → ~. */
function cfBase64(buf: Buffer): string {
  return buf.toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
}

function cfDecode(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
}

export class PictureSigner {
  readonly keyPairId: string;

  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.keyPairId = `K${createHmac('sha256', secret).update('key-pair-id').digest('hex').slice(0, 13).toUpperCase()}`;
    this.urlKey = createHmac('sha256', secret).update('picture-url-key').digest('hex');
  }

  /** The key of picture URL signatures, derived from the secret (64 hex digits). */
  private readonly urlKey: string;

  /**
   * A picture URL's signature: the first 96 bits of SHA-256(urlKey "." payload), as 24 hex digits.
   * A keyed hash rather than an HMAC, which cost ~4 µs a URL, a sixth of the emulator's time per log
   * row served (BENCHMARKS.md stop 20); with the digest cut to 96 of its 256 bits, the length
   * extension that makes a bare SHA-256(key ‖ message) forgeable has no state to start from.
   */
  private urlSig(payload: string): string {
    return hash('sha256', `${this.urlKey}.${payload}`).slice(0, 24);
  }

  /** Random bytes for nonces, drawn from the CSPRNG 6 KiB at a time (a `randomBytes` call per answer showed in profiles). */
  private pool = Buffer.alloc(0);
  private used = 0;

  /** 6 fresh random bytes as 12 hex digits: never handed out twice. */
  private nonce(): string {
    if (this.used + 6 > this.pool.length) {
      this.pool = randomBytes(6 * 1024);
      this.used = 0;
    }
    this.used += 6;
    return this.pool.toString('hex', this.used - 6, this.used);
  }

  private sign(text: string): string {
    return cfBase64(createHmac('sha256', this.secret).update(text).digest());
  }

  cookie(origin: string, expiresSeconds: number, allowIp?: string): { cookie: PictureCookie; expiresAt: number } {
    const expiresAt = this.now() + expiresSeconds;
    const condition: Record<string, unknown> = { DateLessThan: { 'AWS:EpochTime': expiresAt } };
    if (allowIp) condition.IpAddress = { 'AWS:SourceIp': allowIp.includes('/') ? allowIp : `${allowIp}/32` };
    const policy = JSON.stringify({ Statement: [{ Resource: `${origin}/pictures/*`, Condition: condition }] });
    const encoded = cfBase64(Buffer.from(policy));
    return {
      expiresAt,
      cookie: {
        'CloudFront-Policy': encoded,
        'CloudFront-Signature': this.sign(encoded),
        'CloudFront-Key-Pair-Id': this.keyPairId,
      },
    };
  }

  /** One signed picture URL (a maker from {@link urlMaker} used once). */
  url(origin: string, pictureId: number, expiresAt: number, isPublic = false): string {
    return this.urlMaker(origin, expiresAt, isPublic)(pictureId);
  }

  /**
   * A maker of signed picture URLs for one answer: `/pictures/<id>.<expiresAt>.<public 0|1>.<nonce>.<sig>.jpg`.
   * The nonce is 6 random bytes drawn once per maker, i.e. once per answer (from a pool filled by
   * `randomBytes` 6 KiB at a time), followed by the URL's number within the answer (hex): a page of
   * 100 logs costs no `randomBytes` call at all most of the time, instead of 100 (the lead's profile:
   * ~1 s of `randomFillSync` per 100,000 rows served). What a URL promises is unchanged: every URL of
   * an answer is distinct, even for one picture on many rows (as the cloud's per-recognition pictures
   * are), the next answer's are others; it is unguessable and unforgeable without the secret (the
   * 96-bit keyed SHA-256 `sig` of `urlSig`, one per URL, covers the id, the expiry, the public mark
   * and the nonce);
   * it expires (`expiresAt`, epoch seconds, and the cookie's policy); it needs the cookies unless public.
   */
  urlMaker(origin: string, expiresAt: number, isPublic = false): (pictureId: number) => string {
    const prefix = `.${expiresAt}.${isPublic ? 1 : 0}.${this.nonce()}`;
    let n = 0;
    return (pictureId) => {
      const payload = `${pictureId}${prefix}${(n++).toString(16)}`;
      return `${origin}/pictures/${payload}.${this.urlSig(payload)}.jpg`;
    };
  }

  /**
   * A cookie-guarded URL that stays the same for one picture content, as a CDN object's path does
   * (`person sync` caches picture hashes by URL): `version` (the picture's SHA-256) makes a new
   * content a new URL even where an id is reused after a reset. Still unguessable (the nonce is an
   * HMAC) and still needs the cookies.
   */
  stableUrl(origin: string, pictureId: number, version: string): string {
    const nonce = createHmac('sha256', this.secret).update(`stable.${pictureId}.${version}`).digest('hex').slice(0, 12);
    const payload = `${pictureId}.0.0.${nonce}`;
    return `${origin}/pictures/${payload}.${this.urlSig(payload)}.jpg`;
  }

  /** Decides a picture request: the picture id, or the reason (for a 403). */
  verify(fileName: string, cookies: Record<string, string>, ip: string): { pictureId: number } | { denied: string } {
    const m = /^(\d+)\.(\d+)\.([01])\.([0-9a-f]+)\.([0-9a-f]{24})\.jpg$/.exec(fileName);
    if (!m) return { denied: 'malformed picture URL' };
    const payload = `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
    if (!safeEqual(this.urlSig(payload), m[5])) return { denied: 'bad URL signature' };
    const pictureId = Number(m[1]);
    const now = this.now();
    if (m[3] === '1') return now < Number(m[2]) ? { pictureId } : { denied: 'URL expired' };
    const policy = cookies['CloudFront-Policy'];
    const signature = cookies['CloudFront-Signature'];
    const keyPair = cookies['CloudFront-Key-Pair-Id'];
    if (!policy || !signature || !keyPair) return { denied: 'missing CloudFront cookies' };
    if (keyPair !== this.keyPairId || !safeEqual(this.sign(policy), signature)) return { denied: 'bad signature' };
    let parsed: { Statement?: { Condition?: Record<string, Record<string, unknown>> }[] };
    try {
      parsed = JSON.parse(cfDecode(policy).toString('utf8'));
    } catch {
      return { denied: 'malformed policy' };
    }
    const cond = parsed.Statement?.[0]?.Condition ?? {};
    const exp = Number(cond.DateLessThan?.['AWS:EpochTime']);
    if (!Number.isFinite(exp) || now >= exp) return { denied: 'cookie expired' };
    const source = cond.IpAddress?.['AWS:SourceIp'];
    if (typeof source === 'string' && !ipMatches(ip, source)) return { denied: 'source IP not allowed' };
    return { pictureId };
  }
}

function safeEqual(a: string, b: string): boolean {
  return secretEquals(b, a);
}

/** The script `/api1/tool/setPictureCookie.js` answers: sets the three cookies for the picture host. */
export function pictureCookieScript(p: string, s: string, k: string): string {
  const pairs = [
    ['CloudFront-Policy', p],
    ['CloudFront-Signature', s],
    ['CloudFront-Key-Pair-Id', k],
  ];
  const lines = pairs.map(([n, v]) => `document.cookie = ${JSON.stringify(`${n}=${encodeURIComponent(v)}; path=/`)};`);
  return `(function () {\n  ${lines.join('\n  ')}\n})();\n`;
}
