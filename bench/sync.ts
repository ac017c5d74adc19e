/**
 * `facetctl person sync --check-devices --dry-run` planning time and peak memory against the
 * emulator: N persons (each with its own picture) spread over D devices (every person on 2 of them),
 * already in the cloud and on the devices; the file renames 1% of them, so the plan must read every
 * cloud page, hash every picture, read every device's pages and compare. Goal (issue 14): 10,000
 * persons over 10 devices planned in at most 10 s, with flat memory.
 *
 * The state is written straight into the emulator's SQLite file before the emulator starts (in a
 * child process, as the cloud would be elsewhere), so setting up 10,000 persons takes seconds.
 *
 * Run: npx tsx bench/sync.ts [--persons 10000] [--devices 10]
 * Prints the header and one Markdown table line.
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
import { syncPersons } from '../src/workflows/sync/sync-persons.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '10000' },
    devices: { type: 'string', default: '10' },
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

async function bench(): Promise<void> {
  const persons = Number(values.persons);
  const deviceCount = Number(values.devices);
  const serials = Array.from({ length: deviceCount }, (_, i) => `SYNC${String(i + 1).padStart(2, '0')}`);
  const dir = mkdtempSync(join(tmpdir(), 'facetctl-bench-sync-'));
  try {
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
        const on = [serials[i % deviceCount], serials[(i + 1) % deviceCount]];
        for (const s of on) {
          insertAssoc.run(code, s);
          const seq = (deviceSeq.get(s) ?? 0) + 1;
          deviceSeq.set(s, seq);
          insertOnDevice.run(s, code, seq, `Person ${i}`, pid);
        }
        const name = i % 100 === 0 ? `Renamed ${i}` : `Person ${i}`;
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
        body: JSON.stringify({ serialNo, latencyMs: 1 }),
      });
    }
    const client = createClient({ baseUrl: emu.url, token: emu.token });
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const rssBefore = process.memoryUsage().rss;
    const phases: string[] = [];
    const started = performance.now();
    const result = await syncPersons({
      csvPath,
      ignoreUnknownColumns: false,
      fixPictures: false,
      scope: { serials: [] },
      checkDevices: true,
      prune: true,
      pruneCloud: false,
      dryRun: true,
      remoteCheck: false,
      noImage: false,
      concurrency: 8,
      journalPath: `${csvPath}.facetctl-journal.ndjson`,
      target: async () => emu.url,
      now: () => new Date(),
      signal: new AbortController().signal,
      client: async () => client,
      onPhase: (name, ms) => phases.push(`${name} ${(ms / 1000).toFixed(1)} s`),
    });
    const planMs = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    await client.close();
    await emu.close();
    const expected = Math.ceil(persons / 100);
    if (result.plan.counts.update !== expected) {
      throw new Error(`the plan should update ${expected} persons, it updates ${result.plan.counts.update}`);
    }
    const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
    process.stdout.write(
      '| persons | devices | on devices | plan (s) | persons/s | RSS before (MB) | peak RSS (MB) | planned updates |\n' +
        '|---:|---:|---:|---:|---:|---:|---:|---:|\n' +
        `| ${persons} | ${deviceCount} | ${persons * 2} | ${(planMs / 1000).toFixed(1)} | ${Math.round(persons / (planMs / 1000))} | ` +
        `${mb(rssBefore)} | ${mb(peak)} | ${result.plan.counts.update} |\n\nPhases: ${phases.join(', ')}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
