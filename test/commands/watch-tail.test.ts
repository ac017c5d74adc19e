/**
 * `facetctl log recog tail` / `log operate tail` through the real CLI against the emulator (issue 15
 * §1): a child process follows recognitions generated during the run (a steady generator with
 * preliminary rows, and a burst of several pages), is stopped, and a restart with the same --state
 * prints what arrived meanwhile: every stored row exactly once, none with a null id, none skipped.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BIN, runCli, tempConfigDir } from '../helpers/cli.js';
import { useCliEmulator } from '../helpers/cli-emulator.js';
import { storedRecogIdsWithPreliminary } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp.js';

const setup = useCliEmulator();

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Follower {
  child: ChildProcessWithoutNullStreams;
  lines: () => Record<string, unknown>[];
  stderr: () => string;
  exit: Promise<number>;
}

function follow(argv: string[]): Follower {
  const child = spawn(process.execPath, [BIN, ...argv], {
    env: { ...process.env, FACETCTL_CONFIG_DIR: tempConfigDir(), ...setup.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end();
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  child.stderr.on('data', (c) => {
    err += c;
  });
  const exit = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return {
    child,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l)),
    stderr: () => err,
    exit,
  };
}

const idsOf = (rows: Record<string, unknown>[]) => rows.map((r) => r.id);

describe('log recog tail', () => {
  it('prints the last N rows oldest first and exits; the document order is by id', async () => {
    expect((await setup.emu.op('POST', '/devices', { serialNo: 'TL0' })).status).toBe(201);
    expect((await setup.emu.op('POST', '/recognize', { serialNo: 'TL0', count: 150 })).status).toBe(200);
    const res = await runCli(['log', 'recog', 'tail', '--serial', 'TL0', '-n', '120', '-o', 'ndjson'], {
      env: setup.env,
    });
    expect(res.code, res.stderr).toBe(0);
    const rows = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const stored = (await storedRecogIdsWithPreliminary(setup.emu, 'TL0')) as number[];
    expect(rows.map((r) => Number(r.id))).toEqual(stored.slice(0, 120).reverse());
    expect(rows[0].serialNo).toBe('TL0');
  });

  it('--follow prints rows arriving while it pages, preliminary ones once they have an id; a restart with --state continues exactly', async () => {
    const serialNo = 'TL1';
    expect((await setup.emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    expect((await setup.emu.op('POST', '/recognize', { serialNo, count: 40 })).status).toBe(200);
    const state = join(tempDir('facetctl-tail-'), 'tail.state.json');
    const argv = ['log', 'recog', 'tail', '--serial', serialNo, '--interval', '1s', '-o', 'ndjson', '--state', state];

    const first = follow([...argv, '--follow', '-n', '5']);
    onTestFinished(() => {
      first.child.kill('SIGKILL');
    });
    await until('the last 5 rows', () => first.lines().length >= 5);
    const baseline = (await storedRecogIdsWithPreliminary(setup.emu, serialNo)) as number[];
    expect(idsOf(first.lines()).map(Number)).toEqual(baseline.slice(0, 5).reverse());

    // A steady stream (every 4th preliminary, finalised 300 ms later) and a burst of 250 rows (3 pages).
    expect(
      (
        await setup.emu.op('POST', '/generate', {
          serialNo,
          everyMs: 40,
          count: 40,
          preliminaryEvery: 4,
          finalizeAfterMs: 300,
        })
      ).status,
    ).toBe(201);
    expect((await setup.emu.op('POST', '/recognize', { serialNo, count: 250 })).status).toBe(200);
    await until('the follower to print 150 new rows', () => first.lines().length >= 155);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(143); // SIGTERM: 128 + 15, after the clean stop

    // More arrive while nothing follows; then the generator ends and every preliminary row is final.
    await until(
      'the generator to finish',
      async () => (await setup.emu.op('GET', '/generate')).body.generators.length === 0,
    );
    expect((await setup.emu.op('POST', '/recognize', { serialNo, count: 30 })).status).toBe(200);
    await setup.emu.op('POST', '/finalize', { serialNo });

    const second = await runCli([...argv, '-n', '5'], { env: setup.env });
    expect(second.code, second.stderr).toBe(0);
    const secondRows = second.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));

    const printed = [...first.lines(), ...secondRows].map((r) => r.id);
    expect(printed).not.toContain(null);
    const numbers = printed.map(Number);
    expect(new Set(numbers).size, 'a row printed twice').toBe(numbers.length);
    const stored = (await storedRecogIdsWithPreliminary(setup.emu, serialNo)) as (number | null)[];
    expect(stored).not.toContain(null);
    const expected = (stored as number[]).filter((id) => id >= baseline[4]).sort((a, b) => a - b);
    expect([...numbers].sort((a, b) => a - b)).toEqual(expected);
    // Within each run, rows are printed oldest first per poll: the second run's rows are ascending.
    expect(secondRows.map((r) => Number(r.id))).toEqual([...secondRows.map((r) => Number(r.id))].sort((a, b) => a - b));
  }, 120_000);

  it('holds its --state file: an export or a second tail with it stops with exit 1 while the tail follows; after the tail stops, the export continues from its mark', async () => {
    const serialNo = 'TLK';
    expect((await setup.emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    expect((await setup.emu.op('POST', '/recognize', { serialNo, count: 30 })).status).toBe(200);
    const dir = tempDir('facetctl-tail-lock-');
    const state = join(dir, 'shared.state.json');
    const tail = follow([
      'log',
      'recog',
      'tail',
      '--serial',
      serialNo,
      '--interval',
      '1s',
      '-o',
      'ndjson',
      '--state',
      state,
      '--follow',
      '-n',
      '3',
    ]);
    onTestFinished(() => {
      tail.child.kill('SIGKILL');
    });
    await until('the last 3 rows', () => tail.lines().length >= 3);
    const out = join(dir, 'rows.ndjson');
    const exportArgv = ['log', 'recog', 'export', '--serial', serialNo, '-o', 'ndjson', '--out', out, '--state', state];
    const busy = await runCli(exportArgv, { env: setup.env });
    expect(busy.code, busy.stderr).toBe(1);
    expect(busy.stderr).toContain(
      `another facetctl (pid ${tail.child.pid}) is using this state file (an export or a tail)`,
    );
    const second = await runCli(['log', 'recog', 'tail', '--serial', serialNo, '-o', 'ndjson', '--state', state], {
      env: setup.env,
    });
    expect(second.code, second.stderr).toBe(1);
    expect(second.stdout).toBe('');
    // The same file through a link meets the same lock.
    const { symlinkSync } = await import('node:fs');
    symlinkSync(state, join(dir, 'link.state.json'));
    const linked = await runCli(
      ['log', 'recog', 'tail', '--serial', serialNo, '-o', 'ndjson', '--state', join(dir, 'link.state.json')],
      {
        env: setup.env,
      },
    );
    expect(linked.code, linked.stderr).toBe(1);
    tail.child.kill('SIGTERM');
    expect(await tail.exit).toBe(143);
    // The lock is gone with the tail; the export starts after the tail's mark (nothing new arrived).
    expect((await setup.emu.op('POST', '/recognize', { serialNo, count: 4 })).status).toBe(200);
    const after = await runCli(exportArgv, { env: setup.env });
    expect(after.code, after.stderr).toBe(0);
    const { readFileSync, existsSync } = await import('node:fs');
    expect(existsSync(`${state}.lock`)).toBe(false);
    const exported = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(JSON.parse(l).id));
    const stored = (await storedRecogIdsWithPreliminary(setup.emu, serialNo)) as number[];
    expect(exported.sort((a, b) => a - b)).toEqual(stored.slice(0, 4).sort((a, b) => a - b));
  }, 60_000);

  it('--follow rides out a cloud that answers 502 for a while: it says so on stderr, waits, and prints what arrived meanwhile once the cloud answers', async () => {
    const serialNo = 'TLOUT';
    expect((await setup.emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    expect((await setup.emu.op('POST', '/recognize', { serialNo, count: 3 })).status).toBe(200);
    const tail = follow([
      'log',
      'recog',
      'tail',
      '--serial',
      serialNo,
      '--interval',
      '1s',
      '-o',
      'ndjson',
      '--follow',
      '-n',
      '3',
    ]);
    onTestFinished(async () => {
      tail.child.kill('SIGKILL');
      await setup.emu.op('DELETE', '/faults');
    });
    await until('the last 3 rows', () => tail.lines().length >= 3);
    expect((await setup.emu.op('POST', '/faults', { path: '/log/getRecogLog', status: 502 })).status).toBeLessThan(300);
    await until('the outage noted', () => tail.stderr().includes(`${serialNo}: cannot read the logs`));
    expect((await setup.emu.op('POST', '/recognize', { serialNo, count: 4 })).status).toBe(200);
    await setup.emu.op('DELETE', '/faults');
    await until('the rows of the outage', () => tail.lines().length >= 7);
    expect(tail.stderr()).toMatch(new RegExp(`${serialNo}: reading the logs again after \\d+ s`));
    const ids = tail.lines().map((r) => Number(r.id));
    expect(new Set(ids).size).toBe(7);
    tail.child.kill('SIGTERM');
    expect(await tail.exit).toBe(143);
  }, 60_000);

  it('--follow started while the cloud is down (a restart by systemd or cron) waits for it, for a device resumed from --state and for one read for the first time', async () => {
    for (const serialNo of ['TLDOWN1', 'TLDOWN2']) {
      expect((await setup.emu.op('POST', '/devices', { serialNo })).status).toBe(201);
      expect((await setup.emu.op('POST', '/recognize', { serialNo, count: 2 })).status).toBe(200);
    }
    const dir = tempDir('facetctl-tail-down-');
    const state = join(dir, 'state.json');
    // TLDOWN1 has a mark from an earlier run; TLDOWN2 has none.
    const earlier = await runCli(['log', 'recog', 'tail', '--serial', 'TLDOWN1', '-o', 'ndjson', '--state', state], {
      env: setup.env,
    });
    expect(earlier.code, earlier.stderr).toBe(0);
    onTestFinished(async () => {
      await setup.emu.op('DELETE', '/faults');
    });
    const argv = ['log', 'recog', 'tail', '--interval', '1s', '-o', 'ndjson', '--follow', '-n', '5'];
    for (const [serials, rowsAfter] of [
      [['TLDOWN1'], 3], // resumed from its mark: the 3 rows made during the outage
      [['TLDOWN2'], 2], // read for the first time: its last rows
    ] as const) {
      expect((await setup.emu.op('POST', '/faults', { path: '/log/getRecogLog', status: 503 })).status).toBeLessThan(
        300,
      );
      const tail = follow([...argv, ...serials.flatMap((s) => ['--serial', s]), '--state', state]);
      onTestFinished(() => {
        tail.child.kill('SIGKILL');
      });
      await until('the outage noted', () => tail.stderr().includes(`${serials[0]}: cannot read the logs`));
      if (serials[0] === 'TLDOWN1') {
        expect((await setup.emu.op('POST', '/recognize', { serialNo: 'TLDOWN1', count: 3 })).status).toBe(200);
      }
      await setup.emu.op('DELETE', '/faults');
      await until('the rows', () => tail.lines().length >= rowsAfter);
      expect(tail.lines().every((r) => r.serialNo === serials[0])).toBe(true);
      tail.child.kill('SIGTERM');
      expect(await tail.exit).toBe(143);
      expect(tail.lines()).toHaveLength(rowsAfter);
    }
  }, 90_000);

  it('--all-devices --follow follows a device added to the contract while it runs, from its last -n rows', async () => {
    const tail = follow([
      'log',
      'recog',
      'tail',
      '--all-devices',
      '--interval',
      '1s',
      '-o',
      'ndjson',
      '--follow',
      '-n',
      '1',
    ]);
    onTestFinished(() => {
      tail.child.kill('SIGKILL');
    });
    await until('the first round', () => tail.lines().length >= 1 || tail.stderr().length > 0, 30_000);
    expect((await setup.emu.op('POST', '/devices', { serialNo: 'TLNEW' })).status).toBe(201);
    expect((await setup.emu.op('POST', '/recognize', { serialNo: 'TLNEW', count: 2 })).status).toBe(200);
    // The device list is read again every ten intervals (at least 10 s).
    await until('the new device noted', () => tail.stderr().includes('TLNEW: a new device; following it too'), 40_000);
    // Its last -n rows first; then what arrives is followed.
    await until('its last row', () => tail.lines().some((r) => r.serialNo === 'TLNEW'), 30_000);
    expect((await setup.emu.op('POST', '/recognize', { serialNo: 'TLNEW', count: 3 })).status).toBe(200);
    await until('its rows', () => tail.lines().filter((r) => r.serialNo === 'TLNEW').length >= 1 + 3, 30_000);
    const ids = tail
      .lines()
      .filter((r) => r.serialNo === 'TLNEW')
      .map((r) => Number(r.id));
    expect(new Set(ids).size).toBe(ids.length);
    tail.child.kill('SIGTERM');
    expect(await tail.exit).toBe(143);
  }, 90_000);

  it('while following, asks each device at most once per interval, catching a burst up page by page', async () => {
    const serialNo = 'TL2';
    expect((await setup.emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    await setup.emu.op('DELETE', '/requests');
    const started = Date.now();
    const f = follow(['log', 'recog', 'tail', '--serial', serialNo, '-n', '0', '--follow', '--interval', '1s']);
    onTestFinished(() => {
      f.child.kill('SIGKILL');
    });
    // The burst comes after the first read (else it would be history, not news).
    await until('the first read', async () =>
      (await setup.emu.op('GET', '/requests')).body.requests.some((r: { path: string }) =>
        r.path.endsWith('/log/getRecogLog'),
      ),
    );
    // A burst of 450 rows: five pages for the next poll, which must be spread over five intervals.
    expect((await setup.emu.op('POST', '/recognize', { serialNo, count: 450 })).status).toBe(200);
    await until('the burst to be printed', () => f.lines().length >= 450);
    f.child.kill('SIGTERM');
    expect(await f.exit).toBe(143);
    const journal = (await setup.emu.op('GET', '/requests')).body.requests;
    expect(f.lines().map((r) => Number(r.id))).toEqual(
      ((await storedRecogIdsWithPreliminary(setup.emu, serialNo)) as number[]).reverse(),
    );
    const elapsed = Date.now() - started;
    const calls = journal.filter((r: { path: string }) => r.path.endsWith('/log/getRecogLog'));
    // Five pages for the burst, plus the first read and the polls before it.
    expect(calls.length).toBeGreaterThanOrEqual(6);
    // Sends at least 1 s apart: however loaded the machine, no more than one per second of the run
    // (an inequality the pacer guarantees, not a measurement of speed).
    expect(calls.length).toBeLessThanOrEqual(Math.floor(elapsed / 1000) + 1);
  });

  it('prints the first -n rows at once (a one-time read, not paced)', async () => {
    const serialNo = 'TL3';
    expect((await setup.emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    expect((await setup.emu.op('POST', '/recognize', { serialNo, count: 450 })).status).toBe(200);
    await setup.emu.op('DELETE', '/requests');
    const res = await runCli(
      ['log', 'recog', 'tail', '--serial', serialNo, '-n', '400', '--interval', '1h', '-o', 'ndjson'],
      { env: setup.env },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim().split('\n')).toHaveLength(400);
    // Four pages, no look-ahead request past them.
    const calls = (await setup.emu.op('GET', '/requests')).body.requests.filter((r: { path: string }) =>
      r.path.endsWith('/log/getRecogLog'),
    );
    expect(calls).toHaveLength(4);
  });

  it('refuses an interval under one second and -o json, nothing sent', async () => {
    const fast = await runCli(['log', 'recog', 'tail', '--serial', 'TL0', '--interval', '0s'], { env: setup.env });
    expect(fast.code).toBe(2);
    expect(fast.stderr).toMatch(/--interval must be at least 1s/);
    const json = await runCli(['log', 'recog', 'tail', '--serial', 'TL0', '-o', 'json'], { env: setup.env });
    expect(json.code).toBe(2);
  });
});

describe('log operate tail', () => {
  it('prints the last N operation rows, then with --state only the new ones, same-second rows included', async () => {
    const serialNo = 'TO1';
    expect((await setup.emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    const t = (s: number) => {
      const d = new Date(Date.now() - 120_000 + s * 1000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    };
    for (let i = 0; i < 5; i++) await setup.emu.op('POST', '/operate-logs', { serialNo, time: t(i), detail: `a${i}` });
    const state = join(tempDir('facetctl-otail-'), 'state.json');
    const argv = ['log', 'operate', 'tail', '--serial', serialNo, '-o', 'ndjson', '--state', state, '--interval', '1s'];
    const first = await runCli([...argv, '-n', '2'], { env: setup.env });
    expect(first.code, first.stderr).toBe(0);
    const details = (out: string) =>
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).detail);
    expect(details(first.stdout)).toEqual(['a3', 'a4']);
    // A row in the same second as the last one printed, and two later ones.
    await setup.emu.op('POST', '/operate-logs', { serialNo, time: t(4), detail: 'b4' });
    await setup.emu.op('POST', '/operate-logs', { serialNo, time: t(5), detail: 'b5' });
    await setup.emu.op('POST', '/operate-logs', { serialNo, time: t(6), detail: 'b6' });
    const second = await runCli([...argv, '-n', '2'], { env: setup.env });
    expect(second.code, second.stderr).toBe(0);
    expect(details(second.stdout)).toEqual(['b4', 'b5', 'b6']);
    const third = await runCli([...argv, '-n', '2'], { env: setup.env });
    expect(third.stdout).toBe('');
  });
});
