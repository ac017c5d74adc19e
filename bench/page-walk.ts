/**
 * Fetches every getRecogLog page of N logs (default 100,000) from an in-process emulator, 8 pages in
 * flight as the export does, and prints rows/s and the process's CPU time per page (emulator and
 * client in one process): the workload to profile the emulator's page cost.
 * Run: node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/page-walk.ts [rows] [--memo off]
 */
import type { EmulatorHandle, EmulatorOptions } from '../src/emulator/index.js';

// BENCH_EMULATOR=<another checkout's src/emulator/index.ts>: walk that emulator instead (before/after).
const { startEmulator } = (await import(process.env.BENCH_EMULATOR ?? '../src/emulator/index.js')) as {
  startEmulator: (o: EmulatorOptions) => Promise<EmulatorHandle>;
};

const rows = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 100_000);
const memo = !process.argv.includes('off');
const h = await startEmulator({ port: 0, seed: 'none', faces: 'off', latencyMs: 0, pageMemo: memo });
const headers = { 'ds-api-token': h.token, 'content-type': 'application/json' };
const op = (path: string, body: unknown) =>
  fetch(`${h.origin}/_emulator${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.json());
await op('/devices', { serialNo: 'WALK1' });
await op('/device-persons', { serialNo: 'WALK1', personCode: 'P1', personName: 'Walk One' });
await op('/recognize', { serialNo: 'WALK1', count: rows, days: 30 });
const pages = Math.ceil(rows / 100);
const t = performance.now();
const cpu = process.cpuUsage();
let got = 0;
for (let p = 1; p <= pages; p += 8) {
  const batch = Array.from({ length: Math.min(8, pages - p + 1) }, (_, i) => p + i);
  const bodies = await Promise.all(
    batch.map((n) =>
      fetch(`${h.url}/log/getRecogLog?serialNo=WALK1&pageNo=${n}`, { headers }).then(
        (r) => r.json() as Promise<{ list: unknown[] }>,
      ),
    ),
  );
  for (const b of bodies) got += b.list.length;
}
const s = (performance.now() - t) / 1000;
const used = process.cpuUsage(cpu);
// CPU time of this process (emulator and client), less sensitive to other load than wall time.
const cpuMs = (used.user + used.system) / 1000;
console.log(
  `| page walk, ${rows} logs, ${process.env.BENCH_EMULATOR ? 'emulator of BENCH_EMULATOR' : `memo ${memo ? 'on' : 'off'}`} | ${got} rows | ${(got / s).toFixed(0)} rows/s | ${((cpuMs * 1000) / pages).toFixed(0)} µs CPU/page |`,
);
await h.close();
