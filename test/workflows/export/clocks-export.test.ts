/**
 * Issue 9 §1: device clocks are wrong. An export never skips a stored row silently because its time
 * lies outside the window the run expected: what it cannot place is named on stderr with a count,
 * and the state never moves past a row that was not written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
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

describe('operation logs that reach the cloud after a run, dated before its mark (device clock behind)', () => {
  const exportArgs = (serialNo: string, state: string, ...more: string[]) => [
    'log',
    'operate',
    'export',
    '--serial',
    serialNo,
    '--state',
    state,
    '-o',
    'ndjson',
    ...more,
  ];
  const details = (stdout: string) => lines(stdout).map((l) => JSON.parse(l).detail);

  it('are exported exactly once by the next run, inside the overlap window', async () => {
    const serialNo = 'CLKOP2';
    expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    const start = Date.now();
    await emu.op('POST', '/operate-logs', { serialNo, time: japan(start - 5 * 60_000), detail: 'on time' });
    const state = join(tempDir('facetctl-clocks-'), 'state.json');
    const first = await runCli(exportArgs(serialNo, state), { env, now: new Date(start) });
    expect(first.code).toBe(0);
    expect(details(first.stdout)).toEqual(['on time']);

    // Reaches the cloud now, dated two minutes before the mark; and one identical to the first row
    // (same second, same fields): a second entry, not the same one.
    await emu.op('POST', '/operate-logs', { serialNo, time: japan(start - 7 * 60_000), detail: 'late' });
    await emu.op('POST', '/operate-logs', { serialNo, time: japan(start - 5 * 60_000), detail: 'on time' });
    const second = await runCli(exportArgs(serialNo, state), { env, now: new Date(start + 60_000) });
    expect(second.code).toBe(0);
    expect(details(second.stdout)).toEqual(['on time', 'late']);
    expect(second.stderr).toMatch(/CLKOP2: 2 operation log\(s\) dated at or before the previous run's mark .* late/);

    const third = await runCli(exportArgs(serialNo, state), { env, now: new Date(start + 2 * 60_000) });
    expect(third.code).toBe(0);
    expect(third.stdout).toBe('');
    expect(third.stderr).not.toContain('late');
    const mark = JSON.parse(readFileSync(state, 'utf8')).operate[serialNo];
    expect(mark.keys).toHaveLength(3);
    expect(mark.windowFrom).toBe(japan(start - 15 * 60_000));
  });

  it('older than the window: named with a count and the way to widen it, once; --overlap widens the window', async () => {
    const serialNo = 'CLKOP3';
    expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    const start = Date.now();
    await emu.op('POST', '/operate-logs', { serialNo, time: japan(start - 60_000), detail: 'on time' });
    const state = join(tempDir('facetctl-clocks-'), 'state.json');
    expect((await runCli(exportArgs(serialNo, state), { env, now: new Date(start) })).code).toBe(0);

    await emu.op('POST', '/operate-logs', { serialNo, time: japan(start - 2 * 3_600_000), detail: 'two hours behind' });
    const second = await runCli(exportArgs(serialNo, state), { env, now: new Date(start + 60_000) });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('');
    expect(second.stderr).toMatch(
      /CLKOP3: 1 operation log\(s\) dated before .* reached the cloud after the previous run, later than the overlap window \(10 min\).*not exported; widen it \(e\.g\. --overlap 1h\)/,
    );
    const third = await runCli(exportArgs(serialNo, state), { env, now: new Date(start + 2 * 60_000) });
    expect(third.stderr).not.toContain('overlap window');

    // A wider window from now on: a row three hours late is read again and exported.
    const wide = ['--overlap', '3h'];
    const t = Date.now();
    await emu.op('POST', '/operate-logs', { serialNo, time: japan(t), detail: 'newest' });
    const fourth = await runCli(exportArgs(serialNo, state, ...wide), { env, now: new Date(t + 1000) });
    expect(details(fourth.stdout)).toEqual(['newest']);
    await emu.op('POST', '/operate-logs', { serialNo, time: japan(t - 30 * 60_000), detail: 'half an hour behind' });
    const fifth = await runCli(exportArgs(serialNo, state, ...wide), { env, now: new Date(t + 2000) });
    expect(details(fifth.stdout)).toEqual([]);
    expect(fifth.stderr).toMatch(/1 operation log\(s\) dated before .*later than the overlap window \(180 min\)/);
  });

  it('a state written by an earlier facetctl (keys of the last second only) is read and saved in the new form', async () => {
    const serialNo = 'CLKOP4';
    expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    const start = Date.now();
    const last = japan(start - 60_000);
    await emu.op('POST', '/operate-logs', { serialNo, time: last, detail: 'exported before', operateUser: 'admin' });
    await emu.op('POST', '/operate-logs', { serialNo, time: japan(start - 1000), detail: 'new' });
    const oldKey = JSON.stringify([last, 'admin', '操作', 'ユーザーログイン', 'exported before']);
    const state = join(tempDir('facetctl-clocks-'), 'state.json');
    writeFileSync(
      state,
      JSON.stringify({ version: 1, recog: {}, operate: { [serialNo]: { lastTime: last, keys: [oldKey] } } }),
    );
    const r = await runCli(exportArgs(serialNo, state), { env, now: new Date(start) });
    expect(r.code).toBe(0);
    expect(details(r.stdout)).toEqual(['new']);
    const mark = JSON.parse(readFileSync(state, 'utf8')).operate[serialNo];
    expect(mark.windowFrom).toBe(last);
    expect(mark.keys.every((k: string) => /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d#/.test(k))).toBe(true);
    expect(mark.keys).toHaveLength(2);
    const again = await runCli(exportArgs(serialNo, state), { env, now: new Date(start + 1000) });
    expect(again.stdout).toBe('');
  });

  it('--overlap without --state, or not a duration, is refused (exit 2, nothing sent)', async () => {
    const noState = await runCli(['log', 'operate', 'export', '--serial', 'CLKOP2', '--overlap', '1h'], { env });
    expect(noState.code).toBe(2);
    expect(noState.stderr).toContain('--overlap needs --state');
    const state = join(tempDir('facetctl-clocks-'), 'state.json');
    const bad = await runCli(exportArgs('CLKOP2', state, '--overlap', 'soon'), { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--overlap soon');
  });
});

describe('a day given without a time as the end of a window (--to, --recog-time-to)', () => {
  it('--from D --to D exports all of day D in Japan time, under TZ=UTC, as do stats and list', async () => {
    const serialNo = 'CLKDAY';
    expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    for (const time of [
      '2024/05/30 23:59:59',
      '2024/05/31 00:00:00',
      '2024/05/31 12:00:00',
      '2024/05/31 23:59:59',
      '2024/06/01 00:00:00',
    ])
      expect((await emu.op('POST', '/recognize', { serialNo, time })).status).toBe(200);
    const day = (r: { stdout: string }) => lines(r.stdout).map((l) => String(JSON.parse(l).time));
    const exported = await runCli(
      ['log', 'recog', 'export', '--serial', serialNo, '--from', '2024/05/31', '--to', '2024/05/31', '-o', 'ndjson'],
      { env },
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(day(exported).sort()).toEqual(['2024/05/31 00:00:00', '2024/05/31 12:00:00', '2024/05/31 23:59:59']);
    const listed = await runCli(
      [
        'log',
        'recog',
        'list',
        '--serial',
        serialNo,
        '--recog-time-from',
        '2024/05/31',
        '--recog-time-to',
        '2024-05-31',
        '-o',
        'ndjson',
      ],
      { env },
    );
    expect(listed.code, listed.stderr).toBe(0);
    expect(day(listed)).toHaveLength(3);
    const stats = await runCli(
      ['log', 'recog', 'stats', '--serial', serialNo, '--from', '2024/05/31', '--to', '2024/05/31', '-o', 'json'],
      { env },
    );
    expect(stats.code, stats.stderr).toBe(0);
    const counted = JSON.parse(stats.stdout) as { count: number }[];
    expect(counted.reduce((n, r) => n + r.count, 0)).toBe(3);
  });
});

describe('log operate export --state: a first run whose window holds no row', () => {
  it('marks where its window began: the next run does not export the older history', async () => {
    const serialNo = 'CLKOPEMPTY';
    expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    const start = Date.now();
    for (const hoursAgo of [30, 40, 50])
      await emu.op('POST', '/operate-logs', { serialNo, time: japan(start - hoursAgo * 3_600_000), detail: 'old' });
    const dir = tempDir('facetctl-opempty-');
    const state = join(dir, 'o.json');
    const first = await runCli(
      ['log', 'operate', 'export', '--serial', serialNo, '--since', '24h', '--state', state, '-o', 'ndjson'],
      { env },
    );
    expect(first.code, first.stderr).toBe(0);
    expect(lines(first.stdout)).toEqual([]);
    expect(JSON.parse(readFileSync(state, 'utf8')).operate[serialNo]).toBeDefined();
    await emu.op('POST', '/operate-logs', { serialNo, time: japan(Date.now() - 1000), detail: 'new' });
    const second = await runCli(['log', 'operate', 'export', '--serial', serialNo, '--state', state, '-o', 'ndjson'], {
      env,
    });
    expect(second.code, second.stderr).toBe(0);
    expect(lines(second.stdout).map((l) => JSON.parse(l).detail)).toEqual(['new']);
  });
});
