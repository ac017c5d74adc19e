/**
 * The launcher's saved root help (issue 12, start-up): `facetctl --help` without a terminal prints
 * dist/cli/root-help.txt, which the build saves from the built CLI's own `--help`
 * (scripts/build-cli.mjs). These tests run the real executable as a child process (no terminal):
 * the saved text must be exactly what the CLI renders itself, the full way must still be taken when
 * colour is forced, and a reader that goes away must not turn into a stack trace.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, spawnCli } from '../helpers/cli.js';
import { ensureBuilt } from '../setup/build.js';

const SAVED = resolve(import.meta.dirname, '../../dist/cli/root-help.txt');
const PRELOAD = resolve(import.meta.dirname, '../fixtures/startup/report-builtins.cjs');

beforeAll(() => {
  ensureBuilt();
});

describe('the saved root help', () => {
  it('is what the CLI itself renders at 80 columns without colour', async () => {
    // FORCE_COLOR=0 keeps the colour off but makes the launcher render the help the full way.
    const full = await spawnCli(['--help'], { env: { FORCE_COLOR: '0' } });
    expect(full.code).toBe(0);
    expect(full.stdout).toMatch(/^Usage: facetctl \[options\] \[command\]\n/);
    expect(full.stdout).toContain('Exit codes: 0 ok');
    expect(readFileSync(SAVED, 'utf8')).toBe(full.stdout);
  });

  it.each([['--help'], ['-h'], ['help']])('answers `facetctl %s` without a terminal', async (word) => {
    const res = await spawnCli([word], { env: { FORCE_COLOR: undefined } });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(readFileSync(SAVED, 'utf8'));
  });

  it('is printed by the launcher alone: the CLI (dist/cli/main.cjs) is not loaded', async () => {
    // NODE_DEBUG=facetctl: bin/load-cli.cjs says when it compiles the CLI; the preload lists the
    // files Node's CommonJS loader loaded (the launcher's loader among them).
    const opts = (force: string | undefined) => ({
      nodeArgs: ['--require', PRELOAD],
      env: { FORCE_COLOR: force, NODE_DEBUG: 'facetctl' },
    });
    const saved = await spawnCli(['--help'], opts(undefined));
    const rendered = await spawnCli(['--help'], opts('0'));
    const compiled = (stderr: string) => /^FACETCTL \d+: \S+\/dist\/cli\/main\.cjs compiled/m.test(stderr);
    const loaded = (stderr: string) => /^LOADED-FILES (.*)$/m.exec(stderr)?.[1].split(',') ?? [];
    expect(saved.stdout).toBe(readFileSync(SAVED, 'utf8'));
    expect(compiled(saved.stderr)).toBe(false);
    expect(loaded(saved.stderr).some((f) => f.endsWith('load-cli.cjs'))).toBe(false);
    expect(compiled(rendered.stderr)).toBe(true);
    expect(loaded(rendered.stderr).some((f) => f.endsWith('load-cli.cjs'))).toBe(true);
  });

  it('is not used when colour is forced: the CLI renders the help, with bold headings', async () => {
    const res = await spawnCli(['--help'], { env: { FORCE_COLOR: '1' } });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('\u001b[1mUsage:\u001b[22m');
  });

  it('is not used for a command’s help: `device --help` is the CLI’s', async () => {
    const res = await spawnCli(['device', '--help'], { env: { FORCE_COLOR: undefined } });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Usage: facetctl device/);
  });
});

describe('the launcher’s own answers when the reader has gone', () => {
  /** Runs the executable with its stdout pipe closed by the reader before it writes (`| true`). */
  function withClosedStdout(argv: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [BIN, ...argv], {
        env: { ...process.env, FORCE_COLOR: undefined },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      child.on('error', reject);
      child.on('close', (code) => resolvePromise({ code, stderr }));
    });
  }

  it.each([['--help'], ['--version']])('`facetctl %s | true` ends quietly with 0', async (word) => {
    const res = await withClosedStdout([word]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  });
});
