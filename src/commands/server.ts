/**
 * `facetctl server`: the embedded facetCloud + SenseLink emulator. Prints its URL and token on
 * stdout (data), status on stderr, and runs until Ctrl-C/SIGTERM. The emulator (and SQLite) is
 * loaded only here, lazily, so other commands never pay for it.
 */

import { type EnvVarName, envValue } from '../core/environment.js';
import { RuntimeError, UsageError } from '../core/errors.js';
import { defineCommand } from './declare.js';
import type { CommandEnv } from './env.js';
import { collectCommaList, intIn } from './option-parsers.js';

interface ServerOpts {
  port: number;
  bind: string;
  db?: string;
  seed: 'demo' | 'none';
  token?: string;
  printToken?: boolean;
  allowIp?: string[];
  faces?: 'detector' | 'basic' | 'off';
  latency?: number;
  apiLatency?: number;
  checkinInterval?: number;
  entryExitMode: boolean;
  nameMasking?: boolean;
  maintenance?: boolean;
  senselinkAppKey?: string;
  senselinkAppSecret?: string;
  senselinkAppSecretStdin?: boolean;
}

/** Environment forms of the secrets, so that they never appear in `ps` output. */
export const SERVER_TOKEN_ENV = 'FACETCTL_SERVER_TOKEN' satisfies EnvVarName;
export const SERVER_APP_SECRET_ENV = 'FACETCTL_SERVER_SENSELINK_APP_SECRET' satisfies EnvVarName;

export const commands = [
  defineCommand<ServerOpts>({
    path: ['server'],
    summary: 'Run the embedded facetCloud + SenseLink emulator (for trying commands and testing scripts)',
    flags: [
      { flags: '--port <port>', help: 'TCP port; 0 picks a free one', parse: intIn(0, 65535, '--port'), default: 8080 },
      { flags: '--bind <address>', help: 'address to listen on', default: '127.0.0.1' },
      { flags: '--db <file>', help: 'keep the state in this SQLite file (default: in memory)' },
      { flags: '--seed <seed>', help: 'initial data for a new state', choices: ['demo', 'none'], default: 'none' },
      {
        flags: '--token <token>',
        help: `API token to accept (default: generated, or the one stored in --db); visible to ps: prefer --token-stdin or ${SERVER_TOKEN_ENV}`,
      },
      { flags: '--print-token', help: 'print the token stored in --db and exit' },
      {
        flags: '--allow-ip <cidr...>',
        help: 'only these source addresses/ranges may call the API (others get 401)',
        parse: collectCommaList,
      },
      {
        flags: '--faces <mode>',
        help: 'face analysis (default: detector when installed, else basic)',
        choices: ['detector', 'basic', 'off'],
      },
      {
        flags: '--latency <ms>',
        help: 'simulated device latency in milliseconds (default 20)',
        parse: intIn(0, 600000, '--latency'),
      },
      {
        flags: '--api-latency <ms>',
        help: 'simulated network latency added to every API call, in milliseconds (default 0): a cloud far away',
        parse: intIn(0, 600000, '--api-latency'),
      },
      {
        flags: '--checkin-interval <seconds>',
        help: "seconds between the simulated devices' check-ins that move lastAccess (default 60)",
        parse: intIn(1, 86400, '--checkin-interval'),
      },
      {
        flags: '--no-entry-exit-mode',
        help: 'contract without entry/exit mode: the person-type APIs answer an error',
      },
      { flags: '--name-masking', help: 'contract with name masking: names are stored as ***' },
      { flags: '--maintenance', help: 'start in maintenance mode: every API call answers 503 with an empty body' },
      { flags: '--senselink-app-key <key>', help: 'SenseLink app_key to accept (default: generated or stored)' },
      {
        flags: '--senselink-app-secret <secret>',
        help: `SenseLink app secret (default: generated or stored); visible to ps: prefer --senselink-app-secret-stdin or ${SERVER_APP_SECRET_ENV}`,
      },
      {
        flags: '--senselink-app-secret-stdin',
        help: 'read the SenseLink app secret from stdin (the line after the token when --token-stdin is given too)',
      },
    ],
    helpAfter: `
Examples:
  facetctl server --seed demo                  in memory, demo devices, port 8080
  facetctl server --port 0 --db state.sqlite   persistent state on a free port
  facetctl server --db state.sqlite --print-token
  facetctl server --token-stdin < token.txt     the token from a file, not the command line

Secrets: --token and --senselink-app-secret are visible to other users in ps. Give them instead
on stdin (--token-stdin, the global flag, first line; --senselink-app-secret-stdin, next line) or
in the environment (${SERVER_TOKEN_ENV}, ${SERVER_APP_SECRET_ENV}). A flag wins over stdin, stdin
over the environment.

The URL and token are printed on stdout; stop with Ctrl-C.`,
    run: (env, opts) => runServer(env, opts),
  }),
];

async function runServer(env: CommandEnv, opts: ServerOpts): Promise<void> {
  const { ctx } = env;
  if (opts.printToken) {
    if (!opts.db) throw new UsageError('--print-token needs --db FILE (an in-memory server has no stored token)');
    const { readStoredToken } = await import('../emulator/index.js');
    const token = await readStoredToken(opts.db);
    if (!token) throw new RuntimeError(`no token is stored in ${opts.db}; start the server with --db ${opts.db} once`);
    ctx.io.stdout.write(`${token}\n`);
    return;
  }
  const { secretsFromStdin } = await import('./services.js');
  const fromStdin = await secretsFromStdin(env, {
    token: env.flags().tokenStdin === true && opts.token === undefined,
    appSecret: opts.senselinkAppSecretStdin === true && opts.senselinkAppSecret === undefined,
  });
  const token = opts.token ?? fromStdin.token ?? (envValue(ctx.env, SERVER_TOKEN_ENV) || undefined);
  const appSecret =
    opts.senselinkAppSecret ?? fromStdin.appSecret ?? (envValue(ctx.env, SERVER_APP_SECRET_ENV) || undefined);
  if (token !== undefined && !/^[\x21-\x7e]{1,256}$/.test(token)) {
    throw new UsageError('--token must be 1–256 printable characters without spaces');
  }
  const { isValidIpRule } = await import('../core/ip-rules.js');
  const badRule = (opts.allowIp ?? []).find((rule) => !isValidIpRule(rule));
  if (badRule !== undefined) throw new UsageError(`--allow-ip: '${badRule}' is not an IP address or CIDR range`);
  const { startEmulator } = await import('../emulator/index.js');
  const handle = await startEmulator({
    port: opts.port,
    bind: opts.bind,
    db: opts.db,
    seed: opts.seed,
    token,
    allowIp: opts.allowIp,
    faces: opts.faces,
    latencyMs: opts.latency,
    apiLatencyMs: opts.apiLatency,
    checkinSeconds: opts.checkinInterval,
    entryExitMode: opts.entryExitMode,
    nameMasking: opts.nameMasking === true,
    maintenance: opts.maintenance === true,
    senselink: { appKey: opts.senselinkAppKey, appSecret },
    log: (line) => {
      if (env.verbose) ctx.io.stderr.write(`${line}\n`);
    },
  }).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new RuntimeError(`port ${opts.port} is already in use; try --port 0`);
    if (code === 'EACCES') throw new RuntimeError(`not allowed to listen on ${opts.bind}:${opts.port}`);
    throw err;
  });
  const info = { url: handle.url, token: handle.token, senselink: handle.senselink };
  const format = env.output();
  if (format === 'json' || format === 'ndjson') ctx.io.stdout.write(`${JSON.stringify(info)}\n`);
  else {
    ctx.io.stdout.write(
      `url: ${info.url}\ntoken: ${info.token}\nsenselink-url: ${info.senselink.baseUrl}\n` +
        `senselink-app-key: ${info.senselink.appKey}\nsenselink-app-secret: ${info.senselink.appSecret}\n`,
    );
  }
  ctx.io.stderr.write(`facetctl server listening on ${handle.origin} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await handle.close();
  ctx.io.stderr.write('facetctl server stopped\n');
}
