/**
 * Issue 9 §1: device clocks are wrong. An export never skips a stored row silently because its time
 * lies outside the window the run expected: what it cannot place is named on stderr with a count,
 * and the state never moves past a row that was not written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApiDateTime } from '../../../src/core/dates.js';
import { runCli } from '../../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { tempDir } from '../../helpers/temp.js';

let emu: TestEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startTestEmulator();
  // The host zone must not matter: the cloud's is Japan's.
  env = { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token, TZ: 'UTC' };
});
afterAll(async () => {
  await emu?.close();
});

const japan = (ms: number) => formatApiDateTime(new Date(ms));
const lines = (text: string) => text.split('\n').filter(Boolean);

describe('operation logs dated in the future (device clock ahead)', () => {
  it('are named with a count, not written, and exported by a later run: the state stays before them', async () => {
    const serialNo = 'CLKOP1';
    expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    const start = Date.now();
    const past = japan(start - 3_600_000);
    const ahead = japan(start + 3_600_000);
    for (const [time, detail] of [
      [past, 'on time'],
      [ahead, 'clock ahead'],
    ]) {
      expect((await emu.op('POST', '/operate-logs', { serialNo, time, detail })).status).toBe(201);
    }
    const dir = tempDir('facetctl-clocks-');
    const state = join(dir, 'state.json');
    const first = await runCli(['log', 'operate', 'export', '--serial', serialNo, '--state', state, '-o', 'ndjson'], {
      env,
      now: new Date(start),
    });
    expect(first.code).toBe(0);
    expect(lines(first.stdout).map((l) => JSON.parse(l).detail)).toEqual(['on time']);
    expect(first.stderr).toMatch(/CLKOP1: 1 operation log\(s\) are dated after .*the state stays before them/);
    const mark = JSON.parse(readFileSync(state, 'utf8'));
    expect(JSON.stringify(mark)).not.toContain(ahead);

    // Two hours later the row's time has passed: the next run writes it.
    const later = await runCli(['log', 'operate', 'export', '--serial', serialNo, '--state', state, '-o', 'ndjson'], {
      env,
      now: new Date(start + 2 * 3_600_000),
    });
    expect(later.code).toBe(0);
    expect(lines(later.stdout).map((l) => JSON.parse(l).detail)).toEqual(['clock ahead']);
    expect(later.stderr).not.toContain('dated after');
  });
});

describe('recognition logs dated before --from (device clock behind)', () => {
  it('are counted and named when the state moves past them', async () => {
    const serialNo = 'CLKRC1';
    expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    const now = Date.now();
    await emu.op('POST', '/recognize', { serialNo, time: japan(now - 60_000) });
    // Made after the first one (a newer id) by a device whose clock says 2000.
    await emu.op('POST', '/recognize', { serialNo, time: '2000/01/01 00:00:00' });
    const dir = tempDir('facetctl-clocks-');
    const state = join(dir, 'state.json');
    const r = await runCli(
      ['log', 'recog', 'export', '--serial', serialNo, '--from', '-1h', '--state', state, '-o', 'ndjson'],
      { env },
    );
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toHaveLength(1);
    expect(r.stderr).toMatch(/CLKRC1: 1 recognition log\(s\) dated before --from .* were not exported/);
    // Without --state nothing moves past them, and nothing is said.
    const plain = await runCli(['log', 'recog', 'export', '--serial', serialNo, '--from', '-1h', '-o', 'ndjson'], {
      env,
    });
    expect(plain.stderr).not.toContain('dated before');
  });
});
