/**
 * Retry policy: exponential backoff with full jitter, bounded by attempts and by a total time
 * budget. Only errors that say they are transient (`retryable`) are retried, and the caller decides
 * whether the request may be repeated at all (the registry's `repeatable`).
 */
import { CancelledError, FacetError, NetworkError } from './errors.js';

export interface RetryPolicy {
  /** Extra attempts after the first (0 = no retry). */
  retries: number;
  /** First backoff ceiling in ms; doubles each attempt. */
  baseMs: number;
  /** Largest backoff ceiling in ms. */
  capMs: number;
  /** Total time the attempts and waits may take, in ms. */
  budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, baseMs: 200, capMs: 5000, budgetMs: 60_000 };

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryHooks {
  sleep: Sleep;
  /** Uniform in [0, 1). */
  random: () => number;
  /** Milliseconds clock for the budget. */
  clock: () => number;
  signal?: AbortSignal;
  /** Told before each wait: which attempt failed, why, and how long we wait. */
  onRetry?: (attempt: number, err: FacetError, delayMs: number) => void;
}

/** Full jitter: a uniform wait between 0 and min(cap, base·2^attempt). `attempt` counts from 0. */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export function isRetryable(err: unknown): err is FacetError {
  // NetworkError's `retryable` getter is shadowed by FacetError's class field at run time
  // (ES2022 define semantics), so its own `transient` flag is read directly.
  if (err instanceof NetworkError) return err.transient;
  return err instanceof FacetError && err.retryable;
}

/** A sleep that an AbortSignal cuts short with CancelledError. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The last error, told how many attempts it ends and how long they took (when there was more than one). */
function giveUp(err: unknown, n: number, elapsedMs: number): unknown {
  if (n > 0 && err instanceof FacetError) err.retried = { attempts: n + 1, elapsedMs };
  return err;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the attempts or the budget
 * run out; then the last error is thrown, with `retried` (attempts, total time) when it was retried.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<T> {
  const started = hooks.clock();
  for (let n = 0; ; n++) {
    if (hooks.signal?.aborted) throw new CancelledError();
    try {
      return await attempt(n);
    } catch (err) {
      if (!isRetryable(err) || n >= policy.retries) throw giveUp(err, n, hooks.clock() - started);
      const delay = backoffDelay(n, policy, hooks.random);
      if (hooks.clock() - started + delay > policy.budgetMs) throw giveUp(err, n, hooks.clock() - started);
      hooks.onRetry?.(n + 1, err, delay);
      await hooks.sleep(delay, hooks.signal);
    }
  }
}
