import { Writable } from 'node:stream';
import type { Context } from '../core/context.js';

/**
 * The streams @inquirer/prompts talks through. Its output is piped with `end: true` and ended after
 * each prompt; process.stderr shrugs that off, but any other stream (tests, embedding) would be
 * closed for good, so prompts write through a proxy that never ends the real stream.
 */
export function promptContext(ctx: Context) {
  const output = new Writable({
    write(chunk, _enc, done) {
      ctx.io.stderr.write(chunk, done);
    },
  });
  Object.assign(output, { isTTY: ctx.io.stderrIsTTY, columns: ctx.io.columns ?? 80, rows: 24 });
  return { input: ctx.io.stdin, output, signal: ctx.signal };
}
