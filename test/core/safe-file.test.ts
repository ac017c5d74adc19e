/**
 * Files written safely (src/core/safe-file.ts), through the real CLI against the emulator: output
 * paths checked before the first request (exit 2, a clear message, nothing sent, proven with the
 * emulator's request journal), links never followed, temporaries of killed runs removed.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkOutputFile, cleanStaleTemps, openAppendOnly, openAtomicFile } from '../../src/core/safe-file.js';
import { BIN, runCli } from '../helpers/cli.js';
import { connectionEnv } from '../helpers/cli-emulator.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { PICTURES } from '../helpers/fixtures.js';
import { fakeProcesses, hostProcesses } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp.js';

let emu: TestEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startTestEmulator();
  env = connectionEnv(emu);
  await emu.op('POST', '/devices', { serialNo: 'SF1' });
  await emu.op('POST', '/recognize', { serialNo: 'SF1', count: 120 });
  const picture = readFileSync(join(PICTURES, 'face-astronaut.jpg')).toString('base64');
  expect((await emu.op('POST', '/device-persons', { serialNo: 'SF1', personCode: 'P1', picture })).status).toBeLessThan(
    300,
  );
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  await emu.op('DELETE', '/requests');
});

async function requestCount(): Promise<number> {
  const { body } = await emu.op('GET', '/requests');
  return (body.requests as unknown[]).length;
}

const dir = () => tempDir('facetctl-safe-');
/** No Node stack trace or unhandled-error dump on stderr. */
const NO_TRACE = /\n\s+at |Unhandled 'error'|EISDIR|ENOENT/;

describe('output paths are checked before the first request', () => {
  const binaryCommands = (out: string) => [
    ['api', '/config/getLogo', '-f', 'serialNo=SF1', '--out', out],
    ['person', 'device', 'picture', '--serial', 'SF1', '--person-code', 'P1', '--out', out],
    ['config', 'logo', 'get', '--serial', 'SF1', '--out', out],
    ['system', 'export-config', '--serial', 'SF1', '--out', out],
    ['person', 'capture', '--serial', 'SF1', '--out', out],
    ['senselink', 'image', 'get', '--image-id', 'abc', '--out', out],
    ['log', 'recog', 'export', '--serial', 'SF1', '--out', out],
    ['log', 'operate', 'export', '--serial', 'SF1', '--out', out],
    ['senselink', 'record', 'export', '--from', '-1h', '--to', 'now', '--out', out],
  ];

  it('--out into a missing folder: exit 2, the folder named, nothing sent', async () => {
    const missing = join(dir(), 'nonexistent', 'x.png');
    for (const argv of binaryCommands(missing)) {
      const res = await runCli(argv, { env });
      expect(res.code, `${argv.join(' ')}: ${res.stderr}`).toBe(2);
      expect(res.stderr).toMatch(/--out .*x\.png: the folder .*nonexistent does not exist/);
      expect(res.stderr).not.toMatch(NO_TRACE);
    }
    expect(await requestCount()).toBe(0);
    expect(existsSync(missing)).toBe(false);
  });

  it('--out naming a folder (like /tmp): exit 2 before any request', async () => {
    const d = dir();
    for (const argv of binaryCommands(d)) {
      const res = await runCli(argv, { env });
      expect(res.code, `${argv.join(' ')}: ${res.stderr}`).toBe(2);
      expect(res.stderr).toMatch(/is a folder; give a file name/);
      expect(res.stderr).not.toMatch(NO_TRACE);
    }
    expect(await requestCount()).toBe(0);
    expect(readdirSync(d)).toEqual([]);
  });

  it('--all-devices does not list devices when --out is wrong; --state, --pictures and config export --dir too', async () => {
    const d = dir();
    writeFileSync(join(d, 'file'), 'x');
    const cases = [
      ['log', 'recog', 'export', '--all-devices', '--out', d],
      ['log', 'recog', 'export', '--serial', 'SF1', '--state', join(d, 'no', 's.json')],
      ['log', 'recog', 'export', '--serial', 'SF1', '--state', d],
      ['log', 'recog', 'export', '--serial', 'SF1', '--pictures', join(d, 'file')],
      ['config', 'export', '--all-devices', '--dir', join(d, 'file')],
    ];
    for (const argv of cases) {
      const res = await runCli(argv, { env });
      expect(res.code, `${argv.join(' ')}: ${res.stderr}`).toBe(2);
      expect(res.stderr).not.toMatch(NO_TRACE);
    }
    expect(await requestCount()).toBe(0);
  });

  it.skipIf(process.getuid?.() === 0)('an unwritable folder: exit 2, nothing sent', async () => {
    const d = dir();
    const ro = join(d, 'ro');
    mkdirSync(ro, { mode: 0o555 });
    const res = await runCli(['config', 'logo', 'get', '--serial', 'SF1', '--out', join(ro, 'x.png')], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/is not writable/);
    expect(await requestCount()).toBe(0);
  });
});

/**
 * A read-only --out: as root every file is writable, so when the tests run as root the CLI runs as
 * `nobody` (uid 65534) in a folder open to it; skipped when that user cannot run this checkout.
 */
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
const userCanRun =
  !asUser ||
  spawnSync(process.execPath, ['-e', `require('node:fs').accessSync(${JSON.stringify(BIN)})`], {
    ...asUser,
    stdio: 'ignore',
  }).status === 0;

describe('a read-only file', () => {
  it.skipIf(!userCanRun)('as --out or --state is refused (exit 2, nothing sent) and left as it is', async () => {
    // Beside the suite's private temp folder, so that `nobody` can reach it; removed at the end.
    const d = mkdtempSync(join(dirname(tmpdir()), 'facetctl-readonly-'));
    try {
      chmodSync(d, 0o777);
      const out = join(d, 'logs.ndjson');
      writeFileSync(out, 'kept\n', { mode: 0o444 });
      chmodSync(out, 0o444);
      const state = join(d, 's.json');
      writeFileSync(state, '{}', { mode: 0o444 });
      chmodSync(state, 0o444);
      const run = (argv: string[]) =>
        new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
          // Asynchronous: the emulator answering it runs in this process.
          const child = spawn(process.execPath, [BIN, ...argv], {
            ...asUser,
            cwd: d,
            env: { PATH: process.env.PATH, ...env, FACETCTL_CONFIG_DIR: join(d, 'cfg') },
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let stderr = '';
          child.stderr.on('data', (c) => {
            stderr += c;
          });
          child.on('error', reject);
          child.on('close', (status) => resolve({ status, stderr }));
        });
      for (const [argv, code] of [
        [['log', 'recog', 'export', '--serial', 'SF1', '-o', 'ndjson', '--out', out], 2],
        [['log', 'recog', 'export', '--serial', 'SF1', '-o', 'ndjson', '--out', out, '--append'], 2],
        [
          [
            'log',
            'recog',
            'export',
            '--serial',
            'SF1',
            '-o',
            'ndjson',
            '--out',
            join(d, 'new.ndjson'),
            '--state',
            state,
          ],
          2,
        ],
        [['person', 'sync', 'none.csv', '--report', out], 2],
        // A monitoring plugin: bad arguments are UNKNOWN (3).
        [['device', 'health', '-o', 'prometheus', '--out', out], 3],
      ] as const) {
        const res = await run([...argv]);
        expect(res.status, `${argv.join(' ')}: ${res.stderr}`).toBe(code);
        expect(res.stderr).toMatch(/the file is read-only, so it is not replaced; make it writable \(chmod u\+w\)/);
      }
      expect(readFileSync(out, 'utf8')).toBe('kept\n');
      expect(lstatSync(out).mode & 0o777).toBe(0o444);
      expect(await requestCount()).toBe(0);
      // A file no flag names beforehand (config export's per-device file): that device fails, named; the file is kept.
      const cfg = join(d, 'cfg', 'SF1');
      mkdirSync(cfg, { recursive: true });
      chmodSync(join(d, 'cfg'), 0o777);
      chmodSync(cfg, 0o777);
      writeFileSync(join(cfg, 'config.json'), '{"kept":1}\n');
      chmodSync(join(cfg, 'config.json'), 0o444);
      const config = await run(['config', 'export', '--serial', 'SF1', '--dir', join(d, 'cfg')]);
      expect(config.status, config.stderr).not.toBe(0);
      expect(config.stderr).toContain('config.json: the file is read-only, so it is not replaced');
      expect(readFileSync(join(cfg, 'config.json'), 'utf8')).toBe('{"kept":1}\n');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('links are never followed', () => {
  it('binary --out: a link at the old predictable FILE.part or at FILE itself is left alone / replaced', async () => {
    const d = dir();
    const victim = join(d, 'victim.txt');
    writeFileSync(victim, 'precious');
    const out = join(d, 'logo.png');
    symlinkSync(victim, `${out}.part`);
    const res = await runCli(['config', 'logo', 'get', '--serial', 'SF1', '--out', out], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG');

    const linked = join(d, 'linked.png');
    symlinkSync(victim, linked);
    expect((await runCli(['api', '/config/getLogo', '-f', 'serialNo=SF1', '--out', linked], { env })).code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(linked).isSymbolicLink()).toBe(false);
  });

  it('a link planted at the temporary name is refused (O_EXCL|O_NOFOLLOW), never written through', async () => {
    const d = dir();
    const victim = join(d, 'victim.txt');
    writeFileSync(victim, 'precious');
    const target = join(d, 'out.csv');
    const file = await openAtomicFile(hostProcesses, target);
    await file.abort();
    // The same name again (as an attacker who guessed it would plant it).
    symlinkSync(victim, file.tempPath);
    const { open } = await import('node:fs/promises');
    const { constants } = await import('node:fs');
    await expect(
      open(file.tempPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW),
    ).rejects.toThrow(/EEXIST/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    // Names are unpredictable: two opens never share one.
    const a = await openAtomicFile(hostProcesses, target);
    const b = await openAtomicFile(hostProcesses, target);
    expect(a.tempPath).not.toBe(b.tempPath);
    await a.abort();
    await b.abort();
  });

  it('the import journal: a link is refused (exit 2, nothing sent); --report replaces a link instead of writing through it', async () => {
    const d = dir();
    copyFileSync(join(PICTURES, 'face-cameraman.jpg'), join(d, 'a.jpg'));
    const csvPath = join(d, 'persons.csv');
    writeFileSync(csvPath, 'personCode,personName,picture,serialNos\nJ1,Jiro,a.jpg,SF1\n');
    const victim = join(d, 'victim.txt');
    writeFileSync(victim, 'precious');
    const journal = join(d, 'journal.ndjson');
    symlinkSync(victim, journal);
    const refused = await runCli(['person', 'import', csvPath, '--journal', journal], { env });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/--journal .*journal\.ndjson: is a symbolic link; refusing to follow it/);
    expect(await requestCount()).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    await expect(openAppendOnly(journal, '--journal')).rejects.toThrow(/symbolic link/);

    const report = join(d, 'report.csv');
    symlinkSync(victim, report);
    const res = await runCli(['person', 'import', csvPath, '--journal', join(d, 'j2.ndjson'), '--report', report], {
      env,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(report).isSymbolicLink()).toBe(false);
    expect(readFileSync(report, 'utf8')).toMatch(/^row,personCode/);
  });
});

describe('temporary files of killed runs', () => {
  it('are removed by the next run writing into the folder; those of running processes are kept', async () => {
    const d = dir();
    // A PID above Linux's largest (2^22) never runs.
    const dead = join(d, '.old.csv.facetctl-tmp-4194399-0123abcd');
    const alive = join(d, `.other.csv.facetctl-tmp-${process.pid}-0123abcd`);
    writeFileSync(dead, 'half');
    writeFileSync(alive, 'busy');
    const res = await runCli(['log', 'recog', 'export', '--serial', 'SF1', '--out', join(d, 'new.ndjson')], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    expect(await cleanStaleTemps(hostProcesses, d)).toBe(0);
  });

  it("ask the Context's probe, not the process, who still runs", async () => {
    const d = dir();
    const running = join(d, '.a.csv.facetctl-tmp-101-0123abcd');
    const gone = join(d, '.b.csv.facetctl-tmp-102-0123abcd');
    const own = join(d, '.c.csv.facetctl-tmp-7-0123abcd');
    for (const f of [running, gone, own]) writeFileSync(f, 'x');
    const asked: number[] = [];
    const probe = {
      pid: 7,
      isRunning: (pid: number) => {
        asked.push(pid);
        return pid === 101;
      },
    };
    expect(await cleanStaleTemps(probe, d)).toBe(1);
    expect([existsSync(running), existsSync(gone), existsSync(own)]).toEqual([true, false, true]);
    // Its own temporaries are never probed; new names carry the Context's pid.
    expect(asked.sort()).toEqual([101, 102]);
    const file = await openAtomicFile(fakeProcesses(4242), join(d, 'new.csv'));
    expect(file.tempPath).toContain('.facetctl-tmp-4242-');
    await file.abort();
  });

  it('checkOutputFile names the flag and the problem', async () => {
    const d = dir();
    await expect(checkOutputFile(join(d, 'a', 'b.csv'), '--out')).rejects.toThrow(
      /--out .*b\.csv: the folder .*a does not exist/,
    );
    await expect(checkOutputFile(d, '--report')).rejects.toThrow(/--report .*: is a folder/);
    await expect(checkOutputFile(join(d, 'ok.csv'), '--out')).resolves.toBeUndefined();
  });
});
