/**
 * `facetctl person sync` against the emulator, two measures (issue 14 §4):
 *
 * - plan: `--check-devices --prune --dry-run` over N persons (each with its own picture) spread over
 *   D devices (every person on 2 of them), already in the cloud and on the devices; the file renames
 *   1% of them. Goal: 10,000 persons over 10 devices planned in at most 10 s, with flat memory. Three
 *   variants in one process, in turn: "before" (every picture decoded up front and every cloud picture
 *   downloaded, as before stop 17), "cold cache" (the first run: no picture cache file yet) and "warm
 *   cache" (the next night's run: the cache the cold run wrote).
 * - apply: P persons on all of A devices whose device latency is L ms; the file renames every one,
 *   so each is registered again and sent to every device. toDevice is exclusive per device, so no
 *   run can beat P × L (the device-bound limit, as bench/import.ts computes it); goal ≤ 1.2×.
 *
 * The state is written straight into the emulator's SQLite file before the emulator starts (in a
 * child process, as the cloud would be elsewhere), so setting up 10,000 persons takes seconds.
 *
 * Run: npx tsx bench/sync.ts [--mode plan|apply|both] [--persons 10000] [--devices 10] [--skip-before]
 *        [--apply-persons 400] [--apply-devices 4] [--latency 10] [--concurrency 8]
 * Prints a Markdown table per mode, one line per measured run.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createClient } from '../src/core/client.js';
import { startEmulator } from '../src/emulator/index.js';
import { openDb } from '../src/emulator/store.js';
import { type SyncOptions, syncPersons } from '../src/workflows/sync/sync-persons.js';
import type { SyncClient } from '../src/workflows/sync/types.js';
import { hostProcesses as benchProcesses } from '../test/helpers/processes.js';
import { syncOptions } from '../test/helpers/sync-options.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'both' },
    persons: { type: 'string', default: '10000' },
    devices: { type: 'string', default: '10' },
    'skip-before': { type: 'boolean', default: false },
    'apply-persons': { type: 'string', default: '400' },
    'apply-devices': { type: 'string', default: '4' },
    latency: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    'emulator-child': { type: 'string' },
  },
});

if (values['emulator-child'] !== undefined) {
  const handle = await startEmulator({ port: 0, seed: 'none', ...JSON.parse(values['emulator-child']) });
  process.stdout.write(`${JSON.stringify({ url: handle.url, origin: handle.origin, token: handle.token })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void handle.close().then(() => process.exit(0)));
} else {
  await bench();
}

async function startChildEmulator(db: string) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, import.meta.filename, '--emulator-child', JSON.stringify({ faces: 'off', latencyMs: 1, db })],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; origin: string; token: string };
  return {
    ...info,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

/** A picture per person whose pixels encode its number (JPEG cannot merge two of them). */
async function picture(i: number): Promise<Buffer> {
  const width = 64;
  const height = 64;
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const on = (i >> (Math.floor(y / 16) * 4 + Math.floor(x / 16))) & 1;
      px.fill(on ? 230 : 30, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

interface State {
  dir: string;
  csvPath: string;
  serials: string[];
  emu: Awaited<ReturnType<typeof startChildEmulator>>;
}

/**
 * N persons in the cloud, each on `onDevices` of the D devices (cloud association and device entry),
 * the CSV beside them renaming every `renameEvery`-th person; then the emulator, devices at `latencyMs`.
 */
async function setUp(opts: {
  persons: number;
  devices: number;
  onDevices: number;
  renameEvery: number;
  latencyMs: number;
}): Promise<State> {
  const { persons, devices: deviceCount } = opts;
  const serials = Array.from({ length: deviceCount }, (_, i) => `SYNC${String(i + 1).padStart(2, '0')}`);
  const dir = mkdtempSync(join(tmpdir(), 'facetctl-bench-sync-'));
  const dbPath = join(dir, 'emu.db');
  const db = await openDb(dbPath);
  const lines = ['personCode,personName,picture,serialNos'];
  const insertPicture = db.prepare('INSERT INTO pictures (sha, data) VALUES (?, ?)');
  const insertPerson = db.prepare(
    'INSERT INTO persons (code, seq, name, sex, birthday, memo, type_code, picture_id) VALUES (?, ?, ?, NULL, NULL, NULL, NULL, ?)',
  );
  const insertAssoc = db.prepare('INSERT INTO associations (person_code, serial) VALUES (?, ?)');
  const insertOnDevice = db.prepare(
    `INSERT INTO device_persons (serial, code, seq, name, sex, birthday, picture_id) VALUES (?, ?, ?, ?, 'male', '1970/01/01', ?)`,
  );
  const deviceSeq = new Map<string, number>();
  const pics: Buffer[] = [];
  for (let i = 0; i < persons; i += 256) {
    pics.push(...(await Promise.all(Array.from({ length: Math.min(256, persons - i) }, (_, k) => picture(i + k)))));
  }
  db.transaction(() => {
    for (let i = 0; i < persons; i++) {
      const code = `S${String(i).padStart(6, '0')}`;
      const file = `p${i}.jpg`;
      writeFileSync(join(dir, file), pics[i]);
      const pid = Number(
        insertPicture.run(createHash('sha256').update(pics[i]).digest('hex'), pics[i]).lastInsertRowid,
      );
      insertPerson.run(code, i + 1, `Person ${i}`, pid);
      const on = Array.from({ length: opts.onDevices }, (_, k) => serials[(i + k) % deviceCount]);
      for (const s of on) {
        insertAssoc.run(code, s);
        const seq = (deviceSeq.get(s) ?? 0) + 1;
        deviceSeq.set(s, seq);
        insertOnDevice.run(s, code, seq, `Person ${i}`, pid);
      }
      const name = i % opts.renameEvery === 0 ? `Renamed ${i}` : `Person ${i}`;
      lines.push(`${code},${name},${file},${on.join(';')}`);
    }
  })();
  db.close();
  const csvPath = join(dir, 'persons.csv');
  writeFileSync(csvPath, `${lines.join('\n')}\n`);
  const emu = await startChildEmulator(dbPath);
  const headers = { 'ds-api-token': emu.token, 'content-type': 'application/json' };
  for (const serialNo of serials) {
    await fetch(`${emu.origin}/_emulator/devices`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ serialNo, latencyMs: opts.latencyMs }),
    });
  }
  return { dir, csvPath, serials, emu };
}

/** A `--check-devices --prune --dry-run` plan (test/helpers/sync-options.ts for the rest), the bench's concurrency, the default retries. */
function benchSyncOptions(state: State, client: SyncClient): SyncOptions {
  return syncOptions(state.csvPath, state.emu.url, client, {
    checkDevices: true,
    pruneCloud: false,
    dryRun: true,
    concurrency: Number(values.concurrency),
    pictureCache: { path: `${state.csvPath}.facetctl-journal.pictures.json`, owner: benchProcesses },
    retry: undefined,
    onNote: (m: string) => process.stderr.write(`note: ${m}\n`),
  });
}

function mb(n: number): string {
  return (n / 1024 / 1024).toFixed(0);
}

/** Peak RSS while `fn` runs (sampled every 20 ms). */
async function withPeak<T>(fn: () => Promise<T>): Promise<{ value: T; before: number; peak: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const value = await fn();
    return { value, before, peak: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(sampler);
  }
}

async function benchPlan(): Promise<void> {
  const persons = Number(values.persons);
  const deviceCount = Number(values.devices);
  const state = await setUp({ persons, devices: deviceCount, onDevices: 2, renameEvery: 100, latencyMs: 1 });
  const client = createClient({ baseUrl: state.emu.url, token: state.emu.token });
  const cachePath = `${state.csvPath}.facetctl-journal.pictures.json`;
  try {
    process.stdout.write(
      '| variant | persons | devices | on devices | plan (s) | persons/s | RSS before (MB) | peak RSS (MB) | ' +
        'pictures downloaded | planned updates | phases (s) |\n' +
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n',
    );
    const beforeOpts = { decodeAllPictures: true, pictureCache: undefined };
    const variants: { name: string; opts: Partial<SyncOptions> }[] = [
      ...(values['skip-before'] ? [] : [{ name: 'before (decode all, no cache)', opts: beforeOpts }]),
      { name: 'cold cache (first run)', opts: {} },
      { name: 'warm cache (next run)', opts: {} },
    ];
    rmSync(cachePath, { force: true });
    for (const v of variants) {
      const phases: string[] = [];
      const started = performance.now();
      const {
        value: result,
        before,
        peak,
      } = await withPeak(() =>
        syncPersons({
          ...benchSyncOptions(state, client),
          ...v.opts,
          onPhase: (name, ms) => phases.push(`${name} ${(ms / 1000).toFixed(1)}`),
        }),
      );
      const planMs = performance.now() - started;
      const expected = Math.ceil(persons / 100);
      if (result.plan.counts.update !== expected) {
        throw new Error(`the plan should update ${expected} persons, it updates ${result.plan.counts.update}`);
      }
      // Without a cache every cloud picture the file names is downloaded (here: every person's).
      const downloaded = v.opts === beforeOpts ? persons : result.pictureCache.misses;
      process.stdout.write(
        `| ${v.name} | ${persons} | ${deviceCount} | ${persons * 2} | ${(planMs / 1000).toFixed(1)} | ` +
          `${Math.round(persons / (planMs / 1000))} | ${mb(before)} | ${mb(peak)} | ${downloaded} | ` +
          `${result.plan.counts.update} | ${phases.join(', ')} |\n`,
      );
    }
  } finally {
    await client.close();
    await state.emu.close();
    rmSync(state.dir, { recursive: true, force: true });
  }
}

async function benchApply(): Promise<void> {
  const persons = Number(values['apply-persons']);
  const deviceCount = Number(values['apply-devices']);
  const latencyMs = Number(values.latency);
  const concurrency = Number(values.concurrency);
  const state = await setUp({ persons, devices: deviceCount, onDevices: deviceCount, renameEvery: 1, latencyMs });
  const real = createClient({ baseUrl: state.emu.url, token: state.emu.token });
  // Time each device spends answering toDevice: busy ÷ elapsed says whether a slow run is the
  // scheduler leaving devices idle or the calls themselves taking longer than the latency.
  const busyMs = new Map<string, number>();
  const client: SyncClient = {
    pages: (ep, wire, opts) => real.pages(ep, wire, opts),
    fetchPicture: (url, cookie, opts) => real.fetchPicture(url, cookie, opts),
    call: async (ep, wire, opts) => {
      if (ep.action !== 'toDevice') return real.call(ep, wire, opts);
      const t = performance.now();
      try {
        return await real.call(ep, wire, opts);
      } finally {
        busyMs.set(wire.serialNo, (busyMs.get(wire.serialNo) ?? 0) + performance.now() - t);
      }
    },
  };
  try {
    let applyStarted = 0;
    const started = performance.now();
    const result = await syncPersons({
      ...benchSyncOptions(state, client),
      dryRun: false,
      onPlan: async () => {
        applyStarted = performance.now();
      },
    });
    const ended = performance.now();
    const failed = result.lines.filter((l) => l.status !== 'ok').length;
    const toDevice = result.lines.filter((l) => l.step === 'toDevice' && l.status === 'ok').length;
    if (result.plan.counts.update !== persons || toDevice !== persons * deviceCount) {
      throw new Error(
        `expected ${persons} updates and ${persons * deviceCount} toDevice, got ${result.plan.counts.update} and ${toDevice}`,
      );
    }
    const applySeconds = (ended - applyStarted) / 1000;
    const totalSeconds = (ended - started) / 1000;
    const limitSeconds = (persons * latencyMs) / 1000;
    const busy = [...busyMs.values()].map((ms) => ms / 1000 / applySeconds);
    const busyPct = `${Math.round(100 * Math.min(...busy))}–${Math.round(100 * Math.max(...busy))} %`;
    const perCall = [...busyMs.values()].reduce((a, b) => a + b, 0) / (persons * deviceCount);
    process.stdout.write(
      '| persons changed | devices | latency | concurrency | plan s | apply s | device-bound limit s | apply ÷ limit | whole run ÷ limit | devices busy | ms per toDevice | not ok |\n' +
        '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n' +
        `| ${persons} | ${deviceCount} | ${latencyMs} ms | ${concurrency} | ${((applyStarted - started) / 1000).toFixed(2)} | ` +
        `${applySeconds.toFixed(2)} | ${limitSeconds.toFixed(2)} | **${(applySeconds / limitSeconds).toFixed(2)}×** | ` +
        `${(totalSeconds / limitSeconds).toFixed(2)}× | ${busyPct} | ${perCall.toFixed(1)} | ${failed} |\n`,
    );
  } finally {
    await real.close();
    await state.emu.close();
    rmSync(state.dir, { recursive: true, force: true });
  }
}

async function bench(): Promise<void> {
  if (values.mode === 'plan' || values.mode === 'both') await benchPlan();
  if (values.mode === 'both') process.stdout.write('\n');
  if (values.mode === 'apply' || values.mode === 'both') await benchApply();
}
