/**
 * Every environment variable facetctl reads, in ONE table. The code reads them only through
 * `envValue(env, NAME)`, whose NAME is typed by this table, so a variable cannot be read without being
 * listed here, and `facetctl help environment` (generated from this table) cannot forget one.
 */
import type { Context } from './context.js';

export interface EnvVarDef {
  /** What the variable does, one sentence. */
  description: string;
  /** Where it stands among flags, other variables and profiles (shown in `help environment`). */
  precedence: string;
  /** Other spellings read first (the lower-case proxy variables curl and undici also honour). */
  aliases?: readonly string[];
  /** The value is a secret: `help environment` says so and facetctl never prints it. */
  secret?: boolean;
  /** Group heading in `help environment`. */
  topic: 'connection' | 'output' | 'files' | 'network';
}

export const ENVIRONMENT = {
  FACETCTL_PROFILE: {
    topic: 'connection',
    description: 'the saved profile to use',
    precedence: 'after --profile; before the active profile (`profile use`)',
  },
  FACETCTL_HOST: {
    topic: 'connection',
    description: 'facetCloud host or base URL (bare host → https://HOST/api1)',
    precedence: 'after --host and the --profile profile; before FACETCTL_PROFILE / the active profile',
  },
  FACETCTL_TOKEN: {
    topic: 'connection',
    description: 'the facetCloud API token (ds-api-token)',
    precedence: 'after --token-stdin and the --profile profile; before FACETCTL_PROFILE / the active profile',
    secret: true,
  },
  FACETCTL_CA_CERT: {
    topic: 'connection',
    description: 'a PEM CA certificate file to trust (private CAs)',
    precedence: 'after --ca-cert and the --profile profile; before FACETCTL_PROFILE / the active profile',
  },
  FACETCTL_SENSELINK_URL: {
    topic: 'connection',
    description: 'SenseLink Cloud origin (https://link.japancv.co.jp)',
    precedence: 'after the --profile profile; before FACETCTL_PROFILE / the active profile',
  },
  FACETCTL_SENSELINK_APP_KEY: {
    topic: 'connection',
    description: 'SenseLink app key',
    precedence: 'after the --profile profile; before FACETCTL_PROFILE / the active profile',
  },
  FACETCTL_SENSELINK_APP_SECRET: {
    topic: 'connection',
    description: 'SenseLink app secret',
    precedence: 'after the --profile profile; before FACETCTL_PROFILE / the active profile',
    secret: true,
  },
  FACETCTL_TIMEZONE: {
    topic: 'connection',
    description: "the cloud's time zone (IANA name) for every date sent or compared; never the host's TZ",
    precedence: "after --timezone/--tz; before the profile's timezone, then Asia/Tokyo",
  },
  FACETCTL_SERVER_TOKEN: {
    topic: 'connection',
    description: '`facetctl server`: the API token the emulator accepts',
    precedence: 'after --token and --token-stdin; before the token stored in --db (or a generated one)',
    secret: true,
  },
  FACETCTL_SERVER_SENSELINK_APP_SECRET: {
    topic: 'connection',
    description: '`facetctl server`: the SenseLink app secret the emulator accepts',
    precedence: 'after --senselink-app-secret and --senselink-app-secret-stdin; before the stored or generated one',
    secret: true,
  },
  FACETCTL_OUTPUT: {
    topic: 'output',
    description: 'default output format: table, json, ndjson or csv',
    precedence: 'after -o/--output; before the default (table on a terminal, json otherwise)',
  },
  FACETCTL_VERBOSE: {
    topic: 'output',
    description: '1 (or true/yes) logs each request and answer to stderr, as --verbose (the token is redacted)',
    precedence: '--verbose turns it on as well; 0, false, no or empty leave it off',
  },
  NO_COLOR: {
    topic: 'output',
    description: 'any non-empty value: no colour anywhere (https://no-color.org)',
    precedence: 'after --no-color (both turn colour off); wins over FORCE_COLOR',
  },
  FORCE_COLOR: {
    topic: 'output',
    description: 'colour even when the stream is not a terminal (0 or false: never)',
    precedence: 'after --no-color and NO_COLOR; before TERM and the terminal check',
  },
  TERM: {
    topic: 'output',
    description: '`dumb`: no colour, no spinner and no cursor movement',
    precedence: 'after FORCE_COLOR (for colour only)',
  },
  FACETCTL_CONFIG_DIR: {
    topic: 'files',
    description: 'the directory holding config.json (the profiles)',
    precedence: 'before the per-user config directory below',
  },
  XDG_CONFIG_HOME: {
    topic: 'files',
    description: 'Linux and other Unix: the config directory is $XDG_CONFIG_HOME/facetctl',
    precedence: 'after FACETCTL_CONFIG_DIR; default ~/.config',
  },
  APPDATA: {
    topic: 'files',
    description: 'Windows: the config directory is %APPDATA%\\facetctl\\Config',
    precedence: 'after FACETCTL_CONFIG_DIR; default HOME\\AppData\\Roaming',
  },
  HOME: {
    topic: 'files',
    description: 'the home directory the default config directory is under',
    precedence: "after FACETCTL_CONFIG_DIR; default the OS's home directory",
  },
  HTTPS_PROXY: {
    topic: 'network',
    description: 'proxy for https:// requests',
    precedence: 'https_proxy is read first',
    aliases: ['https_proxy'],
  },
  HTTP_PROXY: {
    topic: 'network',
    description: 'proxy for http:// requests (the emulator, --insecure-http)',
    precedence: 'http_proxy is read first',
    aliases: ['http_proxy'],
  },
  NO_PROXY: {
    topic: 'network',
    description: 'comma-separated hosts reached without the proxy',
    precedence: 'no_proxy is read first',
    aliases: ['no_proxy'],
  },
  FACETCTL_PROXY_PLAIN_HTTP: {
    topic: 'network',
    description:
      '1 (or true/yes): let the token cross HTTP_PROXY in clear for a plain-http host (--insecure-http); refused otherwise (exit 2)',
    precedence: 'only opt-in; https, or the host in NO_PROXY, avoid the question',
  },
} as const satisfies Record<string, EnvVarDef>;

export type EnvVarName = keyof typeof ENVIRONMENT;

/**
 * The value of a variable of the table, its aliases read first (`https_proxy` before `HTTPS_PROXY`).
 * An empty value counts as unset, except that callers needing the difference can test `=== ''`.
 */
export function envValue(env: Context['env'], name: EnvVarName): string | undefined {
  const def: EnvVarDef = ENVIRONMENT[name];
  for (const alias of def.aliases ?? []) if (env[alias] !== undefined) return env[alias];
  return env[name];
}

/** A boolean variable: 1, true, yes, on (any case) are true; anything else (or unset) false. */
export function envFlag(env: Context['env'], name: EnvVarName): boolean {
  return /^(1|true|yes|on)$/i.test(envValue(env, name)?.trim() ?? '');
}

/** `facetctl help environment`: every variable of the table, by topic, with its precedence. */
export function environmentHelp(): string {
  const topics: Record<EnvVarDef['topic'], string> = {
    connection: 'Connection (flags win over variables; a --profile profile wins over variables)',
    output: 'Output, colour and terminals',
    files: 'Files',
    network: 'Network',
  };
  const lines = ['Environment variables facetctl reads', ''];
  for (const [topic, heading] of Object.entries(topics)) {
    lines.push(`${heading}:`);
    for (const [name, def] of Object.entries(ENVIRONMENT) as [string, EnvVarDef][]) {
      if (def.topic !== topic) continue;
      const names = [...(def.aliases ?? []), name].join(', ');
      lines.push(`  ${names}`);
      lines.push(`      ${def.description}${def.secret ? ' (a secret: never printed)' : ''}`);
      lines.push(`      precedence: ${def.precedence}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
