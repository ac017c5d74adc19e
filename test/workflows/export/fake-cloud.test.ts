/**
 * States the emulator cannot produce, through a fake client: preliminary records (id null) that get
 * their id later, and picture cookies that expire between the page and the picture.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { EndpointDef } from '../../../src/registry/index.js';
import type { ExportClient } from '../../../src/workflows/export/export-client.js';
import { runLogExport } from '../../../src/workflows/export/log-export.js';
import { newPictureStats, savePictures } from '../../../src/workflows/export/picture-saver.js';
import type { RecogRow } from '../../../src/workflows/export/recog-walk.js';
import { hostProcesses } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/temp.js';

const tmp = () => tempDir('facetctl-fake-');

function fakeCloud(rows: RecogRow[], cookie = () => ({ 'CloudFront-Policy': 'p' })) {
  const sorted = () =>
    [...rows].sort((a, b) => (b.id === null ? 1e12 : Number(b.id)) - (a.id === null ? 1e12 : Number(a.id)));
  const json = async (ep: EndpointDef, wire: Record<string, string>) => {
    if (ep.action !== 'getRecogLog') throw new Error(`unexpected ${ep.action}`);
    if (wire.latest === '1') return { pictureCookie: cookie(), list: sorted().slice(0, 1) };
    const list = sorted().filter((r) => !wire.recogTimeFrom || r.time >= wire.recogTimeFrom);
    const page = Number(wire.pageNo ?? 1);
    return {
      rows: list.length,
      pages: Math.max(1, Math.ceil(list.length / 100)),
      pictureCookie: cookie(),
      list: list.slice((page - 1) * 100, page * 100),
    };
  };
  const client: ExportClient & { pictureCookies: string[] } = {
    pictureCookies: [],
    json: json as ExportClient['json'],
    async call() {
      throw new Error('not used');
    },
    async fetchPicture(_url: string, c: Record<string, string>) {
      client.pictureCookies.push(c['CloudFront-Policy']);
      return c['CloudFront-Policy'] === 'fresh'
        ? { status: 200, body: Buffer.from([0xff, 0xd8, 0xff]) }
        : { status: 403, body: Buffer.from('expired') };
    },
  };
  return client;
}

const row = (id: number | null, sec: number): RecogRow => ({
  id: id === null ? null : String(id),
  time: `2026/01/01 10:00:${String(sec).padStart(2, '0')}`,
  pictureUrl: `https://cdn.example/${id}.jpg`,
});

async function exportTo(client: ExportClient, state: string, out: string) {
  return runLogExport(client, {
    owner: hostProcesses,
    kind: 'recog',
    serials: ['S1'],
    format: 'ndjson',
    out,
    statePath: state,
    now: new Date(),
    signal: new AbortController().signal,
    stdout: new PassThrough(),
    note: () => {},
  });
}

const ids = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(JSON.parse(l).id));

describe('preliminary records (id null)', () => {
  it('are not exported, and once they have an id (even a lower one) the next run exports them exactly once', async () => {
    const rows = [row(1, 1), row(2, 2), row(3, 3), row(null, 4), row(5, 5)];
    const client = fakeCloud(rows);
    const dir = tmp();
    const state = join(dir, 'state.json');
    const first = await exportTo(client, state, join(dir, '1.ndjson'));
    expect(first.preliminarySkipped).toBe(1);
    expect(ids(join(dir, '1.ndjson'))).toEqual([5, 3, 2, 1]);
    const mark = JSON.parse(readFileSync(state, 'utf8')).recog.S1;
    expect(mark.lastId).toBe(5);
    expect(mark.recheck.from).toBe('2026/01/01 10:00:04');

    // The preliminary record got id 4 (below the mark) and a new record arrived.
    rows[3].id = '4';
    rows.push(row(6, 6));
    await exportTo(client, state, join(dir, '2.ndjson'));
    expect(ids(join(dir, '2.ndjson')).sort()).toEqual([4, 6]);
    expect(JSON.parse(readFileSync(state, 'utf8')).recog.S1.recheck).toBeUndefined();

    await exportTo(client, state, join(dir, '3.ndjson'));
    expect(ids(join(dir, '3.ndjson'))).toEqual([]);
  });
});

describe('pictures', () => {
  it('an expired cookie (403) reads the page again and retries with the fresh cookie', async () => {
    let cookieValue = 'stale';
    const client = fakeCloud([row(1, 1), row(2, 2)], () => ({ 'CloudFront-Policy': cookieValue }));
    const dir = tmp();
    const page = await client.json({ action: 'getRecogLog' } as EndpointDef, { pageNo: '1' });
    cookieValue = 'fresh';
    const stats = newPictureStats();
    let refetches = 0;
    await savePictures({
      owner: hostProcesses,
      client,
      dir,
      serialNo: 'S1',
      rows: page.list,
      page,
      refetch: async () => {
        refetches++;
        return client.json({ action: 'getRecogLog' } as EndpointDef, { pageNo: '1' });
      },
      stats,
    });
    expect(refetches).toBe(1);
    expect(stats).toMatchObject({ saved: 2, skipped: 0, failed: [] });
    expect(readdirSync(join(dir, 'S1')).sort()).toEqual(['1.jpg', '2.jpg']);
    expect(client.pictureCookies.filter((c) => c === 'fresh')).toHaveLength(2);
  });

  it('a picture that still fails is reported, not fatal', async () => {
    const client = fakeCloud([row(7, 1)], () => ({ 'CloudFront-Policy': 'stale' }));
    const page = await client.json({ action: 'getRecogLog' } as EndpointDef, { pageNo: '1' });
    const stats = newPictureStats();
    await savePictures({
      client,
      dir: tmp(),
      serialNo: 'S1',
      rows: page.list,
      page,
      refetch: async () => page,
      stats,
      owner: hostProcesses,
    });
    expect(stats.failed).toEqual([{ serialNo: 'S1', id: 7, time: '2026/01/01 10:00:01', reason: 'HTTP 403' }]);
  });
});
