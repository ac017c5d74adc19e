/** `facetctl push listen`: receive the cloud's push notifications (src/workflows/push/). */
import { type Command, InvalidArgumentError } from 'commander';
import { note } from '../core/context.js';
import { PUSH_QUEUE_BYTES, PUSH_QUEUE_EVENTS } from '../workflows/push/queue-limits.js';
import type { CommandEnv } from './env.js';
import { collect, port } from './option-parsers.js';
import { subcommand } from './tree.js';

interface Flags {
  port: number;
  bind: string;
  allowIp?: string[];
  exec?: string;
  queueSize: number;
}

function queueSize(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 10_000)
    throw new InvalidArgumentError(`must be a whole number from 1 to 10000 (got '${value}')`);
  return n;
}

export function register(parent: Command, env: CommandEnv): void {
  const push = subcommand(parent, 'push', 'Receive push notifications of recognitions');
  push
    .command('listen')
    .description('Run an HTTP server for the push notifications; each event as one ndjson line, or to --exec')
    .option('--port <port>', 'port to listen on (0: any free port)', port, 8787)
    .option('--bind <addr>', 'address to listen on', '127.0.0.1')
    .option('--allow-ip <cidr>', 'accept only these sources, e.g. 203.0.113.0/24 (repeatable); others get 403', collect)
    .option('--exec <cmd>', 'run this shell command per event with the event JSON on stdin (one at a time)')
    .option(
      '--queue-size <n>',
      `--exec: events that may wait for the command; more are answered 503 (also at most ${PUSH_QUEUE_BYTES / 1024 / 1024} MiB)`,
      queueSize,
      PUSH_QUEUE_EVENTS,
    )
    .addHelpText(
      'after',
      [
        '',
        'Register the URL with `facetctl device push-url set --serial S --push-url URL`. The cloud gets',
        '200 at once; events reach stdout (or --exec) in arrival order. Push delivery is not guaranteed',
        '(the document says so): use `log recog export --state` for the record of what happened.',
        'The URL goes to stderr when the server is ready. Stops on Ctrl-C / SIGTERM: waits for the',
        'running --exec command only; events still waiting are dropped (counted on stderr).',
        '',
        '--exec: the event reaches the command only on stdin (never in the command line); the command',
        'does not inherit FACETCTL_TOKEN, the SenseLink app secret or any FACETCTL_*TOKEN/SECRET/KEY',
        'variable. A push whose fields have the wrong types (document: 認識の通知) is answered 400.',
        '',
        'Examples:',
        '  facetctl push listen --port 8787 --bind 0.0.0.0 --allow-ip 203.0.113.0/24 >> events.ndjson',
        "  facetctl push listen --exec 'jq -c . >> events.ndjson'",
      ].join('\n'),
    )
    .action(async (flags: Flags) => {
      const ctx = env.ctx;
      const [{ createIpAllow }, { startPushListener }] = await Promise.all([
        import('../core/ip-rules.js'),
        import('../workflows/push/push-listener.js'),
      ]);
      createIpAllow(flags.allowIp ?? []);
      const listener = await startPushListener({
        port: flags.port,
        bind: flags.bind,
        allowIp: flags.allowIp,
        exec: flags.exec,
        queueEvents: flags.queueSize,
        env: ctx.env,
        cwd: ctx.cwd,
        stdout: ctx.io.stdout,
        stderr: ctx.io.stderr,
        note: (line) => note(ctx, line),
      });
      note(ctx, `push: listening on ${listener.url}`);
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await listener.close();
      note(ctx, `push: stopped after ${listener.received} event(s)`);
    });
}
