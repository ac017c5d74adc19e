/**
 * `facetctl person import` throughput against the emulator: N persons (synthetic JPEGs, faces off)
 * onto 4 devices that each take `latency` ms per toDevice. A device takes one exclusive call at a
 * time, so the fastest possible import is persons × latency (every device busy from the first row to
 * the last); the ratio of the measured time to that limit says how well the scheduler keeps the
 * devices busy (goal: ≤ 1.2).
 *
 * The emulator runs in a child process, as the cloud would be elsewhere, so its CPU does not slow
 * the importer down.
 *
 * Run: npx tsx bench/import.ts [--persons 500] [--latency 20] [--devices 4] [--concurrency 8] [--no-remote-check]
 * Prints the header and one Markdown table line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createClient } from '../src/core/client.js';
import { startEmulator } from '../src/emulator/index.js';
import { importPersons } from '../src/workflows/import/import-persons.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '500' },
    latency: { type: 'string', default: '20' },
    devices: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '8' },
    'no-remote-check': { type: 'boolean', default: false },
    'emulator-child': { type: 'string' },
  },
});

if (values['emulator-child'] !== undefined) {
  // The emulator half: start, say where, and stop when the parent closes our stdin.
  const handle = await startEmulator({ port: 0, seed: 'none', ...JSON.parse(values['emulator-child']) });
  process.stdout.write(`${JSON.stringify({ url: handle.url, origin: handle.origin, token: handle.token })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void handle.close().then(() => process.exit(0)));
} else {
  await bench();
}

async function startChildEmulator(latencyMs: number) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, import.meta.filename, '--emulator-child', JSON.stringify({ faces: 'off', latencyMs })],
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
  const width = 48;
  const height = 64;
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const on = (i >> (Math.floor(y / 16) * 4 + Math.floor(x / 12))) & 1;
      px.fill(on ? 230 : 30, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

async function bench(): Promise<void> {
  const persons = Number(values.persons);
  const latencyMs = Number(values.latency);
  const deviceCount = Number(values.devices);
  const concurrency = Number(values.concurrency);
  const serials = Array.from({ length: deviceCount }, (_, i) => `BENCH${i + 1}`);

  const dir = mkdtempSync(join(tmpdir(), 'facetctl-bench-import-'));
  const lines = ['personCode,personName,picture,serialNos'];
  for (let i = 0; i < persons; i++) {
    writeFileSync(join(dir, `p${i}.jpg`), await picture(i));
    lines.push(`B${String(i).padStart(6, '0')},Bench ${i},p${i}.jpg,${serials.join(';')}`);
  }
  const csvPath = join(dir, 'persons.csv');
  writeFileSync(csvPath, `${lines.join('\n')}\n`);

  const emu = await startChildEmulator(latencyMs);
  const headers = { 'ds-api-token': emu.token, 'content-type': 'application/json' };
  for (const serialNo of serials) {
    await fetch(`${emu.origin}/_emulator/devices`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ serialNo, latencyMs }),
    });
  }
  const real = createClient({ baseUrl: emu.url, token: emu.token });
  // Time each device spends answering toDevice: busy time ÷ elapsed says whether a slow run is the
  // scheduler leaving devices idle or the calls themselves taking longer than the latency.
  const busyMs = new Map<string, number>();
  const client: typeof real = {
    ...real,
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
  const started = performance.now();
  let sendStarted = started;
  const result = await importPersons({
    csvPath,
    ignoreUnknownColumns: false,
    serials: [],
    fixPictures: false,
    skipInvalid: false,
    dryRun: false,
    remoteCheck: !values['no-remote-check'],
    override: true,
    noImage: false,
    concurrency,
    journalPath: `${csvPath}.facetctl-journal.ndjson`,
    freshJournal: true,
    target: async () => emu.url,
    now: () => new Date(),
    signal: new AbortController().signal,
    client: async () => client,
    onValidated: () => {
      sendStarted = performance.now();
    },
  });
  const ended = performance.now();
  await real.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });

  const failed = result.lines.filter((l) => l.status !== 'ok').length;
  const sendSeconds = (ended - sendStarted) / 1000;
  const totalSeconds = (ended - started) / 1000;
  const limitSeconds = (persons * deviceCount * latencyMs) / deviceCount / 1000;
  const busy = [...busyMs.values()].map((ms) => ms / 1000 / sendSeconds);
  const busyPct = `${Math.round((100 * Math.min(...busy)) | 0)}–${Math.round(100 * Math.max(...busy))} %`;
  const perCall = [...busyMs.values()].reduce((a, b) => a + b, 0) / (persons * deviceCount);
  console.log(
    '| persons | devices | latency | concurrency | validate s | send s | persons/s | device-bound limit s | ratio | devices busy | ms per toDevice | not ok |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${persons} | ${deviceCount} | ${latencyMs} ms | ${concurrency} | ${((sendStarted - started) / 1000).toFixed(2)} | ` +
      `${sendSeconds.toFixed(2)} | ${(persons / totalSeconds).toFixed(1)} | ${limitSeconds.toFixed(2)} | ` +
      `${(sendSeconds / limitSeconds).toFixed(2)}× | ${busyPct} | ${perCall.toFixed(1)} | ${failed} |`,
  );
}
