/**
 * The entry point, and the only module that touches `process`: it builds the Context, runs the
 * command and sets the exit code.
 */
import { setFlagsFromString } from 'node:v8';
import { run } from './commands/index.js';
import type { Context } from './core/context.js';

/**
 * Words of the long-running commands (bulk import, exports, the emulator, the push receiver, the demo).
 * Every other command makes a call or two and exits: for those, undici's HTTP parser (WebAssembly) is
 * compiled by V8's baseline compiler only, because the optimising tier compiles in the background and
 * V8 waits for it at exit, ~70–100 ms of a one-call run. Long runs keep the optimising tier.
 */
const LONG_RUNNING = new Set(['import', 'export', 'server', 'listen', 'demo', 'tail', 'stats', '--watch']);
if (!process.argv.slice(2).some((word) => LONG_RUNNING.has(word))) setFlagsFromString('--liftoff-only');

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
