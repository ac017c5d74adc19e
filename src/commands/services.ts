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
