/**
 * Preliminary recognition logs (id null) as the emulator serves them: listed first with a null id,
 * counted in `rows`, given an id larger than every earlier one when the device finishes its
 * analysis. `--state` runs must not export them early, must not let the mark pass them, and must
 * export them (and the rows around them) exactly once after they get their id.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { startTestEmulator, storedRecogIdsWithPreliminary, type TestEmulator } from '../../helpers/emulator.js';
import { tempDir } from '../../helpers/temp.js';

let emu: TestEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startTestEmulator();
  env = { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
});
afterAll(async () => {
  await emu?.close();
});

const tmp = () => tempDir('facetctl-prelim-');
const pad = (n: number) => String(n).padStart(2, '0');
function wireTime(d: Date): string {
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

async function recognize(serialNo: string, extra: Record<string, unknown> = {}): Promise<number | null> {
  const res = await emu.op('POST', '/recognize', { serialNo, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.id as number | null;
}

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

describe('preliminary records against the emulator', () => {
  it('--state skips a preliminary row, keeps the mark from passing it, and exports it once after finalise', async () => {
    const serialNo = 'PRE1';
    expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    expect((await emu.op('POST', '/recognize', { serialNo, count: 250 })).status).toBe(200);
    // All in one second: the rows around the preliminary one share its time, the hardest case for a
    // time-based re-check (a row exported by an earlier run must not come back).
    const t = wireTime(new Date(Date.now() - 60_000));
    const a = (await recognize(serialNo, { time: t })) as number;

    const dir = tmp();
    const state = join(dir, 'state.json');
    const outputs: number[][] = [];
    const run = async (n: number) => {
      const out = join(dir, `${n}.ndjson`);
      const res = await runCli(['log', 'recog', 'export', '--serial', serialNo, '--state', state, '--out', out], {
        env,
      });
      expect(res.code, res.stderr).toBe(0);
      const ids = readFileSync(out, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).id as string | null);
      expect(ids).not.toContain(null);
      outputs.push(ids.map(Number));
      return { ids: ids.map(Number), stderr: res.stderr };
    };

    const first = await run(1);
    expect(first.ids).toHaveLength(251);
    expect(first.ids).toContain(a);

    const b = (await recognize(serialNo, { time: t })) as number;
    expect(await recognize(serialNo, { time: t, preliminary: true, finalizeAfterMs: 3_600_000 })).toBeNull();
    const c = (await recognize(serialNo, { time: t })) as number;
    const listed = await storedRecogIdsWithPreliminary(emu, serialNo);
    expect(listed[0]).toBeNull();
    expect(listed).toHaveLength(254);

    const second = await run(2);
    expect(sorted(second.ids)).toEqual(sorted([b, c]));
    expect(second.stderr).toContain('1 preliminary record(s) without an id yet were not exported');
    const mark = JSON.parse(readFileSync(state, 'utf8')).recog[serialNo];
    expect(mark.lastId).toBe(c);
    expect(mark.recheck.from <= t).toBe(true);

    // Still waiting: nothing new, nothing repeated.
    expect((await run(3)).ids).toEqual([]);

    const fin = await emu.op('POST', '/finalize', { serialNo });
    expect(fin.status).toBe(200);
    const p = fin.body.finalized[0].id as number;
    expect(p).toBeGreaterThan(c);
    const d = (await recognize(serialNo, { time: t })) as number;

    const fourth = await run(4);
    expect(sorted(fourth.ids)).toEqual(sorted([p, d]));
    expect(JSON.parse(readFileSync(state, 'utf8')).recog[serialNo].recheck).toBeUndefined();
    expect((await run(5)).ids).toEqual([]);

    const all = outputs.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(sorted(all)).toEqual(sorted((await storedRecogIdsWithPreliminary(emu, serialNo)) as number[]));
  });

  it('a preliminary row older than the newest rows, finalised during the wait, is exported once', async () => {
    const serialNo = 'PRE2';
    expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    const t0 = Date.now() - 5 * 60_000;
    for (let i = 0; i < 120; i++) await recognize(serialNo, { time: wireTime(new Date(t0 + i * 1000)) });
    const dir = tmp();
    const state = join(dir, 'state.json');
    const run = async (n: number) => {
      const res = await runCli(['log', 'recog', 'export', '--serial', serialNo, '--state', state, '-o', 'ndjson'], {
        env,
      });
      expect(res.code, `${n}: ${res.stderr}`).toBe(0);
      return res.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(JSON.parse(l).id));
    };
    // A recognition analysed late: its time is older than 60 rows exported after it.
    await recognize(serialNo, { time: wireTime(new Date(t0 + 60_500)), preliminary: true, finalizeAfterMs: 3_600_000 });
    const first = await run(1);
    expect(first).toHaveLength(120);
    await emu.op('POST', '/finalize', { serialNo });
    const second = await run(2);
    expect(second).toHaveLength(1);
    expect((await run(3)).length).toBe(0);
    const all = [...first, ...second];
    expect(sorted(all)).toEqual(sorted((await storedRecogIdsWithPreliminary(emu, serialNo)) as number[]));
  });
});
