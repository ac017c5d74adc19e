/**
 * Start-up cost of the CLI, the figure cron jobs pay thousands of times a day: `facetctl --version`,
 * `--help` and one API call (`device list -o json` against an emulator started here) against a bare
 * `node -e 0`. Runs the build output (`npm run build` first). Prints a Markdown table of medians and
 * their ratio to `node -e 0` measured in the same run.
 *
 *   npx tsx bench/startup.ts [runs] [--before PATH/bin/facetctl.js]
 *
 * `--before` measures a second build (another checkout's launcher, e.g. the commit before a change,
 * built with `npm run build`) in the same run: the runs alternate command by command between the
 * bare node, this build and the other one, so a busy machine slows all of them alike. Each row then
 * shows both builds and the ratio between them. It refuses to measure this build when its CLI does
 * not run with its V8 code cache (bin/load-cli.cjs; `NODE_DEBUG=facetctl`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startEmulator } from '../src/emulator/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = resolve(ROOT, 'bin/facetctl.js');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { before: { type: 'string' } },
});
const RUNS = Number(positionals[0] ?? 20);
const BEFORE = values.before ? resolve(values.before) : undefined;

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

/** How bin/load-cli.cjs compiled dist/cli/main.cjs for one run (NODE_DEBUG=facetctl says it). */
function cacheUse(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...env, NODE_DEBUG: 'facetctl' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', rej);
    child.on('close', () => res(/main\.cjs compiled (.*)/.exec(stderr)?.[1] ?? 'not at all'));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  if (!existsSync(resolve(ROOT, 'dist/cli/main.cjs'))) throw new Error('build first: npm run build');
  if (BEFORE && !existsSync(BEFORE)) throw new Error(`--before: no such file ${BEFORE}`);
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
      FORCE_COLOR: undefined,
    };
    // `--help` to a pipe is the launcher's saved copy (dist/cli/root-help.txt); FORCE_COLOR=0 makes
    // the CLI render it, as it does on a terminal, so both are measured.
    const commands: [string, string[], NodeJS.ProcessEnv?][] = [
      ['--version', ['--version']],
      ['--help', ['--help']],
      ['--help (rendered by the CLI, as on a terminal)', ['--help'], { FORCE_COLOR: '0' }],
      ['device list -o json (one API call)', ['device', 'list', '-o', 'json']],
    ];
    const bins = BEFORE ? [BIN, BEFORE] : [BIN];
    // This build must run with its code cache (bin/load-cli.cjs), or the figures say nothing of it.
    const how = await cacheUse(['device', 'list', '-o', 'json'], env);
    if (how !== 'with the code cache') throw new Error(`this build's CLI was compiled ${how}: run npm run build`);
    const load = loadavg()[0];
    // For each command: node -e 0, this build, the --before build, in turn, RUNS times.
    const bare: number[] = [];
    const rows = commands.map(([name, args, extra]) => {
      const times = bins.map(() => [] as number[]);
      return { name, args, env: { ...env, ...extra }, times };
    });
    for (const row of rows) {
      await timeOnce(['-e', '0'], env); // warm the file cache
      for (const bin of bins) await timeOnce([bin, ...row.args], row.env);
    }
    for (let i = 0; i < RUNS; i++) {
      for (const row of rows) {
        bare.push(await timeOnce(['-e', '0'], env));
        for (const [b, bin] of bins.entries()) row.times[b].push(await timeOnce([bin, ...row.args], row.env));
      }
    }
    const base = median(bare);
    console.log(
      `Start-up, median of ${RUNS} runs each (Node ${process.version}, ${process.platform}/${process.arch}, ` +
        `load average ${load.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end)\n`,
    );
    if (BEFORE) {
      console.log(`before: ${BEFORE}\n`);
      console.log('| command | before ms | before × `node -e 0` | after ms | after × `node -e 0` | after ÷ before |');
      console.log('|---|---:|---:|---:|---:|---:|');
      console.log(`| \`node -e 0\` | ${base.toFixed(1)} | 1.00 | ${base.toFixed(1)} | 1.00 | |`);
      for (const { name, times } of rows) {
        const [after, before] = times.map(median);
        console.log(
          `| \`facetctl ${name}\` | ${before.toFixed(1)} | ${(before / base).toFixed(2)} | ${after.toFixed(1)} | ` +
            `**${(after / base).toFixed(2)}** | ${(after / before).toFixed(2)} |`,
        );
      }
    } else {
      console.log('| command | median (ms) | × `node -e 0` |');
      console.log('|---|---:|---:|');
      console.log(`| \`node -e 0\` | ${base.toFixed(1)} | 1.00 |`);
      for (const { name, times } of rows) {
        const m = median(times[0]);
        console.log(`| \`facetctl ${name}\` | ${m.toFixed(1)} | **${(m / base).toFixed(2)}** |`);
      }
    }
  } finally {
    await emu.close();
  }
}

await main();
