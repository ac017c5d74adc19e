/**
 * Multi-device reads as a site admin meets them (report try-e, items 2–4): a serial the contract does
 * not list is named on stderr with the command and the cloud's message while the other devices are
 * still read and printed (exit 3, as for an offline device); the cloud's wall-clock times are read and
 * written in the configured zone (--tz, FACETCTL_TIMEZONE, the profile's); and the global --query is
 * applied, or refused up front, by every command, never silently ignored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatApiDateTime } from '../../src/core/dates.js';
import { runCli } from '../helpers/cli.js';
import { useCliEmulator } from '../helpers/cli-emulator.js';
import { tempDir } from '../helpers/temp.js';

const setup = useCliEmulator();
const GOOD = 'MD1';
const MSG = 'シリアルNo[NOPE]のデバイスは契約されていません。';

beforeAll(async () => {
  expect((await setup.emu.op('POST', '/devices', { serialNo: GOOD })).status).toBe(201);
  await setup.emu.op('POST', '/device-persons', { serialNo: GOOD, personCode: 'P1', personName: 'name P1' });
  const now = Date.now();
  for (let i = 0; i < 3; i++) {
    const time = formatApiDateTime(new Date(now - (3 - i) * 60_000));
    expect((await setup.emu.op('POST', '/recognize', { serialNo: GOOD, time, personCode: 'P1' })).status).toBe(200);
    await setup.emu.op('POST', '/operate-logs', { serialNo: GOOD, time, detail: `op${i}` });
  }
});

const ndjson = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('an unknown serial among several: the others are read, the unknown one is named, exit 3', () => {
  const both = ['--serial', GOOD, '--serial', 'NOPE'];

  it('person reconcile --serial GOOD --serial NOPE -o csv', async () => {
    const res = await setup.cli(['person', 'reconcile', ...both, '-o', 'csv']);
    expect(res.code, res.stderr).toBe(3);
    expect(res.stdout).toContain(`${GOOD},onlyOnDevice,P1,`);
    expect(res.stdout).toContain(`NOPE,unreachable,,serialNo: ${MSG}`);
    expect(res.stderr).toContain(`person reconcile: device NOPE could not be read: serialNo: ${MSG}`);
  });

  it('log recog stats with two serials, one unknown', async () => {
    const res = await setup.cli(['log', 'recog', 'stats', ...both, '--since', '1h', '-o', 'csv']);
    expect(res.code, res.stderr).toBe(3);
    expect(res.stdout).toMatch(new RegExp(`^serialNo,day,count\\n${GOOD},\\d{4}/\\d\\d/\\d\\d,3\\n$`));
    expect(res.stderr).toContain('(log recog stats, device NOPE) (HTTP 400)');
    expect(res.stderr).toContain(`serialNo: ${MSG}`);
  });

  it('log recog tail --serial A --serial NOPE, and log operate tail', async () => {
    const recog = await setup.cli(['log', 'recog', 'tail', ...both, '-n', '2', '-o', 'ndjson']);
    expect(recog.code, recog.stderr).toBe(3);
    expect(ndjson(recog.stdout).map((r) => r.serialNo)).toEqual([GOOD, GOOD]);
    expect(recog.stderr).toContain('(log recog tail, device NOPE) (HTTP 400)');
    expect(recog.stderr).toContain(`serialNo: ${MSG}`);

    const operate = await setup.cli(['log', 'operate', 'tail', ...both, '-n', '5', '-o', 'ndjson']);
    expect(operate.code, operate.stderr).toBe(3);
    expect(ndjson(operate.stdout).map((r) => r.detail)).toEqual(['op0', 'op1', 'op2']);
    expect(operate.stderr).toContain('(log operate tail, device NOPE) (HTTP 400)');
  });

  it('a tail with --state whose only unknown device had a mark still tails the others (exit 3)', async () => {
    const state = join(tempDir('facetctl-md-'), 'tail.state.json');
    const first = await setup.cli(['log', 'recog', 'tail', '--serial', GOOD, '-n', '1', '--state', state]);
    expect(first.code, first.stderr).toBe(0);
    // A mark for NOPE, as a device decommissioned since the last run would have.
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    saved.recog.NOPE = saved.recog[GOOD];
    const { writeFileSync } = await import('node:fs');
    writeFileSync(state, JSON.stringify(saved));
    await setup.emu.op('POST', '/recognize', { serialNo: GOOD, personCode: 'P1' });
    const next = await setup.cli(['log', 'recog', 'tail', ...both, '--state', state, '-o', 'ndjson']);
    expect(next.code, next.stderr).toBe(3);
    expect(ndjson(next.stdout)).toHaveLength(1);
    expect(next.stderr).toContain('(log recog tail, device NOPE)');
  });

  it('one unknown serial alone: exit 1, naming the command, the device and the message', async () => {
    for (const argv of [
      ['log', 'recog', 'tail', '--serial', 'NOPE', '-n', '2'],
      ['log', 'recog', 'stats', '--serial', 'NOPE', '-o', 'csv'],
    ]) {
      const res = await setup.cli(argv);
      expect(res.code, argv.join(' ')).toBe(1);
      expect(res.stderr).toContain(`(${argv.slice(0, 3).join(' ')}, device NOPE) (HTTP 400)`);
      expect(res.stderr).toContain(MSG);
    }
  });

  it('the other multi-device commands already go on: system info, config get, config export, device health', async () => {
    const info = await setup.cli(['system', 'info', ...both, '-o', 'csv']);
    expect(info.code).toBe(3);
    expect(info.stdout).toContain(`${GOOD},`);
    expect(info.stderr).toContain('(system info, device NOPE)');
    const config = await setup.cli(['config', 'get', ...both, '-o', 'csv']);
    expect(config.code).toBe(3);
    expect(config.stderr).toContain('(config get, device NOPE)');
    const dir = tempDir('facetctl-md-');
    const backup = await setup.cli(['config', 'export', ...both, '--dir', join(dir, 'b'), '-o', 'csv']);
    expect(backup.code).toBe(3);
    expect(backup.stderr).toContain(`NOPE: config.json: serialNo: ${MSG}`);
    const health = await setup.cli(['device', 'health', ...both, '-o', 'csv']);
    expect(health.code).toBe(3);
    expect(health.stdout).toContain('NOPE,,UNKNOWN');
  });
});

describe("the cloud's wall clock is read in the configured zone", () => {
  // Kiritimati is UTC+14: five hours ahead of Tokyo, no daylight saving; UTC is nine hours behind.
  const age = async (argv: string[], env: Record<string, string> = {}) => {
    const res = await setup.cli(
      [...argv, 'device', 'health', '--serial', GOOD, '-o', 'json', '--query', 'devices[0].lastAccessAgeSeconds'],
      { env },
    );
    return { res, seconds: Number(res.stdout) };
  };

  it('device health: --tz, --timezone, FACETCTL_TIMEZONE and the profile zone move lastAccess by the offset', async () => {
    const tokyo = await age([]);
    expect(tokyo.res.code, tokyo.res.stderr).toBe(0);
    expect(tokyo.seconds).toBeLessThan(120);
    for (const [argv, env] of [
      [['--tz', 'Pacific/Kiritimati'], {}],
      [['--timezone', 'Pacific/Kiritimati'], {}],
      [[], { FACETCTL_TIMEZONE: 'Pacific/Kiritimati' }],
    ] as const) {
      const far = await age([...argv], { ...env });
      // Five hours older: CRITICAL against the 10 minute default.
      expect(far.res.code, far.res.stderr).toBe(2);
      expect(far.seconds - tokyo.seconds).toBeGreaterThanOrEqual(5 * 3600 - 5);
      expect(far.seconds - tokyo.seconds).toBeLessThanOrEqual(5 * 3600 + 60);
    }
    // The profile's zone, when neither the flag nor the variable says one.
    const cfg = tempDir('facetctl-md-cfg-');
    const env = { FACETCTL_CONFIG_DIR: cfg };
    const add = await runCli(
      [
        'profile',
        'add',
        'site',
        '--host',
        setup.env.FACETCTL_HOST,
        '--token-stdin',
        '--timezone',
        'Pacific/Kiritimati',
      ],
      { env, stdin: `${setup.env.FACETCTL_TOKEN}\n` },
    );
    expect(add.code, add.stderr).toBe(0);
    const viaProfile = await runCli(
      ['device', 'health', '--serial', GOOD, '-o', 'json', '--query', 'devices[0].lastAccessAgeSeconds'],
      { env: { ...env, FACETCTL_HOST: '', FACETCTL_TOKEN: '' } },
    );
    expect(Number(viaProfile.stdout) - tokyo.seconds, viaProfile.stderr).toBeGreaterThanOrEqual(5 * 3600 - 5);
  });

  it('log recog stats sends its window in the zone: --since 1h under UTC reaches nine hours further back', async () => {
    const old = formatApiDateTime(new Date(Date.now() - 5 * 3600_000));
    await setup.emu.op('POST', '/recognize', { serialNo: GOOD, time: old, personCode: 'P1' });
    const count = async (argv: string[]) => {
      const res = await setup.cli([...argv, 'log', 'recog', 'stats', '--serial', GOOD, '--since', '1h', '-o', 'json']);
      expect(res.code, res.stderr).toBe(0);
      return (JSON.parse(res.stdout) as { count: number }[]).reduce((n, r) => n + r.count, 0);
    };
    const tokyo = await count([]);
    expect(await count(['--tz', 'UTC'])).toBe(tokyo + 1);
  });

  it('log operate tail sends "now" in the zone: under UTC the rows of the last nine hours are not yet due', async () => {
    const tokyo = await setup.cli(['log', 'operate', 'tail', '--serial', GOOD, '-n', '5', '-o', 'ndjson']);
    expect(ndjson(tokyo.stdout).length).toBeGreaterThan(0);
    const utc = await setup.cli(['--tz', 'UTC', 'log', 'operate', 'tail', '--serial', GOOD, '-n', '5', '-o', 'ndjson']);
    expect(utc.code, utc.stderr).toBe(0);
    expect(utc.stdout).toBe('');
  });
});

describe('--query is applied by every command that prints JSON rows, and refused elsewhere', () => {
  it('device health: the document with -o json, each device row with -o ndjson and csv', async () => {
    const json = await setup.cli([
      'device',
      'health',
      '--serial',
      GOOD,
      '-o',
      'json',
      '--query',
      'devices[0].serialNo',
    ]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toBe(GOOD);
    const nd = await setup.cli(['device', 'health', '--serial', GOOD, '-o', 'ndjson', '--query', '{s: serialNo}']);
    expect(ndjson(nd.stdout)).toEqual([{ s: GOOD }]);
    expect(nd.stderr).toMatch(/^FACETCTL HEALTH OK/m);
    const csv = await setup.cli([
      'device',
      'health',
      '--serial',
      GOOD,
      '-o',
      'csv',
      '--query',
      '{s: serialNo, st: state}',
    ]);
    expect(csv.stdout).toBe(`s,st\n${GOOD},OK\n`);
  });

  it('device health refuses --query where its output is fixed (plugin form, prometheus): UNKNOWN (3), naming the flag', async () => {
    for (const extra of [[], ['-o', 'prometheus']]) {
      const res = await setup.cli(['device', 'health', '--serial', GOOD, ...extra, '--query', 'serialNo']);
      expect(res.code).toBe(3);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/^error: --query applies to -o json, ndjson, csv or table/);
    }
  });

  it('log recog tail and log operate tail apply it per row (ndjson and csv)', async () => {
    const nd = await setup.cli(['log', 'recog', 'tail', '--serial', GOOD, '-n', '2', '-o', 'ndjson', '--query', 'id']);
    expect(nd.code, nd.stderr).toBe(0);
    expect(ndjson(nd.stdout).map((r) => Object.keys(r))).toEqual([['value'], ['value']]);
    const csv = await setup.cli([
      ...['log', 'operate', 'tail', '--serial', GOOD, '-n', '2', '-o', 'csv'],
      ...['--query', '{d: detail, who: operateUser}'],
    ]);
    expect(csv.stdout).toBe('d,who\nop1,admin\nop2,admin\n');
  });

  it('log recog stats applies it in a table too', async () => {
    const res = await setup.cli([
      'log',
      'recog',
      'stats',
      '--serial',
      GOOD,
      '--since',
      '1h',
      '-o',
      'table',
      '--query',
      '[].count',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/│ value │/);
  });

  it('commands with nothing to filter refuse it before anything is sent (exit 2, naming the flag)', async () => {
    const dir = tempDir('facetctl-md-');
    for (const argv of [
      ['log', 'recog', 'export', '--serial', GOOD, '--since', '1h'],
      ['log', 'operate', 'export', '--serial', GOOD, '--since', '1h'],
      ['config', 'logo', 'get', '--serial', GOOD, '--out', join(dir, 'logo.png')],
      ['person', 'import', '--template'],
      ['completion', 'bash'],
      ['profile', 'list', '--names'],
      ['version'],
      ['help', 'exit-codes'],
    ]) {
      const res = await setup.cli([...argv, '--query', 'id']);
      expect(res.code, argv.join(' ')).toBe(2);
      expect(res.stdout, argv.join(' ')).toBe('');
      expect(res.stderr, argv.join(' ')).toMatch(/--query/);
    }
  });
});

describe('device health and FACETCTL_OUTPUT (docs/output.md: the four formats only)', () => {
  it('takes csv from FACETCTL_OUTPUT as every command does; prometheus there is refused naming the variable (UNKNOWN, 3)', async () => {
    const csv = await setup.cli(['device', 'health', '--serial', GOOD], { env: { FACETCTL_OUTPUT: 'csv' } });
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toMatch(/^serialNo,description,state,/);
    const prom = await setup.cli(['device', 'health', '--serial', GOOD], { env: { FACETCTL_OUTPUT: 'prometheus' } });
    expect(prom.code).toBe(3);
    expect(prom.stdout).toBe('');
    expect(prom.stderr).toMatch(/FACETCTL_OUTPUT: unknown output format 'prometheus'/);
    // -o prometheus itself still works.
    const flag = await setup.cli(['device', 'health', '--serial', GOOD, '-o', 'prometheus']);
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stdout).toMatch(/^# HELP facetctl_/m);
  });
});
