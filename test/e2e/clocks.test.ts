/**
 * Issue 9 §1 "Clocks and time zones", through the real executable as a child process whose host zone
 * is not Japan's (TZ=UTC, TZ=America/Los_Angeles), against the emulator (which keeps Japan's clock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApiDateTime } from '../../src/core/dates.js';
import { runCli, spawnCli, tempConfigDir } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { PICTURES } from '../helpers/fixtures.js';
import { ensureBuilt } from '../setup/build.js';

let emu: TestEmulator;
let env: Record<string, string>;
let senselinkEnv: Record<string, string>;

beforeAll(async () => {
  ensureBuilt();
  emu = await startTestEmulator({ senselink: { appKey: 'clock-key', appSecret: 'clock-secret' } });
  env = { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
  senselinkEnv = {
    FACETCTL_SENSELINK_URL: emu.senselink.baseUrl,
    FACETCTL_SENSELINK_APP_KEY: 'clock-key',
    FACETCTL_SENSELINK_APP_SECRET: 'clock-secret',
  };
});
afterAll(() => emu.close());

/** The wire parameters of the first request logged by `--verbose`. */
function sentParams(stderr: string): URLSearchParams {
  const line = stderr.split('\n').find((l) => l.startsWith('→ GET '));
  if (!line) throw new Error(`no request logged in: ${stderr}`);
  return new URL(line.split(' ')[2]).searchParams;
}

/** Japan's wall clock for an instant (what the cloud and the emulator store). */
const japan = (ms: number) => formatApiDateTime(new Date(ms), 'Asia/Tokyo');

describe.each(['UTC', 'America/Los_Angeles'])('on a host with TZ=%s', (hostZone) => {
  const serial = `CLK-${hostZone.replace(/\W/g, '')}`;

  beforeAll(async () => {
    expect((await emu.op('POST', '/devices', { serialNo: serial })).status).toBe(201);
  });

  it('--recog-time-from -15m --recog-time-to now finds a recognition made a second before (not 9 hours ago)', async () => {
    const now = Date.now();
    // What the old code found: a log at the host's wall clock read as Japan's (9 or 17 hours off).
    const decoy = await emu.op('POST', '/recognize', { serialNo: serial, time: japan(now - 17 * 3_600_000) });
    const decoyUtc = await emu.op('POST', '/recognize', { serialNo: serial, time: japan(now - 9 * 3_600_000) });
    const recent = await emu.op('POST', '/recognize', { serialNo: serial, time: japan(now - 1000) });
    // One in the current second as well: `now` must not exclude it.
    const thisSecond = await emu.op('POST', '/recognize', { serialNo: serial });
    const r = await spawnCli(
      ['log', 'recog', 'list', '--serial', serial, '--recog-time-from', '-15m', '--recog-time-to', 'now', '-o', 'json'],
      { env: { ...env, TZ: hostZone } },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ids = JSON.parse(r.stdout).list.map((x: { id: string }) => Number(x.id));
    expect(ids).toEqual([thisSecond.body.id, recent.body.id]);
    expect(ids).not.toContain(decoy.body.id);
    expect(ids).not.toContain(decoyUtc.body.id);
  });

  it('sends an explicit 2026-11-30T16:47:25+09:00 as 2026/11/30 16:47:25', async () => {
    const r = await spawnCli(
      [
        'log',
        'recog',
        'list',
        '--serial',
        serial,
        '--recog-time-from',
        '2026-11-30T16:47:25+09:00',
        '--recog-time-to',
        '2026-11-30T08:00:00Z',
        '--verbose',
        '-o',
        'json',
      ],
      { env: { ...env, TZ: hostZone } },
    );
    expect(r.code).toBe(0);
    const sent = sentParams(r.stderr);
    expect(sent.get('recogTimeFrom')).toBe('2026/11/30 16:47:25');
    expect(sent.get('recogTimeTo')).toBe('2026/11/30 17:00:00');
  });

  it("reads a date without an offset as the cloud zone's wall clock, and honours --timezone", async () => {
    const argv = ['log', 'recog', 'list', '--serial', serial, '--recog-time-from', '2026-11-30 16:47', '--verbose'];
    const plain = await spawnCli(argv, { env: { ...env, TZ: hostZone } });
    expect(sentParams(plain.stderr).get('recogTimeFrom')).toBe('2026/11/30 16:47:00');
    // A site whose cloud runs on UTC: the offset form is converted to that zone.
    const utcSite = await spawnCli(
      ['--tz', 'UTC', ...argv.slice(0, 5), '--recog-time-from', '2026-11-30T16:47:25+09:00', '--verbose'],
      { env: { ...env, TZ: hostZone } },
    );
    expect(sentParams(utcSite.stderr).get('recogTimeFrom')).toBe('2026/11/30 07:47:25');
  });

  it('senselink record list --time-to now finds a record created in the same second', async () => {
    const sn = `SL-${serial}`;
    const made = await spawnCli(
      [
        'senselink',
        'record',
        'create',
        '--sn',
        sn,
        '--timestamp',
        'now',
        '--image',
        `${PICTURES}/face-cameraman.jpg`,
        '-o',
        'json',
      ],
      { env: { ...senselinkEnv, TZ: hostZone } },
    );
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const id = JSON.parse(made.stdout).record_id ?? JSON.parse(made.stdout).data?.record_id;
    const r = await spawnCli(
      ['senselink', 'record', 'list', '--sn', sn, '--time-from', '-1h', '--time-to', 'now', '--verbose', '-o', 'json'],
      { env: { ...senselinkEnv, TZ: hostZone } },
    );
    expect(r.code).toBe(0);
    // SenseLink's ISO 8601 is written in the cloud's zone, with its offset.
    expect(sentParams(r.stderr).get('time_to')).toMatch(/\+09:00$/);
    const out = JSON.parse(r.stdout);
    const list = out.list ?? out.data?.list;
    expect(list.map((x: { record_id: number }) => x.record_id)).toEqual([id]);
  });
});

describe('SenseLink timestamp in milliseconds', () => {
  it('is refused before sending, naming the seconds it meant (exit 2)', async () => {
    const r = await spawnCli(
      [
        'senselink',
        'record',
        'create',
        '--sn',
        'MS1',
        '--timestamp',
        '1659423903029',
        '--image',
        `${PICTURES}/face-cameraman.jpg`,
      ],
      { env: { ...senselinkEnv, TZ: 'UTC' } },
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--timestamp');
    expect(r.stderr).toContain('milliseconds');
    expect(r.stderr).toContain('1659423903');
  });
});

describe('choosing the zone (in-process, zone injected)', () => {
  const at = new Date('2026-11-30T07:47:25Z');
  const argv = ['log', 'recog', 'list', '--serial', 'Z1', '--recog-time-from', 'today', '--verbose'];
  const sentFrom = async (extra: string[], extraEnv: Record<string, string> = {}, configDir?: string) => {
    const r = await runCli([...extra, ...argv], {
      env: { ...env, ...extraEnv, ...(configDir ? { FACETCTL_CONFIG_DIR: configDir } : {}) },
      now: at,
    });
    return {
      code: r.code,
      stderr: r.stderr,
      from: r.code === 2 ? undefined : sentParams(r.stderr).get('recogTimeFrom'),
    };
  };

  it('flag > FACETCTL_TIMEZONE > profile > Asia/Tokyo', async () => {
    const dir = tempConfigDir();
    const add = await runCli(
      ['profile', 'add', 'site', '--host', emu.url, '--token-stdin', '--timezone', 'America/Los_Angeles'],
      { env: { FACETCTL_CONFIG_DIR: dir }, stdin: `${emu.token}\n` },
    );
    expect(add.code).toBe(0);
    const shown = await runCli(['profile', 'show', 'site', '-o', 'json'], { env: { FACETCTL_CONFIG_DIR: dir } });
    expect(JSON.parse(shown.stdout).timezone).toBe('America/Los_Angeles');

    // Default: midnight in Japan.
    expect((await sentFrom([])).from).toBe('2026/11/30 00:00:00');
    // The profile's zone: 07:47 UTC is still the 29th in Los Angeles.
    expect((await sentFrom([], {}, dir)).from).toBe('2026/11/29 00:00:00');
    // The environment beats the profile.
    expect((await sentFrom([], { FACETCTL_TIMEZONE: 'UTC' }, dir)).from).toBe('2026/11/30 00:00:00');
    // The flag beats both.
    expect((await sentFrom(['--timezone', 'Asia/Tokyo'], { FACETCTL_TIMEZONE: 'UTC' }, dir)).from).toBe(
      '2026/11/30 00:00:00',
    );
    expect((await sentFrom(['--tz', 'America/Los_Angeles'], { FACETCTL_TIMEZONE: 'UTC' })).from).toBe(
      '2026/11/29 00:00:00',
    );
  });

  it('refuses an unknown zone from the flag, the environment or a profile with exit 2, sending nothing', async () => {
    for (const [extra, extraEnv, source] of [
      [['--timezone', 'Mars/Olympus'], {}, '--timezone'],
      [['--tz', 'Japan/Osaka'], {}, '--timezone'],
      [[], { FACETCTL_TIMEZONE: 'Tokyo' }, 'FACETCTL_TIMEZONE'],
    ] as const) {
      const r = await sentFrom([...extra], { ...extraEnv });
      expect(r.code, `${source}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(source);
      expect(r.stderr).toContain('unknown time zone');
      expect(r.stderr).not.toContain('→ GET');
    }
    const dir = tempConfigDir();
    const add = await runCli(['profile', 'add', 'bad', '--host', emu.url, '--token-stdin', '--timezone', 'Nowhere/X'], {
      env: { FACETCTL_CONFIG_DIR: dir },
      stdin: `${emu.token}\n`,
    });
    expect(add.code).toBe(2);
    expect(add.stderr).toContain('unknown time zone');
  });
});
