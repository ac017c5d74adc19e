/** `facetctl push listen`: receive the cloud's push notifications (src/workflows/push/). */
import { InvalidArgumentError } from 'commander';
import { note } from '../core/context.js';
import { PUSH_QUEUE_BYTES, PUSH_QUEUE_EVENTS } from '../workflows/push/queue-limits.js';
import { defineCommand } from './declare.js';
import { collect, port } from './option-parsers.js';

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

export const commands = [
  defineCommand<Flags>({
    path: ['push', 'listen'],
    parents: { push: 'Receive push notifications of recognitions' },
    summary: 'Run an HTTP server for the push notifications; each event as one ndjson line, or to --exec',
    // --query picks what of each event is printed (or handed to --exec).
    query: true,
    flags: [
      { flags: '--port <port>', help: 'port to listen on (0: any free port)', parse: port, default: 8787 },
      { flags: '--bind <addr>', help: 'address to listen on', default: '127.0.0.1' },
      {
        flags: '--allow-ip <cidr>',
        help: 'accept only these sources, e.g. 203.0.113.0/24 (repeatable); others get 403',
        parse: collect,
      },
      {
        flags: '--exec <cmd>',
        help: 'run this shell command per event with the event JSON on stdin (one at a time)',
      },
      {
        flags: '--queue-size <n>',
        help: `--exec: events that may wait for the command; more are answered 503 (also at most ${PUSH_QUEUE_BYTES / 1024 / 1024} MiB)`,
        parse: queueSize,
        default: PUSH_QUEUE_EVENTS,
      },
    ],
    helpAfter: [
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
    async run(env, flags) {
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
        // --query per event, as a tail applies it per row.
        select: env.hasQuery ? (event) => env.select(event) : undefined,
      });
      note(ctx, `push: listening on ${listener.url}`);
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await listener.close();
      note(ctx, `push: stopped after ${listener.received} event(s)`);
    },
  }),
];
