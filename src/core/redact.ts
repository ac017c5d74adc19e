/**
 * What `--verbose` may show. The token, SenseLink's signature and the picture cookies are secrets;
 * request bodies hold megabytes of base64 pictures. Log lines carry names and sizes, never values
 * of either kind.
 */
import { createHash } from './node-crypto.js';

export const REDACTED = '[redacted]';

/** Header names (lower case) whose values never reach a log line. */
const SECRET_HEADERS = new Set(['ds-api-token', 'cookie', 'set-cookie', 'authorization', 'proxy-authorization']);

/** Query/form names whose values never reach a log line. */
const SECRET_PARAMS = new Set(['ds-api-token', 'sign', 'app_secret']);

export function isSecretParam(name: string): boolean {
  return SECRET_PARAMS.has(name.toLowerCase());
}

/** A copy of the headers with secret values replaced. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The URL with secret query values replaced (the token never travels in a URL, but `api` users may try). */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username || parsed.password) {
    parsed.username = parsed.username ? REDACTED : '';
    parsed.password = parsed.password ? REDACTED : '';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (isSecretParam(name)) parsed.searchParams.set(name, REDACTED);
  }
  return parsed.toString();
}

/** `12 B`, `3.4 kB`, `1.2 MB`: sizes for log lines. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

/** `serialNo, personCode, picture (1.2 MB)`: parameter names, with sizes for the long values only. */
export function describeParams(params: Record<string, string>): string {
  const parts = Object.entries(params).map(([name, value]) => {
    if (isSecretParam(name)) return `${name} (${REDACTED})`;
    const bytes = Buffer.byteLength(value, 'utf8');
    return bytes > 64 ? `${name} (${formatBytes(bytes)})` : name;
  });
  return parts.length ? parts.join(', ') : '(none)';
}

/** One header set on one line: `{ds-api-token: [redacted], accept: application/json}`. */
export function formatHeaders(headers: Record<string, string | string[] | undefined>): string {
  const safe = redactHeaders(headers);
  return `{${Object.entries(safe)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')}}`;
}

/** facetctl's secret variables: FACETCTL_TOKEN, FACETCTL_SENSELINK_APP_SECRET and any FACETCTL_* naming a token, secret, password or key. */
const SECRET_ENV = /^FACETCTL_.*(TOKEN|SECRET|PASSWORD|PASSWD|KEY)/i;

export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV.test(name);
}

/**
 * The environment a child process (`push listen --exec`) gets: `env` without facetctl's secrets
 * (see isSecretEnvName), so a script never sees the token or the SenseLink app secret.
 */
export function childEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isSecretEnvName(name)) out[name] = value;
  }
  return out;
}

/** Base64 text long enough to be file content rather than a value (the shortest JPEG is far longer). */
const LONG_BASE64 = /^[A-Za-z0-9+/]{200,}={0,2}$/;

/**
 * A picture or file sent as base64, as a dry run shows it: the decoded size and the SHA-256 of the
 * decoded bytes (compare with `sha256sum FILE`), never the content:
 * `"<base64: 48213 bytes, sha256 9f86d0…>"`.
 */
export function summariseBase64(value: string): string {
  const bytes = Buffer.from(value, 'base64');
  const sha = createHash('sha256').update(bytes).digest('hex');
  return `<base64: ${bytes.length} bytes, sha256 ${sha}>`;
}

/**
 * A request's parameters as a dry run prints them: secret values redacted, base64 content
 * (parameters named in `base64Names`, or any long base64 text, also inside a JSON body) summarised
 * by `summariseBase64`. Other values are shown exactly as they will be sent.
 */
export function redactParams(value: unknown, base64Names: ReadonlySet<string>, name = ''): unknown {
  if (typeof value === 'string') {
    if (name && isSecretParam(name)) return REDACTED;
    if ((base64Names.has(name) && value.length > 0) || LONG_BASE64.test(value)) return summariseBase64(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => redactParams(v, base64Names, name));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactParams(v, base64Names, k)]),
    );
  }
  return value;
}
