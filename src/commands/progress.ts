import type { Context } from '../core/context.js';
import { colorEnabled, spinnerAllowed } from '../core/terminal.js';

/** Status of a long operation, on stderr only. */
export interface Progress {
  /** New status text (e.g. '1200/5000 rows'). */
  update(text: string): void;
  /** Finished well; the text (if any) stays on stderr as a summary line. */
  succeed(text?: string): void;
  /** Finished badly; the text (if any) stays on stderr. */
  fail(text?: string): void;
  /** Remove the spinner without a summary. */
  stop(): void;
}

/** Plain lines are rate-limited so cron logs get a heartbeat, not a flood, and short calls stay silent. */
const PLAIN_INTERVAL_MS = 10_000;

interface SpinnerLike {
  text: string;
  start(): SpinnerLike;
  stop(): SpinnerLike;
  succeed(text?: string): SpinnerLike;
  fail(text?: string): SpinnerLike;
}

/**
 * ora when a spinner is allowed (`spinnerAllowed`: a terminal of known width, not TERM=dumb; loaded
 * lazily so start-up does not pay for it); otherwise a plain line at most every ten seconds, so a job
 * that finishes quickly writes nothing but its summary, and nothing ever redraws or blocks.
 * `colorFlag` is the global `--color` (false for `--no-color`).
 */
export function createProgress(ctx: Context, label: string, colorFlag: boolean): Progress {
  if (!spinnerAllowed(ctx)) return plainProgress(ctx, label);
  return spinnerProgress(ctx, label, colorEnabled(ctx, true, colorFlag));
}

function spinnerProgress(ctx: Context, label: string, color: boolean): Progress {
  let spinner: SpinnerLike | undefined;
  let text = label;
  let ended: { kind: 'succeed' | 'fail' | 'stop'; text?: string } | undefined;
  const finish = (kind: 'succeed' | 'fail' | 'stop', summary?: string) => {
    if (ended) return;
    ended = { kind, text: summary };
    if (spinner) end(spinner, kind, summary);
    else if (summary) ctx.io.stderr.write(`${summary}\n`);
  };
  const end = (s: SpinnerLike, kind: 'succeed' | 'fail' | 'stop', summary?: string) => {
    if (kind === 'stop' || !summary) s.stop();
    else s[kind](summary);
  };
  void import('ora').then(({ default: ora }) => {
    if (ended) return;
    spinner = ora({ text, stream: ctx.io.stderr, color: color ? 'cyan' : false, isEnabled: true }).start();
  });
  return {
    update(t) {
      text = `${label}: ${t}`;
      if (spinner) spinner.text = text;
    },
    succeed: (t) => finish('succeed', t),
    fail: (t) => finish('fail', t),
    stop: () => finish('stop'),
  };
}

function plainProgress(ctx: Context, label: string): Progress {
  let last = ctx.now().getTime();
  let done = false;
  const line = (t: string) => ctx.io.stderr.write(`${t}\n`);
  return {
    update(t) {
      const now = ctx.now().getTime();
      if (done || now - last < PLAIN_INTERVAL_MS) return;
      last = now;
      line(`${label}: ${t}`);
    },
    succeed(t) {
      if (!done && t) line(t);
      done = true;
    },
    fail(t) {
      if (!done && t) line(t);
      done = true;
    },
    stop() {
      done = true;
    },
  };
}
