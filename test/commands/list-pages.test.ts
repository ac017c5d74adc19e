/**
 * Pages told, and never repeated (docs/output.md, "Lists with more than one page"): a single page
 * of a longer list says so on stderr in every format, with the flags that get the rest; `--all`
 * writes each row once while rows arrive.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useCliEmulator } from '../helpers/cli-emulator.js';

const setup = useCliEmulator();

beforeAll(async () => {
  for (const [serialNo, count] of [
    ['LP1', 430],
    ['LP2', 2500],
  ] as const) {
    expect((await setup.emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    expect((await setup.emu.op('POST', '/recognize', { serialNo, count, days: 1 })).status).toBe(200);
  }
});

describe('a list with more pages than shown', () => {
  for (const format of ['csv', 'ndjson', 'json', 'table']) {
    it(`-o ${format}: says on stderr how many pages there are and how to get them`, async () => {
      const res = await runCli(['log', 'recog', 'list', '--serial', 'LP1', '--recog-time-from', '-48h', '-o', format], {
        env: setup.env,
      });
      expect(res.code).toBe(0);
      expect(res.stderr).toContain(
        'page 1 of 5 (100 of 430 rows); more pages: --page 2 for the next, --all for every row',
      );
      expect(res.stdout).not.toContain('more pages');
    });
  }

  it('the last page, a one-page list and --all say nothing of the kind', async () => {
    const last = await runCli(['log', 'recog', 'list', '--serial', 'LP1', '--page', '5', '-o', 'csv'], {
      env: setup.env,
    });
    expect(last.code).toBe(0);
    expect(last.stderr).not.toContain('more pages');
    const all = await runCli(['log', 'recog', 'list', '--serial', 'LP1', '--all', '-o', 'ndjson'], { env: setup.env });
    expect(all.stdout.trim().split('\n')).toHaveLength(430);
    expect(all.stderr).not.toContain('more pages');
  });
});

describe('--all while rows arrive', () => {
  it('writes each row once and loses none of the rows there at the start', async () => {
    const before = await runCli(['log', 'recog', 'list', '--serial', 'LP2', '--all', '-o', 'ndjson'], {
      env: setup.env,
    });
    const startIds = before.stdout
      .trim()
      .split('\n')
      .map((l) => Number(JSON.parse(l).id));
    expect(startIds).toHaveLength(2500);
    // Slow pages, so that the recognitions below land between them.
    await setup.emu.op('POST', '/faults', { path: '/log/getRecogLog', delayMs: 40 });
    let arriving = true;
    let arrived = 0;
    const arrivals = (async () => {
      while (arriving && arrived < 60) {
        await setup.emu.op('POST', '/recognize', { serialNo: 'LP2' });
        arrived++;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const res = await runCli(['log', 'recog', 'list', '--serial', 'LP2', '--all', '-o', 'ndjson'], { env: setup.env });
    arriving = false;
    await arrivals;
    await setup.emu.op('DELETE', '/faults');
    expect(res.code, res.stderr).toBe(0);
    expect(arrived).toBeGreaterThan(0);
    const ids = res.stdout
      .trim()
      .split('\n')
      .map((l) => Number(JSON.parse(l).id));
    expect(new Set(ids).size).toBe(ids.length);
    const got = new Set(ids);
    expect(startIds.filter((id) => !got.has(id))).toEqual([]);
  });
});
