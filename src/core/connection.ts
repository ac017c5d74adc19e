/**
 * Where to connect and with what token, from flags, environment and saved profiles.
 *
 * Precedence, field by field (first found wins):
 *   1. `--host`, `--token-stdin`, `--insecure-http`, `--ca-cert`
 *   2. the profile named by `--profile`
 *   3. `FACETCTL_HOST`, `FACETCTL_TOKEN` (SenseLink: `FACETCTL_SENSELINK_URL`/`_APP_KEY`/`_APP_SECRET`)
 *   4. the profile named by `FACETCTL_PROFILE`, else the active profile
 * A profile named on the command line is a flag, so it wins over the environment.
 */
import { resolve } from 'node:path';
import type { ClientConfig } from './client.js';
import { type Context, note } from './context.js';
import { checkTimeZone, DEFAULT_TIME_ZONE } from './dates.js';
import { type EnvVarName, envFlag, envValue } from './environment.js';
import { UsageError } from './errors.js';
import { tryReadInputFileSync } from './input-file.js';
import { activeProfileName, getProfile, type Profile, type SenselinkSettings } from './profiles.js';
import { clearTextProxy, isLoopbackHost, type ProxySettings } from './proxy.js';

export { isLoopbackHost };

export interface ConnectionFlags {
  profile?: string;
  host?: string;
  /** Read from stdin by `--token-stdin` before calling. */
  token?: string;
  insecureHttp?: boolean;
  /** Path of a PEM file. */
  caCert?: string;
  /** Only SenseLink is needed: no facetCloud host/token required. */
  senselinkOnly?: boolean;
}

export interface Connection {
  /** Normalised facetCloud base URL ('' when only SenseLink was asked for and none is configured). */
  baseUrl: string;
  token: string;
  /** The profile the settings came from, if any. */
  profile?: string;
  senselink?: SenselinkSettings;
  insecureHttp: boolean;
  /** PEM text of the CA file, already read. */
  caCert?: string;
  caCertFile?: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * `HOST` → `https://HOST/api1`, `HOST:PORT` → `https://HOST:PORT/api1`; a full URL is kept as it is
 * (trailing slashes trimmed). Only http and https.
 */
export function normaliseBaseUrl(hostOrUrl: string): string {
  const text = hostOrUrl.trim();
  if (!text) throw new UsageError('empty host: give a host name, HOST:PORT or a full URL');
  const withScheme = SCHEME.test(text) ? text : `https://${text}${text.includes('/') ? '' : '/api1'}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`invalid host '${text}': give a host name, HOST:PORT or a full URL such as https://HOST/api1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`unsupported scheme '${url.protocol}' in '${text}': use https (or http on this machine)`);
  }
  if (url.username || url.password)
    throw new UsageError('credentials in the host URL are not supported: use the token');
  if (url.search || url.hash) throw new UsageError(`the host URL must not carry a query or fragment: '${text}'`);
  return url.toString().replace(/\/+$/, '');
}

/** Plain http only to loopback hosts unless the user asked for it: the token would travel in clear. */
export function assertSafeScheme(url: string, insecureHttp: boolean | undefined): void {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:' && !insecureHttp && !isLoopbackHost(parsed.hostname)) {
    throw new UsageError(
      `refusing plain http to ${parsed.host}: the token would travel unencrypted; use https, or pass --insecure-http if you really mean it`,
    );
  }
}

async function loadProfile(ctx: Context, name: string, source: string): Promise<Profile> {
  const profile = await getProfile(ctx, name);
  if (!profile) throw new UsageError(`no profile named '${name}' (from ${source}): see \`facetctl profile list\``);
  return profile;
}

/**
 * The PEM text of a CA certificate file (relative to the working folder).
 * @param source where the name came from, for the message: `--ca-cert` (default), `FACETCTL_CA_CERT`,
 *   `the profile 'prod' (caCert)`
 * @throws UsageError (exit 2, nothing sent) when it cannot be read or holds no PEM certificate; a
 *   FIFO or device is refused instead of blocking
 */
export function readCaCert(ctx: Context, file: string, source = '--ca-cert'): string {
  const got = tryReadInputFileSync(resolve(ctx.cwd, file));
  if (!got.ok) throw new UsageError(`${source} ${file}: cannot read the CA certificate: ${got.reason}`);
  const pem = got.bytes.toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`${source} ${file}: not a PEM certificate file`);
  }
  return pem;
}

/** C0 controls, DEL and C1 controls: never part of a token, a key or a host. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function describeControl(ch: string): string {
  const named: Record<string, string> = { '\r': 'a carriage return (\\r)', '\n': 'a line break (\\n)', '\t': 'a tab' };
  return named[ch] ?? `the control character U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The API token travels in the `ds-api-token` header: printable ASCII only (U+0021–U+007E). A token
 * typed with a Japanese IME on (`ｔｏｋ…`, full-width), or holding a space, is refused here rather than
 * sent, where the HTTP stack refuses the header and the run looked like a network failure.
 * @param source where the token came from (`--token-stdin`, `FACETCTL_TOKEN`, `the profile 'prod'`)
 * @throws UsageError (exit 2) naming the source, the character and its position — never the value
 */
export function assertTokenChars(token: string, source: string, what = 'the API token'): void {
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code >= 0x21 && code <= 0x7e) continue;
    const ch = String.fromCodePoint(token.codePointAt(i) ?? code);
    const u = `U+${(ch.codePointAt(0) ?? code).toString(16).toUpperCase().padStart(4, '0')}`;
    const fullWidth = code >= 0xff01 && code <= 0xff5e;
    const found =
      code === 0x20
        ? 'a space'
        : CONTROL.test(ch)
          ? describeControl(ch)
          : fullWidth
            ? `the full-width character '${ch}' (${u})`
            : `the character '${ch}' (${u})`;
    throw new UsageError(
      `${source}: ${what} holds ${found} at character ${i + 1}; it must be half-width ASCII letters, digits and signs` +
        (fullWidth || code > 0x7e ? ' (typed with the IME on? paste it again with the IME off)' : ''),
    );
  }
}

/**
 * A setting read from the environment, with the care `--token-stdin` gives its line: surrounding
 * whitespace (a `\r` left by a file edited on Windows, a trailing newline from `$(cat file)`, a BOM)
 * is trimmed; an empty value counts as unset; a control character *inside* the value is a UsageError
 * naming the variable and the character (exit 2, nothing sent) — never the value, which may be secret.
 */
export function settingFromEnv(env: Context['env'], name: EnvVarName): string | undefined {
  const raw = envValue(env, name);
  if (raw === undefined) return undefined;
  const value = raw.replace(/^[\s\ufeff]+|[\s\ufeff]+$/g, '');
  if (value === '') return undefined;
  const bad = CONTROL.exec(value);
  if (bad) {
    throw new UsageError(
      `${name} holds ${describeControl(bad[0])} at character ${bad.index + 1}: a token, key or host never ` +
        `contains one. Set the variable again from the value alone (e.g. FACETCTL_TOKEN="$(tr -d '\\r\\n' < token.txt)")`,
    );
  }
  return value;
}

function senselinkFrom(ctx: Context, flagProfile?: Profile, envProfile?: Profile): SenselinkSettings | undefined {
  const env = ctx.env;
  const baseUrl =
    flagProfile?.senselink?.baseUrl ?? settingFromEnv(env, 'FACETCTL_SENSELINK_URL') ?? envProfile?.senselink?.baseUrl;
  const appKey =
    flagProfile?.senselink?.appKey ??
    settingFromEnv(env, 'FACETCTL_SENSELINK_APP_KEY') ??
    envProfile?.senselink?.appKey;
  const appSecret =
    flagProfile?.senselink?.appSecret ??
    settingFromEnv(env, 'FACETCTL_SENSELINK_APP_SECRET') ??
    envProfile?.senselink?.appSecret;
  if (!baseUrl || !appKey || !appSecret) return undefined;
  // They sign every request: a key or secret typed with the IME on would fail as a bare 401.
  const from = (flagValue: string | undefined, envName: EnvVarName) =>
    flagValue !== undefined
      ? `the profile '${flagProfile?.name}'`
      : envValue(env, envName) !== undefined
        ? envName
        : `the profile '${envProfile?.name}'`;
  assertTokenChars(appKey, from(flagProfile?.senselink?.appKey, 'FACETCTL_SENSELINK_APP_KEY'), 'the SenseLink app key');
  assertTokenChars(
    appSecret,
    from(flagProfile?.senselink?.appSecret, 'FACETCTL_SENSELINK_APP_SECRET'),
    'the SenseLink app secret',
  );
  return { baseUrl: baseUrl.replace(/\/+$/, ''), appKey, appSecret };
}

/**
 * The active profile (`profile use`), or undefined when there is none. A profiles file that cannot be
 * read (not JSON, unreadable) stops only the runs that need it: when the host and the token are given
 * by flags or FACETCTL_HOST/FACETCTL_TOKEN it is passed over, with a warning when `warn`. Else its
 * RuntimeError is thrown.
 */
async function activeProfile(
  ctx: Context,
  flags: Pick<ConnectionFlags, 'host' | 'token'>,
  warn: boolean,
): Promise<Profile | undefined> {
  try {
    const active = await activeProfileName(ctx);
    return active ? await getProfile(ctx, active) : undefined;
  } catch (err) {
    const given = (flag: string | undefined, name: EnvVarName) => flag ?? envValue(ctx.env, name);
    if (!given(flags.host, 'FACETCTL_HOST') || !given(flags.token, 'FACETCTL_TOKEN')) throw err;
    if (warn) {
      note(ctx, `warning: the active profile was not read (${(err as Error).message}); using the host and token given`);
    }
    return undefined;
  }
}

export async function resolveConnection(ctx: Context, flags: ConnectionFlags = {}): Promise<Connection> {
  const env = ctx.env;
  const flagProfile = flags.profile ? await loadProfile(ctx, flags.profile, '--profile') : undefined;
  let envProfile: Profile | undefined;
  if (!flagProfile) {
    const named = envValue(env, 'FACETCTL_PROFILE');
    if (named) envProfile = await loadProfile(ctx, named, 'FACETCTL_PROFILE');
    else {
      envProfile = await activeProfile(ctx, flags, true);
    }
  }
  // The environment is read only when no flag decides, so a broken variable that is not used never
  // stops a command. Each setting comes with where it came from, for the messages about it.
  const pick = <K extends keyof Profile>(
    key: K,
    flag: Profile[K] | undefined,
    flagName: string,
    envName?: EnvVarName,
  ): { value: Profile[K] | undefined; source: string } => {
    if (flag !== undefined) return { value: flag, source: flagName };
    if (flagProfile?.[key] !== undefined)
      return { value: flagProfile[key], source: `the profile '${flagProfile.name}' (${key})` };
    const fromEnv = envName ? settingFromEnv(env, envName) : undefined;
    if (fromEnv !== undefined && envName) return { value: fromEnv as Profile[K], source: envName };
    return { value: envProfile?.[key], source: `the profile '${envProfile?.name}' (${key})` };
  };

  const host = pick('host', flags.host, '--host', 'FACETCTL_HOST').value;
  const token = pick('token', flags.token, '--token-stdin', 'FACETCTL_TOKEN');
  if (token.value !== undefined) assertTokenChars(token.value, token.source);
  const insecureHttp = Boolean(pick('insecureHttp', flags.insecureHttp || undefined, '--insecure-http').value);
  const caCert = pick('caCert', flags.caCert, '--ca-cert', 'FACETCTL_CA_CERT');
  const caCertFile = caCert.value;
  const senselink = senselinkFrom(ctx, flagProfile, envProfile);
  const profile = (flagProfile ?? envProfile)?.name;

  if (flags.senselinkOnly) {
    if (!senselink) {
      throw new UsageError(
        'SenseLink is not configured: add it to a profile (`facetctl profile add --senselink-url ...`) or set FACETCTL_SENSELINK_URL, FACETCTL_SENSELINK_APP_KEY and FACETCTL_SENSELINK_APP_SECRET',
      );
    }
  } else {
    if (!host) throw new UsageError('no host configured: run `facetctl profile add` or set FACETCTL_HOST');
    if (!token.value) {
      throw new UsageError(
        'no token configured: run `facetctl profile add`, set FACETCTL_TOKEN, or pass --token-stdin',
      );
    }
  }
  const baseUrl = host ? normaliseBaseUrl(host) : '';
  if (baseUrl) assertSafeScheme(baseUrl, insecureHttp);
  if (senselink) assertSafeScheme(normaliseSenselinkUrl(senselink.baseUrl), insecureHttp);
  return {
    baseUrl,
    token: token.value ?? '',
    profile,
    senselink: senselink && { ...senselink, baseUrl: normaliseSenselinkUrl(senselink.baseUrl) },
    insecureHttp,
    caCert: caCertFile ? readCaCert(ctx, caCertFile, caCert.source) : undefined,
    caCertFile,
  };
}

/**
 * The cloud's time zone for this run, an IANA name checked against the platform's zone data.
 * Precedence: `--timezone`/`--tz` > `FACETCTL_TIMEZONE` > the profile's `timezone` (the profile named
 * by `--profile`, else `FACETCTL_PROFILE`, else the active one) > Asia/Tokyo. The host's `TZ` is never
 * used: facetCloud's times are Japan's wall clock wherever facetctl runs.
 * @throws UsageError (exit 2) naming the source of an unknown zone, or of an unknown profile.
 */
export async function resolveTimeZone(
  ctx: Context,
  flags: { timezone?: string; profile?: string } = {},
): Promise<string> {
  if (flags.timezone !== undefined) return checkTimeZone(flags.timezone, '--timezone');
  const fromEnv = envValue(ctx.env, 'FACETCTL_TIMEZONE');
  if (fromEnv) return checkTimeZone(fromEnv, 'FACETCTL_TIMEZONE');
  let profile: Profile | undefined;
  if (flags.profile) profile = await loadProfile(ctx, flags.profile, '--profile');
  else if (envValue(ctx.env, 'FACETCTL_PROFILE'))
    profile = await getProfile(ctx, envValue(ctx.env, 'FACETCTL_PROFILE')!);
  else {
    profile = await activeProfile(ctx, {}, false);
  }
  if (profile?.timezone) return checkTimeZone(profile.timezone, `profile '${profile.name}' timezone`);
  return DEFAULT_TIME_ZONE;
}

/** SenseLink's base is an origin (`https://link.japancv.co.jp`); a bare host gets https and no path. */
export function normaliseSenselinkUrl(hostOrUrl: string): string {
  const text = hostOrUrl.trim();
  return normaliseBaseUrl(SCHEME.test(text) ? text : `https://${text}`);
}

/** The proxy settings from the environment, passed explicitly so the client never reads `process`. */
export function proxyFromEnv(env: Context['env']): ClientConfig['proxy'] {
  const httpProxy = envValue(env, 'HTTP_PROXY');
  const httpsProxy = envValue(env, 'HTTPS_PROXY');
  const noProxy = envValue(env, 'NO_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  const settings: ProxySettings = { httpProxy: httpProxy ?? '', httpsProxy: httpsProxy ?? '', noProxy: noProxy ?? '' };
  if (envFlag(env, 'FACETCTL_PROXY_PLAIN_HTTP')) settings.plainHttpThroughProxy = true;
  return settings;
}

/**
 * A plain-http host (allowed by `--insecure-http`) reached through `HTTP_PROXY` would hand the
 * ds-api-token (or SenseLink's signature) to the proxy in clear: refused before anything is sent,
 * unless the host bypasses the proxy (loopback, `NO_PROXY`) or `FACETCTL_PROXY_PLAIN_HTTP=1` says the
 * proxy is trusted. See docs/connecting.md.
 * @throws UsageError (exit 2) naming HTTP_PROXY, the proxy's host and the three ways out.
 */
export function assertNoClearTextProxy(url: string, proxy: ProxySettings | undefined): void {
  const parsed = new URL(url);
  const via = clearTextProxy(parsed, proxy);
  if (!via) return;
  throw new UsageError(
    `refusing plain http to ${parsed.host} through HTTP_PROXY (${via}): the proxy would read the token in clear. Use https, add the host to NO_PROXY (NO_PROXY=${parsed.hostname}) to reach it directly, or set FACETCTL_PROXY_PLAIN_HTTP=1 if you trust that proxy`,
  );
}

/** Everything `createClient` needs for this connection, with the proxy from the context's environment. */
export function clientConfigFor(
  ctx: Context,
  conn: Connection,
  extra: Pick<ClientConfig, 'retries' | 'timeoutMs' | 'log'> = {},
): ClientConfig {
  return {
    baseUrl: conn.baseUrl,
    token: conn.token,
    senselink: conn.senselink,
    caCert: conn.caCert,
    insecureHttp: conn.insecureHttp,
    proxy: proxyFromEnv(ctx.env),
    now: () => ctx.now(),
    clock: ctx.monotonicMs,
    beforeHttp: ctx.beforeHttp,
    httpEngine: ctx.httpEngine,
    ...extra,
  };
}
