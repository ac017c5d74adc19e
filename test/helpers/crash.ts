/**
 * Crash tests: a seeded random source (the seed is printed in the test name so a failure can be
 * replayed with FACETCTL_CRASH_SEED) and a child TypeScript script run under tsx that is SIGKILLed
 * once a progress probe reaches a count (or left to finish).
 */
import { spawn } from 'node:child_process';

/** mulberry32: a small deterministic generator of numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
