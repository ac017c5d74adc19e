/**
 * The emulator under load: `getDevice` (no device contact) and `device/sync` (exclusive control, one
 * request per device at a time) at 50 and 200 concurrent clients. The emulator runs as its own process
 * (`facetctl server`, the build output: `npm run build` first); this process is the load generator
 * (undici Pool, one connection per client, keep-alive). Prints requests/s, p50/p99 latency and how
 * many answers were not 200 (for sync, the documented 400 `exclusion` answers are counted apart).
 *
 *   npx tsx bench/emulator-load.ts [requestsPerRun]
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';

const ROOT = resolve(import.meta.dirname, '..');
const REQUESTS = Number(process.argv[2] ?? 20_000);
const DEVICES = 20;

const server = spawn(
  process.execPath,
  [resolve(ROOT, 'bin/facetctl.js'), 'server', '--port', '0', '--faces', 'off', '--latency', '0'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const first = await new Promise<string>((res) => createInterface({ input: server.stdout! }).once('line', res));
const { url, token } = JSON.parse(first) as { url: string; token: string };
const origin = new URL(url).origin;
const headers = { 'ds-api-token': token, 'content-type': 'application/json' };
for (let i = 0; i < DEVICES; i++) {
  await fetch(`${origin}/_emulator/devices`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ serialNo: `LOAD${String(i).padStart(4, '0')}`, latencyMs: 0 }),
  });
}

interface Result {
  reqPerSec: number;
  p50: number;
  p99: number;
  other: number;
  exclusion: number;
}

async function load(clients: number, pathOf: (i: number) => string): Promise<Result> {
  const pool = new Pool(origin, { connections: clients, pipelining: 1 });
  const latencies: number[] = [];
  let other = 0;
  let exclusion = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const t = performance.now();
      const res = await pool.request({ method: 'GET', path: pathOf(i), headers: { 'ds-api-token': token } });
      const text = await res.body.text();
      latencies.push(performance.now() - t);
      if (res.statusCode === 400 && text.includes('exclusion')) exclusion++;
      else if (res.statusCode !== 200) other++;
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { reqPerSec: REQUESTS / seconds, p50: at(0.5), p99: at(0.99), other, exclusion };
}

const rows: string[] = [];
for (const [label, pathOf] of [
  ['getDevice', () => '/api1/device/getDevice'],
  ['device/sync (exclusive)', (i: number) => `/api1/device/sync?serialNo=LOAD${String(i % DEVICES).padStart(4, '0')}`],
] as const) {
  for (const clients of [50, 200]) {
    await load(clients, pathOf); // warm-up run, not reported
    const r = await load(clients, pathOf);
    rows.push(
      `| ${label} | ${clients} | ${r.reqPerSec.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.exclusion} | ${r.other} |`,
    );
  }
}
server.kill('SIGTERM');
console.log(
  `${REQUESTS} requests per run, ${DEVICES} devices, emulator in its own process (node ${process.version})\n`,
);
console.log('| endpoint | clients | req/s | p50 ms | p99 ms | exclusion answers | other non-200 |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
