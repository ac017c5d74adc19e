/**
 * What a process's peak RSS is made of: a preload that samples `process.memoryUsage()` and V8's heap
 * spaces every 5 ms and, at exit, prints on stderr the sample with the highest RSS (rss, heapTotal,
 * heapUsed, external, arrayBuffers; each space's size and use), the maximum of each figure over the
 * run, and VmHWM (the kernel's own peak, which a 5 ms sampler can miss by a little). MiB throughout.
 * BENCHMARKS.md stop 20 used it on export children (with `--trace-gc` beside it for the GC counts):
 *
 *   node --import ./bench/memory-probe.mjs bin/facetctl.js log recog export --serial S -o ndjson --out F
 *
 * The sampling costs a little CPU; compare runs that all carry it.
 */
import { readFileSync, writeSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const MB = (bytes) => (bytes / 1048576).toFixed(1);
const maxima = {};
let peak;
let samples = 0;

function sample() {
  const usage = process.memoryUsage();
  const spaces = getHeapSpaceStatistics().filter((s) => s.space_size > 0);
  for (const [name, bytes] of Object.entries(usage)) maxima[name] = Math.max(maxima[name] ?? 0, bytes);
  for (const s of spaces) maxima[s.space_name] = Math.max(maxima[s.space_name] ?? 0, s.space_size);
  samples++;
  if (!peak || usage.rss > peak.usage.rss) peak = { usage, spaces, ms: performance.now() };
}

setInterval(sample, 5).unref();
process.on('exit', () => {
  sample();
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? Number.NaN) * 1024;
  const lines = [
    `MEMORY VmHWM ${MB(hwm)}; ${samples} samples; highest RSS at ${peak.ms.toFixed(0)} ms:`,
    `  ${Object.entries(peak.usage)
      .map(([name, bytes]) => `${name} ${MB(bytes)}`)
      .join(', ')}`,
    `  spaces (size/used): ${peak.spaces.map((s) => `${s.space_name} ${MB(s.space_size)}/${MB(s.space_used_size)}`).join(', ')}`,
    `  maxima: ${Object.entries(maxima)
      .map(([name, bytes]) => `${name} ${MB(bytes)}`)
      .join(', ')}`,
  ];
  writeSync(2, `\n${lines.join('\n')}\n`);
});
