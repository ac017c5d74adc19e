/**
 * What the terminal allows: colour, and a spinner that redraws its line. Decided in one place from the
 * context (terminal flags, width, environment) so help, progress and every command agree.
 */
import type { Context } from './context.js';
import { envValue } from './environment.js';

/**
 * Whether to write colour to a stream. In order: `--no-color` (`flag === false`) or a non-empty
 * NO_COLOR → no; FORCE_COLOR (not 0/false) → yes; TERM=dumb → no; else only on a terminal.
 * See https://no-color.org and https://force-color.org.
 */
export function colorEnabled(ctx: Context, isTTY: boolean, flag?: boolean): boolean {
  if (flag === false) return false;
  if (envValue(ctx.env, 'NO_COLOR')) return false;
  const force = envValue(ctx.env, 'FORCE_COLOR');
  if (force !== undefined) return !/^(0|false)$/i.test(force.trim());
  if (envValue(ctx.env, 'TERM') === 'dumb') return false;
  return isTTY;
}

/**
 * Whether a spinner (a line redrawn with cursor movement) may be drawn on stderr: stderr is a
 * terminal, TERM is not `dumb`, and the terminal's width is known and above 0. A pseudo-terminal
 * that reports 0 columns (`script -qc` without a size, some CI runners) gets plain lines: redrawing
 * a line 0 columns wide is what once looped forever at 100% CPU.
 */
export function spinnerAllowed(ctx: Context): boolean {
  if (!ctx.io.stderrIsTTY) return false;
  if (envValue(ctx.env, 'TERM') === 'dumb') return false;
  const columns = ctx.io.stderrColumns;
  return typeof columns === 'number' && Number.isFinite(columns) && columns > 0;
}
