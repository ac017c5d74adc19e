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

  it('is printed by the launcher alone: the CLI (dist/cli/main.js) is not loaded', async () => {
    // NODE_DEBUG=esm names every module file a run loads ("Storing file:///… in ModuleLoadMap").
    const saved = await spawnCli(['--help'], { env: { FORCE_COLOR: undefined, NODE_DEBUG: 'esm' } });
    const rendered = await spawnCli(['--help'], { env: { FORCE_COLOR: '0', NODE_DEBUG: 'esm' } });
    const loaded = (stderr: string) => [...stderr.matchAll(/Storing (file:\/\/\S+)/g)].map((m) => m[1]);
    expect(loaded(saved.stderr).some((f) => f.endsWith('/bin/facetctl.js'))).toBe(true);
    expect(loaded(saved.stderr).some((f) => f.includes('/dist/cli/'))).toBe(false);
    expect(loaded(rendered.stderr).some((f) => f.endsWith('/dist/cli/main.js'))).toBe(true);
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
