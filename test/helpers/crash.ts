/**
 * Crash tests: a child TypeScript script run under tsx that is SIGKILLed once a progress probe
 * reaches a count (or left to finish). The kill points come from src/core/seeded-random.ts, the seed
 * printed in the test name so a failure can be replayed with FACETCTL_CRASH_SEED.
 */
import { spawn } from 'node:child_process';

/**
 * Runs `script` (a .ts file, under tsx) with `arg` as its one argument, polls `progress()` every
 * `pollMs`, and SIGKILLs the child once it returns `killAt` or more. 'finished' when the child ended first.
 */
export async function runChildAndKill(
  script: string,
  arg: unknown,
  progress: () => number | Promise<number>,
  killAt: number,
  pollMs: number,
): Promise<'killed' | 'finished'> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(arg)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  while (!exited && (await progress()) < killAt) await new Promise((r) => setTimeout(r, pollMs));
  if (exited) return 'finished';
  child.kill('SIGKILL');
  await exit;
  return 'killed';
}
