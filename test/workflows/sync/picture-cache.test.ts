/**
 * Speed without blindness (issue 14 §4): `person sync`/`person diff` remember the hash of each cloud
 * picture by person and URL (src/workflows/sync/picture-cache.ts) and decode only the pictures they
 * will send. Through the CLI against the emulator: a second plan downloads no picture; a picture
 * changed in the cloud (a new content, so the old entry is not trusted) or changed locally under the
 * same file name is still planned; a corrupt cache is ignored with a note; an undecodable picture
 * that would be sent stops the run before anything is sent. The cache itself: keyed by person, URL
 * and cloud.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPictureCache, pictureCachePath } from '../../../src/workflows/sync/picture-cache.js';
import { runCli } from '../../helpers/cli.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { hostProcesses } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/temp.js';
import { emulatorWithDevices, requestedPaths } from '../import/emulator-setup.js';
import { csv, syntheticJpeg } from '../import/fixtures.js';

const DEVICES = ['GATE1', 'GATE2'];
const HEADER = ['personCode', 'personName', 'picture', 'serialNos'];
const SHA_A = 'a'.repeat(64);

let emu: TestEmulator;
let dir: string;

beforeAll(async () => {
  emu = await emulatorWithDevices({ serials: DEVICES });
  dir = tempDir('facetctl-sync-cache-');
});
afterAll(async () => emu?.close());

beforeEach(async () => {
  await emu.op('POST', '/reset');
  for (const serialNo of DEVICES) await emu.op('POST', '/devices', { serialNo, latencyMs: 1 });
});

function env() {
  return { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
}

/** A folder of its own per test: pictures n, n+1, n+2 and a CSV naming them. */
async function setUp(name: string, n: number) {
  const here = join(dir, name);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(here);
  for (let i = 0; i < 3; i++) writeFileSync(join(here, `p${i}.jpg`), await syntheticJpeg(n + i));
  const file = join(here, 'hr.csv');
  writeFileSync(
    file,
    csv(HEADER, [
      ['HQ-001', '山田 太郎', 'p0.jpg', 'GATE1'],
      ['HQ-002', '佐藤 花子', 'p1.jpg', 'GATE1;GATE2'],
      ['HQ-003', '鈴木 一郎', 'p2.jpg', 'GATE2'],
    ]),
  );
  const journal = join(here, 'state.ndjson');
  const cmd = (verb: 'sync' | 'diff', more: string[] = []) =>
    runCli(['person', verb, file, '--journal', journal, '-o', 'json', ...more], { env: env(), cwd: here });
  return { here, file, journal, cache: pictureCachePath(journal), cmd };
}

async function pictureDownloads(): Promise<number> {
  return (await requestedPaths(emu)).filter((p) => p.startsWith('/pictures/')).length;
}

function planOf(stdout: string): Record<string, { action: string; changes: string[] }> {
  const plan = JSON.parse(stdout) as { persons: { personCode: string; action: string; changes: string[] }[] };
  return Object.fromEntries(plan.persons.map((p) => [p.personCode, p]));
}

describe('person sync: the picture-hash cache', () => {
  it('a second plan downloads no picture; a picture changed in the cloud gets a new URL, so the old entry is not trusted', async () => {
    const s = await setUp('cloud-change', 100);
    expect((await s.cmd('sync')).code).toBe(0);
    expect(s.cache).toBe(join(s.here, 'state.pictures.json'));

    await emu.op('DELETE', '/requests');
    const first = await s.cmd('diff', ['--detailed-exitcode']);
    expect(first.code).toBe(0);
    expect(await pictureDownloads()).toBe(3); // the first plan after the creation hashes them

    await emu.op('DELETE', '/requests');
    const second = await s.cmd('diff', ['--detailed-exitcode', '--verbose']);
    expect(second.code).toBe(0);
    expect(await pictureDownloads()).toBe(0);
    expect(second.stderr).toContain('cloud pictures: 3 known from the picture cache, 0 downloaded');

    // Someone changes HQ-002's picture in the cloud with another tool.
    writeFileSync(join(s.here, 'other.jpg'), await syntheticJpeg(999));
    const changed = await runCli(
      ['person', 'register', '--person-code', 'HQ-002', '--person-name', '佐藤 花子', '--picture', 'other.jpg'],
      { env: env(), cwd: s.here },
    );
    expect(changed.code).toBe(0);

    await emu.op('DELETE', '/requests');
    const third = await s.cmd('diff', ['--detailed-exitcode']);
    expect(third.code).toBe(2);
    expect(await pictureDownloads()).toBe(1);
    expect(planOf(third.stdout)['HQ-002']).toMatchObject({ action: 'update', changes: ['picture'] });

    // The sync puts the file's picture back; the next plan is empty again.
    expect((await s.cmd('sync')).code).toBe(0);
    const after = await s.cmd('diff', ['--detailed-exitcode']);
    expect(after.stderr).toContain('0 to update');
    expect(after.code).toBe(0);
  });

  it('a picture changed locally under the same file name is still planned', async () => {
    const s = await setUp('local-change', 200);
    expect((await s.cmd('sync')).code).toBe(0);
    expect((await s.cmd('diff', ['--detailed-exitcode'])).code).toBe(0); // cache filled

    writeFileSync(join(s.here, 'p0.jpg'), await syntheticJpeg(777));
    const diff = await s.cmd('diff', ['--detailed-exitcode']);
    expect(diff.code).toBe(2);
    expect(planOf(diff.stdout)['HQ-001']).toMatchObject({ action: 'update', changes: ['picture'] });
    expect(Object.keys(planOf(diff.stdout))).toEqual(['HQ-001']);
  });

  it('a corrupt cache file is ignored with a note, and replaced by a good one', async () => {
    const s = await setUp('corrupt', 300);
    expect((await s.cmd('sync')).code).toBe(0);
    writeFileSync(s.cache, '{"format":"facetctl-picture-cache","version":1,"entries":[["HQ-001"');

    await emu.op('DELETE', '/requests');
    const diff = await s.cmd('diff', ['--detailed-exitcode']);
    expect(diff.stderr).toContain(`picture cache ${s.cache} is not valid JSON`);
    expect(diff.stderr).toContain('ignored');
    expect(diff.code).toBe(0);
    expect(await pictureDownloads()).toBe(3);

    const entries = JSON.parse(readFileSync(s.cache, 'utf8')).entries as string[][];
    expect(entries.map((e) => e[0]).sort()).toEqual(['HQ-001', 'HQ-002', 'HQ-003']);
    await emu.op('DELETE', '/requests');
    const again = await s.cmd('diff');
    expect(again.stderr).not.toContain('picture cache');
    expect(await pictureDownloads()).toBe(0);
  });

  it('--no-picture-cache downloads every picture and writes no cache', async () => {
    const s = await setUp('no-cache', 400);
    expect((await s.cmd('sync', ['--no-picture-cache'])).code).toBe(0);
    await emu.op('DELETE', '/requests');
    expect((await s.cmd('diff', ['--no-picture-cache', '--detailed-exitcode'])).code).toBe(0);
    expect(await pictureDownloads()).toBe(3);
    const { existsSync } = await import('node:fs');
    expect(existsSync(s.cache)).toBe(false);
  });
});

describe('person sync: pictures are decoded before sending, only those sent', () => {
  it('a picture that would be sent and does not decode stops the run with exit 2 before anything is sent', async () => {
    const s = await setUp('undecodable', 500);
    // A JPEG signature followed by garbage: passes the cheap checks, fails the decode.
    writeFileSync(join(s.here, 'p1.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(600, 7)]));
    await emu.op('DELETE', '/requests');
    const run = await s.cmd('sync');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/row 3, picture: p1\.jpg cannot be decoded/);
    const sent = (await requestedPaths(emu)).filter((p) => !/getPersonFromCloud|getPersonFromDevice|getDevice/.test(p));
    expect(sent).toEqual([]);
  });
});

describe('openPictureCache', () => {
  it('answers only for the same person, URL and cloud', async () => {
    const path = join(dir, 'unit.pictures.json');
    const notes: string[] = [];
    const a = await openPictureCache(hostProcesses, path, 'https://cloud-a/api1', (m) => notes.push(m));
    a.set('P1', 'https://cdn/x.jpg', SHA_A);
    await a.save();

    const same = await openPictureCache(hostProcesses, path, 'https://cloud-a/api1', (m) => notes.push(m));
    expect(same.get('P1', 'https://cdn/x.jpg')).toBe(SHA_A);
    expect(same.get('P1', 'https://cdn/y.jpg')).toBeUndefined(); // another picture
    expect(same.get('P2', 'https://cdn/x.jpg')).toBeUndefined(); // another person
    const other = await openPictureCache(hostProcesses, path, 'https://cloud-b/api1', (m) => notes.push(m));
    expect(other.get('P1', 'https://cdn/x.jpg')).toBeUndefined(); // another cloud
    expect(notes).toEqual([]);
  });

  it('forgets a person whose picture is about to change, and notes a file of another shape', async () => {
    const path = join(dir, 'unit2.pictures.json');
    const c = await openPictureCache(hostProcesses, path, 't', () => {});
    c.set('P1', 'u1', SHA_A);
    c.set('P2', 'u2', SHA_A);
    c.forget('P1');
    await c.save();
    const again = await openPictureCache(hostProcesses, path, 't', () => {});
    expect(again.get('P1', 'u1')).toBeUndefined();
    expect(again.get('P2', 'u2')).toBe(SHA_A);

    writeFileSync(
      path,
      JSON.stringify({ format: 'facetctl-picture-cache', version: 1, entries: [['P1', 'k', 'nope']] }),
    );
    const notes: string[] = [];
    const bad = await openPictureCache(hostProcesses, path, 't', (m) => notes.push(m));
    expect(bad.get('P1', 'u1')).toBeUndefined();
    expect(notes[0]).toContain('is not a facetctl picture cache');
  });
});
