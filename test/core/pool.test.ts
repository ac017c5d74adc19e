import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/core/errors.js';
import { mapLimited, settleLimited } from '../../src/core/pool.js';

describe('bounded concurrency', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimited([5, 1, 4, 2, 3], 2, async (n, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return n * 10 + i;
    });
    expect(out).toEqual([50, 11, 42, 23, 34]);
    expect(peak).toBe(2);
  });

  it('mapLimited rejects with the first error; settleLimited runs every item', async () => {
    const work = async (n: number) => {
      if (n === 2) throw new Error('two');
      return n;
    };
    await expect(mapLimited([1, 2, 3], 2, work)).rejects.toThrow('two');
    const settled = await settleLimited([1, 2, 3], 2, work);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('an aborted signal stops before the next item starts', async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    const run = mapLimited(
      [1, 2, 3, 4],
      1,
      async (n) => {
        seen.push(n);
        if (n === 2) ac.abort();
      },
      ac.signal,
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toEqual([1, 2]);
  });
});
