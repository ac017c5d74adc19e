/**
 * The entry point, and the only module that touches `process`: it builds the Context, runs the
 * command and sets the exit code.
 */
import { run } from './commands/index.js';
import type { Context } from './core/context.js';

const controller = new AbortController();

/** First Ctrl-C asks the running command to stop cleanly (exit 130); a second one ends at once. */
function onSignal(): void {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/** `facetctl log recog list | head`: the reader went away; that is not an error worth a stack trace. */
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const ctx: Context = {
  io: {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    columns: process.stdout.columns,
  },
  env: process.env,
  cwd: process.cwd(),
  now: () => new Date(),
  signal: controller.signal,
};

const code = await run(process.argv.slice(2), ctx);

/**
 * Exit as soon as the command is done and stdout/stderr are flushed. Left to itself, Node lingers
 * ~100 ms after undici's last request (its sockets' teardown), a third of an API call's wall time,
 * which cron jobs pay on every run. Nothing is lost: every command awaits its own work and files.
 */
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
