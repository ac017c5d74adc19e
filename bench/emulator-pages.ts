/**
 * Pages of getRecogLog with 1,000,000 recognition logs on one device: median milliseconds per page
 * for the first, a middle and the last page, a time window and a person filter, measured over HTTP.
 * Run: npx tsx bench/emulator-pages.ts [rows]
 */
import { startEmulator } from '../src/emulator/index.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const h = await startEmulator({ port: 0, seed: 'none', faces: 'off', latencyMs: 0 });
const headers = { 'ds-api-token': h.token, 'content-type': 'application/json' };
const op = (path: string, body: unknown) =>
  fetch(`${h.origin}/_emulator${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.json());

await op('/devices', { serialNo: 'BENCH1' });
await op('/device-persons', { serialNo: 'BENCH1', personCode: 'P1', personName: 'Bench One' });
await op('/device-persons', { serialNo: 'BENCH1', personCode: 'P2', personName: 'Bench Two' });
let t = performance.now();
await op('/recognize', { serialNo: 'BENCH1', count: rows, days: 30 });
console.log(`inserted ${rows} rows in ${(performance.now() - t).toFixed(0)} ms`);

async function median(label: string, query: string, runs = 15): Promise<void> {
  const times: number[] = [];
  let body: { rows?: number; list?: unknown[] } = {};
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    const res = await fetch(`${h.url}/log/getRecogLog?serialNo=BENCH1&${query}`, { headers });
    body = (await res.json()) as typeof body;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(34)} median ${times[runs >> 1].toFixed(1)} ms  (rows=${body.rows}, list=${body.list?.length})`,
  );
}

const pages = Math.ceil(rows / 100);
const day = (d: Date) =>
  `${d.getFullYear()}/${String(d.getMonth() + 1).padStart(2, '0')}/${String(d.getDate()).padStart(2, '0')}`;
const now = new Date();
const yesterday = new Date(now.getTime() - 86400_000);
await median('page 1', 'pageNo=1');
await median('page 2', 'pageNo=2');
await median(`middle page ${pages >> 1}`, `pageNo=${pages >> 1}`);
await median(`last page ${pages}`, `pageNo=${pages}`);
await median('latest=1', 'latest=1');
await median(
  'one day window, page 1',
  `recogTimeFrom=${day(yesterday)} 00:00:00&recogTimeTo=${day(yesterday)} 23:59:59`,
);
await median('whole window, page 1', 'recogTimeFrom=2000/01/01 00:00:00&recogTimeTo=2099/12/31 23:59:59');
await median('person P1, page 1', 'personCode=P1');
await median('person P1, page 50', 'personCode=P1&pageNo=50');
await h.close();
