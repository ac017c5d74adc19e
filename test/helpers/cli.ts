import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { run } from '../../src/commands/index.js';
import { httpEngineFor } from '../../src/commands/one-shot.js';
import type { Context } from '../../src/core/context.js';
import type { HttpEngine } from '../../src/core/http.js';
import { hostProcesses } from './processes.js';
import { tempDir } from './temp.js';

export interface CliRunOptions {
  env?: Record<string, string | undefined>;
  /** Text (or bytes) given on stdin. */
  stdin?: string | Buffer;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** Width of the stderr terminal (default 120; 0 or undefined as some pseudo-terminals report). */
  stderrColumns?: number;
  cwd?: string;
  now?: Date;
  signal?: AbortSignal;
  /** Engine of direct requests; default: the one src/cli.ts picks for `argv` (node for one-shot commands). */
  httpEngine?: HttpEngine;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** A fresh, private config dir so tests never touch the user's profiles. */
export function tempConfigDir(): string {
  return tempDir('facetctl-test-');
}

/** Run the CLI in-process with captured streams. */
export async function runCli(argv: string[], opts: CliRunOptions = {}): Promise<CliResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c) => out.push(Buffer.from(c)));
  stderr.on('data', (c) => err.push(Buffer.from(c)));
  const stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]);
  const env = { FACETCTL_CONFIG_DIR: tempConfigDir(), ...opts.env };
  const ctx: Context = {
    io: {
      stdout,
      stderr,
      stdin,
      stdoutIsTTY: opts.stdoutIsTTY ?? false,
      stderrIsTTY: opts.stderrIsTTY ?? false,
      stdinIsTTY: opts.stdinIsTTY ?? false,
      columns: 120,
      stderrColumns: 'stderrColumns' in opts ? opts.stderrColumns : 120,
    },
    env,
    cwd: opts.cwd ?? process.cwd(),
    now: () => opts.now ?? new Date(),
    signal: opts.signal ?? new AbortController().signal,
    processes: hostProcesses,
    httpEngine: opts.httpEngine ?? httpEngineFor(argv),
  };
  const code = await run(argv, ctx);
  await new Promise((r) => setImmediate(r));
  const stdoutBytes = Buffer.concat(out);
  return { code, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes };
}

export const BIN = resolve(import.meta.dirname, '../../bin/facetctl.js');

/**
 * Runs any program as a child process (no terminal) and collects what it writes: its exit code (-1
 * when killed by a signal), stdout (as text and bytes) and stderr. Asynchronous, so an emulator in
 * this process can answer it. `stdin` is written and closed (empty by default).
 */
export function runProcess(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: string | Buffer; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolvePromise({
        code: code ?? -1,
        stdout: stdoutBytes.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
      });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/**
 * Run bin/facetctl.js as a child process (no terminal); `nodeArgs` go to node before it (`--require X`);
 * `bin`: another copy's launcher (a package copied to a temporary folder).
 */
export function spawnCli(
  argv: string[],
  opts: {
    env?: Record<string, string | undefined>;
    stdin?: string | Buffer;
    cwd?: string;
    nodeArgs?: string[];
    bin?: string;
  } = {},
): Promise<CliResult> {
  return runProcess(process.execPath, [...(opts.nodeArgs ?? []), opts.bin ?? BIN, ...argv], {
    cwd: opts.cwd,
    env: { ...process.env, FACETCTL_CONFIG_DIR: tempConfigDir(), ...opts.env },
    stdin: opts.stdin,
  });
}
