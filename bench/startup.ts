/**
 * Start-up cost of the CLI, the figure cron jobs pay thousands of times a day: `facetctl --version`,
 * `--help` and one API call (`device list` against an emulator started here) against a bare
 * `node -e 0`. Runs the build output (`npm run build` first). Prints a Markdown table of medians.
 *
 *   npx tsx bench/startup.ts [runs]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../src/emulator/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = resolve(ROOT, 'bin/facetctl.js');
const RUNS = Number(process.argv[2] ?? 20);

/** Asynchronous on purpose: the emulator answering the children lives in this process. */
function timeOnce(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((res, rej) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', rej);
    child.on('close', (code) => {
      if (code !== 0) rej(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      else res(performance.now() - started);
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  if (!existsSync(resolve(ROOT, 'dist/cli/main.js'))) throw new Error('build first: npm run build');
  const emu = await startEmulator({ port: 0, seed: 'none', faces: 'off', latencyMs: 0 });
  try {
    const op = await fetch(`${emu.origin}/_emulator/devices`, {
      method: 'POST',
      headers: { 'ds-api-token': emu.token, 'content-type': 'application/json' },
      body: JSON.stringify({ serialNo: 'BENCH0001', kind: 'terminal' }),
    });
    if (!op.ok) throw new Error(`cannot create the bench device: ${op.status}`);
    const env = {
      ...process.env,
      FACETCTL_HOST: emu.url,
      FACETCTL_TOKEN: emu.token,
      FACETCTL_CONFIG_DIR: '/nonexistent',
    };
    const cases: [string, string[]][] = [
      ['node -e 0', ['-e', '0']],
      ['facetctl --version', [BIN, '--version']],
      ['facetctl --help', [BIN, '--help']],
      ['facetctl device list (emulator)', [BIN, 'device', 'list']],
    ];
    for (const [, args] of cases) await timeOnce(args, env); // warm the file cache
    const medians: number[] = [];
    for (const [, args] of cases) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await timeOnce(args, env));
      medians.push(median(times));
    }
    console.log(
      `Start-up, median of ${RUNS} runs each (Node ${process.version}, ${process.platform}/${process.arch})\n`,
    );
    console.log('| command | median (ms) | × node -e 0 |');
    console.log('|---|---:|---:|');
    cases.forEach(([name], i) => {
      console.log(`| \`${name}\` | ${medians[i].toFixed(1)} | ${(medians[i] / medians[0]).toFixed(2)} |`);
    });
  } finally {
    await emu.close();
  }
}

await main();
