/**
 * `facetctl profile add|list|use|show|remove|test`: saved connections. Tokens and SenseLink secrets
 * are masked whenever a profile is shown, and are read from a password prompt or stdin, never argv.
 */
import { envValue } from '../core/environment.js';
import { AuthError, UsageError } from '../core/errors.js';
import type { Profile } from '../core/profiles.js';
import { defineCommand } from './declare.js';
import type { CommandEnv } from './env.js';
import { ExitWith } from './exit.js';

interface AddOpts {
  name?: string;
  senselinkUrl?: string;
  senselinkAppKey?: string;
  senselinkAppSecretStdin?: boolean;
  use?: boolean;
  force?: boolean;
}

function interactive(env: CommandEnv): boolean {
  return env.ctx.io.stdinIsTTY && env.ctx.io.stderrIsTTY;
}

async function promptName(env: CommandEnv): Promise<string> {
  const [{ input }, { promptContext }] = await Promise.all([import('@inquirer/prompts'), import('./prompt-io.js')]);
  return input({ message: 'Profile name', default: 'default', required: true }, promptContext(env.ctx));
}

/** Saving over a profile throws its token away: only on purpose. */
async function confirmReplace(env: CommandEnv, name: string, force: boolean): Promise<void> {
  if (force) return;
  const profiles = await import('../core/profiles.js');
  if (!(await profiles.getProfile(env.ctx, name))) return;
  if (!interactive(env) && !env.flags().yes) {
    throw new UsageError(
      `profile add: a profile named '${name}' already exists; pass --force to replace it and its token`,
    );
  }
  await env.confirm(`Replace profile '${name}' and its saved token?`, false);
}

async function removeProfile(env: CommandEnv, name: string): Promise<void> {
  const profiles = await import('../core/profiles.js');
  if (!(await profiles.getProfile(env.ctx, name))) {
    throw new UsageError(`no profile named '${name}': see \`facetctl profile list\``);
  }
  await env.confirm(`Remove profile '${name}' and its saved token?`, false);
  await profiles.removeProfile(env.ctx, name);
  env.ctx.io.stderr.write(`removed profile '${name}'\n`);
}

async function promptMissing(env: CommandEnv, p: Partial<Profile>, opts: AddOpts): Promise<void> {
  const [{ input, password }, { promptContext }] = await Promise.all([
    import('@inquirer/prompts'),
    import('./prompt-io.js'),
  ]);
  const io = promptContext(env.ctx);
  p.name ??= await input({ message: 'Profile name', default: 'default', required: true }, io);
  p.host ??= await input({ message: 'facetCloud host or base URL (e.g. cloud.example.jp)', required: true }, io);
  p.token ??= await password({ message: 'API token (ds-api-token)', mask: '*' }, io);
  if (opts.senselinkUrl && opts.senselinkAppKey && !p.senselink) {
    const appSecret = await password({ message: 'SenseLink app secret', mask: '*' }, io);
    p.senselink = { baseUrl: opts.senselinkUrl, appKey: opts.senselinkAppKey, appSecret };
  }
}

async function addProfile(env: CommandEnv, nameArg: string | undefined, opts: AddOpts): Promise<void> {
  const flags = env.flags();
  const { secretsFromStdin } = await import('./services.js');
  const secrets = await secretsFromStdin(env, {
    token: env.flags().tokenStdin === true,
    appSecret: opts.senselinkAppSecretStdin === true,
  });
  const p: Partial<Profile> = {
    name: nameArg ?? opts.name,
    host: flags.host,
    token: secrets.token,
    insecureHttp: flags.insecureHttp || undefined,
    caCert: flags.caCert,
  };
  if (flags.timezone !== undefined) {
    // Saved as its IANA name, after the same check every command makes (exit 2 for an unknown zone).
    const { checkTimeZone } = await import('../core/dates.js');
    p.timezone = checkTimeZone(flags.timezone, '--timezone');
  }
  if (opts.senselinkUrl && opts.senselinkAppKey && secrets.appSecret) {
    p.senselink = { baseUrl: opts.senselinkUrl, appKey: opts.senselinkAppKey, appSecret: secrets.appSecret };
  }
  if (interactive(env) && !p.name) p.name = await promptName(env);
  if (p.name) await confirmReplace(env, p.name, opts.force === true);
  if (interactive(env)) await promptMissing(env, p, opts);
  const missing = [
    p.name ? undefined : '--name',
    p.host ? undefined : '--host',
    p.token ? undefined : '--token-stdin (the token on standard input)',
  ].filter(Boolean);
  if ((opts.senselinkUrl || opts.senselinkAppKey || opts.senselinkAppSecretStdin) && !p.senselink) {
    missing.push('--senselink-url, --senselink-app-key and --senselink-app-secret-stdin together');
  }
  if (missing.length) throw new UsageError(`profile add: missing ${missing.join(', ')} (no terminal to ask)`);
  // Refuse now what every later command would refuse: a bad host, a token no header can carry, the
  // token over plain http, a CA certificate that cannot be read.
  const { assertSafeScheme, assertTokenChars, normaliseBaseUrl, readCaCert } = await import('../core/connection.js');
  assertTokenChars(p.token!, secrets.token !== undefined ? '--token-stdin' : 'the token typed');
  if (p.senselink) {
    assertTokenChars(p.senselink.appKey, '--senselink-app-key', 'the SenseLink app key');
    assertTokenChars(
      p.senselink.appSecret,
      secrets.appSecret !== undefined ? '--senselink-app-secret-stdin' : 'the secret typed',
      'the SenseLink app secret',
    );
  }
  assertSafeScheme(normaliseBaseUrl(p.host!), p.insecureHttp);
  if (p.caCert) {
    readCaCert(env.ctx, p.caCert);
    // Saved absolute: the profile is used from other folders (cron runs in $HOME).
    const { resolve } = await import('node:path');
    p.caCert = resolve(env.ctx.cwd, p.caCert);
  }
  const profiles = await import('../core/profiles.js');
  await profiles.saveProfile(env.ctx, p as Profile);
  if (opts.use) await profiles.useProfile(env.ctx, p.name!);
  const active = await profiles.activeProfileName(env.ctx);
  env.ctx.io.stderr.write(`saved profile '${p.name}'${active === p.name ? ' (active)' : ''}\n`);
}

function masked(p: Profile, active: string | undefined, mask: (t: string) => string) {
  return {
    name: p.name,
    active: p.name === active,
    host: p.host,
    token: mask(p.token),
    insecureHttp: p.insecureHttp === true,
    caCert: p.caCert ?? '',
    timezone: p.timezone ?? '',
    senselinkUrl: p.senselink?.baseUrl ?? '',
    senselinkAppKey: p.senselink?.appKey ?? '',
    senselinkAppSecret: p.senselink ? mask(p.senselink.appSecret) : '',
  };
}

async function listProfiles(env: CommandEnv, opts: { names?: boolean }): Promise<void> {
  const profiles = await import('../core/profiles.js');
  const all = await profiles.listProfiles(env.ctx);
  if (opts.names) {
    if (env.hasQuery)
      throw new UsageError('--query does not apply to --names (one name a line): leave one of them out');
    for (const p of all) env.ctx.io.stdout.write(`${p.name}\n`);
    return;
  }
  const active = await profiles.activeProfileName(env.ctx);
  env.render(
    all.map((p) => masked(p, active, profiles.maskToken)),
    { columns: ['name', 'active', 'host', 'token', 'senselinkUrl'] },
  );
}

async function showProfile(env: CommandEnv, name: string | undefined): Promise<void> {
  const profiles = await import('../core/profiles.js');
  const active = await profiles.activeProfileName(env.ctx);
  const wanted = name ?? env.flags().profile ?? envValue(env.ctx.env, 'FACETCTL_PROFILE') ?? active;
  if (!wanted) throw new UsageError('no active profile: give a name, or run `facetctl profile add`');
  const p = await profiles.getProfile(env.ctx, wanted);
  if (!p) throw new UsageError(`no profile named '${wanted}': see \`facetctl profile list\``);
  env.render(masked(p, active, profiles.maskToken));
}

/** getDevice is cheap, touches no device, and needs a valid token: the right probe. */
async function testProfile(env: CommandEnv, name: string | undefined): Promise<void> {
  const { connectClient } = await import('./services.js');
  const client = await connectClient(env, { profile: name });
  const { endpoint } = await import('../registry/index.js');
  const ep = endpoint('device.getDevice');
  const err = env.ctx.io.stderr;
  try {
    const devices = await client.json(ep, {}, { signal: env.ctx.signal });
    const count = Array.isArray(devices) ? devices.length : 0;
    err.write(`ok: the host answers and the token is accepted (${count} device${count === 1 ? '' : 's'})\n`);
  } catch (e) {
    if (e instanceof AuthError) {
      err.write(
        e.status === 401
          ? 'the host answers, but refuses this source IP address (HTTP 401)\n'
          : 'the host answers, but the token is not accepted (HTTP 403)\n',
      );
      throw new ExitWith(4);
    }
    throw e;
  } finally {
    await client.close();
  }
}

function examples(...lines: string[]): string {
  return ['', 'Examples:', ...lines.map((l) => `  $ ${l}`)].join('\n');
}

const PROFILE = { profile: 'Saved connections: host, token, SenseLink keys' };

export const commands = [
  defineCommand<AddOpts>({
    path: ['profile', 'add'],
    parents: PROFILE,
    summary: 'Save a profile; prompts on a terminal, otherwise takes flags and --token-stdin',
    args: ['[name]'],
    flags: [
      { flags: '--name <name>', help: 'profile name (or give it as the argument)' },
      { flags: '--senselink-url <url>', help: 'SenseLink Cloud base URL (e.g. https://link.japancv.co.jp)' },
      { flags: '--senselink-app-key <key>', help: 'SenseLink app key' },
      {
        flags: '--senselink-app-secret-stdin',
        help: 'read the SenseLink app secret from stdin (after the token line)',
      },
      { flags: '--use', help: 'make it the active profile' },
      { flags: '--force', help: 'replace an existing profile of that name, and its saved token, without asking' },
    ],
    helpAfter: [
      '',
      "Uses the global --host, --token-stdin, --insecure-http, --ca-cert and --timezone flags (--timezone: the site's zone, saved with the profile; default Asia/Tokyo).",
      'An existing profile is replaced only with --force (or when confirmed on a terminal).',
      '',
      'Examples:',
      '  $ facetctl profile add                      # asks on a terminal',
      '  $ printf "%s\\n" "$TOKEN" | facetctl profile add prod --host cloud.example.jp --token-stdin',
      '  $ printf "%s\\n" "$NEW_TOKEN" | facetctl profile add prod --host cloud.example.jp --token-stdin --force',
    ].join('\n'),
    run: (env, opts, { args: [name] }) => addProfile(env, name as string | undefined, opts),
  }),
  defineCommand<{ names?: boolean }>({
    path: ['profile', 'list'],
    query: true,
    summary: 'List the profiles (tokens masked)',
    flags: [{ flags: '--names', help: 'only the names, one a line (for shell completion)' }],
    helpAfter: examples('facetctl profile list', 'facetctl profile list -o json', 'facetctl profile list --names'),
    run: (env, opts) => listProfiles(env, opts),
  }),
  defineCommand({
    path: ['profile', 'use'],
    summary: 'Make a profile the active one',
    args: ['<name>'],
    helpAfter: examples('facetctl profile use prod'),
    async run(env, _opts, { args: [name] }) {
      const profiles = await import('../core/profiles.js');
      await profiles.useProfile(env.ctx, name as string);
      env.ctx.io.stderr.write(`active profile: ${name}\n`);
    },
  }),
  defineCommand({
    path: ['profile', 'show'],
    query: true,
    summary: 'Show a profile (default: the one in use; secrets masked)',
    args: ['[name]'],
    helpAfter: examples('facetctl profile show', 'facetctl profile show prod -o json'),
    run: (env, _opts, { args: [name] }) => showProfile(env, name as string | undefined),
  }),
  defineCommand({
    path: ['profile', 'remove'],
    aliases: ['rm'],
    summary: 'Remove a profile and its saved token (asks on a terminal; --yes otherwise)',
    args: ['<name>'],
    helpAfter: examples('facetctl profile remove old', 'facetctl profile rm old --yes    # in a script'),
    run: (env, _opts, { args: [name] }) => removeProfile(env, name as string),
  }),
  defineCommand({
    path: ['profile', 'test'],
    summary: 'Check that the host answers and accepts the token (exit 0 ok, 4 refused, 1 unreachable)',
    args: ['[name]'],
    helpAfter: examples('facetctl profile test', 'facetctl profile test prod && echo reachable'),
    run: (env, _opts, { args: [name] }) => testProfile(env, name as string | undefined),
  }),
];
