/**
 * What a user and a script can rely on: exit codes, formats, paging, devices in parallel, the token
 * kept secret, confirmations, binary answers, usage errors.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearJournal, journal, SERIAL, useCliEmulator } from '../helpers/cli-emulator.js';
import { tempDir } from '../helpers/temp.js';

const setup = useCliEmulator({ reset: true });
const { cli } = setup;

async function addDevice(serialNo: string, extra: Record<string, unknown> = {}) {
  const r = await setup.emu.op('POST', '/devices', { serialNo, kind: 'terminal', ...extra });
  expect(r.status).toBeLessThan(300);
}

describe('exit codes', () => {
  it('0: success, data on stdout, nothing on stderr without a terminal', async () => {
    const r = await cli(['device', 'list']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ serialNo: SERIAL })]);
    expect(r.stderr).toBe('');
  });

  it('1: the API answered an error; its message verbatim, ours in English', async () => {
    const r = await cli(['person', 'get', '--serial', 'NOSUCH1', '--person-code', 'X']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the API answered an error/);
    expect(r.stderr).toContain('NOSUCH1');
    expect(r.stderr).toMatch(/契約されていません/);
  });

  it('1: a documented failure inside a 200 (result:false) with the API message', async () => {
    const r = await cli(['person', 'capture', '--serial', SERIAL, '--get-count', '1', '--out', 'x.jpg']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('顔画像が取得出来ませんでした。');
    expect(existsSync(join(setup.cwd, 'x.jpg'))).toBe(false);
  });

  it('2: a bad value; every issue named by its flag; nothing sent', async () => {
    await clearJournal(setup.emu);
    const r = await cli(['system', 'message', '--serial', SERIAL, '--customtip', 'x'.repeat(26), '--tipstime', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--customtip');
    expect(r.stderr).toContain('--tipstime');
    expect(r.stderr).toContain('--border-color');
    expect(r.stderr).toContain('nothing was sent');
    expect(await journal(setup.emu)).toEqual([]);
  });

  it('2: unknown commands and options, missing option values', async () => {
    expect((await cli(['device', 'frobnicate'])).code).toBe(2);
    const unknown = await cli(['device', 'list', '--frob']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--frob'");
    expect((await cli(['device', 'sync', '--serial'])).code).toBe(2);
    expect((await cli(['device', 'list', '-o', 'xml'])).code).toBe(2);
    expect((await cli(['device', 'list', '--retries', 'many'])).code).toBe(2);
    expect((await cli([])).code).toBe(2);
  });

  it('3: some devices failed and others succeeded; each reported by serial', async () => {
    await addDevice('S20001');
    await addDevice('S20002', { online: false });
    const r = await cli(['system', 'info', '--serial', 'S20001', '--serial', 'S20002', '--serial', SERIAL]);
    expect(r.code).toBe(3);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: { serialNo: string }) => x.serialNo)).toEqual(['S20001', SERIAL]);
    expect(r.stderr).toContain('device S20002');
    expect(r.stderr).toMatch(/接続されていません|応答/);
  });

  it('4: the token is rejected', async () => {
    const r = await cli(['device', 'list'], { env: { FACETCTL_TOKEN: 'A'.repeat(64) } });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/authentication failed/);
    expect(r.stderr).toContain('--token-stdin, else FACETCTL_TOKEN, else the profile');
  });

  it('a broken profiles file does not stop a run the environment configures (a warning says so); else it does', async () => {
    const dir = tempDir('facetctl-brokencfg-');
    writeFileSync(join(dir, 'config.json'), '{bad');
    const r = await cli(['device', 'list'], { env: { FACETCTL_CONFIG_DIR: dir } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ serialNo: SERIAL })]);
    expect(r.stderr).toMatch(/warning: the active profile was not read/);
    // Readable by others, in a folder others may write: warned, once each, and still used.
    writeFileSync(join(dir, 'config.json'), '{}');
    chmodSync(join(dir, 'config.json'), 0o644);
    chmodSync(dir, 0o777);
    const open = await cli(['device', 'list'], { env: { FACETCTL_CONFIG_DIR: dir } });
    expect(open.code, open.stderr).toBe(0);
    expect(open.stderr.match(/holds tokens and is open to others \(mode 0644\): chmod 600 it/g)).toHaveLength(1);
    expect(open.stderr).toMatch(/is writable by others \(mode 0777\): chmod 700 it/);
    chmodSync(dir, 0o700);
    writeFileSync(join(dir, 'config.json'), '{bad');
    const noToken = await cli(['device', 'list'], { env: { FACETCTL_CONFIG_DIR: dir, FACETCTL_TOKEN: '' } });
    expect(noToken.code).not.toBe(0);
    expect(noToken.stderr).toMatch(/not valid JSON/);
  });

  it('5: the device is offline (503 with a body)', async () => {
    await addDevice('S30001', { online: false });
    const r = await cli(['system', 'info', '--serial', 'S30001']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/could not be reached/);
    expect(r.stderr).toContain('S30001');
  });

  it('5: every device offline on a multi-device command', async () => {
    await addDevice('S30002', { online: false });
    await addDevice('S30003', { online: false });
    const r = await cli(['device', 'sync', '--serial', 'S30002', '--serial', 'S30003']);
    expect(r.code).toBe(5);
  });

  it('130: Ctrl-C (the context signal) stops a call', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const r = await cli(['device', 'list'], { signal: ctl.signal });
    expect(r.code).toBe(130);
  });
});

describe('destructive commands', () => {
  it('without a terminal and without --yes: exit 2, nothing sent', async () => {
    await clearJournal(setup.emu);
    const r = await cli(['system', 'reboot', '--serial', SERIAL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--yes');
    expect(await journal(setup.emu)).toEqual([]);
  });

  it('with --yes (before or after the words) they run', async () => {
    expect((await cli(['system', 'reboot', '--serial', SERIAL, '--yes'])).code).toBe(0);
    expect((await cli(['-y', 'person', 'device', 'clear', '--serial', SERIAL])).code).toBe(0);
  });
});

describe('output formats', () => {
  beforeEach(async () => {
    await setup.emu.op('POST', '/recognize', { serialNo: SERIAL, count: 3 });
  });

  it('json is the answer unchanged', async () => {
    const r = await cli(['log', 'recog', 'list', '--serial', SERIAL, '-o', 'json']);
    const body = JSON.parse(r.stdout);
    expect(body).toMatchObject({ rows: 3, pages: 1 });
    expect(body.list).toHaveLength(3);
  });

  it('ndjson is a row a line, csv has a header, table draws a table', async () => {
    const nd = await cli(['log', 'recog', 'list', '--serial', SERIAL, '-o', 'ndjson']);
    expect(
      nd.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toHaveLength(3);
    const csv = await cli(['log', 'recog', 'list', '--serial', SERIAL, '--output', 'csv']);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id,time,/);
    expect(lines).toHaveLength(4);
    const table = await cli(['device', 'list', '-o', 'table']);
    expect(table.stdout).toMatch(/│ serialNo/);
  });

  it('a table on a terminal, JSON otherwise', async () => {
    expect((await cli(['device', 'list'], { stdoutIsTTY: true })).stdout).toContain('┌');
    const piped = await cli(['device', 'list']);
    expect(() => JSON.parse(piped.stdout)).not.toThrow();
  });
});

describe('paging', () => {
  beforeEach(async () => {
    await setup.emu.op('POST', '/recognize', { serialNo: SERIAL, count: 250 });
  });

  it('--all follows every page: one JSON array of every row', async () => {
    const r = await cli(['log', 'recog', 'list', '--serial', SERIAL, '--all']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).toHaveLength(250);
    expect(new Set(rows.map((x: { id: number }) => x.id)).size).toBe(250);
    const pages = (await journal(setup.emu)).filter((c) => c.path === '/api1/log/getRecogLog');
    expect(pages).toHaveLength(3);
  });

  it('--all with ndjson streams a line per row', async () => {
    const r = await cli(['log', 'getRecogLog', '--serial', SERIAL, '--all', '-o', 'ndjson']);
    expect(r.stdout.trim().split('\n')).toHaveLength(250);
  });

  it('--page N asks for that page', async () => {
    const r = await cli(['log', 'recog', 'list', '--serial', SERIAL, '--page', '3']);
    expect(JSON.parse(r.stdout).list).toHaveLength(50);
  });

  it('--page and --all together is a usage error', async () => {
    expect((await cli(['log', 'recog', 'list', '--serial', SERIAL, '--page', '2', '--all'])).code).toBe(2);
  });
});

describe('binary answers', () => {
  it('go to --out FILE', async () => {
    const r = await cli(['config', 'logo', 'get', '--serial', SERIAL, '--out', 'logo-out.png']);
    expect(r.code).toBe(0);
    const bytes = readFileSync(join(setup.cwd, 'logo-out.png'));
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(existsSync(join(setup.cwd, 'logo-out.png.part'))).toBe(false);
    expect(readdirSync(setup.cwd).filter((f) => f.includes('.facetctl-tmp-'))).toEqual([]);
  });

  it('go to stdout when it is not a terminal', async () => {
    const r = await cli(['config', 'logo', 'get', '--serial', SERIAL]);
    expect(r.stdoutBytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('need --out when stdout is a terminal; nothing sent', async () => {
    await clearJournal(setup.emu);
    const r = await cli(['config', 'logo', 'get', '--serial', SERIAL], { stdoutIsTTY: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out');
    expect(await journal(setup.emu)).toEqual([]);
  });
});

describe('flags', () => {
  it('config set takes a flag per key and --set key=value', async () => {
    const r = await cli([
      'config',
      'set',
      '--serial',
      SERIAL,
      '--device-audio-volume',
      '61',
      '--set',
      'deviceLedBrightness=42',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse((await cli(['config', 'get', '--serial', SERIAL])).stdout);
    expect(got).toMatchObject({ deviceAudioVolume: 61, deviceLedBrightness: 42 });
    const bad = await cli(['config', 'set', '--serial', SERIAL, '--set', 'noSuchKey=1']);
    expect(bad.code).toBe(2);
  });

  it('--no-image alone sends noImage=1', async () => {
    await cli(['person', 'register', '--person-code', 'N1', '--person-name', 'n', '--picture', 'face.jpg']);
    // The document: noImage=1 only updates a person the device already holds.
    expect((await cli(['person', 'to-device', '--serial', SERIAL, '--person-code', 'N1'])).code).toBe(0);
    await clearJournal(setup.emu);
    const r = await cli(['person', 'to-device', '--serial', SERIAL, '--person-code', 'N1', '--no-image']);
    expect(r.code, r.stderr).toBe(0);
    expect((await journal(setup.emu))[0].params).toContain('noImage');
  });

  it('relative dates reach the API in its format', async () => {
    await setup.emu.op('POST', '/recognize', { serialNo: SERIAL, count: 5 });
    const r = await cli([
      'log',
      'recog',
      'list',
      '--serial',
      SERIAL,
      '--recog-time-from',
      '-3650d',
      '--recog-time-to',
      'now',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rows).toBe(5);
  });

  it('a missing picture file is a usage error naming the flag', async () => {
    const r = await cli(['person', 'check-picture', '--picture', 'nope.jpg']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--picture: cannot read 'nope.jpg'");
  });

  it('a file flag `-` with --token-stdin: standard input cannot carry both, exit 2 before anything is read or sent', async () => {
    await clearJournal(setup.emu);
    const r = await cli(['person', 'check-picture', '--picture', '-', '--host', setup.emu.url, '--token-stdin'], {
      stdin: `${setup.emu.token}\nnot a picture`,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--picture -: standard input already carries the token (--token-stdin)');
    expect(await journal(setup.emu)).toEqual([]);
  });

  it('--access FLAG,FROM,TO: a day alone as TO is through that day (23:59:59)', async () => {
    const r = await cli([
      'person',
      'access-times',
      'set',
      '--serial',
      'S1',
      '--person-code',
      'X1',
      '--access',
      '1,2099/12/31,2099/12/31',
      '--dry-run',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { query } = JSON.parse(r.stdout);
    expect(query).toMatchObject({ accessTimeFrom_1: '2099/12/31 00:00:00', accessTimeTo_1: '2099/12/31 23:59:59' });
  });

  it('global flags work before and after the command words', async () => {
    const before = await cli(['-o', 'csv', 'device', 'list']);
    const after = await cli(['device', 'list', '-o', 'csv']);
    expect(before.stdout).toBe(after.stdout);
    expect(before.stdout).toMatch(/^serialNo,/);
  });
});

describe('the token stays secret', () => {
  it('appears in no output, no --verbose log, no journaled URL', async () => {
    const runs = [
      await cli(['device', 'list', '--verbose']),
      await cli(['person', 'check-picture', '--picture', 'face.jpg', '--verbose']),
      await cli(['system', 'info', '--serial', 'NOPE9', '--verbose']),
      await cli(['api', '/device/getDevice', '--verbose']),
      await cli(['device', 'list', '--verbose', '--host', setup.emu.url, '--token-stdin'], {
        stdin: `${setup.emu.token}\n`,
      }),
    ];
    expect(runs[0].stderr).toContain('/device/getDevice');
    for (const r of runs) {
      expect(r.stdout).not.toContain(setup.emu.token);
      expect(r.stderr).not.toContain(setup.emu.token);
    }
    expect(JSON.stringify(await journal(setup.emu))).not.toContain(setup.emu.token);
  });

  it('-f ds-api-token is refused by `api`', async () => {
    const r = await cli(['api', '/device/getDevice', '-f', `ds-api-token=${setup.emu.token}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(setup.emu.token);
  });

  it('--token-stdin reads the token from stdin', async () => {
    const r = await cli(['device', 'list', '--token-stdin'], {
      env: { FACETCTL_TOKEN: 'B'.repeat(64) },
      stdin: `${setup.emu.token}\n`,
    });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('help and version', () => {
  it('--help shows the summary in both languages, the path, limits and the example', async () => {
    const r = await cli(['person', 'register', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(クラウドサーバーへ人物を登録)');
    expect(r.stdout).toContain('/person/registPersonForCloud');
    expect(r.stdout).toMatch(/--person-name <text>.*≤ 100 characters|at most 100/s);
    expect(r.stdout).toContain('$ facetctl person register');
  });

  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('spinner', () => {
  it('shows on a terminal stderr for device calls, never without one', async () => {
    // Slow enough for the spinner (loaded lazily) to start drawing.
    await setup.emu.op('PATCH', `/devices/${SERIAL}`, { latencyMs: 600 });
    const tty = await cli(['device', 'sync', '--serial', SERIAL], { stderrIsTTY: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('device sync on 7L11R010014');
    expect(JSON.parse(tty.stdout)).toHaveProperty('recogLogRegisted');
    const piped = await cli(['device', 'sync', '--serial', SERIAL]);
    expect(piped.stderr).toBe('');
  });
});

describe('senselink flags', () => {
  it('--rect fills the four rectangle fields and --timestamp takes a date', async () => {
    const argv = ['senselink', 'record', 'create', '--sn', 'JKQ00009234', '--timestamp', '2024-05-01T09:00:00+09:00'];
    const r = await cli([
      ...argv,
      '--image',
      'face.jpg',
      '--rect',
      '0,0,200,200',
      '--extend',
      '{"gate":"A"}',
      '--verbose',
    ]);
    expect(r.code, r.stderr).toBe(0);
    // --verbose names the JSON body's fields (never their values).
    expect(r.stderr).toMatch(
      /json: sn, timestamp, image\.data \([\d.]+ kB\), image\.rectangle\.top, image\.rectangle\.left/,
    );
    // The window is when records were stored (just now), not the picture's timestamp.
    const window = ['--time-from', '-1h', '--time-to', new Date(Date.now() + 60_000).toISOString()];
    const listed = await cli(['senselink', 'record', 'list', ...window]);
    expect(listed.code, listed.stderr).toBe(0);
    const records = JSON.parse(listed.stdout).data.list;
    expect(records).toHaveLength(1);
    expect(Number(records[0].device_timestamp)).toBe(Math.floor(Date.parse('2024-05-01T09:00:00+09:00') / 1000));
    const bad = await cli([
      'senselink',
      'record',
      'create',
      '--sn',
      'J1',
      '--timestamp',
      'now',
      '--image',
      'face.jpg',
      '--rect',
      '1,2,3',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--rect');
  });
});

describe('senselink record create --timestamp now (report A8)', () => {
  // 「画像記録時間」: when the picture was taken, so never a second still to come (floor, not ceil).
  const at = new Date('2026-12-01T05:30:09.230Z');
  const sent = async (when: string) => {
    const r = await cli(
      [
        'senselink',
        'record',
        'create',
        '--sn',
        'TD1',
        '--timestamp',
        when,
        '--image',
        'face.jpg',
        '--dry-run',
        '-o',
        'json',
      ],
      { now: at },
    );
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout).body.params.timestamp as number;
  };

  it('now is the current second, floored: 05:30:09.230 sends 05:30:09', async () => {
    expect(await sent('now')).toBe(Math.floor(at.getTime() / 1000));
  });

  it('relative forms count from the same second: -1m is 05:29:09', async () => {
    expect(await sent('-1m')).toBe(Math.floor(at.getTime() / 1000) - 60);
  });

  it('the record stored by the emulator is not later than its create_at', async () => {
    const before = Date.now();
    const r = await cli(['senselink', 'record', 'create', '--sn', 'TD1', '--timestamp', 'now', '--image', 'face.jpg']);
    expect(r.code, r.stderr).toBe(0);
    const listed = await cli([
      'senselink',
      'record',
      'list',
      '--time-from',
      new Date(before - 1000).toISOString(),
      '--time-to',
      new Date(Date.now() + 1000).toISOString(),
    ]);
    const [record] = JSON.parse(listed.stdout).data.list;
    expect(Number(record.device_timestamp) * 1000).toBeLessThanOrEqual(Number(record.create_at));
  });
});

describe('other answers', () => {
  it('the picture-cookie script is printed as text', async () => {
    const r = await cli(['tool', 'picture-cookie-js', '--p', 'P', '--s', 'S', '--k', 'K']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cookie/i);
  });

  it("`help <command>` shows that command's help", async () => {
    const r = await cli(['help', 'device']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('push-url');
  });
});
