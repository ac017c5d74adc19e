/**
 * A picture that cannot be saved must not be lost by `--state`: the rows are written once and the
 * mark moves on, so the state lists the failed pictures and the next run fetches them again.
 *
 * The emulator's injected faults do not reach its picture host (`/pictures/...`), so the failure
 * is made with the emulator's own check: a wrapper around the real client sends pictures of chosen
 * ids without their cookies, and the emulator answers 403 (also after the re-read for a fresh
 * cookie). Everything else is the real client against the real emulator.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type FacetClient } from '../../../src/core/client.js';
import type { ExportClient } from '../../../src/workflows/export/export-client.js';
import { exportFailure, runLogExport } from '../../../src/workflows/export/log-export.js';
import { runCli } from '../../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { hostProcesses } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/temp.js';

let emu: TestEmulator;
let client: FacetClient;

beforeAll(async () => {
  emu = await startTestEmulator();
  client = createClient({ baseUrl: emu.url, token: emu.token });
});
afterAll(async () => {
  await client?.close();
  await emu?.close();
});

const tmp = () => tempDir('facetctl-picretry-');

/**
 * The real client, except that pictures of `broken` log ids go out without cookies (the emulator
 * answers 403). Picture URLs carry a nonce per answer, so the wrapper learns each URL's log id from
 * the getRecogLog answers it passes on.
 */
function breakingPictures(broken: ReadonlySet<number>): ExportClient {
  const idOfUrl = new Map<string, number>();
  return {
    json: async (ep, wire, opts) => {
      const body = await client.json(ep, wire, opts);
      for (const r of body?.list ?? []) if (r.pictureUrl && r.id !== null) idOfUrl.set(r.pictureUrl, Number(r.id));
      return body;
    },
    call: (ep, wire, opts) => client.call(ep, wire, opts),
    fetchPicture: (url, cookie, opts) =>
      client.fetchPicture(url, broken.has(idOfUrl.get(url) ?? -1) ? {} : cookie, opts),
  };
}

async function exportOnce(c: ExportClient, serialNo: string, dir: string, n: number) {
  const out = join(dir, `${n}.ndjson`);
  const notes: string[] = [];
  const result = await runLogExport(c, {
    owner: hostProcesses,
    kind: 'recog',
    serials: [serialNo],
    format: 'ndjson',
    out,
    statePath: join(dir, 'state.json'),
    pictures: { dir: join(dir, 'pics') },
    now: new Date(),
    signal: new AbortController().signal,
    stdout: new PassThrough(),
    note: (l) => notes.push(l),
  });
  const ids = readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(JSON.parse(l).id));
  return { result, ids, notes };
}

async function recognize(serialNo: string): Promise<number> {
  const res = await emu.op('POST', '/recognize', { serialNo });
  expect(res.status).toBe(200);
  return res.body.id as number;
}

describe('pictures that failed are retried by the next --state run', () => {
  it('rows once, the failed picture listed in the state, saved by the next run, then dropped', async () => {
    const serialNo = 'PICR1';
    expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await recognize(serialNo));
    const dir = tmp();
    const picFile = (id: number) => join(dir, 'pics', serialNo, `${id}.jpg`);

    const broken = breakingPictures(new Set([ids[2]]));
    const first = await exportOnce(broken, serialNo, dir, 1);
    expect([...first.ids].sort()).toEqual([...ids].sort());
    expect(first.result.pictures?.failed.map((f) => f.id)).toEqual([ids[2]]);
    expect(first.result.pictures?.failed[0].reason).toBe('HTTP 403');
    expect(exportFailure(first.result)?.constructor.name).toBe('PartialError');
    expect(existsSync(picFile(ids[2]))).toBe(false);
    expect(readdirSync(join(dir, 'pics', serialNo))).toHaveLength(4);
    const mark = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).recog[serialNo];
    expect(mark.lastId).toBe(Math.max(...ids));
    expect(mark.pictureRetry).toEqual([
      { id: ids[2], time: expect.stringMatching(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d$/) },
    ]);

    // Still broken: the row is not written again, the picture stays listed.
    const second = await exportOnce(broken, serialNo, dir, 2);
    expect(second.ids).toEqual([]);
    expect(second.result.pictures?.failed.map((f) => f.id)).toEqual([ids[2]]);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).recog[serialNo].pictureRetry).toHaveLength(1);

    // The picture host works again; one new row arrives meanwhile.
    const fresh = await recognize(serialNo);
    const third = await exportOnce(client, serialNo, dir, 3);
    expect(third.ids).toEqual([fresh]);
    expect(third.result.pictures).toMatchObject({ saved: 2, retried: 1, failed: [] });
    expect(exportFailure(third.result)).toBeUndefined();
    expect([...readFileSync(picFile(ids[2])).subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).recog[serialNo].pictureRetry).toBeUndefined();

    const fourth = await exportOnce(client, serialNo, dir, 4);
    expect(fourth.ids).toEqual([]);
    expect(fourth.result.pictures).toMatchObject({ saved: 0, retried: 0, failed: [] });
  });

  it('a run without --pictures keeps the list; a row deleted from the cloud is dropped with a note', async () => {
    const serialNo = 'PICR2';
    expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    const id = await recognize(serialNo);
    const dir = tmp();
    const first = await exportOnce(breakingPictures(new Set([id])), serialNo, dir, 1);
    expect(first.result.pictures?.failed.map((f) => f.id)).toEqual([id]);

    const state = join(dir, 'state.json');
    const env = { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
    const plain = await runCli(['log', 'recog', 'export', '--serial', serialNo, '--state', state, '-o', 'ndjson'], {
      env,
    });
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(readFileSync(state, 'utf8')).recog[serialNo].pictureRetry).toHaveLength(1);

    const del = await runCli(['log', 'recog', 'delete', '--serial', serialNo, '--ids', String(id), '--yes'], { env });
    expect(del.code, del.stderr).toBe(0);
    const cli = await runCli(
      [
        'log',
        'recog',
        'export',
        '--serial',
        serialNo,
        '--state',
        state,
        '--pictures',
        join(dir, 'pics'),
        '-o',
        'ndjson',
      ],
      { env },
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain(`${serialNo}: log ${id} (`);
    expect(cli.stderr).toContain('is no longer in the cloud');
    expect(JSON.parse(readFileSync(state, 'utf8')).recog[serialNo].pictureRetry).toBeUndefined();
  });
});
