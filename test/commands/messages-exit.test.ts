/**
 * Messages and exit codes a script can rely on (issue 10 §6): `log recog delete` says how many
 * remain, a retried timeout says how long and how many attempts, `facetctl api` exits non-zero on an
 * error inside a 200, messages do not repeat the key name, and exports take the filters of the list
 * they export (from the registry).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useCliEmulator } from '../helpers/cli-emulator.js';
import { addDevice } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp.js';

const setup = useCliEmulator();

const ALL = '2099/12/31 23:59:59';

describe('log recog delete (at most 100 a call)', () => {
  it('says how many remain and how to continue, until none remain', async () => {
    await addDevice(setup.emu, 'DEL1', 250);
    const del = ['log', 'recog', 'delete', '--serial', 'DEL1', '--recog-time-to', ALL, '--yes'];
    const first = await runCli(del, { env: setup.env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(
      'deleted 100 of 250 matching (at most 100 a call); 150 remain: run the same command again (2 more runs)',
    );
    const second = await runCli(del, { env: setup.env });
    expect(second.stderr).toContain(
      'deleted 100 of 150 matching (at most 100 a call); 50 remain: run the same command again (1 more run)',
    );
    const last = await runCli(del, { env: setup.env });
    expect(last.code).toBe(0);
    expect(last.stderr).not.toContain('remain');
    expect(JSON.parse(last.stdout)).toMatchObject({ result: true, total: 50, deleted: 50 });
  });
});

describe('facetctl api: errors inside a 200', () => {
  it('exits 1 on the error envelope under nochange-response-status=1', async () => {
    await addDevice(setup.emu, 'API1');
    const res = await runCli(
      ['api', '/system/getSystemInfo', '-f', 'serialNo=NOSUCH9', '-f', 'nochange-response-status=1'],
      { env: setup.env },
    );
    expect(res.stdout).toContain('"error":true');
    expect(res.code).toBe(1);
  });

  it('exits 3 on result:false with some done, 1 with nothing done, as the typed command does', async () => {
    await addDevice(setup.emu, 'API2', 20);
    await setup.emu.op('PATCH', '/devices/API2', { failAfter: 5 });
    const partial = await runCli(['api', '/log/deleteRecogLog', '-f', 'serialNo=API2', '-f', `recogTimeTo=${ALL}`], {
      env: setup.env,
    });
    expect(JSON.parse(partial.stdout)).toMatchObject({ result: false, deleted: 5 });
    expect(partial.code).toBe(3);
    expect(partial.stderr).toContain('error: api /log/deleteRecogLog partly failed: ログ ID[');
    await setup.emu.op('PATCH', '/devices/API2', { failAfter: 0 });
    const failed = await runCli(['api', '/log/deleteRecogLog', '-f', 'serialNo=API2', '-f', `recogTimeTo=${ALL}`], {
      env: setup.env,
    });
    expect(JSON.parse(failed.stdout)).toMatchObject({ result: false, deleted: 0 });
    expect(failed.code).toBe(1);
  });
});

describe('retries', () => {
  it('a --timeout that ends after retries says how many attempts and how long', async () => {
    await setup.emu.op('POST', '/faults', { path: '/device/getDevice', delayMs: 2000 });
    try {
      const res = await runCli(['device', 'list', '--timeout', '0.2', '--retries', '2'], { env: setup.env });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('within 200 ms (timeout');
      expect(res.stderr).toMatch(
        /after 3 attempts \(2 retries\) in \d+\.\d s: --timeout limits each attempt, --retries their number/,
      );
    } finally {
      await setup.emu.op('DELETE', '/faults');
    }
  });
});

describe('messages name the key once', () => {
  it('config apply: "deviceAudioVolume: must be …", not "deviceAudioVolume: deviceAudioVolume: …"', async () => {
    const dir = tempDir('facetctl-msg-');
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ deviceAudioVolume: 999 }));
    const res = await runCli(['config', 'apply', file, '--serial', 'ANY1', '--yes'], { env: setup.env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('  deviceAudioVolume: must be between 0 and 100 (got 999)');
    expect(res.stderr).not.toContain('deviceAudioVolume: deviceAudioVolume');
  });
});

describe('exports take the filters of their list (registry filter: true)', () => {
  it('log recog export --person-code P exports only that person', async () => {
    await addDevice(setup.emu, 'FIL1');
    for (const [code, name] of [
      ['P1', '一郎'],
      ['P2', '二郎'],
    ]) {
      await setup.emu.op('POST', '/device-persons', { serialNo: 'FIL1', personCode: code, personName: name });
    }
    for (const code of ['P1', 'P2', 'P1', 'P2', 'P1'])
      await setup.emu.op('POST', '/recognize', { serialNo: 'FIL1', personCode: code });
    const res = await runCli(['log', 'recog', 'export', '--serial', 'FIL1', '--person-code', 'P1', '-o', 'ndjson'], {
      env: setup.env,
    });
    expect(res.code, res.stderr).toBe(0);
    const rows = res.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.personCode))).toEqual(new Set(['P1']));
    const help = await runCli(['log', 'recog', 'export', '--help'], { env: setup.env });
    expect(help.stdout).toMatch(/--person-code <value>\s+filter as in `log recog list`/);
  });

  it('log operate export takes --operate-user, --main-type and --sub-type', async () => {
    await addDevice(setup.emu, 'FIL2');
    await setup.emu.op('POST', '/operate-logs', { serialNo: 'FIL2', operateUser: 'admin', mainType: '操作' });
    await setup.emu.op('POST', '/operate-logs', { serialNo: 'FIL2', operateUser: 'System', mainType: '異常' });
    const res = await runCli(
      [
        'log',
        'operate',
        'export',
        '--serial',
        'FIL2',
        '--operate-user',
        'System',
        '--main-type',
        '異常',
        '-o',
        'ndjson',
      ],
      { env: setup.env },
    );
    expect(res.code, res.stderr).toBe(0);
    const rows = res.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ operateUser: 'System', mainType: '異常' });
    const help = await runCli(['log', 'operate', 'export', '--help'], { env: setup.env });
    expect(help.stdout).toContain('--sub-type <value>');
  });
});
