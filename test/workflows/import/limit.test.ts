import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/core/errors.js';
import { DeviceQueues, PriorityLimiter } from '../../../src/workflows/import/limit.js';

/** A promise with its resolve function, so tests decide when a task ends. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

// The bounded map shared by every workflow is tested in test/core/pool.test.ts.
describe('concurrency primitives', () => {
  it('PriorityLimiter serves the lowest priority number first', async () => {
    const limiter = new PriorityLimiter(1);
    const first = gate();
    const order: number[] = [];
    const blocker = limiter.run(0, () => first.promise);
    const tasks = [7, 3, 9, 1].map((p) =>
      limiter.run(p, async () => {
        order.push(p);
      }),
    );
    first.open();
    await Promise.all([blocker, ...tasks]);
    expect(order).toEqual([1, 3, 7, 9]);
  });

  it('refuses tasks that have not started once aborted, and lets running ones finish', async () => {
    const ac = new AbortController();
    const limiter = new PriorityLimiter(1, ac.signal);
    const running = gate();
    let finished = false;
    const a = limiter.run(0, async () => {
      await running.promise;
      finished = true;
      return 'a';
    });
    const b = limiter.run(1, async () => 'b');
    ac.abort();
    await expect(b).rejects.toBeInstanceOf(CancelledError);
    running.open();
    expect(await a).toBe('a');
    expect(finished).toBe(true);
    await expect(limiter.run(2, async () => 'c')).rejects.toBeInstanceOf(CancelledError);
  });

  it('DeviceQueues runs one task at a time per device, devices in parallel', async () => {
    const queues = new DeviceQueues();
    const active = new Map<string, number>();
    let peakPerDevice = 0;
    let peakTotal = 0;
    const total = () => [...active.values()].reduce((a, b) => a + b, 0);
    const task = (serial: string) =>
      queues.run(serial, async () => {
        active.set(serial, (active.get(serial) ?? 0) + 1);
        peakPerDevice = Math.max(peakPerDevice, active.get(serial)!);
        peakTotal = Math.max(peakTotal, total());
        await new Promise((r) => setImmediate(r));
        active.set(serial, active.get(serial)! - 1);
      });
    await Promise.all(['A', 'B', 'C', 'A', 'B', 'C', 'A'].map(task));
    expect(peakPerDevice).toBe(1);
    expect(peakTotal).toBe(3);
  });
});
