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
 * `--real-pictures` gives each person a distinct real-size JPEG (~50 KB, 480×600) derived with sharp from
 * the face fixtures (test/fixtures/pictures): cropped, resized and brightened differently per person.
 * Faces stay `off` in the emulator by default (`--faces basic` to compare): every person's picture is
 * derived from one of two faces, so a real face comparison would call most of them the same person
 * and refuse them on the devices; `off` still decodes every picture once, as the cloud would.
 *
 * Run: npx tsx bench/import.ts [--persons 500] [--latency 20] [--devices 4] [--concurrency 8]
 *        [--no-remote-check] [--real-pictures] [--faces off|basic] [--runs 1] [--before DIR]
 *        [--cpu-prof DIR] [--floor N]
 * `--cpu-prof DIR` writes V8 CPU profiles into DIR (open them in Chrome DevTools or speedscope): one of
 * the importer over the whole import (`importer-<label>-<run>.cpuprofile`) and one of the emulator child
 * (node's `--cpu-prof`, written when it exits, start-up included).
 * `--floor N` then measures, per tree, N toDevice calls one after the other on one device of a fresh
 * emulator child (one person, registered first), nothing else running: the round trip at rest, i.e.
 * what a toDevice costs above the device's latency before any contention (the device-bound limit
 * counts it as 0). One more table, a line per tree: min, median and p90 ms, and median − latency.
 * Prints the header and one Markdown table line per run. `--before DIR` names another checkout of
 * facetctl (e.g. `git archive <commit> | tar -x -C DIR` and a `node_modules` symlink): each run then
 * imports with that tree's importer and emulator and with this one's, alternately (before first on odd
 * runs, after first on even ones), on the same files.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { createClient as CreateClient } from '../src/core/client.js';
import type { startEmulator as StartEmulator } from '../src/emulator/index.js';
import type { endpoint as Endpoint } from '../src/registry/index.js';
import type { importPersons as ImportPersons } from '../src/workflows/import/import-persons.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '500' },
    latency: { type: 'string', default: '20' },
    devices: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '8' },
    'no-remote-check': { type: 'boolean', default: false },
    'real-pictures': { type: 'boolean', default: false },
    faces: { type: 'string', default: 'off' },
    runs: { type: 'string', default: '1' },
    before: { type: 'string' },
    'cpu-prof': { type: 'string' },
    floor: { type: 'string' },
    tree: { type: 'string' },
    'emulator-child': { type: 'string' },
  },
});

/** The modules a run uses, from this checkout or from `tree` (another checkout, for "before"). */
async function modulesOf(tree: string) {
  const load = (path: string) => import(pathToFileURL(join(tree, path)).href);
  return {
    createClient: (await load('src/core/client.ts')).createClient as typeof CreateClient,
    startEmulator: (await load('src/emulator/index.ts')).startEmulator as typeof StartEmulator,
    importPersons: (await load('src/workflows/import/import-persons.ts')).importPersons as typeof ImportPersons,
    endpoint: (await load('src/registry/index.ts')).endpoint as typeof Endpoint,
  };
}

const HERE = resolve(import.meta.dirname, '..');

async function startChildEmulator(latencyMs: number, faces: string, tree: string) {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', resolve(values['cpu-prof'])] : []),
      import.meta.filename,
      '--emulator-child',
      JSON.stringify({ faces, latencyMs }),
      '--tree',
      tree,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const rl = createInterface({ input: child.stdout });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      rl.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
    });
  const info = JSON.parse(await nextLine()) as { url: string; origin: string; token: string };
  return {
    ...info,
    /** The emulator's CPU time so far (user + system), ms. */
    cpuMs: async () => {
      const answer = nextLine();
      child.stdin.write('cpu\n');
      return Number(await answer);
    },
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

const FIXTURES = resolve(import.meta.dirname, '../test/fixtures/pictures');
const FACES = ['face-astronaut.jpg', 'face-cameraman.jpg'].map((f) => readFileSync(join(FIXTURES, f)));

/**
 * A real-size photo per person: one of the face fixtures (480×480), cropped at a per-person offset,
 * resized to 480×600 and brightened/tinted per person, at the JPEG quality that lands near 50 KB.
 */
async function realPicture(i: number): Promise<Buffer> {
  const source = FACES[i % FACES.length];
  const k = Math.floor(i / FACES.length);
  // A different square per person (side 351–470 px, two vertical offsets): no two pictures are alike.
  const size = 470 - (k % 120);
  const left = (k * 7) % (480 - size + 1);
  const top = Math.floor(k / 120) * 5;
  return sharp(source)
    .extract({ left, top, width: size, height: size })
    .resize(480, 600, { fit: 'fill' })
    .modulate({ brightness: 0.9 + (k % 21) * 0.01 })
    .jpeg({ quality: 88 })
    .toBuffer();
}

async function bench(): Promise<void> {
  const persons = Number(values.persons);
  const deviceCount = Number(values.devices);
  const serials = Array.from({ length: deviceCount }, (_, i) => `BENCH${i + 1}`);
  const real = values['real-pictures'];

  const dir = mkdtempSync(join(tmpdir(), 'facetctl-bench-import-'));
  try {
    const lines = ['personCode,personName,picture,serialNos'];
    const shas = new Set<string>();
    let bytes = 0;
    for (let i = 0; i < persons; i++) {
      const jpeg = real ? await realPicture(i) : await picture(i);
      bytes += jpeg.length;
      shas.add(createHash('sha256').update(jpeg).digest('hex'));
      writeFileSync(join(dir, `p${i}.jpg`), jpeg);
      lines.push(`B${String(i).padStart(6, '0')},Bench ${i},p${i}.jpg,${serials.join(';')}`);
    }
    if (shas.size !== persons) throw new Error(`only ${shas.size} distinct pictures for ${persons} persons`);
    const csvPath = join(dir, 'persons.csv');
    writeFileSync(csvPath, `${lines.join('\n')}\n`);
    console.error(`${persons} pictures, ${(bytes / persons / 1024).toFixed(1)} KB on average; load: ${loadavg()}`);
    console.log(
      '| pictures | persons | devices | latency | concurrency | validate s | send s | whole s | persons/s | device-bound limit s | whole ÷ limit | send ÷ limit | devices busy | ms per toDevice | ms per check | ms per regist | client CPU ms/person (validate) | emulator CPU ms/person | not ok |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const kind = real ? `real ~${Math.round(bytes / persons / 1024)} KB` : 'synthetic';
    const trees = values.before ? [resolve(values.before), HERE] : [HERE];
    for (let run = 0; run < Number(values.runs); run++) {
      // before, after, then after, before, …: neither tree always goes first (the first import of the
      // process also loads sharp and warms the JIT up for both).
      for (const tree of run % 2 === 0 ? trees : [...trees].reverse()) {
        const label = values.before ? `${tree === HERE ? 'after' : 'before'}: ${kind}` : kind;
        console.log(await once(csvPath, serials, label, tree));
      }
    }
    if (values.floor !== undefined) {
      console.log('');
      console.log('| toDevice at rest | latency | calls | min ms | median ms | p90 ms | median − latency ms |');
      console.log('|---|---:|---:|---:|---:|---:|---:|');
      for (const tree of trees) {
        const label = values.before ? (tree === HERE ? 'after' : 'before') : 'this tree';
        console.log(await floor(tree, label, join(dir, 'p0.jpg')));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--floor N`: N toDevice calls in a row on one device, nothing else running; returns the Markdown row. */
async function floor(tree: string, label: string, picturePath: string): Promise<string> {
  const { createClient, endpoint } = await modulesOf(tree);
  const latencyMs = Number(values.latency);
  const calls = Number(values.floor);
  const emu = await startChildEmulator(latencyMs, values.faces ?? 'off', tree);
  await fetch(`${emu.origin}/_emulator/devices`, {
    method: 'POST',
    headers: { 'ds-api-token': emu.token, 'content-type': 'application/json' },
    body: JSON.stringify({ serialNo: 'FLOOR1', latencyMs }),
  });
  const client = createClient({ baseUrl: emu.url, token: emu.token });
  const picture = readFileSync(picturePath).toString('base64');
  await client.call(endpoint('person.registPersonForCloud'), { personCode: 'F1', personName: 'Floor', picture });
  const toDevice = endpoint('person.toDevice');
  const wire = { serialNo: 'FLOOR1', personCode: 'F1', override: '1', noImage: '0' };
  for (let i = 0; i < 20; i++) await client.call(toDevice, wire); // warm-up (JIT, connection)
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await client.call(toDevice, wire);
    ms.push(performance.now() - t);
  }
  await client.close();
  await emu.close();
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return (
    `| ${label} | ${latencyMs} ms | ${calls} | ${ms[0].toFixed(2)} | ${at(0.5).toFixed(2)} | ${at(0.9).toFixed(2)} | ` +
    `${(at(0.5) - latencyMs).toFixed(2)} |`
  );
}

/** A V8 CPU profile of this process (the importer), written into `--cpu-prof DIR` by `stop(name)`. */
async function startProfiler() {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    stop: async (name: string) => {
      const { profile } = await session.post('Profiler.stop');
      const dir = resolve(values['cpu-prof'] ?? '.');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, name), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

function loadavg(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

/** One import into a fresh emulator; returns its Markdown row. */
async function once(csvPath: string, serials: string[], pictures: string, tree: string): Promise<string> {
  const { createClient, importPersons } = await modulesOf(tree);
  const persons = Number(values.persons);
  const latencyMs = Number(values.latency);
  const deviceCount = serials.length;
  const concurrency = Number(values.concurrency);
  const emu = await startChildEmulator(latencyMs, values.faces ?? 'off', tree);
  const headers = { 'ds-api-token': emu.token, 'content-type': 'application/json' };
  for (const serialNo of serials) {
    await fetch(`${emu.origin}/_emulator/devices`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ serialNo, latencyMs }),
    });
  }
  const realClient = createClient({ baseUrl: emu.url, token: emu.token });
  // Time spent in each kind of call: per device for toDevice (busy time ÷ elapsed says whether a slow
  // run is the scheduler leaving devices idle or the calls themselves taking longer than the latency).
  const busyMs = new Map<string, number>();
  const callMs = new Map<string, { n: number; ms: number }>();
  const client: typeof realClient = {
    ...realClient,
    call: async (ep, wire, opts) => {
      const t = performance.now();
      try {
        return await realClient.call(ep, wire, opts);
      } finally {
        const ms = performance.now() - t;
        const c = callMs.get(ep.action) ?? { n: 0, ms: 0 };
        callMs.set(ep.action, { n: c.n + 1, ms: c.ms + ms });
        if (ep.action === 'toDevice') busyMs.set(wire.serialNo, (busyMs.get(wire.serialNo) ?? 0) + ms);
      }
    },
  };
  const profiler = values['cpu-prof'] ? await startProfiler() : undefined;
  const emuCpu0 = await emu.cpuMs();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  let sendStarted = started;
  let cpuValidate = cpu0;
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
      cpuValidate = process.cpuUsage(cpu0);
    },
  });
  const ended = performance.now();
  const cpu = process.cpuUsage(cpu0);
  if (profiler) await profiler.stop(`importer-${pictures.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}.cpuprofile`);
  const clientCpu = (cpu.user + cpu.system) / 1000 / persons;
  const validateCpu = (cpuValidate.user + cpuValidate.system) / 1000 / persons;
  const emuCpu = ((await emu.cpuMs()) - emuCpu0) / persons;
  await realClient.close();
  await emu.close();

  const failed = result.lines.filter((l) => l.status !== 'ok').length;
  const sendSeconds = (ended - sendStarted) / 1000;
  const totalSeconds = (ended - started) / 1000;
  const limitSeconds = (persons * latencyMs) / 1000;
  const busy = [...busyMs.values()].map((ms) => ms / 1000 / sendSeconds);
  const busyPct = `${Math.round(100 * Math.min(...busy))}–${Math.round(100 * Math.max(...busy))} %`;
  const per = (action: string) => {
    const c = callMs.get(action);
    return c ? (c.ms / c.n).toFixed(1) : '–';
  };
  return (
    `| ${pictures} | ${persons} | ${deviceCount} | ${latencyMs} ms | ${concurrency} | ` +
    `${((sendStarted - started) / 1000).toFixed(2)} | ${sendSeconds.toFixed(2)} | ${totalSeconds.toFixed(2)} | ` +
    `${(persons / totalSeconds).toFixed(1)} | ${limitSeconds.toFixed(2)} | **${(totalSeconds / limitSeconds).toFixed(2)}×** | ` +
    `${(sendSeconds / limitSeconds).toFixed(2)}× | ${busyPct} | ${per('toDevice')} | ${per('checkPersonPicture')} | ` +
    `${per('registPersonForCloud')} | ${clientCpu.toFixed(1)} (${validateCpu.toFixed(1)}) | ${emuCpu.toFixed(1)} | ${failed} |`
  );
}

if (values['emulator-child'] !== undefined) {
  // The emulator half: start, say where, and stop when the parent closes our stdin.
  const { startEmulator } = await modulesOf(values.tree ?? HERE);
  const handle = await startEmulator({ port: 0, seed: 'none', ...JSON.parse(values['emulator-child']) });
  process.stdout.write(`${JSON.stringify({ url: handle.url, origin: handle.origin, token: handle.token })}\n`);
  createInterface({ input: process.stdin }).on('line', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${(user + system) / 1000}\n`);
  });
  process.stdin.on('end', () => void handle.close().then(() => process.exit(0)));
} else {
  await bench();
}
