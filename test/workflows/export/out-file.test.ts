/**
 * What `--out FILE` already holds (src/workflows/export/out-file.ts), through the CLI against the
 * emulator: with `--state` an existing FILE is refused unless `--append` or `--overwrite` says what to
 * do with it (a fixed name used to keep only the last run's rows); `--append` adds each run's rows
 * once, the CSV header once, across kills at every commit step too.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../../helpers/cli.js';
import { clearJournal, journal, useCliEmulator } from '../../helpers/cli-emulator.js';
import { addDevice, storedRecogIds } from '../../helpers/emulator.js';
import { tempDir } from '../../helpers/temp.js';
import { ensureBuilt } from '../../setup/build.js';

const t = useCliEmulator();

function ndjsonIds(path: string): number[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(JSON.parse(l).id));
}

function expectEachOnce(ids: number[], expected: number[]): void {
  expect(new Set(ids).size, 'no id twice').toBe(ids.length);
  expect([...ids].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
}

const temps = (dir: string) => readdirSync(dir).filter((f) => f.includes('.facetctl-tmp-'));

describe('--out with --state: an existing file is never replaced by default', () => {
  it("a fixed --out name on the second run: exit 2, nothing sent, the first run's rows kept", async () => {
    await addDevice(t.emu, 'OUTFIX', 30);
    const dir = tempDir('facetctl-outfix-');
    const argv = [
      'log',
      'recog',
      'export',
      '--serial',
      'OUTFIX',
      '--state',
      join(dir, 's.json'),
      '--out',
      'logs.ndjson',
    ];
    const first = await t.cli(argv, { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const before = readFileSync(join(dir, 'logs.ndjson'));
    await t.emu.op('POST', '/recognize', { serialNo: 'OUTFIX', count: 5 });
    await clearJournal(t.emu);
    const second = await t.cli(argv, { cwd: dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('--out ');
    expect(second.stderr).toContain('logs.ndjson');
    expect(second.stderr).toMatch(/--append.*--overwrite/s);
    expect(await journal(t.emu)).toEqual([]);
    expect(readFileSync(join(dir, 'logs.ndjson'))).toEqual(before);
    // --overwrite replaces it with the new rows only (the user's choice).
    const third = await t.cli([...argv, '--overwrite'], { cwd: dir });
    expect(third.code, third.stderr).toBe(0);
    expect(ndjsonIds(join(dir, 'logs.ndjson'))).toHaveLength(5);
  });

  it('without --state a plain export replaces the file as before (a window is self-contained)', async () => {
    await addDevice(t.emu, 'OUTWIN', 3);
    const dir = tempDir('facetctl-outwin-');
    writeFileSync(join(dir, 'w.ndjson'), 'old\n');
    const r = await t.cli(['log', 'recog', 'export', '--serial', 'OUTWIN', '--out', 'w.ndjson'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(ndjsonIds(join(dir, 'w.ndjson'))).toHaveLength(3);
  });
});

describe('--append', () => {
  it('CSV under --state, three runs into one file: the header once, every row once, the mode kept', async () => {
    await addDevice(t.emu, 'OUTAPP', 120);
    const dir = tempDir('facetctl-outapp-');
    const out = join(dir, 'recog.csv');
    const argv = ['log', 'recog', 'export', '--serial', 'OUTAPP', '--state', join(dir, 's.json')];
    const run = (extra: string[]) =>
      t.cli([...argv, '-o', 'csv', '--bom', '--append', '--out', out, ...extra], { cwd: dir });
    expect((await run([])).code).toBe(0);
    chmodSync(out, 0o640);
    await t.emu.op('POST', '/recognize', { serialNo: 'OUTAPP', count: 7 });
    expect((await run([])).code).toBe(0);
    // A run with nothing new leaves the rows as they were.
    const quiet = await run([]);
    expect(quiet.code, quiet.stderr).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.split('\n').filter(Boolean);
    expect(lines.filter((l) => l.startsWith('serialNo,'))).toHaveLength(1);
    expect(text.indexOf('\ufeff')).toBe(-1);
    const idAt = lines[0].split(',').indexOf('id');
    const ids = lines.slice(1).map((l) => Number(l.split(',')[idAt]));
    expectEachOnce(ids, await storedRecogIds(t.emu, 'OUTAPP'));
    expect(statSync(out).mode & 0o777).toBe(0o640);
    expect(temps(dir)).toEqual([]);
  });

  it('ndjson into a file that does not end with a line end: a line end first, then the rows', async () => {
    await addDevice(t.emu, 'OUTNL', 2);
    const dir = tempDir('facetctl-outnl-');
    writeFileSync(join(dir, 'a.ndjson'), '{"id":"0"}');
    const r = await t.cli(['log', 'recog', 'export', '--serial', 'OUTNL', '--append', '--out', 'a.ndjson'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(ndjsonIds(join(dir, 'a.ndjson'))).toHaveLength(3);
  });

  it('a file saved with CR LF line ends (Excel, Windows): the added rows end with CR LF too, no bare LF', async () => {
    await addDevice(t.emu, 'OUTCRLF', 4);
    const dir = tempDir('facetctl-outcrlf-');
    // The first run's CSV as Excel saves it again: every line CR LF, no final line end.
    const first = await t.cli(['log', 'recog', 'export', '--serial', 'OUTCRLF', '-o', 'csv', '--out', 'r.csv'], {
      cwd: dir,
    });
    expect(first.code, first.stderr).toBe(0);
    const saved = readFileSync(join(dir, 'r.csv'), 'utf8').trimEnd().split('\n').join('\r\n');
    writeFileSync(join(dir, 'r.csv'), saved);
    await t.emu.op('POST', '/recognize', { serialNo: 'OUTCRLF', count: 3 });
    const csv = await t.cli(
      ['log', 'recog', 'export', '--serial', 'OUTCRLF', '-o', 'csv', '--append', '--out', 'r.csv'],
      { cwd: dir },
    );
    expect(csv.code, csv.stderr).toBe(0);
    const text = readFileSync(join(dir, 'r.csv'), 'utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toContain('\n');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(1 + 4 + 7);
    // ndjson the same: a CR LF file gets CR LF lines.
    writeFileSync(join(dir, 'a.ndjson'), '{"id":"0"}\r\n{"id":"00"}');
    const nd = await t.cli(['log', 'recog', 'export', '--serial', 'OUTCRLF', '--append', '--out', 'a.ndjson'], {
      cwd: dir,
    });
    expect(nd.code, nd.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'a.ndjson'), 'utf8');
    expect(lines.replaceAll('\r\n', '')).not.toContain('\n');
    expect(lines.split('\r\n').filter(Boolean)).toHaveLength(2 + 7);
  });

  it('refused before anything is sent: another header, -o json, stdout, a symbolic link, with --overwrite', async () => {
    await addDevice(t.emu, 'OUTBAD', 2);
    const dir = tempDir('facetctl-outbad-');
    writeFileSync(join(dir, 'other.csv'), 'personCode,personName\r\nP1,a\r\n');
    writeFileSync(join(dir, 'target.ndjson'), '');
    const header = `${(await import('../../../src/workflows/export/columns.js')).RECOG_COLUMNS.join(',')}`;
    writeFileSync(join(dir, 'utf8.csv'), `${header}\nOUTBAD,1,山田\n`);
    writeFileSync(
      join(dir, 'sjis.csv'),
      Buffer.concat([Buffer.from(`${header}\nOUTBAD,1,`), Buffer.from([0x8e, 0x52, 0x93, 0x63]), Buffer.from('\n')]),
    );
    symlinkSync(join(dir, 'target.ndjson'), join(dir, 'link.ndjson'));
    const base = ['log', 'recog', 'export', '--serial', 'OUTBAD', '--append'];
    const cases: [string[], RegExp][] = [
      [
        ['-o', 'csv', '--out', 'other.csv'],
        /other\.csv: its first line is not this export's CSV header[\s\S]*personCode,personName[\s\S]*expected: serialNo,/,
      ],
      [['-o', 'json', '--out', 'x.json'], /--append cannot add rows to a JSON array/],
      [['-o', 'ndjson'], /--append needs --out/],
      [['--out', 'link.ndjson'], /link\.ndjson: is a symbolic link/],
      [['--out', 'target.ndjson', '--overwrite'], /--append and --overwrite cannot be combined/],
      [['-o', 'ndjson', '--out', 'utf8.csv'], /utf8\.csv: its first line is not a JSON object/],
      [
        ['-o', 'csv', '--encoding', 'cp932', '--out', 'utf8.csv'],
        /utf8\.csv: its text is UTF-8: leave out --encoding cp932/,
      ],
      [
        ['-o', 'csv', '--out', 'sjis.csv'],
        /sjis\.csv: it holds bytes that are not UTF-8 \(a CP932 file\?\): give --encoding cp932/,
      ],
    ];
    for (const [extra, message] of cases) {
      await clearJournal(t.emu);
      const r = await t.cli([...base, ...extra], { cwd: dir });
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(await journal(t.emu), extra.join(' ')).toEqual([]);
    }
    expect(readFileSync(join(dir, 'other.csv'), 'utf8')).toBe('personCode,personName\r\nP1,a\r\n');
    expect(readFileSync(join(dir, 'target.ndjson'), 'utf8')).toBe('');
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('a CP932 CSV with --append: the header checked in its bytes, rows added in CP932', async () => {
    await addDevice(t.emu, 'OUTSJ', 4);
    const dir = tempDir('facetctl-outsj-');
    const argv = ['log', 'recog', 'export', '--serial', 'OUTSJ', '-o', 'csv', '--encoding', 'cp932', '--append'];
    expect((await t.cli([...argv, '--out', 'sj.csv'], { cwd: dir })).code).toBe(0);
    expect((await t.cli([...argv, '--out', 'sj.csv'], { cwd: dir })).code).toBe(0);
    const lines = readFileSync(join(dir, 'sj.csv'), 'latin1').split('\n').filter(Boolean);
    expect(lines.filter((l) => l.startsWith('serialNo,'))).toHaveLength(1);
    expect(lines).toHaveLength(1 + 8);
  });
});

describe('--append --state: exactly once in one file across a kill at every step', () => {
  const KILLED = -1;
  for (const [i, step] of ['after-page', 'after-sync', 'after-pending', 'after-rename', 'after-state'].entries()) {
    it(`killed ${step}, the same command again: every id once in FILE, no temporary file left`, async () => {
      ensureBuilt();
      const serial = `OUTK${i}`;
      await addDevice(t.emu, serial, 150);
      const dir = tempDir('facetctl-outkill-');
      const argv = ['log', 'recog', 'export', '--serial', serial, '--state', join(dir, 's.json'), '--append'];
      const out = join(dir, 'all.ndjson');
      // A first complete run, so that FILE holds rows the killed run must keep.
      expect((await spawnCli([...argv, '--out', out], { env: t.env })).code).toBe(0);
      await t.emu.op('POST', '/recognize', { serialNo: serial, count: 30 });
      const killed = await spawnCli([...argv, '--out', out], { env: { ...t.env, FACETCTL_FAULT: step } });
      expect(killed.code).toBe(KILLED);
      await t.emu.op('POST', '/recognize', { serialNo: serial, count: 20 });
      const again = await spawnCli([...argv, '--out', out], { env: t.env });
      expect(again.code, again.stderr).toBe(0);
      expectEachOnce(ndjsonIds(out), await storedRecogIds(t.emu, serial));
      expect(temps(dir)).toEqual([]);
    }, 60_000);
  }
});

describe('--out paths that are not a new or regular file', () => {
  it('a device, a pipe, or a link to one: exit 2, nothing sent, left as it is', async () => {
    await addDevice(t.emu, 'OUTDEV', 2);
    const dir = tempDir('facetctl-outdev-');
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    symlinkSync('/dev/null', join(dir, 'to-null'));
    symlinkSync('/proc/self/fd/1', join(dir, 'to-fd1'));
    for (const [out, said] of [
      ['/dev/null', /is a system path, not a regular file/],
      [join(dir, 'fifo'), /is a pipe, not a regular file/],
      [join(dir, 'to-null'), /is a link to \/dev\/null, not a regular file/],
      // What /dev/stdout is: with stdout redirected to a file it resolves to a regular file.
      [join(dir, 'to-fd1'), /is a link to \/proc\/self\/fd\/1, not a regular file/],
      ['/dev/fd/1', /is a system path/],
    ] as const) {
      await clearJournal(t.emu);
      const r = await t.cli(['log', 'recog', 'export', '--serial', 'OUTDEV', '--out', out], { cwd: dir });
      expect(r.code, out).toBe(2);
      expect(r.stderr).toMatch(said);
      expect(r.stderr).toContain('Give --out - to write to stdout (and redirect it)');
      expect(await journal(t.emu)).toEqual([]);
    }
    // The advice is the flag's own: `--report -` is stdout; a --state has no stdout.
    const report = await t.cli(['person', 'import', 'none.csv', '--serial', 'OUTDEV', '--report', '/dev/null'], {
      cwd: dir,
    });
    expect(report.code, report.stderr).toBe(2);
    expect(report.stderr).toContain('Give --report - to write to stdout');
    const state = await t.cli(['log', 'recog', 'export', '--serial', 'OUTDEV', '--state', join(dir, 'fifo')], {
      cwd: dir,
    });
    expect(state.code, state.stderr).toBe(2);
    expect(state.stderr).toContain('Name a regular file');
    expect(state.stderr).not.toContain('stdout');
    expect(await journal(t.emu)).toEqual([]);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(statSync(join(dir, 'fifo')).isFIFO()).toBe(true);
    expect(lstatSync(join(dir, 'to-null')).isSymbolicLink()).toBe(true);
  });

  it('--out - is stdout; an empty --out, --state or --pictures is refused (an unset variable), nothing sent', async () => {
    await addDevice(t.emu, 'OUTDASH', 2);
    const dir = tempDir('facetctl-outdash-');
    const dash = await t.cli(['log', 'recog', 'export', '--serial', 'OUTDASH', '--out', '-', '-o', 'ndjson'], {
      cwd: dir,
    });
    expect(dash.code, dash.stderr).toBe(0);
    expect(dash.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(existsSync(join(dir, '-'))).toBe(false);
    for (const flag of ['--out', '--state', '--pictures']) {
      await clearJournal(t.emu);
      const r = await t.cli(['log', 'recog', 'export', '--serial', 'OUTDASH', flag, ''], { cwd: dir });
      expect(r.code, flag).toBe(2);
      expect(r.stderr).toContain(`${flag} is empty`);
      expect(await journal(t.emu)).toEqual([]);
    }
  });

  it('a replaced file keeps tighter permissions; a long Japanese file name is written (its temporary name cut to fit)', async () => {
    await addDevice(t.emu, 'OUTMODE', 2);
    const dir = tempDir('facetctl-outmode-');
    writeFileSync(join(dir, 'private.ndjson'), 'old\n', { mode: 0o600 });
    chmodSync(join(dir, 'private.ndjson'), 0o600);
    const r = await t.cli(['log', 'recog', 'export', '--serial', 'OUTMODE', '--out', 'private.ndjson'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(dir, 'private.ndjson')).mode & 0o777).toBe(0o600);
    expect(ndjsonIds(join(dir, 'private.ndjson'))).toHaveLength(2);
    // 80 characters of 3 bytes: 240 bytes + ".ndjson", within the 255-byte limit; the temporary name is not.
    const long = `${'認証記録'.repeat(20)}.ndjson`;
    const ok = await t.cli(['log', 'recog', 'export', '--serial', 'OUTMODE', '--out', long], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ndjsonIds(join(dir, long))).toHaveLength(2);
    expect(temps(dir)).toEqual([]);
    const tooLong = await t.cli(['log', 'recog', 'export', '--serial', 'OUTMODE', '--out', `${'認'.repeat(90)}.csv`], {
      cwd: dir,
    });
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain('longer than 255 bytes');
  });
});

describe('--state: one run at a time', () => {
  it('a second run while the first still exports stops before its first page (exit 1); a stale lock is taken over', async () => {
    ensureBuilt();
    await addDevice(t.emu, 'OUTLOCK', 3000);
    const dir = tempDir('facetctl-outlock-');
    const state = join(dir, 's.json');
    await t.emu.op('POST', '/api-latency', { ms: 40 });
    try {
      const argv = ['log', 'recog', 'export', '--serial', 'OUTLOCK', '--state', state, '--page-concurrency', '1'];
      const slow = spawnCli([...argv, '--out', join(dir, 'a.ndjson')], { env: t.env });
      // Wait until the first run holds the lock.
      for (let i = 0; i < 200 && !existsSync(`${state}.lock`); i++) await new Promise((r) => setTimeout(r, 25));
      expect(existsSync(`${state}.lock`)).toBe(true);
      const second = await spawnCli([...argv, '--out', join(dir, 'b.ndjson')], { env: t.env });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/another facetctl \(pid \d+\) is using this state file/);
      expect(existsSync(join(dir, 'b.ndjson'))).toBe(false);
      expect((await slow).code).toBe(0);
      expect(existsSync(`${state}.lock`)).toBe(false);
      expect(ndjsonIds(join(dir, 'a.ndjson'))).toHaveLength(3000);
    } finally {
      await t.emu.op('POST', '/api-latency', { ms: 0 });
    }
    // A lock left by a killed run (its pid no longer runs) does not stop the next one, and the lock's
    // temporaries such a run left (killed between creating and removing one) are removed.
    writeFileSync(`${state}.lock`, '999999999\n');
    writeFileSync(`${state}.lock.999999999-0123456789ab`, '999999999\n');
    writeFileSync(`${state}.lock.stale-999999999-0123456789ab`, '999999999\n');
    writeFileSync(`${state}.lock.notes`, 'not ours\n');
    await t.emu.op('POST', '/recognize', { serialNo: 'OUTLOCK', count: 2 });
    const after = await t.cli([
      'log',
      'recog',
      'export',
      '--serial',
      'OUTLOCK',
      '--state',
      state,
      '--out',
      join(dir, 'c.ndjson'),
    ]);
    expect(after.code, after.stderr).toBe(0);
    expect(ndjsonIds(join(dir, 'c.ndjson'))).toHaveLength(2);
    expect(existsSync(`${state}.lock`)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('s.json.lock'))).toEqual(['s.json.lock.notes']);
    // A folder where the lock goes: exit 2, named.
    mkdirSync(`${join(dir, 'd.json')}.lock`);
    const dirLock = await t.cli(['log', 'recog', 'export', '--serial', 'OUTLOCK', '--state', join(dir, 'd.json')]);
    expect(dirLock.code).toBe(2);
    expect(dirLock.stderr).toContain('d.json.lock is not a lock file');
    // --out and --state on one file: refused before anything is sent.
    const same = await t.cli(['log', 'recog', 'export', '--serial', 'OUTLOCK', '--state', state, '--out', state]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('--out and --state name the same file');
  }, 60_000);
});

describe('--state that cannot be read', () => {
  it('is an unusable --state: exit 2, nothing sent, the file left as it is', async () => {
    await addDevice(t.emu, 'OUTBADSTATE', 1);
    const dir = tempDir('facetctl-badstate-');
    writeFileSync(join(dir, 'bad.json'), 'garbage');
    await clearJournal(t.emu);
    const r = await t.cli(['log', 'recog', 'export', '--serial', 'OUTBADSTATE', '--state', 'bad.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not valid JSON');
    expect(await journal(t.emu)).toEqual([]);
    expect(readFileSync(join(dir, 'bad.json'), 'utf8')).toBe('garbage');
  });
});
