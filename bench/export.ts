/**
 * `log recog export` throughput and memory. The emulator holds N recognition logs on one device; the
 * export runs as a child process (`bin/facetctl.js log recog export -o ndjson --out FILE`) and is
 * compared with a bare child that only fetches the same pages one after another with undici and
 * parses them. Peak RSS of each child is its own high-water mark, VmHWM in /proc/self/status, read at
 * exit (a preload, so facetctl itself carries no benchmark flag). Not `process.resourceUsage().maxRSS`:
 * Linux carries a process's maximum RSS across fork and exec, so a child of this bench (whose emulator
 * holds the logs: ~100 MB at 100,000 rows, ~230 MB at 1,000,000) reported the bench's own RSS as its
 * floor. Figures before stop 18 were measured that way and read too high.
 *
 * Every size is measured at each emulator API latency (`--latencies 0,50`: milliseconds added to every
 * API call, `facetctl server --api-latency`), for the export before (`--page-concurrency 1`, one page
 * ahead) and after (the default, several pages in flight), in the same run. Each side runs `--runs`
 * times (default 2), alternating, and the fastest run counts. A last run of the default export caps
 * the V8 heap at 32 MB (--max-old-space-size=32): it completing is the proof that what it keeps does
 * not grow with the rows.
 *
 * Run: npx tsx bench/export.ts [--rows 100000] [--latency-rows 10000] [--latencies 0,50] [--runs 2]
 *   [--page-memo off] (the emulator's page memo off: every log page the plain OFFSET query)
 *   [--before DIR/bin/facetctl.js]
 *   --rows: the largest size at 0 ms (a tenth of it is measured too); --latency-rows: the size at
 *   each latency above 0 (pages one after another at 50 ms take 5 s a 10,000 rows); --before: an
 *   earlier build's launcher (a copy of bin/, dist/ and package.json with node_modules linked),
 *   measured with its defaults in the same alternating runs, for before/after of a change.
 * Each child's CPU time (user + system, all its threads, from process.cpuUsage() at exit) is printed
 * per 100,000 rows: at 0 ms the export is bound by it.
 * Prints Markdown for BENCHMARKS.md, one row per measured line.
 *
 * The V8 heap flags src/cli.ts sets for exports (stop 20: the young generation kept small, the old
 * generation's limit at twice what a mark-compact leaves) have no switch: the `--page-concurrency 1`
 * row carries them too, and their "before" is `--before` with a build from before them (ffc234c).
 * What the peak is made of (V8's spaces, external memory): run one export child with the preload
 * bench/memory-probe.mjs (and `--trace-gc`), as stop 20 did.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EmulatorHandle, EmulatorOptions } from '../src/emulator/index.js';
import { ensureBuilt } from '../test/setup/build.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
function text(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
function list(name: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1].split(',').map(Number) : fallback;
}

const ROWS = arg('rows', 100_000);
const LATENCY_ROWS = arg('latency-rows', 10_000);
const LATENCIES = list('latencies', [0, 50]);
const RUNS = arg('runs', 2);
const HEAP_CAP_MB = 32;
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'facetctl.js');
const BEFORE_BIN = text('before') && resolve(text('before') as string);
// At exit: the child's own peak RSS (VmHWM) and its CPU time, user and system, of all its threads.
const MAX_RSS_PRELOAD =
  'data:text/javascript,import{readFileSync,writeSync}from"node:fs";process.on("exit",()=>{const c=process.cpuUsage();writeSync(2,"\\nMAXRSS "+/VmHWM:\\s+(\\d+)/.exec(readFileSync("/proc/self/status","utf8"))[1]+" CPU "+c.user+" "+c.system+"\\n")})';
const BARE_LOOP = `
import { request } from 'undici';
const { BENCH_URL: url, BENCH_TOKEN: token, BENCH_SERIAL: serial } = process.env;
let rows = 0;
for (let page = 1; ; page++) {
  const res = await request(url + '/log/getRecogLog?serialNo=' + serial + '&pageNo=' + page, { headers: { 'ds-api-token': token } });
  const body = await res.body.json();
  rows += body.list.length;
  if (page >= body.pages) break;
}
console.log(rows);
`;

interface ChildRun {
  ms: number;
  maxRssMb: number;
  /** CPU time of the child (all threads), milliseconds. */
  userMs: number;
  systemMs: number;
  stdout: string;
  code: number | null;
}

function runChild(args: string[], env: Record<string, string>, nodeFlags: string[] = []): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeFlags, '--import', MAX_RSS_PRELOAD, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const rss = /MAXRSS (\d+) CPU (\d+) (\d+)/.exec(err);
      if (code !== 0) fail(new Error(`child exited ${code}: ${err}`));
      else
        done({
          ms,
          maxRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN,
          userMs: rss ? Number(rss[2]) / 1000 : Number.NaN,
          systemMs: rss ? Number(rss[3]) / 1000 : Number.NaN,
          stdout: out,
          code,
        });
    });
  });
}

// The emulator's side, selectable for before/after comparisons of the emulator itself:
// `--page-memo off` (every log page the plain OFFSET query), or BENCH_EMULATOR=<path of another
// checkout's src/emulator/index.ts> (its emulator serves, this checkout's facetctl exports).
const { startEmulator } = (await import(process.env.BENCH_EMULATOR ?? '../src/emulator/index.js')) as {
  startEmulator: (o: EmulatorOptions) => Promise<EmulatorHandle>;
};
const pageMemo = process.argv[process.argv.indexOf('--page-memo') + 1] !== 'off';
ensureBuilt();
const emu = await startEmulator({ port: 0, seed: 'none', faces: 'off', ...(pageMemo ? {} : { pageMemo: false }) });
const headers = { 'ds-api-token': emu.token, 'content-type': 'application/json' };
const op = (path: string, body: unknown) =>
  fetch(`${emu.origin}/_emulator${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) =>
    r.json(),
  );

const dir = mkdtempSync(join(tmpdir(), 'facetctl-bench-export-'));
const lines: string[] = [];
const env = { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token, FACETCTL_CONFIG_DIR: dir };
const n = (x: number) => Math.round(x).toLocaleString('en-US');
const mb = (r: ChildRun) => `${r.maxRssMb.toFixed(0)} MB`;
/** CPU seconds per 100,000 rows, user + system. */
const cpu = (r: ChildRun, rows: number) =>
  `${(((r.userMs + r.systemMs) / rows) * 100).toFixed(2)} (${((r.userMs / rows) * 100).toFixed(2)} + ${((r.systemMs / rows) * 100).toFixed(2)})`;
const devices = new Map<number, string>();

async function deviceWith(rows: number): Promise<string> {
  const known = devices.get(rows);
  if (known) return known;
  const serial = `BENCH${rows}`;
  await op('/devices', { serialNo: serial });
  await op('/recognize', { serialNo: serial, count: rows, days: 30 });
  devices.set(rows, serial);
  return serial;
}

const plan: { latency: number; rows: number }[] = [];
for (const latency of LATENCIES) {
  const sizes = latency === 0 ? [Math.max(1000, Math.round(ROWS / 10)), ROWS] : [LATENCY_ROWS];
  for (const rows of sizes) plan.push({ latency, rows });
}

for (const { latency, rows } of plan) {
  const serial = await deviceWith(rows);
  await op('/api-latency', { ms: latency });
  const out = join(dir, `${serial}.ndjson`);
  const exportArgs = (pages: string[], bin = BIN) => [
    bin,
    'log',
    'recog',
    'export',
    '--serial',
    serial,
    '-o',
    'ndjson',
    '--out',
    out,
    ...pages,
  ];
  const variants = [
    { name: 'before: `--page-concurrency 1`', args: ['--page-concurrency', '1'], bin: BIN },
    ...(BEFORE_BIN ? [{ name: 'before: `--before` build, default', args: [] as string[], bin: BEFORE_BIN }] : []),
    { name: 'after: default', args: [] as string[], bin: BIN },
  ];
  let bare: ChildRun | undefined;
  const best: (ChildRun | undefined)[] = variants.map(() => undefined);
  for (let i = 0; i < RUNS; i++) {
    const b = await runChild(['--input-type=module', '-e', BARE_LOOP], {
      BENCH_URL: emu.url,
      BENCH_TOKEN: emu.token,
      BENCH_SERIAL: serial,
    });
    if (Number(b.stdout.trim()) !== rows) throw new Error(`bare loop read ${b.stdout.trim()} rows, expected ${rows}`);
    if (!bare || b.ms < bare.ms) bare = b;
    for (const [v, variant] of variants.entries()) {
      const e = await runChild(exportArgs(variant.args, variant.bin), env);
      const prev = best[v];
      if (!prev || e.ms < prev.ms) best[v] = e;
    }
  }
  if (!bare) throw new Error('--runs must be at least 1');
  const bytes = statSync(out).size;
  const capped = await runChild(exportArgs([]), env, [`--max-old-space-size=${HEAP_CAP_MB}`]).then(mb, () => 'failed');
  const bareRate = rows / (bare.ms / 1000);
  for (const [v, variant] of variants.entries()) {
    const e = best[v] as ChildRun;
    const rate = rows / (e.ms / 1000);
    lines.push(
      `| ${latency} ms | ${n(rows)} | ${variant.name} | ${n(bareRate)} | ${n(rate)} | **${(rate / bareRate).toFixed(2)}** | ${cpu(bare, rows)} | ${cpu(e, rows)} | ${mb(bare)} | ${mb(e)} | ${v === variants.length - 1 ? capped : ''} | ${(bytes / 1e6).toFixed(0)} MB |`,
    );
  }
  rmSync(out);
}
await emu.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `### log recog export (Node ${process.versions.node}, ${cpus().length} CPUs, emulator ${process.env.BENCH_EMULATOR ?? 'this checkout'}, page memo ${pageMemo ? 'on' : 'off'}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')})\n`,
);
console.log(
  `| API latency | rows | export | bare loop rows/s | export rows/s | ratio | bare CPU s per 100k rows (user + sys) | export CPU s per 100k rows (user + sys) | bare peak RSS | export peak RSS | export peak RSS, heap capped at ${HEAP_CAP_MB} MB | ndjson size |`,
);
console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const l of lines) console.log(l);
console.log(
  `\nFastest of ${RUNS} alternating runs each (its CPU time and peak RSS beside it); the bare loop fetches the same pages one after another with undici and parses them.`,
);
