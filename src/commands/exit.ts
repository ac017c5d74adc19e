/**
 * Thrown by an action that has already told the user what happened (per-device errors, a partial
 * outcome) and only needs the process to end with this code.
 */
export class ExitWith extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Several items, each ok or not: 0 when all are, 3 when some are, else the shared code or 1. */
export function combinedExitCode(codes: readonly number[]): number {
  if (codes.length === 0 || codes.every((c) => c === 0)) return 0;
  if (codes.some((c) => c === 0)) return 3;
  const first = codes[0];
  return codes.every((c) => c === first) ? first : 1;
}

const usageExitCodes = new WeakMap<object, number>();

/**
 * A command whose usage errors (commander's and its own) end with another code than 2: `device
 * health` answers 3 (UNKNOWN), as monitoring plugins do for bad arguments. Read by program.ts.
 */
export function setUsageExitCode(cmd: object, code: number): void {
  usageExitCodes.set(cmd, code);
}

export function usageExitCodeOf(cmd: object): number | undefined {
  return usageExitCodes.get(cmd);
}

const queryApplied = new WeakSet<object>();

/**
 * A command that applies the global `--query` to what it prints (through `env.render`/`env.rows`, or
 * itself per row). `--query` on any other command is refused before it runs (program.ts): a flag
 * silently ignored would hand a script something other than what it asked for.
 */
export function setAppliesQuery(cmd: object): void {
  queryApplied.add(cmd);
}

/** Whether `cmd` applies `--query` (setAppliesQuery). */
export function appliesQuery(cmd: object): boolean {
  return queryApplied.has(cmd);
}

const ownOutput = new WeakSet<object>();

/**
 * A command that reads `-o` itself, with formats of its own (`device health -o prometheus`): the
 * generic output check before the action (program.ts) leaves it alone.
 */
export function setOwnOutput(cmd: object): void {
  ownOutput.add(cmd);
}

export function hasOwnOutput(cmd: object): boolean {
  return ownOutput.has(cmd);
}
