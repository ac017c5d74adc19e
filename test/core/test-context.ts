import { tmpdir } from 'node:os';
import { Readable, Writable } from 'node:stream';
import type { Context } from '../../src/core/context.js';
import { hostProcesses } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp.js';

export interface TestContext extends Context {
  out(): string;
  err(): string;
}

/** A context with captured streams and a private config dir. */
export function testContext(
  opts: {
    env?: Record<string, string | undefined>;
    stdoutIsTTY?: boolean;
    stderrIsTTY?: boolean;
    stderrColumns?: number;
    cwd?: string;
  } = {},
): TestContext {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const collector = (into: Buffer[]) =>
    new Writable({
      write(chunk, _enc, done) {
        into.push(Buffer.from(chunk));
        done();
      },
    });
  const stdout = collector(out);
  const stderr = collector(err);
  return {
    io: {
      stdout,
      stderr,
      stdin: Readable.from([]),
      stdoutIsTTY: opts.stdoutIsTTY ?? false,
      stderrIsTTY: opts.stderrIsTTY ?? false,
      stdinIsTTY: false,
      columns: 120,
      stderrColumns: 'stderrColumns' in opts ? opts.stderrColumns : 120,
    },
    env: { FACETCTL_CONFIG_DIR: tempDir('facetctl-core-'), ...opts.env },
    cwd: opts.cwd ?? tmpdir(),
    now: () => new Date('2026-11-23T12:00:00Z'),
    signal: new AbortController().signal,
    processes: hostProcesses,
    out: () => Buffer.concat(out).toString('utf8'),
    err: () => Buffer.concat(err).toString('utf8'),
  };
}
