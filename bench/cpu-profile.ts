/**
 * Where a process's CPU went: a `.cpuprofile` written by `node --cpu-prof` summarised as self and
 * inclusive time per function (name, file, line), the top N of each, as Markdown tables. Only the
 * main thread is profiled; for V8's other threads (compiler, GC helpers) read
 * /proc/PID/task/x/stat. BENCHMARKS.md stop 19 used it on an export child:
 *
 *   node --cpu-prof --cpu-prof-dir=DIR bin/facetctl.js log recog export --serial S -o ndjson --out F
 *   npx tsx bench/cpu-profile.ts DIR/CPU.*.cpuprofile [--top 30]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds since the previous sample. */
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file || file.startsWith('--')) {
  console.error('usage: npx tsx bench/cpu-profile.ts FILE.cpuprofile [--top N]');
  process.exit(2);
}
const topAt = process.argv.indexOf('--top');
const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 30;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^.*\//, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
};

/** Microseconds per sampled node. */
const timeOf = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
for (const [id, us] of timeOf) {
  total += us;
  const key = name(nodes.get(id) as ProfileNode);
  self.set(key, (self.get(key) ?? 0) + us);
  // Each function once per stack, however often it recurses.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const k = name(nodes.get(at) as ProfileNode);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}

function table(title: string, times: Map<string, number>): void {
  console.log(`\n### ${title} (${(total / 1000).toFixed(0)} ms sampled, idle included)\n`);
  console.log('| ms | share | function |');
  console.log('|---:|---:|---|');
  for (const [k, us] of [...times].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`| ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)} % | \`${k}\` |`);
  }
}
table('Self time', self);
table('Inclusive time', inclusive);
