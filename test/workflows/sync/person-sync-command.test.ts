/**
 * `facetctl person sync`, `person diff` and `person reconcile` through the CLI (in-process) against
 * the emulator: a sync that creates, updates, moves and prunes across devices ends with the cloud
 * and each device matching the file, a second run plans nothing, a scope keeps other persons
 * untouched, --detailed-exitcode answers 0/2/1, and reconcile finds drift made through the operator
 * API (DELETE/POST /_emulator/device-persons) in both directions and --repair removes it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/index.js';
import type { Context } from '../../../src/core/context.js';
import { runCli, spawnCli, tempConfigDir } from '../../helpers/cli.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { hostProcesses } from '../../helpers/processes.js';
import { emulatorWithDevices, snapshot } from '../import/emulator-setup.js';
import { csv, syntheticJpeg, tempDir } from '../import/fixtures.js';

const DEVICES = ['GATE1', 'GATE2', 'GATE3'];
const HEADER = ['personCode', 'personName', 'memo', 'picture', 'serialNos'];

let emu: TestEmulator;
let dir: string;

beforeAll(async () => {
  emu = await emulatorWithDevices({ serials: DEVICES });
  dir = tempDir();
  for (let i = 0; i < 8; i++) writeFileSync(join(dir, `p${i}.jpg`), await syntheticJpeg(i + 1));
});
afterAll(async () => emu?.close());

beforeEach(async () => {
  await emu.op('POST', '/reset');
  for (const serialNo of DEVICES) await emu.op('POST', '/devices', { serialNo, latencyMs: 1 });
});

function env() {
  return { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
}

function writeCsv(name: string, rows: (string | number)[][]): string {
  const path = join(dir, name);
  writeFileSync(path, csv(HEADER, rows));
  return path;
}

function sync(args: string[], more: { stdinIsTTY?: boolean } = {}) {
  return runCli(['person', 'sync', ...args], { env: env(), cwd: dir, ...more });
}

async function devicePersons(serialNo: string): Promise<string[]> {
  const snap = (await snapshot(emu, [serialNo], false)) as { devices: Record<string, { personCode: string }[]> };
  return snap.devices[serialNo].map((p) => p.personCode).sort();
}

async function cloudPersons(): Promise<
  { personCode: string; personName?: string; memo?: string; serialNos: string[] }[]
> {
  const snap = (await snapshot(emu, [], false)) as {
    cloud: { personCode: string; personName?: string; memo?: string; serialNos: string[] }[];
  };
  return snap.cloud;
}

describe('person sync', () => {
  it('creates, updates, moves and prunes; the cloud and each device end matching the file; a second run plans nothing', async () => {
    const first = writeCsv('hr1.csv', [
      ['HQ-001', '山田 太郎', 'a', 'p0.jpg', 'GATE1;GATE2'],
      ['HQ-002', '佐藤 花子', 'b', 'p1.jpg', 'GATE1'],
      ['HQ-003', '鈴木 一郎', 'c', 'p2.jpg', 'GATE2'],
    ]);
    const created = await sync([first, '--journal', join(dir, 'j1.ndjson')]);
    expect(created.stderr).toContain('3 to create');
    expect(created.code).toBe(0);
    expect(await devicePersons('GATE1')).toEqual(['HQ-001', 'HQ-002']);
    expect(await devicePersons('GATE2')).toEqual(['HQ-001', 'HQ-003']);

    // Next night: 001 renamed, 002 gets a new picture and moves to GATE3, 003 left, 004 hired.
    const second = writeCsv('hr2.csv', [
      ['HQ-001', '山田 太郎（営業）', 'a', 'p0.jpg', 'GATE1;GATE2'],
      ['HQ-002', '佐藤 花子', 'b', 'p5.jpg', 'GATE3'],
      ['HQ-004', '高橋 次郎', 'd', 'p3.jpg', 'GATE1'],
    ]);
    const diff = await runCli(['person', 'diff', second, '--prune', '--prune-cloud', '-o', 'json'], {
      env: env(),
      cwd: dir,
    });
    expect(diff.code).toBe(0);
    const plan = JSON.parse(diff.stdout) as {
      persons: {
        personCode: string;
        action: string;
        changes: string[];
        toDevice: string[];
        removeFrom: string[];
        deleteFromCloud: boolean;
      }[];
    };
    const byCode = Object.fromEntries(plan.persons.map((p) => [p.personCode, p]));
    expect(byCode['HQ-001']).toMatchObject({ action: 'update', changes: ['personName'], toDevice: ['GATE1', 'GATE2'] });
    expect(byCode['HQ-002']).toMatchObject({
      action: 'update',
      changes: ['picture'],
      toDevice: ['GATE3'],
      removeFrom: ['GATE1'],
    });
    expect(byCode['HQ-003']).toMatchObject({ action: 'delete', removeFrom: ['GATE2'], deleteFromCloud: true });
    expect(byCode['HQ-004']).toMatchObject({ action: 'create', toDevice: ['GATE1'] });
    // diff sent nothing that changes anything
    expect(await devicePersons('GATE2')).toEqual(['HQ-001', 'HQ-003']);

    // Pruning without a terminal needs --yes: exit 2, nothing sent.
    const refused = await sync([second, '--prune', '--prune-cloud']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(await devicePersons('GATE2')).toEqual(['HQ-001', 'HQ-003']);

    const applied = await sync([second, '--prune', '--prune-cloud', '--yes']);
    expect(applied.stderr).not.toContain('failed:');
    expect(applied.code).toBe(0);
    expect(await devicePersons('GATE1')).toEqual(['HQ-001', 'HQ-004']);
    expect(await devicePersons('GATE2')).toEqual(['HQ-001']);
    expect(await devicePersons('GATE3')).toEqual(['HQ-002']);
    const cloud = await cloudPersons();
    expect(cloud.map((p) => [p.personCode, p.personName, p.serialNos])).toEqual([
      ['HQ-001', '山田 太郎（営業）', ['GATE1', 'GATE2']],
      ['HQ-002', '佐藤 花子', ['GATE3']],
      ['HQ-004', '高橋 次郎', ['GATE1']],
    ]);

    const again = await runCli(
      ['person', 'diff', second, '--prune', '--prune-cloud', '--check-devices', '--detailed-exitcode', '-o', 'json'],
      {
        env: env(),
        cwd: dir,
      },
    );
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).persons).toEqual([]);
  });

  it('--detailed-exitcode: 2 when something would change, 0 when nothing would, 1 on an error', async () => {
    const file = writeCsv('dx.csv', [['DX-1', '一', '', 'p0.jpg', 'GATE1']]);
    const before = await runCli(['person', 'diff', file, '--detailed-exitcode'], { env: env(), cwd: dir });
    expect(before.code).toBe(2);
    const dry = await sync([file, '--dry-run', '--detailed-exitcode']);
    expect(dry.code).toBe(2);
    expect(await devicePersons('GATE1')).toEqual([]);
    expect((await sync([file])).code).toBe(0);
    const after = await runCli(['person', 'diff', file, '--detailed-exitcode'], { env: env(), cwd: dir });
    expect(after.code).toBe(0);
    const bad = writeCsv('bad.csv', [['DX-1', '一', '', 'missing.jpg', 'GATE1']]);
    const error = await runCli(['person', 'diff', bad, '--detailed-exitcode'], { env: env(), cwd: dir });
    expect(error.code).toBe(1);
    const plain = await runCli(['person', 'diff', bad], { env: env(), cwd: dir });
    expect(plain.code).toBe(2);
  });

  it('as a child process (dist/): diff exits 2 with changes, sync applies, diff exits 0', async () => {
    const file = writeCsv('child.csv', [['CH-1', '子', '', 'p0.jpg', 'GATE1;GATE3']]);
    const before = await spawnCli(['person', 'diff', file, '--detailed-exitcode'], { env: env(), cwd: dir });
    expect(before.code).toBe(2);
    expect(JSON.parse(before.stdout).counts).toMatchObject({ create: 1, toDevice: 2 });
    expect((await spawnCli(['person', 'sync', file], { env: env(), cwd: dir })).code).toBe(0);
    expect((await spawnCli(['person', 'diff', file, '--detailed-exitcode'], { env: env(), cwd: dir })).code).toBe(0);
    expect(await devicePersons('GATE3')).toEqual(['CH-1']);
  });

  it('a scope keeps other persons untouched, and refuses rows outside it', async () => {
    const both = writeCsv('both.csv', [
      ['HQ-1', '本社', '', 'p0.jpg', 'GATE1'],
      ['BR-1', '支店', '', 'p1.jpg', 'GATE1'],
    ]);
    expect((await sync([both])).code).toBe(0);
    const hqOnly = writeCsv('hq.csv', [['HQ-2', '本社二', '', 'p2.jpg', 'GATE1']]);
    const res = await sync([hqOnly, '--person-code-prefix', 'HQ-', '--prune', '--prune-cloud', '--yes']);
    expect(res.code).toBe(0);
    expect(await devicePersons('GATE1')).toEqual(['BR-1', 'HQ-2']);
    expect((await cloudPersons()).map((p) => p.personCode)).toEqual(['BR-1', 'HQ-2']);

    const outside = await sync([both, '--person-code-prefix', 'HQ-', '--dry-run']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('row 3, personCode: is outside the scope');
  });

  it('--scope-serial removes only from the named devices', async () => {
    const file = writeCsv('s1.csv', [
      ['S-1', '一', '', 'p0.jpg', 'GATE1;GATE2'],
      ['S-2', '二', '', 'p1.jpg', 'GATE2'],
    ]);
    expect((await sync([file])).code).toBe(0);
    const gate1 = writeCsv('s2.csv', [['S-3', '三', '', 'p2.jpg', 'GATE1']]);
    const res = await sync([gate1, '--scope-serial', 'GATE1', '--prune', '--yes']);
    expect(res.code).toBe(0);
    expect(await devicePersons('GATE1')).toEqual(['S-3']);
    expect(await devicePersons('GATE2')).toEqual(['S-1', 'S-2']);
  });

  it('--scope-serial --prune-cloud: a cloud deletion that failed (or was cut short) after the device removals is planned and sent again by the next run', async () => {
    const all = writeCsv('owed1.csv', [
      ['OW-1', '一', '', 'p0.jpg', 'GATE1;GATE2'],
      ['OW-2', '二', '', 'p1.jpg', 'GATE1'],
      ['OW-3', '三', '', 'p2.jpg', 'GATE2;GATE3'],
    ]);
    const scope = [
      '--person-code-prefix',
      'OW-',
      '--scope-serial',
      'GATE1',
      '--scope-serial',
      'GATE2',
      '--scope-serial',
      'GATE3',
    ];
    const journal = ['--journal', join(dir, 'owed.journal.ndjson')];
    expect((await sync([all, ...scope, ...journal])).code).toBe(0);
    const one = writeCsv('owed2.csv', [['OW-1', '一', '', 'p0.jpg', 'GATE1;GATE2']]);
    expect(
      (await emu.op('POST', '/faults', { path: '/person/deletePersonFromCloud', status: 500 })).status,
    ).toBeLessThan(300);
    const failed = await sync([one, ...scope, ...journal, '--prune-cloud', '--yes']);
    expect(failed.code, failed.stderr).toBe(3);
    // Persons whose step failed are not counted as changed.
    expect(failed.stderr).toContain('Sync: 0 of 2 person(s) done, 2 with failed steps');
    await emu.op('DELETE', '/faults');
    // The device removals were done: OW-2 and OW-3 hold no scope device, yet still owe their deletion.
    expect(await devicePersons('GATE3')).toEqual([]);
    expect((await cloudPersons()).map((p) => p.personCode)).toEqual(['OW-1', 'OW-2', 'OW-3']);
    const diff = await runCli(['person', 'diff', one, ...scope, ...journal, '--prune-cloud', '-o', 'json'], {
      env: env(),
      cwd: dir,
    });
    expect(diff.code, diff.stderr).toBe(0);
    const planned = JSON.parse(diff.stdout).persons as { personCode: string; action: string }[];
    expect(planned.map((p) => [p.personCode, p.action])).toEqual([
      ['OW-2', 'delete'],
      ['OW-3', 'delete'],
    ]);
    const again = await sync([one, ...scope, ...journal, '--prune-cloud', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect((await cloudPersons()).map((p) => p.personCode)).toEqual(['OW-1']);
    // A plan sends nothing, so there is no step to report: diff has no --report, sync --dry-run refuses it.
    const noReport = await runCli(['person', 'diff', one, '--report', join(dir, 'r.csv')], { env: env(), cwd: dir });
    expect(noReport.code).toBe(2);
    const dryReport = await sync([one, '--dry-run', '--report', join(dir, 'r.csv')]);
    expect(dryReport.code).toBe(2);
    expect(dryReport.stderr).toContain('--report lists the steps sent; with --dry-run nothing is sent');
    // Done: the next plan is empty.
    const settled = await runCli(
      ['person', 'diff', one, ...scope, ...journal, '--prune-cloud', '--detailed-exitcode'],
      {
        env: env(),
        cwd: dir,
      },
    );
    expect(settled.code, settled.stderr).toBe(0);
  });

  it('--check-devices re-sends a person cleared from a device behind the cloud’s back', async () => {
    const file = writeCsv('cd.csv', [['CD-1', '一', '', 'p0.jpg', 'GATE1']]);
    expect((await sync([file])).code).toBe(0);
    expect((await emu.op('DELETE', '/device-persons', { serialNo: 'GATE1' })).body).toEqual({
      serialNo: 'GATE1',
      deleted: 1,
    });
    const trusting = await runCli(['person', 'diff', file, '--detailed-exitcode'], { env: env(), cwd: dir });
    expect(trusting.code).toBe(0);
    const checked = await sync([file, '--check-devices']);
    expect(checked.code).toBe(0);
    expect(await devicePersons('GATE1')).toEqual(['CD-1']);
  });
});

describe('person sync scopes and unreachable devices', () => {
  it('--person-type keeps persons of other types untouched', async () => {
    for (const [code, name] of [
      ['1', '社員'],
      ['2', '派遣'],
    ]) {
      const t = await runCli(['person', 'type', 'set', '--person-type-code', code, '--person-type-name', name], {
        env: env(),
      });
      expect(t.code).toBe(0);
    }
    const header = ['personCode', 'personName', 'personTypeCode', 'picture', 'serialNos'];
    const all = join(dir, 'types.csv');
    writeFileSync(
      all,
      csv(header, [
        ['E-1', '社員一', '1', 'p0.jpg', 'GATE1'],
        ['E-2', '社員二', '1', 'p1.jpg', 'GATE1'],
        ['T-1', '派遣一', '2', 'p2.jpg', 'GATE1'],
      ]),
    );
    expect((await sync([all])).code).toBe(0);
    const employees = join(dir, 'employees.csv');
    writeFileSync(employees, csv(header, [['E-1', '社員一', '1', 'p0.jpg', 'GATE1']]));
    const diff = await runCli(['person', 'diff', employees, '--person-type', '1', '--prune-cloud', '-o', 'json'], {
      env: env(),
      cwd: dir,
    });
    expect(diff.code).toBe(0);
    expect(JSON.parse(diff.stdout).persons.map((p: { personCode: string }) => p.personCode)).toEqual(['E-2']);
    const res = await sync([employees, '--person-type', '1', '--prune', '--prune-cloud', '--yes']);
    expect(res.code).toBe(0);
    expect((await cloudPersons()).map((p) => p.personCode)).toEqual(['E-1', 'T-1']);
    expect(await devicePersons('GATE1')).toEqual(['E-1', 'T-1']);
    const wrongType = await sync([all, '--person-type', '1', '--dry-run']);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain('row 4, personTypeCode: must be 1');
    const nine = join(dir, 'nine.csv');
    writeFileSync(nine, csv(header, [['N-1', '九', '9', 'p0.jpg', 'GATE1']]));
    const noType = await sync([nine, '--person-type', '9', '--dry-run']);
    expect(noType.code).toBe(2);
    expect(noType.stderr).toContain('no person type 9');
  });

  it('--check-devices with an offline device: reported, the others still synced, exit 3', async () => {
    const file = writeCsv('off.csv', [['OFF-1', '一', '', 'p0.jpg', 'GATE1;GATE2']]);
    await emu.op('PATCH', '/devices/GATE2', { online: false });
    const res = await sync([file, '--check-devices']);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('device GATE2 could not be read');
    expect(await devicePersons('GATE1')).toEqual(['OFF-1']);
  });

  it('an invalid file: every problem at once, the unknown device too, under a headline saying how it was read', async () => {
    const file = writeCsv('mixed.csv', [
      ['MIX-1', '一', '', 'missing.jpg', 'GATE1'],
      ['MIX-2', '二', '', 'p1.jpg', 'NOGATE'],
    ]);
    const res = await sync([file, '--dry-run']);
    expect(res.code).toBe(2);
    const lines = res.stderr.split('\n');
    expect(lines[0]).toMatch(/^error: 2 invalid rows \(read as UTF-8.*\); nothing was sent$/);
    expect(res.stderr).toMatch(/row 2, picture: .*missing\.jpg/);
    expect(res.stderr).toContain("row 3, serialNos: device 'NOGATE' is not in the cloud's device list");
  });

  it('a plan (--dry-run, person diff) with a device that could not be read exits 3, with --detailed-exitcode too', async () => {
    const file = writeCsv('offplan.csv', [['OFF-2', '二', '', 'p1.jpg', 'GATE1;GATE2']]);
    expect((await sync([file])).code).toBe(0);
    await emu.op('PATCH', '/devices/GATE2', { online: false });
    for (const argv of [
      ['person', 'sync', file, '--check-devices', '--dry-run'],
      ['person', 'diff', file, '--check-devices'],
      ['person', 'diff', file, '--check-devices', '--detailed-exitcode', '-o', 'json'],
    ]) {
      const res = await runCli(argv, { env: env(), cwd: dir });
      expect(res.code, argv.join(' ')).toBe(3);
      expect(res.stderr).toContain('device GATE2 could not be read');
    }
    // Nothing to change and every device read: 0.
    await emu.op('PATCH', '/devices/GATE2', { online: true });
    expect(
      (await runCli(['person', 'diff', file, '--check-devices', '--detailed-exitcode'], { env: env(), cwd: dir })).code,
    ).toBe(0);
  });
});

/** In-process on a pretend terminal: `answer` is typed once `prompt` shows on stderr (as in profile.test.ts). */
async function onTerminal(argv: string[], prompt: string, answer: string) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  let typed = false;
  stderr.on('data', (c) => {
    err += c;
    if (!typed && err.includes(prompt)) {
      typed = true;
      setImmediate(() => stdin.write(`${answer}\r`));
    }
  });
  const ctx: Context = {
    io: { stdin, stdout, stderr, stdinIsTTY: true, stdoutIsTTY: true, stderrIsTTY: true, columns: 100 },
    env: { FACETCTL_CONFIG_DIR: tempConfigDir(), ...env() },
    cwd: dir,
    now: () => new Date(),
    signal: new AbortController().signal,
    processes: hostProcesses,
  };
  const code = await run(argv, ctx);
  return { code, stderr: err };
}

describe('person sync on a terminal', () => {
  it('asks before pruning; a declined confirmation exits 130 and removes nothing, an accepted one prunes', async () => {
    const first = writeCsv('tty1.csv', [
      ['TTY-1', '一', '', 'p0.jpg', 'GATE1'],
      ['TTY-2', '二', '', 'p1.jpg', 'GATE1'],
    ]);
    expect((await sync([first])).code).toBe(0);
    const second = writeCsv('tty2.csv', [['TTY-1', '一', '', 'p0.jpg', 'GATE1']]);
    const declined = await onTerminal(['person', 'sync', second, '--prune', '--prune-cloud'], 'Remove 1 person', 'n');
    expect(declined.code).toBe(130);
    expect(declined.stderr).toContain('remove TTY-2 from GATE1 and from the cloud');
    expect(await devicePersons('GATE1')).toEqual(['TTY-1', 'TTY-2']);
    const accepted = await onTerminal(['person', 'sync', second, '--prune', '--prune-cloud'], 'Remove 1 person', 'y');
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(await devicePersons('GATE1')).toEqual(['TTY-1']);
    expect((await cloudPersons()).map((p) => p.personCode)).toEqual(['TTY-1']);
  });
});

describe('person reconcile', () => {
  async function seed() {
    const file = writeCsv('rc.csv', [
      ['RC-1', '一', '', 'p0.jpg', 'GATE1'],
      ['RC-2', '二', '', 'p1.jpg', 'GATE1'],
    ]);
    expect((await sync([file])).code).toBe(0);
    // Drift both ways: RC-2 deleted on the device itself, LOCAL-1 added on it.
    await emu.op('DELETE', '/device-persons', { serialNo: 'GATE1', personCode: 'RC-2' });
    await emu.op('POST', '/device-persons', { serialNo: 'GATE1', personCode: 'LOCAL-1', personName: '現地' });
  }

  function reconcile(args: string[]) {
    return runCli(['person', 'reconcile', ...args], { env: env(), cwd: dir });
  }

  it('reports three lists per device and exits 3 on drift, 0 when everything agrees', async () => {
    await seed();
    const res = await reconcile(['--serial', 'GATE1', '--serial', 'GATE2', '-o', 'json']);
    expect(res.code).toBe(3);
    expect(JSON.parse(res.stdout)).toEqual([
      { serialNo: 'GATE1', reachable: true, onlyOnDevice: ['LOCAL-1'], onlyInCloud: ['RC-2'], both: ['RC-1'] },
      { serialNo: 'GATE2', reachable: true, onlyOnDevice: [], onlyInCloud: [], both: [] },
    ]);
    const csvOut = await reconcile(['--serial', 'GATE1', '-o', 'csv']);
    expect(csvOut.stdout.split('\n')[0]).toBe('serialNo,list,personCode,note');
    expect(csvOut.stdout).toContain('GATE1,onlyInCloud,RC-2,');
    const clean = await reconcile(['--serial', 'GATE2']);
    expect(clean.code).toBe(0);
  });

  it('--repair to-device re-sends the missing and deletes the unknown; needs --yes without a terminal', async () => {
    await seed();
    const refused = await reconcile(['--serial', 'GATE1', '--repair', 'to-device']);
    expect(refused.code).toBe(2);
    const res = await reconcile([
      '--serial',
      'GATE1',
      '--repair',
      'to-device',
      '--yes',
      '--journal',
      join(dir, 'rj.ndjson'),
    ]);
    expect(res.stderr).toContain('2 done, 0 failed');
    expect(await devicePersons('GATE1')).toEqual(['RC-1', 'RC-2']);
    expect((await reconcile(['--all-devices'])).code).toBe(0);
  });

  it('--repair to-cloud forgets the missing and copies the unknown to the cloud', async () => {
    await seed();
    const res = await reconcile(['--serial', 'GATE1', '--repair', 'to-cloud', '--yes']);
    expect(res.stderr).toContain('2 done, 0 failed');
    expect(await devicePersons('GATE1')).toEqual(['LOCAL-1', 'RC-1']);
    const cloud = Object.fromEntries((await cloudPersons()).map((p) => [p.personCode, p.serialNos]));
    expect(cloud).toEqual({ 'LOCAL-1': ['GATE1'], 'RC-1': ['GATE1'], 'RC-2': [] });
    expect((await reconcile(['--serial', 'GATE1'])).code).toBe(0);
  });

  it('an offline device is reported (exit 3) and the others are still reconciled', async () => {
    await seed();
    await emu.op('PATCH', '/devices/GATE2', { online: false });
    const res = await reconcile(['--all-devices', '--repair', 'to-device', '--yes', '-o', 'json']);
    expect(res.code).toBe(3);
    const drift = JSON.parse(res.stdout) as { serialNo: string; reachable: boolean }[];
    expect(drift.find((d) => d.serialNo === 'GATE2')?.reachable).toBe(false);
    expect(await devicePersons('GATE1')).toEqual(['RC-1', 'RC-2']);
  });
});
