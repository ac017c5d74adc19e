/**
 * Exactly once across a crash at every step (docs/export.md, "Across a crash"): each export is
 * stopped with SIGKILL at each step boundary (FACETCTL_FAULT, see src/workflows/export/export-commit.ts),
 * re-run, and every id must be in the files exactly once; no temporary file may be left behind.
 * To stdout the guarantee is at-least-once (nothing lost), exactly-once once the state has moved.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, spawnCli, tempConfigDir } from '../../helpers/cli.js';
import { connectionEnv } from '../../helpers/cli-emulator.js';
import { addDevice, startTestEmulator, storedRecogIds, type TestEmulator } from '../../helpers/emulator.js';
import { PICTURES } from '../../helpers/fixtures.js';
import { tempDir } from '../../helpers/temp.js';
import { ensureBuilt } from '../../setup/build.js';

let emu: TestEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  ensureBuilt();
  emu = await startTestEmulator();
  env = connectionEnv(emu);
});
afterAll(async () => {
  await emu?.close();
});

/** spawnCli's code for a child killed by a signal. */
const KILLED = -1;

function lines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function fileLines(path: string): Record<string, unknown>[] {
  return existsSync(path) ? lines(readFileSync(path, 'utf8')) : [];
}

function expectExactly(ids: (number | string)[], expected: (number | string)[]): void {
  const sorted = (a: (number | string)[]) => [...a].map(String).sort();
  expect(new Set(ids.map(String)).size, 'no id twice').toBe(ids.length);
  expect(sorted(ids)).toEqual(sorted(expected));
}

function temps(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.facetctl-tmp-'));
}

function fault(step: string) {
  return { env: { ...env, FACETCTL_FAULT: step } };
}

describe('log recog export --out --state: exactly once across a kill at every step', () => {
  const steps = ['after-page', 'after-sync', 'after-pending', 'after-rename', 'after-state'];
  for (const [i, step] of steps.entries()) {
    it(`killed ${step}, re-run with another --out: every id once, no temporary file left`, async () => {
      const serial = `EXO${i}`;
      await addDevice(emu, serial, 250);
      const dir = tempDir('facetctl-exo-');
      const state = join(dir, 'st.json');
      const k = join(dir, 'k.ndjson');
      const r = join(dir, 'r.ndjson');
      const killed = await spawnCli(
        ['log', 'recog', 'export', '--serial', serial, '--state', state, '--out', k],
        fault(step),
      );
      expect(killed.code).toBe(KILLED);
      await emu.op('POST', '/recognize', { serialNo: serial, count: 40 });
      const again = await spawnCli(['log', 'recog', 'export', '--serial', serial, '--state', state, '--out', r], {
        env,
      });
      expect(again.code, again.stderr).toBe(0);
      if (step === 'after-pending') expect(again.stderr).toMatch(/completed it/);
      const ids = [...fileLines(k), ...fileLines(r)].map((row) => Number(row.id));
      expectExactly(ids, await storedRecogIds(emu, serial));
      expect(temps(dir)).toEqual([]);
      // And the run after that finds nothing new.
      const third = await spawnCli(['log', 'recog', 'export', '--serial', serial, '--state', state], { env });
      expect(third.code).toBe(0);
      expect(third.stdout).toBe('');
    }, 60_000);
  }

  it('a pending commit whose temporary file was removed by hand exports those rows again (nothing lost)', async () => {
    await addDevice(emu, 'EXOGONE', 150);
    const dir = tempDir('facetctl-exo-');
    const state = join(dir, 'st.json');
    const k = join(dir, 'k.ndjson');
    expect(
      (
        await spawnCli(
          ['log', 'recog', 'export', '--serial', 'EXOGONE', '--state', state, '--out', k],
          fault('after-pending'),
        )
      ).code,
    ).toBe(KILLED);
    const pending = JSON.parse(readFileSync(state, 'utf8')).pending.recog;
    const { unlinkSync } = await import('node:fs');
    unlinkSync(pending.temp);
    const r = join(dir, 'r.ndjson');
    const again = await spawnCli(['log', 'recog', 'export', '--serial', 'EXOGONE', '--state', state, '--out', r], {
      env,
    });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/never appeared/);
    expect(existsSync(k)).toBe(false);
    expectExactly(
      fileLines(r).map((row) => Number(row.id)),
      await storedRecogIds(emu, 'EXOGONE'),
    );
  }, 60_000);
});

describe('log recog export to stdout --state: nothing lost, exactly once once the state moved', () => {
  for (const [i, step] of ['after-page', 'after-flush', 'after-state'].entries()) {
    it(`killed ${step}`, async () => {
      const serial = `EXS${i}`;
      await addDevice(emu, serial, 250);
      const dir = tempDir('facetctl-exo-');
      const state = join(dir, 'st.json');
      const killed = await spawnCli(['log', 'recog', 'export', '--serial', serial, '--state', state], fault(step));
      expect(killed.code).toBe(KILLED);
      const firstIds = lines(killed.stdout).map((row) => Number(row.id));
      await emu.op('POST', '/recognize', { serialNo: serial, count: 40 });
      const again = await spawnCli(['log', 'recog', 'export', '--serial', serial, '--state', state], { env });
      expect(again.code).toBe(0);
      const againIds = lines(again.stdout).map((row) => Number(row.id));
      const all = await storedRecogIds(emu, serial);
      if (step === 'after-state') expectExactly([...firstIds, ...againIds], all);
      else {
        // The state did not move: the re-run writes everything (at-least-once to stdout).
        expectExactly(againIds, all);
        expect(firstIds.length).toBeGreaterThan(0);
      }
    }, 60_000);
  }
});

describe('log operate export --out --state: exactly once across a kill at every step', () => {
  for (const [i, step] of ['after-sync', 'after-pending', 'after-rename'].entries()) {
    it(`killed ${step}`, async () => {
      const serial = `EXOP${i}`;
      await addDevice(emu, serial, 0);
      const op = async (n: number, offset: number) => {
        for (let j = 0; j < n; j++) {
          const res = await emu.op('POST', '/operate-logs', { serialNo: serial, detail: `op-${offset + j}` });
          expect(res.status).toBe(201);
        }
      };
      await op(30, 0);
      const dir = tempDir('facetctl-exo-');
      const state = join(dir, 'st.json');
      const k = join(dir, 'k.ndjson');
      const r = join(dir, 'r.ndjson');
      const args = ['log', 'operate', 'export', '--serial', serial, '--since', '1d', '--state', state];
      expect((await spawnCli([...args, '--out', k], fault(step))).code).toBe(KILLED);
      await op(10, 100);
      const again = await spawnCli([...args, '--out', r], { env });
      expect(again.code, again.stderr).toBe(0);
      const details = [...fileLines(k), ...fileLines(r)].map((row) => String(row.detail));
      expectExactly(
        details,
        [...Array(30).keys()].map((j) => `op-${j}`).concat([...Array(10).keys()].map((j) => `op-${100 + j}`)),
      );
      expect(temps(dir)).toEqual([]);
    }, 60_000);
  }
});

describe('senselink record export --out and config export: whole files only, temporaries cleaned', () => {
  it('senselink: killed at every step, the re-run writes each record exactly once and leaves no temporary file', async () => {
    for (let i = 0; i < 105; i++) {
      const res = await runCli(
        [
          'senselink',
          'record',
          'create',
          '--sn',
          'EXSL',
          '--timestamp',
          String(Math.floor(Date.now() / 1000) - 600 + i),
          '--image',
          join(PICTURES, 'face-astronaut.jpg'),
        ],
        { env },
      );
      expect(res.code, res.stderr).toBe(0);
    }
    for (const step of ['after-page', 'after-sync', 'after-rename']) {
      const dir = tempDir('facetctl-exo-');
      const out = join(dir, 'records.ndjson');
      const args = ['senselink', 'record', 'export', '--from', '-2h', '--to', 'now', '--sn', 'EXSL', '--out', out];
      expect((await spawnCli(args, fault(step))).code).toBe(KILLED);
      if (step !== 'after-rename') expect(existsSync(out)).toBe(false);
      expect((await spawnCli(args, { env })).code).toBe(0);
      const ids = fileLines(out).map((row) => String(row.record_id));
      expect(ids).toHaveLength(105);
      expect(new Set(ids).size).toBe(105);
      expect(temps(dir)).toEqual([]);
    }
  }, 120_000);

  it('config export: killed after its first file, the re-run completes every file', async () => {
    await addDevice(emu, 'EXCF', 0);
    const dir = tempDir('facetctl-exo-');
    const args = ['config', 'export', '--serial', 'EXCF', '--dir', dir];
    expect((await spawnCli(args, fault('after-rename'))).code).toBe(KILLED);
    expect((await spawnCli(args, { env })).code).toBe(0);
    expect(readdirSync(join(dir, 'EXCF')).sort()).toEqual(['config.bin', 'config.json', 'logo.png']);
    expect(JSON.parse(readFileSync(join(dir, 'EXCF', 'config.json'), 'utf8'))).toBeTypeOf('object');
  }, 60_000);
});

describe('a closed pipe mid-export', () => {
  it('exits non-zero without a stack trace, and the state does not move', async () => {
    await addDevice(emu, 'EXPIPE', 3000);
    const dir = tempDir('facetctl-exo-');
    const state = join(dir, 'st.json');
    const cmd = `"${process.execPath}" "${BIN}" log recog export --serial EXPIPE --state "${state}" | head -n 1 >/dev/null; echo "status=\${PIPESTATUS[0]}" >&2`;
    const child = spawn('bash', ['-c', cmd], {
      env: { ...process.env, ...env, FACETCTL_CONFIG_DIR: tempConfigDir() },
    });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    await new Promise((r) => child.on('close', r));
    expect(stderr).toMatch(/status=1/);
    expect(stderr).toMatch(/stdout was closed before the export finished/);
    expect(stderr).not.toMatch(/EPIPE|at .*\.js/);
    expect(existsSync(state)).toBe(false);
  }, 60_000);
});
