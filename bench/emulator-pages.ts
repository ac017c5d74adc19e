/**
 * Pages of getRecogLog with 1,000,000 recognition logs on one device, measured over HTTP, with the
 * page memo (src/emulator/page-memo.ts) off ("before": every page the plain OFFSET query) and on
 * ("after"), two emulators holding the same logs, measured alternately in one run:
 * - single pages asked again and again (median ms): the first, a middle and the last page, a time
 *   window, a person filter;
 * - sequential paging (ms per page, mean over `--pages` pages) starting at 0 %, 25 %, 50 %, 75 % and
 *   99 % of the list, and the same with 8 pages in flight, shuffled in each batch of 8 (as the export).
 * Prints one Markdown table row per measured line.
 *
 * Run: npx tsx bench/emulator-pages.ts [rows] [--pages 100] [--memo both|on|off]
 */
import { shuffled } from '../src/core/seeded-random.js';
import { startEmulator } from '../src/emulator/index.js';

const rows = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 1_000_000);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seqPages = Number(arg('pages', '100'));
const which = arg('memo', 'both');
const variants = (which === 'both' ? ['off', 'on'] : [which]) as ('on' | 'off')[];

interface Variant {
  name: 'on' | 'off';
  url: string;
  headers: Record<string, string>;
  close: () => Promise<void>;
}

async function start(name: 'on' | 'off'): Promise<Variant> {
  const h = await startEmulator({ port: 0, seed: 'none', faces: 'off', latencyMs: 0, pageMemo: name === 'on' });
  const headers = { 'ds-api-token': h.token, 'content-type': 'application/json' };
  const op = (path: string, body: unknown) =>
    fetch(`${h.origin}/_emulator${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) =>
      r.json(),
    );
  await op('/devices', { serialNo: 'BENCH1' });
  await op('/device-persons', { serialNo: 'BENCH1', personCode: 'P1', personName: 'Bench One' });
  await op('/device-persons', { serialNo: 'BENCH1', personCode: 'P2', personName: 'Bench Two' });
  const t = performance.now();
  await op('/recognize', { serialNo: 'BENCH1', count: rows, days: 30 });
  console.error(`memo ${name}: inserted ${rows} rows in ${(performance.now() - t).toFixed(0)} ms`);
  return { name, url: h.url, headers, close: () => h.close() };
}

const emus: Variant[] = [];
for (const v of variants) emus.push(await start(v));

async function get(v: Variant, query: string): Promise<{ rows?: number; list?: unknown[] }> {
  const res = await fetch(`${v.url}/log/getRecogLog?serialNo=BENCH1&${query}`, { headers: v.headers });
  return (await res.json()) as { rows?: number; list?: unknown[] };
}

const results: { label: string; unit: string; by: Partial<Record<'on' | 'off', number>> }[] = [];

function row(label: string, unit: string, by: Partial<Record<'on' | 'off', number>>): void {
  results.push({ label, unit, by });
  const ratio = by.on !== undefined && by.off !== undefined ? `${(by.off / by.on).toFixed(2)}×` : '';
  console.log(`| ${label} | ${unit} | ${by.off?.toFixed(2) ?? ''} | ${by.on?.toFixed(2) ?? ''} | ${ratio} |`);
}

/** The same page `runs` times on each variant, alternating: median ms. */
async function median(label: string, query: string, runs = 15): Promise<void> {
  const times: Record<string, number[]> = { on: [], off: [] };
  for (let i = 0; i < runs; i++) {
    for (const v of emus) {
      const t = performance.now();
      await get(v, query);
      times[v.name].push(performance.now() - t);
    }
  }
  const by: Partial<Record<'on' | 'off', number>> = {};
  for (const v of emus) by[v.name] = times[v.name].sort((a, b) => a - b)[runs >> 1];
  row(label, 'median ms', by);
}

/** `seqPages` pages from `first` on, one after another or 8 in flight: mean ms per page. */
async function walk(v: Variant, first: number, inFlight: boolean): Promise<number> {
  const t = performance.now();
  if (!inFlight) for (let p = first; p < first + seqPages; p++) await get(v, `pageNo=${p}`);
  else {
    for (let p = first; p < first + seqPages; p += 8) {
      const batch = shuffled(Array.from({ length: Math.min(8, first + seqPages - p) }, (_, i) => p + i));
      await Promise.all(batch.map((n) => get(v, `pageNo=${n}`)));
    }
  }
  return (performance.now() - t) / seqPages;
}

const pages = Math.ceil(rows / 100);
const day = (d: Date) =>
  `${d.getFullYear()}/${String(d.getMonth() + 1).padStart(2, '0')}/${String(d.getDate()).padStart(2, '0')}`;
const yesterday = new Date(Date.now() - 86400_000);

console.log(`\n${rows.toLocaleString('en')} logs; before = memo off, after = memo on\n`);
console.log('| what | unit | before (memo off) | after (memo on) | before ÷ after |');
console.log('|---|---|---|---|---|');
await median('page 1', 'pageNo=1');
await median(`middle page ${pages >> 1}`, `pageNo=${pages >> 1}`);
await median(`last page ${pages}`, `pageNo=${pages}`);
await median('latest=1', 'latest=1');
await median(
  'one day window, page 1',
  `recogTimeFrom=${day(yesterday)} 00:00:00&recogTimeTo=${day(yesterday)} 23:59:59`,
);
await median('person P1, page 50', 'personCode=P1&pageNo=50');
for (const inFlight of [false, true]) {
  for (const depth of [0, 0.25, 0.5, 0.75, 0.99]) {
    const first = Math.max(1, Math.min(pages - seqPages + 1, Math.floor(pages * depth) + 1));
    const by: Partial<Record<'on' | 'off', number>> = {};
    for (const v of emus) by[v.name] = await walk(v, first, inFlight);
    row(
      `${seqPages} pages from page ${first} (${depth * 100} %)${inFlight ? ', 8 in flight' : ', sequential'}`,
      'ms/page',
      by,
    );
  }
}
for (const v of emus) await v.close();
