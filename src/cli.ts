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

process.exitCode = await run(process.argv.slice(2), ctx);
