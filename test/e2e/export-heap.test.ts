/**
 * An export's V8 heap, as the built executable really runs (bin/facetctl.js, a child process): src/cli.ts
 * sets `--semi-space-growth-factor=1` (and `--heap-growing-percent=100`) once undici loads, for exports
 * only, so the young generation stays at the size it had then instead of growing to 2 × 16 MB (the
 * peak RSS, BENCHMARKS.md stop 20). Observed through V8's heap statistics at exit (a preload), not
 * through the flags themselves, which a process cannot read back. No timings: the sizes are V8's
 * own steps (2 × 1, 2, 4, 8, 16 MB).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { addDevice, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp.js';
import { ensureBuilt } from '../setup/build.js';

const PRELOAD = resolve(import.meta.dirname, '../fixtures/export/report-new-space.cjs');
const ROWS = 20_000;
const MB = 1024 * 1024;

let emu: TestEmulator;

beforeAll(async () => {
  ensureBuilt();
  emu = await startTestEmulator({ latencyMs: 0 });
  await addDevice(emu, 'HEAP0001', ROWS);
});
afterAll(() => emu.close());

/** Runs the CLI with the preload; its exit code, stdout and the new space's size at exit (bytes). */
async function runMeasured(argv: string[]): Promise<{ code: number; stdout: string; newSpace: number }> {
  const res = await spawnCli(argv, {
    nodeArgs: ['--require', PRELOAD],
    env: { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token },
  });
  const line = /NEW-SPACE (-?\d+)/.exec(res.stderr);
  if (!line) throw new Error(`no heap report: ${res.stderr}`);
  return { code: res.code, stdout: res.stdout, newSpace: Number(line[1]) };
}

describe('export: the young generation does not grow', () => {
  it(`an export of ${ROWS.toLocaleString('en-US')} rows keeps the new space at 2 × 2 MB or less`, async () => {
    const out = join(tempDir('facetctl-export-heap-'), 'logs.ndjson');
    const { code, newSpace } = await runMeasured([
      'log',
      'recog',
      'export',
      '--serial',
      'HEAP0001',
      '-o',
      'ndjson',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(ROWS);
    // Without the flag V8 grows it to 2 × 8 or 2 × 16 MB over the same rows.
    expect(newSpace).toBeGreaterThan(0);
    expect(newSpace).toBeLessThanOrEqual(4 * MB);
  });

  it('a command that is not an export keeps V8 defaults: the same rows listed grow the new space', async () => {
    const { code, stdout, newSpace } = await runMeasured([
      'log',
      'recog',
      'list',
      '--serial',
      'HEAP0001',
      '--all',
      '-o',
      'ndjson',
    ]);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toHaveLength(ROWS);
    expect(newSpace).toBeGreaterThan(4 * MB);
  });
});
