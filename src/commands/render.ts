/** The env's renderers over `src/core/output.ts`, in the format the global flags chose. */
import { createRowWriter, renderOutput } from '../core/output.js';
import { escapeCsvFormulas } from '../core/untrusted-text.js';
import type { CommandEnv, RowWriter } from './env.js';

/** `-o csv` of a list is plain UTF-8 (for programs): formulas are escaped only with `--csv-formulas escape`. */
function listFormulas(env: CommandEnv): boolean {
  return escapeCsvFormulas(env.flags().csvFormulas, false);
}

export function render(env: CommandEnv, data: unknown, opts: { columns?: string[] } = {}): void {
  renderOutput(env.ctx, env.output(), data, { ...opts, escapeFormulas: listFormulas(env) });
}

export function rowWriter(env: CommandEnv, opts: { columns?: string[] } = {}): RowWriter {
  const writer = createRowWriter(env.ctx, env.output(), opts.columns, listFormulas(env));
  return {
    write: (row) => writer.write(row as Record<string, unknown>),
    end: () => writer.end(),
  };
}
