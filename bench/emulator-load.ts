/**
 * The emulator under load: `getDevice` (no device contact) and `device/sync` (exclusive control, one
 * request per device at a time) at 50 and 200 concurrent clients. The emulator runs as its own process
 * (`facetctl server`, the build output: `npm run build` first); this process is the load generator:
 * one undici Client (one kept-alive connection, no pipelining) per simulated client, each sending its
 * next request when the previous answer has been read. Prints requests/s, p50/p99 latency, how many
 * answers were not 200 (for sync, the documented 400 `exclusion` answers are counted apart), and the
 * CPU each side used (a generator near 100 % of a core would be the bottleneck, not the emulator).
 *
 *   npx tsx bench/emulator-load.ts [requestsPerRun] [options]
 *     --clients 50,200        concurrent clients per run
 *     --only getDevice|sync   one endpoint only
 *     --rounds N              measured runs per figure (each after a warm-up); the median is printed
 *     --baseline DIR          also measure the build in DIR (a checkout of an older commit with
 *                             `npm run build` done), alternating with this one in the same run:
 *                             the 'before' variant
 *     --profile DIR           write a CPU profile of each emulator process into DIR (node --cpu-prof)
 *     --floor                 also measure a bare node:http server answering a fixed JSON body of the
 *                             same size (same settings): the ceiling of any Node emulator on this machine
 *
 * Before/after in one run, e.g. against the commit before the emulator-load work:
 *   mkdir /tmp/base && git archive 15f417b | tar -x -C /tmp/base && ln -s $PWD/node_modules /tmp/base/ &&
 *   (cd /tmp/base && npm run build) && npx tsx bench/emulator-load.ts 20000 --baseline /tmp/base
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Client } from 'undici';

const ROOT = resolve(import.meta.dirname, '..');
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    clients: { type: 'string', default: '50,200' },
    only: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    baseline: { type: 'string' },
    profile: { type: 'string' },
    floor: { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(positionals[0] ?? 20_000);
const CLIENTS = flags.clients.split(',').map(Number);
const ROUNDS = Number(flags.rounds);
const DEVICES = 20;
const serialOf = (i: number) => `LOAD${String(i % DEVICES).padStart(4, '0')}`;

interface Emulator {
  label: string;
  proc: ChildProcess;
  origin: string;
  token: string;
}

/** The floor: node:http answering with a fixed JSON of the emulator's size (getDevice: 20 devices), nothing else. */
const BARE_SERVER = `
const http = require('node:http');
const small = JSON.stringify({ recogLogRegisted: 0, recogPictureRegisted: 0, operateLogRegisted: 0 });
const devices = JSON.stringify(Array.from({ length: ${DEVICES} }, (_, i) => ({
  serialNo: 'LOAD' + String(i).padStart(4, '0'), description: '', lastAccess: '2026/11/30 12:00:00', lastRecog: null,
})));
const server = http.createServer({ noDelay: true }, (req, res) => {
  req.resume();
  const body = req.url.startsWith('/api1/device/getDevice') ? devices : small;
  res.writeHead(req.url.startsWith('/_emulator/') ? 201 : 200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port + '/api1', token: 'bare' }));
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
`;

async function startServer(label: string, root: string | undefined): Promise<Emulator> {
  const profile = flags.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(flags.profile)] : [];
  const args = root
    ? [resolve(root, 'bin/facetctl.js'), 'server', '--port', '0', '--faces', 'off', '--latency', '0']
    : ['-e', BARE_SERVER];
  const proc = spawn(process.execPath, [...profile, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  const first = await new Promise<string>((res) => createInterface({ input: proc.stdout! }).once('line', res));
  const { url, token } = JSON.parse(first) as { url: string; token: string };
  const origin = new URL(url).origin;
  for (let i = 0; i < DEVICES; i++) {
    const res = await fetch(`${origin}/_emulator/devices`, {
      method: 'POST',
      headers: { 'ds-api-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ serialNo: serialOf(i), latencyMs: 0 }),
    });
    if (!res.ok) throw new Error(`${label}: cannot create device ${serialOf(i)}: ${res.status}`);
  }
  return { label, proc, origin, token };
}

/** CPU seconds (user + system) a child has used so far, from /proc (Linux); NaN elsewhere. */
function childCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

interface Result {
  reqPerSec: number;
  p50: number;
  p99: number;
  other: number;
  exclusion: number;
  /** CPU used ÷ wall time: 1.0 is one core busy the whole run. */
  serverCpu: number;
  /** Emulator CPU µs per request: the figure least moved by other work on the machine. */
  cpuPerRequest: number;
  loadCpu: number;
}

async function load(emu: Emulator, clients: number, requests: number, pathOf: (i: number) => string) {
  const latencies = new Float64Array(requests);
  let other = 0;
  let exclusion = 0;
  let next = 0;
  const headers = { 'ds-api-token': emu.token };
  const conns = Array.from({ length: clients }, () => new Client(emu.origin, { pipelining: 1 }));
  const serverCpu0 = childCpuSeconds(emu.proc.pid);
  const loadCpu0 = process.cpuUsage();
  const started = performance.now();
  const worker = async (client: Client) => {
    while (next < requests) {
      const i = next++;
      const t = performance.now();
      const res = await client.request({ method: 'GET', path: pathOf(i), headers });
      const text = await res.body.text();
      latencies[i] = performance.now() - t;
      if (res.statusCode === 400 && text.includes('exclusion')) exclusion++;
      else if (res.statusCode !== 200) other++;
    }
  };
  await Promise.all(conns.map(worker));
  const seconds = (performance.now() - started) / 1000;
  const loadCpu = process.cpuUsage(loadCpu0);
  const serverCpu = childCpuSeconds(emu.proc.pid) - serverCpu0;
  await Promise.all(conns.map((c) => c.close()));
  latencies.sort();
  const at = (q: number) => latencies[Math.min(requests - 1, Math.floor(q * requests))];
  return {
    reqPerSec: requests / seconds,
    p50: at(0.5),
    p99: at(0.99),
    other,
    exclusion,
    serverCpu: serverCpu / seconds,
    cpuPerRequest: (serverCpu * 1e6) / requests,
    loadCpu: (loadCpu.user + loadCpu.system) / 1e6 / seconds,
  } satisfies Result;
}

function median(results: Result[], key: keyof Result): number {
  const s = results.map((r) => r[key]).sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const emulators: Emulator[] = [];
if (flags.baseline) emulators.push(await startServer('before', flags.baseline));
emulators.push(await startServer(flags.baseline ? 'after' : 'this build', ROOT));
if (flags.floor) emulators.push(await startServer('bare node:http (floor)', undefined));

const endpoints = (
  [
    ['getDevice', () => '/api1/device/getDevice'],
    ['device/sync (exclusive)', (i) => `/api1/device/sync?serialNo=${serialOf(i)}`],
  ] as [string, (i: number) => string][]
).filter(([label]) => !flags.only || label.startsWith(flags.only) || label.startsWith(`device/${flags.only}`));
const rows: string[] = [];
const loadBefore = loadavg()[0];
for (const [label, pathOf] of endpoints) {
  for (const clients of CLIENTS) {
    const results = new Map<Emulator, Result[]>(emulators.map((e) => [e, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order each round so neither variant always runs on a warmer (or busier) machine.
      const order = round % 2 === 0 ? emulators : [...emulators].reverse();
      for (const emu of order) {
        await load(emu, clients, Math.max(2000, Math.floor(REQUESTS / 4)), pathOf); // warm-up, not reported
        results.get(emu)!.push(await load(emu, clients, REQUESTS, pathOf));
      }
    }
    for (const emu of emulators) {
      const r = results.get(emu)!;
      const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(0)} %`);
      rows.push(
        `| ${label} | ${clients} | ${emu.label} | ${median(r, 'reqPerSec').toFixed(0)} | ` +
          `${median(r, 'p50').toFixed(1)} | ${median(r, 'p99').toFixed(1)} | ${median(r, 'exclusion')} | ` +
          `${median(r, 'other')} | ${pct(median(r, 'serverCpu'))} | ${median(r, 'cpuPerRequest').toFixed(0)} | ` +
          `${pct(median(r, 'loadCpu'))} |`,
      );
    }
  }
}
const loadAfter = loadavg()[0];
await Promise.all(
  emulators.map(
    (e) =>
      new Promise<void>((res) => {
        e.proc.once('exit', () => res());
        e.proc.kill('SIGTERM'); // the server closes and exits normally (the CPU profile is written then)
      }),
  ),
);
console.log(
  `${REQUESTS} requests per run, median of ${ROUNDS} run(s) after a warm-up each, ${DEVICES} devices, ` +
    `emulator in its own process (node ${process.version}); load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}\n`,
);
console.log(
  '| endpoint | clients | variant | req/s | p50 ms | p99 ms | exclusion answers | other non-200 | emulator CPU | emulator CPU µs/request | load generator CPU |',
);
console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
