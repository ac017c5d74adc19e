/** `senselink record export` against the emulator's 認証レコード+ API, and the window arithmetic. */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointDef } from '../../../src/registry/index.js';
import type { ExportClient } from '../../../src/workflows/export/export-client.js';
import { runSenselinkExport, splitWindows, WINDOW_MS } from '../../../src/workflows/export/senselink-export.js';
import { runCli } from '../../helpers/cli.js';
import { connectionEnv } from '../../helpers/cli-emulator.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { PICTURES, picture } from '../../helpers/fixtures.js';
import { hostProcesses } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/temp.js';

let emu: TestEmulator;
let env: Record<string, string>;
const FACE = picture('face-astronaut.jpg');

beforeAll(async () => {
  emu = await startTestEmulator();
  env = connectionEnv(emu);
});
afterAll(async () => {
  await emu?.close();
});

describe('splitWindows', () => {
  it('cuts 50 hours into 24 + 24 + 2 hours sharing their boundaries', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date(from.getTime() + 50 * 3600_000);
    const w = splitWindows(from, to);
    expect(w.map((x) => (x.to.getTime() - x.from.getTime()) / 3600_000)).toEqual([24, 24, 2]);
    expect(w[1].from).toEqual(w[0].to);
    expect(w[2].to).toEqual(to);
    for (const x of w) expect(x.to.getTime() - x.from.getTime()).toBeLessThanOrEqual(WINDOW_MS);
    expect(splitWindows(from, from)).toHaveLength(1);
  });
});

describe('window boundaries', () => {
  it('a record stored exactly at a boundary is in both windows the API answers, and is written once', async () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date(from.getTime() + 30 * 3600_000);
    const boundary = from.getTime() + WINDOW_MS;
    const records = [
      { record_id: 1, create_at: from.getTime() + 1000 },
      { record_id: 2, create_at: boundary },
      { record_id: 3, create_at: boundary + 1 },
      { record_id: 4, create_at: to.getTime() },
    ];
    const asked: string[] = [];
    const client = {
      async json(_ep: EndpointDef, wire: Record<string, string>) {
        asked.push(`${wire.time_from}..${wire.time_to}`);
        const lo = Date.parse(wire.time_from);
        const hi = Date.parse(wire.time_to);
        const list = records.filter((r) => r.create_at >= lo && r.create_at <= hi);
        return { code: 200, message: 'OK', data: { total: list.length, list } };
      },
    } as unknown as ExportClient;
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => {
      text += c;
    });
    const result = await runSenselinkExport(client, {
      owner: hostProcesses,
      from,
      to,
      format: 'ndjson',
      signal: new AbortController().signal,
      stdout: out,
    });
    expect(asked).toHaveLength(2);
    expect(result.rows).toBe(4);
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).record_id),
    ).toEqual([1, 2, 3, 4]);
  });
});

describe('senselink record export', () => {
  it('exports every record of a 50-hour range (three windows) once and saves the snapshots', async () => {
    const created: number[] = [];
    for (let i = 0; i < 130; i++) {
      const res = await runCli(
        [
          'senselink',
          'record',
          'create',
          '--sn',
          i % 2 ? 'SL1' : 'SL2',
          '--timestamp',
          String(1_700_000_000 + i),
          '--image',
          join(PICTURES, 'face-astronaut.jpg'),
          '-o',
          'json',
        ],
        { env },
      );
      expect(res.code, res.stderr).toBe(0);
      created.push(JSON.parse(res.stdout).data?.record_id ?? JSON.parse(res.stdout).record_id);
    }
    const dir = tempDir('facetctl-sl-');
    const out = join(dir, 'records.ndjson');
    const images = join(dir, 'snaps');
    const res = await runCli(
      ['senselink', 'record', 'export', '--from', '-49h', '--to', '+1h', '--out', out, '--images', images],
      { env },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('in 3 window(s)');
    const rows = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const ids = rows.map((r) => Number(r.record_id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort((a, b) => a - b)).toEqual([...created].sort((a, b) => a - b));
    expect(Object.keys(rows[0]).slice(0, 3)).toEqual(['record_id', 'sn', 'image_id']);
    const files = readdirSync(images);
    expect(files).toHaveLength(new Set(rows.map((r) => r.image_id)).size);
    expect(readFileSync(join(images, files[0]))).toEqual(FACE);

    const one = await runCli(
      ['senselink', 'record', 'export', '--from', '-2h', '--to', 'now', '--sn', 'SL1', '-o', 'csv'],
      { env },
    );
    expect(one.code, one.stderr).toBe(0);
    const lines = one.stdout.trim().split('\n');
    expect(lines[0]).toBe('record_id,sn,image_id,user_id,verify_score,device_timestamp,timezone,create_at,extend');
    expect(lines).toHaveLength(1 + 65);
    expect(lines.slice(1).every((l) => l.split(',')[1] === 'SL1')).toBe(true);
  });
});
