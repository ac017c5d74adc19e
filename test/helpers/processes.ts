/**
 * The `processes` member of a test Context (core/safe-file.ts): this test process's id and a real
 * liveness probe, as src/cli.ts fills it, or a fake one for tests that decide who still runs.
 */
import type { ProcessProbe } from '../../src/core/safe-file.js';

export const hostProcesses: ProcessProbe = {
  pid: process.pid,
  isRunning(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

/** A probe for which only `pid` and the ids in `running` still run. */
export function fakeProcesses(pid: number, running: readonly number[] = []): ProcessProbe {
  return { pid, isRunning: (other) => other === pid || running.includes(other) };
}
