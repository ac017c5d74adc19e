/**
 * The parts of a command's environment that cost start-up time (the HTTP client with undici, the
 * renderers): loaded only when an action runs, never for `--help` or `--version`.
 */
import type { CommandEnv, EnvServices, RowWriter } from './env.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Secrets from stdin for `profile add` and `server`: the token (`--token-stdin`) on the first line,
 * the SenseLink app secret (`--senselink-app-secret-stdin`) on the next when both are asked for, or
 * on the first when only it is. Blank lines are skipped. Usage error (exit 2) when a line is missing.
 */
export async function secretsFromStdin(
  env: CommandEnv,
  want: { token: boolean; appSecret: boolean },
): Promise<{ token?: string; appSecret?: string }> {
  if (!want.token && !want.appSecret) return {};
  const { UsageError } = await import('../core/errors.js');
  const lines = (await readAll(env.ctx.io.stdin))
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const flag = want.token ? '--token-stdin' : '--senselink-app-secret-stdin';
  if (lines.length === 0) throw new UsageError(`${flag}: standard input was empty (pipe the secret to it)`);
  if (want.token && want.appSecret && lines.length < 2) {
    throw new UsageError(
      '--senselink-app-secret-stdin: no second line on standard input (the app secret follows the token)',
    );
  }
  return {
    token: want.token ? lines[0] : undefined,
    appSecret: want.appSecret ? lines[want.token ? 1 : 0] : undefined,
  };
}

/** `--token-stdin`: the first line of stdin, so `echo $T | facetctl ...` and `< tokenfile` both work. */
export async function readTokenFromStdin(env: CommandEnv): Promise<string> {
  const text = await readAll(env.ctx.io.stdin);
  const token = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (!token) {
    const { UsageError } = await import('../core/errors.js');
    throw new UsageError('--token-stdin: standard input held no token');
  }
  return token;
}

/** A client from the global flags, optionally for another profile (`profile test NAME`). */
/**
 * The cloud's base URL the flags, environment and profile point at, without the token (nothing is read
 * from stdin): what import and sync journals and caches are keyed by.
 */
export async function cloudTarget(env: CommandEnv): Promise<string> {
  const { resolveConnection } = await import('../core/connection.js');
  const flags = env.flags();
  const conn = await resolveConnection(env.ctx, {
    profile: flags.profile,
    host: flags.host,
    token: flags.tokenStdin ? 'from-stdin' : undefined,
    insecureHttp: flags.insecureHttp,
  });
  return conn.baseUrl;
}

export async function connectClient(env: CommandEnv, opts: { senselink?: boolean; profile?: string }) {
  const [{ resolveConnection, clientConfigFor }, { createClient }] = await Promise.all([
    import('../core/connection.js'),
    import('../core/client.js'),
  ]);
  const flags = env.flags();
  const token = flags.tokenStdin ? await readTokenFromStdin(env) : undefined;
  const conn = await resolveConnection(env.ctx, {
    profile: opts.profile ?? flags.profile,
    host: flags.host,
    token,
    insecureHttp: flags.insecureHttp,
    caCert: flags.caCert,
    senselinkOnly: opts.senselink === true,
  });
  const stderr = env.ctx.io.stderr;
  return createClient(
    clientConfigFor(env.ctx, conn, {
      retries: flags.retries,
      timeoutMs: flags.timeout === undefined ? undefined : Math.round(flags.timeout * 1000),
      log: env.verbose ? (line: string) => stderr.write(`${line}\n`) : undefined,
    }),
  );
}

export async function loadServices(): Promise<EnvServices> {
  const output = await import('./render.js');
  return {
    client: connectClient,
    render: (env, data, opts) => output.render(env, data, opts),
    rows: (env, opts): RowWriter => output.rowWriter(env, opts),
  };
}
