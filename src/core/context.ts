/**
 * The context a command runs in. Only `src/cli.ts` builds one from `process`; tests build their own
 * with captured streams and a terminal flag to flip, so every command is testable in-process.
 */
import type { Readable, Writable } from 'node:stream';

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
   * Aborted on SIGINT/SIGTERM (the reason names the signal); long operations stop cleanly and the
   * run exits 130 or 143.
   */
  signal: AbortSignal;
}

/** Write a line to stderr: status and progress only, never data. */
export function note(ctx: Context, line: string): void {
  ctx.io.stderr.write(`${line}\n`);
}
