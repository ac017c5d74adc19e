/**
 * The entry point, and the only module that touches `process`: it builds the Context, runs the
 * command and sets the exit code.
 */

import { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import { run } from './commands/index.js';
import { httpEngineFor } from './commands/one-shot.js';
import type { Context } from './core/context.js';
import { SIGNAL_EXIT, type StopSignal, signalAbortReason } from './core/errors.js';

/**
 * One-shot commands (commands/one-shot.ts: all but import, export, the emulator, listen, demo, tail,
 * stats, --watch) send direct requests with Node's own http client (Context.httpEngine), which
 * starts far faster than undici; the others, and any proxied request, use undici.
 *
 * V8 flags set once undici is loaded, right before its HTTP parser (WebAssembly) is compiled, not at
 * start: changing a V8 flag changes V8's flag hash, and Node's built-in modules compiled after that
 * miss their embedded code cache (10–16 ms of a `--help` that never makes a request).
 * - `--liftoff-only`, for every command: the parser is compiled by V8's baseline tier only. The
 *   optimising tier compiles it in the background (V8 waits for that at exit, ~70–100 ms of a
 *   one-call run) and its compilation held ~25 MB for a moment (the peak RSS of shorter exports); the parser's
 *   own time is small in either tier (14–22 ms of CPU per 100,000 exported rows, BENCHMARKS.md stop 19).
 * - `--no-parallel-scavenge`, for exports: young-generation GCs on the main thread only. An export
 *   shares the machine with the cloud's answers arriving; parallel scavenges waited for helper
 *   threads that got no core (scavenges of 15–44 ms instead of 1–8), and cost CPU to coordinate.
 * - `--semi-space-growth-factor=1` and `--heap-growing-percent=100`, for exports: the peak RSS
 *   (BENCHMARKS.md stop 20). Both are read by V8 when it resizes the heap, not only when it sets it
 *   up. At 100,000 rows the peak (108–128 MB) was V8's young generation grown to 2 × 16 MB and the
 *   old generation filling up to ~30 MB before each mark-compact, which leaves ~8.5 MB alive. The
 *   first keeps the young generation at the size it has when undici loads (2 × 2 MB); the second sets
 *   the old generation's next limit at twice what a mark-compact leaves (V8 chose up to ~3.5×):
 *   together 81–85 MB from 10,000 to 1,000,000 rows, against 107–141 MB without them. Either alone
 *   was not enough: 100–104 MB (young generation only), 109–113 MB (old generation only).
 *   The cost is CPU on long exports: the pages in flight (~1 MB of parsed answers) survive most
 *   scavenges of a 2 MB semi-space, so the young generation is collected 7× as often at ~2 ms each:
 *   the same CPU at 100,000 rows (1.82 against 1.85 s, eight alternating runs each), but 6.25
 *   against 3.92 s at 500,000 rows (901 scavenges and 45 mark-compacts against 127 and 3) and
 *   1.35 against 0.89 s per 100,000 rows at 1,000,000 (shared machine; quiet: 0.67 against 0.68 s). `--optimize-for-size` reached 92 MB alone
 *   and 79 MB with the first, at 15–40 % more CPU already at 100,000 rows.
 */
const EXPORT_WORDS = new Set(['export']);
const exporting = process.argv.slice(2).some((word) => EXPORT_WORDS.has(word));
let flagsSet = false;
function beforeHttp(): void {
  if (flagsSet) return;
  flagsSet = true;
  // node:v8 on first use: a direct one-shot call never loads undici, and never needs it.
  const { setFlagsFromString } = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  setFlagsFromString('--liftoff-only');
  if (exporting) {
    setFlagsFromString('--no-parallel-scavenge');
    setFlagsFromString('--semi-space-growth-factor=1');
    setFlagsFromString('--heap-growing-percent=100');
  }
}

const controller = new AbortController();

/**
 * The first SIGINT (Ctrl-C) or SIGTERM asks the running command to stop cleanly; it then exits 130
 * or 143 (`exitCodeAfterSignal`). A second signal ends at once with that signal's code.
 */
function onSignal(signal: StopSignal): void {
  if (controller.signal.aborted) process.exit(SIGNAL_EXIT[signal]);
  controller.abort(signalAbortReason(signal));
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const ctx: Context = {
  io: {
    stdout: process.stdout,
    stderr: process.stderr,
    // Created on first use: `process.stdin` builds a stream (~6 ms) that most commands never read.
    get stdin() {
      return process.stdin;
    },
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: isatty(0),
    columns: process.stdout.columns,
    stderrColumns: process.stderr.columns,
  },
  env: process.env,
  cwd: process.cwd(),
  now: () => new Date(),
  monotonicMs: () => {
    const [seconds, nanoseconds] = process.hrtime();
    return seconds * 1000 + nanoseconds / 1e6;
  },
  signal: controller.signal,
  processes: {
    pid: process.pid,
    isRunning(pid: number): boolean {
      try {
        process.kill(pid, 0);
        return true;
      } catch (err) {
        // EPERM: it runs, under another user.
        return (err as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
  },
  fault: faultPoint(process.env.FACETCTL_FAULT),
  beforeHttp,
  httpEngine: httpEngineFor(process.argv.slice(2)),
};

/** Test-only: SIGKILL at the named step, the way a crash or `kill -9` would stop the run. */
function faultPoint(wanted: string | undefined): ((step: string) => void) | undefined {
  if (!wanted) return undefined;
  return (step) => {
    if (step === wanted) process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * `facetctl log recog list | head`: the reader went away; that is not an error worth a stack trace.
 * A list ends quietly (exit 0); an export whose rows did not all arrive says so and exits non-zero
 * (its `--state` did not move), so `set -o pipefail` scripts notice.
 */
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  const closed = ctx.stdoutClosed;
  if (closed) process.stderr.write(`error: ${closed.message}\n`);
  process.exit(closed?.exitCode ?? process.exitCode ?? 0);
});

/**
 * `facetctl … 2>&1 | head -1`, or a log collector that went away: stderr carries status only, so a
 * closed stderr does not stop the command (an export still writes its file and moves its state);
 * what it would have said is dropped.
 */
process.stderr.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
});

/**
 * Exit as soon as the command is done and stdout/stderr are flushed. Left to itself, Node lingers
 * ~100 ms after undici's last request (its sockets' teardown), a third of an API call's wall time,
 * which cron jobs pay on every run. Nothing is lost: every command awaits its own work and files.
 * (A promise chain, not a top-level await: the build makes this file one CommonJS script, which
 * bin/facetctl.js compiles with a V8 code cache; scripts/build-cli.mjs.)
 */
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
void run(process.argv.slice(2), ctx).then(async (code) => {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
});
