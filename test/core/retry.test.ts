import { describe, expect, it } from 'vitest';
import {
  ApiError,
  CancelledError,
  ExclusionError,
  NetworkError,
  ServerUnavailableError,
} from '../../src/core/errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, isRetryable, withRetry } from '../../src/core/retry.js';

/** Fake clock and sleep: waits advance the clock, nothing really waits. */
function fakeHooks(random = () => 0.5) {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    hooks: {
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
      random,
      clock: () => now,
    },
  };
}

describe('backoff', () => {
  it('uses full jitter under an exponential ceiling capped at 5 s', () => {
    const p = { baseMs: 200, capMs: 5000 };
    expect(backoffDelay(0, p, () => 0.999)).toBe(199);
    expect(backoffDelay(1, p, () => 0.999)).toBe(399);
    expect(backoffDelay(3, p, () => 0.5)).toBe(800);
    expect(backoffDelay(10, p, () => 0.999)).toBe(4995);
    expect(backoffDelay(4, p, () => 0)).toBe(0);
  });
});

describe('isRetryable', () => {
  it('retries transient failures only', () => {
    expect(isRetryable(new ServerUnavailableError(503, [], undefined))).toBe(true);
    expect(isRetryable(new ExclusionError(400, [{ name: 'exclusion', message: 'x' }], {}))).toBe(true);
    expect(isRetryable(new NetworkError('reset', 'ECONNRESET'))).toBe(true);
    expect(isRetryable(new NetworkError('dns', 'ENOTFOUND', false))).toBe(false);
    expect(isRetryable(new ApiError(400, [], {}))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
  });
});

describe('withRetry', () => {
  it('retries a transient error and then succeeds', async () => {
    const { hooks, waits } = fakeHooks();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new ServerUnavailableError(502, [], undefined);
        return 'ok';
      },
      DEFAULT_RETRY_POLICY,
      hooks,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it('stops after the allowed attempts and throws the last error', async () => {
    const { hooks } = fakeHooks();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new NetworkError(`reset ${calls}`, 'ECONNRESET');
        },
        { ...DEFAULT_RETRY_POLICY, retries: 2 },
        hooks,
      ),
    ).rejects.toThrow('reset 3');
    expect(calls).toBe(3);
  });

  it('never retries a non-transient error', async () => {
    const { hooks, waits } = fakeHooks();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new ApiError(400, [{ name: 'personCode', message: 'x' }], {});
        },
        DEFAULT_RETRY_POLICY,
        hooks,
      ),
    ).rejects.toBeInstanceOf(ApiError);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('gives up when the next wait would exceed the time budget', async () => {
    const { hooks } = fakeHooks(() => 0.99);
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new ServerUnavailableError(500, [], undefined);
        },
        { retries: 100, baseMs: 200, capMs: 5000, budgetMs: 10_000 },
        hooks,
      ),
    ).rejects.toBeInstanceOf(ServerUnavailableError);
    // waits 198, 396, 792, 1584, 3168 (sum 6138); the next (4950) would pass 10 s
    expect(calls).toBe(6);
  });

  it('stops waiting when the signal aborts', async () => {
    const ac = new AbortController();
    let calls = 0;
    const p = withRetry(
      async () => {
        calls++;
        throw new ServerUnavailableError(503, [], undefined);
      },
      DEFAULT_RETRY_POLICY,
      {
        sleep: async () => {
          ac.abort();
        },
        random: () => 0.5,
        clock: () => 0,
        signal: ac.signal,
      },
    );
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(calls).toBe(1);
  });
});
