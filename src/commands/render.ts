/** The env's renderers over `src/core/output.ts`, in the format the global flags chose. */
import { createRowWriter, renderOutput } from '../core/output.js';
import type { CommandEnv, RowWriter } from './env.js';

export function render(env: CommandEnv, data: unknown, opts: { columns?: string[] } = {}): void {
  renderOutput(env.ctx, env.output(), data, opts);
}

export function rowWriter(env: CommandEnv, opts: { columns?: string[] } = {}): RowWriter {
  const writer = createRowWriter(env.ctx, env.output(), opts.columns);
  return {
    write: (row) => writer.write(row as Record<string, unknown>),
    end: () => writer.end(),
  };
}
