/**
 * `log recog export` / `log operate export` against the emulator: exactness, consistency while logs
 * arrive, incremental runs, crashes, output formats. The full one-million-row export is
 * export-million.test.ts (one test, a child process); throughput and memory are in bench/export.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, tempConfigDir } from '../../helpers/cli.js';
import { addDevice, startTestEmulator, storedRecogIds, type TestEmulator } from '../../helpers/emulator.js';
import { tempDir } from '../../helpers/temp.js';
import { ensureBuilt } from '../../setup/build.js';

let emu: TestEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  // Before the emulator starts: the build blocks this process, and the emulator lives in it.
  ensureBuilt();
  emu = await startTestEmulator();
  env = { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
});
afterAll(async () => {
  await emu?.close();
});

const tmp = () => tempDir('facetctl-export-');

function ndjsonIds(text: string): number[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(JSON.parse(l).id));
}

function expectExactly(ids: number[], expected: number[]): void {
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBe(expected.length);
  expect([...ids].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
}

async function recognize(serialNo: string, extra: Record<string, unknown> = {}): Promise<number> {
  const res = await emu.op('POST', '/recognize', { serialNo, ...extra });
  expect(res.status).toBe(200);
  return res.body.id as number;
}

async function getRecogLogCalls(): Promise<number> {
  const { body } = await emu.op('GET', '/requests');
  return (body.requests as { path: string }[]).filter((r) => r.path.endsWith('/log/getRecogLog')).length;
}

describe('log recog export', () => {
  it('exports 100,000 stored rows exactly: same ids, no duplicates, nothing else', async () => {
    await addDevice(emu, 'BIG1', 100_000);
    const dir = tmp();
    const out = join(dir, 'big.ndjson');
    const res = await runCli(['log', 'recog', 'export', '--serial', 'BIG1', '-o', 'ndjson', '--out', out], { env });
    expect(res.stderr).toContain('exported 100000 recog log rows');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('');
    const ids = ndjsonIds(readFileSync(out, 'utf8'));
    expectExactly(ids, await storedRecogIds(emu, 'BIG1'));
    expect(Math.min(...ids)).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual(['big.ndjson']);
  }, 240_000);

  it('recognitions arriving during the export (10 a second, inside the window) change nothing', async () => {
    await addDevice(emu, 'LIVE1', 20_000);
    const before = await storedRecogIds(emu, 'LIVE1');
    const calls0 = await getRecogLogCalls();
    const arrived: number[] = [];
    let exporting = true;
    // Recognitions start once the export has read its bound (its first getRecogLog), so every one of
    // them is newer than the bound. Their time is inside the exported window, so they do shift pages.
    const live = (async () => {
      while (exporting && (await getRecogLogCalls()) <= calls0 + 1) await new Promise((r) => setImmediate(r));
      let n = 0;
      while (exporting || n < 3) {
        const t = new Date(Date.now() - 3600_000);
        const time = `${t.getFullYear()}/${String(t.getMonth() + 1).padStart(2, '0')}/${String(t.getDate()).padStart(2, '0')} ${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}:00`;
        arrived.push(await recognize('LIVE1', { time }));
        n++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const res = await runCli(['log', 'recog', 'export', '--serial', 'LIVE1', '--since', '30d', '-o', 'ndjson'], {
      env,
    });
    exporting = false;
    await live;
    expect(res.code).toBe(0);
    const ids = ndjsonIds(res.stdout);
    expect(arrived.length).toBeGreaterThan(0);
    expectExactly(ids, before);
    for (const id of arrived) expect(ids).not.toContain(id);
  }, 120_000);

  it('8 pages in flight, the cloud 20 ms away, while recognitions arrive and the oldest logs are deleted: each row once, newest first', async () => {
    await addDevice(emu, 'LIVE2', 6_000);
    const before = await storedRecogIds(emu, 'LIVE2');
    const calls0 = await getRecogLogCalls();
    const oldest = [...before].sort((a, b) => a - b).slice(0, 600);
    const arrived: number[] = [];
    const deleted: number[] = [];
    let exporting = true;
    // Once the export has read its bound: a new recognition (at the top) and 5 of the oldest logs
    // deleted (below the pages being read), again and again, so answers of one round see both.
    const live = (async () => {
      while (exporting && (await getRecogLogCalls()) <= calls0 + 1) await new Promise((r) => setImmediate(r));
      while (exporting) {
        arrived.push(await recognize('LIVE2'));
        const ids = oldest.splice(0, 5);
        if (ids.length > 0) {
          const res = await fetch(`${emu.url}/log/deleteRecogLog`, {
            method: 'POST',
            headers: { 'ds-api-token': emu.token, 'content-type': 'application/x-www-form-urlencoded' },
            body: `serialNo=LIVE2&ids=${ids.join(',')}`,
          });
          expect(res.status).toBe(200);
          deleted.push(...ids);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    expect((await emu.op('POST', '/api-latency', { ms: 20 })).status).toBe(200);
    let res: Awaited<ReturnType<typeof runCli>>;
    try {
      res = await runCli(['log', 'recog', 'export', '--serial', 'LIVE2', '--page-concurrency', '8', '-o', 'ndjson'], {
        env,
      });
    } finally {
      exporting = false;
      await live;
      await emu.op('POST', '/api-latency', { ms: 0 });
    }
    expect(res.code).toBe(0);
    const ids = ndjsonIds(res.stdout);
    expect(arrived.length).toBeGreaterThan(0);
    expect(deleted.length).toBeGreaterThan(0);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeLessThan(ids[i - 1]);
    const written = new Set(ids);
    const gone = new Set(deleted);
    expect(before.filter((id) => !gone.has(id) && !written.has(id))).toEqual([]);
    // Rows that arrived before the export read its bound may be in it too; nothing else.
    const known = new Set([...before, ...arrived]);
    expect(ids.filter((id) => !known.has(id))).toEqual([]);
  }, 180_000);

  it('--state: the next run exports only the new rows, then nothing', async () => {
    await addDevice(emu, 'INC1', 350);
    const dir = tmp();
    const state = join(dir, 'state.json');
    const run = (name: string) =>
      runCli(['log', 'recog', 'export', '--serial', 'INC1', '--state', state, '-o', 'csv', '--out', join(dir, name)], {
        env,
      });
    expect((await run('1.csv')).code).toBe(0);
    const fresh = [await recognize('INC1'), await recognize('INC1'), await recognize('INC1')];
    expect((await run('2.csv')).code).toBe(0);
    expect((await run('3.csv')).code).toBe(0);
    const csvIds = (name: string) =>
      readFileSync(join(dir, name), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',')[1]));
    expect(csvIds('1.csv')).toHaveLength(350);
    expectExactly(csvIds('2.csv'), fresh);
    expect(csvIds('3.csv')).toEqual([]);
    expectExactly([...csvIds('1.csv'), ...csvIds('2.csv')], await storedRecogIds(emu, 'INC1'));
    expect(JSON.parse(readFileSync(state, 'utf8')).recog.INC1.lastId).toBe(Math.max(...fresh));
  });

  it('a run killed mid-export leaves no output and no state move; the re-run writes every row exactly once', async () => {
    await addDevice(emu, 'KILL1', 30_000);
    const dir = tmp();
    const state = join(dir, 'state.json');
    const first = join(dir, 'first.ndjson');
    expect(
      (await runCli(['log', 'recog', 'export', '--serial', 'KILL1', '--state', state, '--out', first], { env })).code,
    ).toBe(0);
    const added = await emu.op('POST', '/recognize', { serialNo: 'KILL1', count: 20_000 });
    expect(added.status).toBe(200);
    const stateBefore = readFileSync(state, 'utf8');

    const killed = join(dir, 'killed.ndjson');
    const calls0 = await getRecogLogCalls();
    const child = spawn(
      process.execPath,
      [BIN, 'log', 'recog', 'export', '--serial', 'KILL1', '--state', state, '--out', killed],
      {
        env: { ...process.env, ...env, FACETCTL_CONFIG_DIR: tempConfigDir() },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // Let it get well into the pages (and write part of its temporary file), then kill it hard.
    while ((await getRecogLogCalls()) < calls0 + 30) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(killed)).toBe(false);
    // It was killed while writing: its temporary file is what remains.
    expect(readdirSync(dir).some((f) => f.startsWith('.killed.ndjson.facetctl-tmp-'))).toBe(true);
    expect(readFileSync(state, 'utf8')).toBe(stateBefore);

    const again = join(dir, 'again.ndjson');
    const res = await runCli(['log', 'recog', 'export', '--serial', 'KILL1', '--state', state, '--out', again], {
      env,
    });
    expect(res.code).toBe(0);
    const union = [...ndjsonIds(readFileSync(first, 'utf8')), ...ndjsonIds(readFileSync(again, 'utf8'))];
    expect(ndjsonIds(readFileSync(again, 'utf8'))).toHaveLength(20_000);
    expectExactly(union, await storedRecogIds(emu, 'KILL1'));
  }, 120_000);

  it('Ctrl-C mid-export: exit 130, no output file, no temporary file, state unchanged', async () => {
    await addDevice(emu, 'INT1', 20_000);
    const dir = tmp();
    const state = join(dir, 'state.json');
    const stop = new AbortController();
    const calls0 = await getRecogLogCalls();
    const running = runCli(
      ['log', 'recog', 'export', '--serial', 'INT1', '--state', state, '--out', join(dir, 'x.csv')],
      {
        env,
        signal: stop.signal,
      },
    );
    while ((await getRecogLogCalls()) < calls0 + 10) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    const res = await running;
    expect(res.code).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--help states the --concurrency default once', async () => {
    for (const kind of ['recog', 'operate']) {
      const help = (await runCli(['log', kind, 'export', '--help'])).stdout;
      const line = help.split('\n').find((l) => l.includes('--concurrency'));
      expect(line, kind).toMatch(/devices exported at once \(default: 4\)$/);
    }
  });

  it('--sync first asks the device for the logs the cloud has not received yet', async () => {
    await addDevice(emu, 'SYNC1');
    for (let i = 0; i < 3; i++) await emu.op('POST', '/recognize', { serialNo: 'SYNC1', pending: true });
    const without = await runCli(['log', 'recog', 'export', '--serial', 'SYNC1', '-o', 'ndjson'], { env });
    expect(ndjsonIds(without.stdout)).toEqual([]);
    const synced = await runCli(['log', 'recog', 'export', '--serial', 'SYNC1', '--sync', '-o', 'ndjson'], { env });
    expect(synced.code, synced.stderr).toBe(0);
    expectExactly(ndjsonIds(synced.stdout), await storedRecogIds(emu, 'SYNC1'));
    expect(ndjsonIds(synced.stdout)).toHaveLength(3);
  });

  it('--sync that fails for a device: exports what the cloud has, writes the file, moves the state, exits 3', async () => {
    await addDevice(emu, 'SYNCOK', 4);
    await addDevice(emu, 'SYNCOFF', 5);
    expect((await emu.op('PATCH', '/devices/SYNCOFF', { online: false })).status).toBe(200);
    const dir = tmp();
    const out = join(dir, 'logs.ndjson');
    const state = join(dir, 'state.json');
    const argv = ['log', 'recog', 'export', '--serial', 'SYNCOK', '--serial', 'SYNCOFF', '--sync', '-o', 'ndjson'];
    const res = await runCli([...argv, '--out', out, '--state', state], { env });
    expect(res.code, res.stderr).toBe(3);
    expect(res.stderr).toMatch(/^SYNCOFF: sync failed, exporting what the cloud has \(the run will exit 3\): /m);
    expect(res.stderr).not.toMatch(/^SYNCOK: sync failed/m);
    expectExactly(ndjsonIds(readFileSync(out, 'utf8')), [
      ...(await storedRecogIds(emu, 'SYNCOK')),
      ...(await storedRecogIds(emu, 'SYNCOFF')),
    ]);
    expect(Object.keys(JSON.parse(readFileSync(state, 'utf8')).recog).sort()).toEqual(['SYNCOFF', 'SYNCOK']);
  });

  it('a device that fails: exit 3 on stdout with the others exported; with --out nothing is written', async () => {
    await addDevice(emu, 'OKDEV', 120);
    const argv = ['log', 'recog', 'export', '--serial', 'OKDEV', '--serial', 'NOSUCHDEV', '-o', 'ndjson'];
    const res = await runCli(argv, { env });
    expect(res.code).toBe(3);
    // Item by item on stderr, with the API's message verbatim.
    const failed = res.stderr.split('\n').filter((l) => l.startsWith('NOSUCHDEV: '));
    expect(failed).toEqual(['NOSUCHDEV: serialNo: シリアルNo[NOSUCHDEV]のデバイスは契約されていません。']);
    expect(res.stderr).not.toMatch(/^OKDEV: /m);
    expectExactly(ndjsonIds(res.stdout), await storedRecogIds(emu, 'OKDEV'));
    const dir = tmp();
    const state = join(dir, 'state.json');
    const toFile = await runCli([...argv, '--out', join(dir, 'x.ndjson'), '--state', state], { env });
    expect(toFile.code).toBe(1);
    expect(toFile.stderr.split('\n').filter((l) => l.startsWith('NOSUCHDEV: '))).toEqual(failed);
    expect(toFile.stderr).toContain(`1 of 2 device(s) failed, so nothing was written to ${join(dir, 'x.ndjson')}`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('several devices at once: each row once, serialNo column, json as one array', async () => {
    await addDevice(emu, 'MULTI1', 230);
    await addDevice(emu, 'MULTI2', 170);
    const res = await runCli(['log', 'recog', 'export', '--serial', 'MULTI1', '--serial', 'MULTI2', '-o', 'json'], {
      env,
    });
    expect(res.code).toBe(0);
    const rows = JSON.parse(res.stdout) as { serialNo: string; id: string }[];
    const of = (s: string) => rows.filter((r) => r.serialNo === s).map((r) => Number(r.id));
    expectExactly(of('MULTI1'), await storedRecogIds(emu, 'MULTI1'));
    expectExactly(of('MULTI2'), await storedRecogIds(emu, 'MULTI2'));
    expect(rows).toHaveLength(400);
  });

  it('CSV for Excel: CP932 bytes, or UTF-8 with a BOM, in the documented column order', async () => {
    await addDevice(emu, 'CSV1');
    await emu.op('POST', '/device-persons', { serialNo: 'CSV1', personCode: 'P1', personName: '山田 太郎' });
    const id = await recognize('CSV1', { personCode: 'P1' });
    const sjis = await runCli(['log', 'recog', 'export', '--serial', 'CSV1', '-o', 'csv', '--encoding', 'cp932'], {
      env,
    });
    expect(sjis.code).toBe(0);
    expect(sjis.stdoutBytes.includes(iconv.encode('山田 太郎', 'cp932'))).toBe(true);
    const text = iconv.decode(sjis.stdoutBytes, 'cp932');
    const [header, line] = text.trim().split('\n');
    expect(header).toBe(
      'serialNo,id,time,personCode,personName,pictureUrl,mask,temp,pass,searchScore,passFlagName,accessType,cardNo,cardType,cardBindPersonCode,cardBindPersonName',
    );
    expect(line.startsWith(`CSV1,${id},`)).toBe(true);
    expect(line).toContain(',P1,山田 太郎,');

    const bom = await runCli(['log', 'recog', 'export', '--serial', 'CSV1', '-o', 'csv', '--bom'], { env });
    expect([...bom.stdoutBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bom.stdoutBytes.subarray(3).toString('utf8').split('\n')[0]).toBe(header);
  });

  it('--pictures saves each picture with the cookies and skips files already there', async () => {
    await addDevice(emu, 'PIC1');
    const ids = [await recognize('PIC1'), await recognize('PIC1'), await recognize('PIC1')];
    const dir = tmp();
    const res = await runCli(
      ['log', 'recog', 'export', '--serial', 'PIC1', '--pictures', dir, '--picture-expires', '10', '-o', 'ndjson'],
      { env },
    );
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('3 pictures saved');
    const files = readdirSync(join(dir, 'PIC1')).sort();
    expect(files).toEqual(ids.map((i) => `${i}.jpg`).sort());
    const jpeg = readFileSync(join(dir, 'PIC1', files[0]));
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    const again = await runCli(['log', 'recog', 'export', '--serial', 'PIC1', '--pictures', dir, '-o', 'ndjson'], {
      env,
    });
    expect(again.stderr).toContain('0 pictures saved (3 already there)');
    const { body } = await emu.op('GET', '/requests');
    const pictureCalls = (body.requests as { path: string; params?: string[] }[]).filter((r) =>
      r.path.startsWith('/pictures/'),
    );
    expect(pictureCalls.length).toBe(3);
  });

  it('a state file that could not be saved is refused before anything is exported', async () => {
    await addDevice(emu, 'ST1', 5);
    const dir = tmp();
    const res = await runCli(
      [
        'log',
        'recog',
        'export',
        '--serial',
        'ST1',
        '--state',
        join(dir, 'missing', 's.json'),
        '--out',
        join(dir, 'o.csv'),
      ],
      { env },
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--state .*s\.json: the folder .*missing does not exist/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('usage errors exit 2 before anything is sent', async () => {
    const cases = [
      ['log', 'recog', 'export', '-o', 'csv'],
      ['log', 'recog', 'export', '--serial', 'X', '--all-devices'],
      ['log', 'recog', 'export', '--serial', 'X', '--from', 'garbage'],
      ['log', 'recog', 'export', '--serial', 'X', '-o', 'table'],
      ['log', 'recog', 'export', '--serial', 'X', '-o', 'ndjson', '--encoding', 'cp932'],
      ['log', 'recog', 'export', '--serial', 'X', '--state', 's.json', '--to', 'now'],
      ['log', 'recog', 'export', '--serial', 'X', '--picture-expires', '5', '--pictures', 'd'],
    ];
    for (const argv of cases) {
      const res = await runCli(argv, { env });
      expect(res.code, argv.join(' ')).toBe(2);
    }
  });
});

describe('log operate export', () => {
  it('exports every operation log once, and --state continues from the last second', async () => {
    await addDevice(emu, 'OPS1');
    const add = (time: string, subType: string) =>
      emu.op('POST', '/operate-logs', { serialNo: 'OPS1', time, subType, detail: subType });
    for (let i = 0; i < 150; i++) {
      await add(`2026/01/01 10:${String(Math.floor(i / 3)).padStart(2, '0')}:00`, `s${i}`);
    }
    const dir = tmp();
    const state = join(dir, 'state.json');
    const run = (name: string) =>
      runCli(
        ['log', 'operate', 'export', '--serial', 'OPS1', '--state', state, '-o', 'ndjson', '--out', join(dir, name)],
        { env },
      );
    expect((await run('1.ndjson')).code).toBe(0);
    // One more in the last exported second, and one later.
    await add('2026/01/01 10:49:00', 'late-same-second');
    await add('2026/01/01 11:00:00', 'later');
    expect((await run('2.ndjson')).code).toBe(0);
    const read = (name: string) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { subType: string; serialNo: string });
    const first = read('1.ndjson').map((r) => r.subType);
    const second = read('2.ndjson').map((r) => r.subType);
    const created = first.filter((s) => /^s\d+$/.test(s));
    expect(new Set(created).size).toBe(150);
    expect(second.sort()).toEqual(['late-same-second', 'later']);
    expect(read('1.ndjson')[0].serialNo).toBe('OPS1');
  });

  it('a device that fails is named on stderr with the API message', async () => {
    await addDevice(emu, 'OPS2');
    const res = await runCli(['log', 'operate', 'export', '--serial', 'OPS2', '--serial', 'NOOPSDEV', '-o', 'ndjson'], {
      env,
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('NOOPSDEV: serialNo: シリアルNo[NOOPSDEV]のデバイスは契約されていません。\n');
    expect(res.stderr).not.toMatch(/^OPS2: /m);
  });
});
