/**
 * The context a command runs in. Only `src/cli.ts` builds one from `process`; tests build their own
 * with captured streams and a terminal flag to flip, so every command is testable in-process.
 */
import type { Readable, Writable } from 'node:stream';
import type { HttpEngine } from './http.js';
import type { ProcessProbe } from './safe-file.js';
import { terminalSafe } from './untrusted-text.js';

export interface IOStreams {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  /** Whether each stream is a terminal. Decides tables vs JSON, spinners, prompts. */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  /** Terminal width for tables, when known. */
  columns?: number;
  /**
   * Width of the terminal stderr is, when known. A spinner is drawn only when it is above 0: some
   * pseudo-terminals report 0 columns, and redrawing a line 0 columns wide never ends.
   */
  stderrColumns?: number;
}

export interface Context {
  io: IOStreams;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The clock, injectable for relative dates (`-24h`, `today`) and tests. */
  now(): Date;
  /**
   * A monotonic clock in milliseconds, for durations (the client's retry budget and its `--verbose`
   * timings). src/cli.ts gives `process.hrtime`'s; unset, the client uses `performance.now()`, whose
   * first call loads Node's perf_hooks (~2 ms of a one-call run).
   */
  monotonicMs?: () => number;
  /**
   * Aborted on SIGINT/SIGTERM (the reason names the signal); long operations stop cleanly and the
   * run exits 130 or 143.
   */
  signal: AbortSignal;
  /**
   * This process's id and whether another still runs, for the temporary files of safe writes
   * (core/safe-file.ts: a killed run's temporary is removed, a live one's is left alone).
   */
  processes: ProcessProbe;
  /**
   * Test-only fault points: `src/cli.ts` kills the process (SIGKILL) when `step` equals the
   * FACETCTL_FAULT variable, so tests can stop an export at every step boundary (export-commit.ts).
   */
  fault?: (step: string) => void;
  /**
   * Set by a command whose stdout output is not complete until it ends (exports): when the reader
   * goes away (`| head`, EPIPE), the process prints `message` and exits `exitCode` instead of 0.
   */
  stdoutClosed?: { exitCode: number; message: string };
  /**
   * Called when the HTTP client's code (undici) is loaded, before its first request compiles the
   * WebAssembly HTTP parser; may be called more than once. src/cli.ts uses it to keep V8 on its
   * baseline WebAssembly tier, and exports on main-thread scavenges (BENCHMARKS.md, stops 18 and 19):
   * with the node engine (one-shot commands), only a proxied request loads undici.
   */
  beforeHttp?: () => void;
  /**
   * Who carries direct API requests (core/http.ts): 'node' (node:http/https, cheap to start: one-shot
   * commands) or 'undici' (long runs; the default when unset). Proxied requests always use undici.
   * src/cli.ts sets it from the command words (`httpEngineFor` in commands/one-shot.ts).
   */
  httpEngine?: HttpEngine;
}

/** Write a line to stderr: status and progress only, never data. */
/** API strings in `line` cannot drive the terminal: control characters and escapes are shown, not run (terminalSafe). */
export function note(ctx: Context, line: string): void {
  ctx.io.stderr.write(`${terminalSafe(line)}\n`);
}
