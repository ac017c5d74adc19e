/**
 * Small concurrency primitives for the import: a bounded map, a limiter that serves the lowest
 * priority number first (so row 5's next step goes before row 900's first one and devices get
 * work early), and a one-at-a-time queue per device (the device is exclusive).
 */
import { CancelledError } from '../../core/errors.js';

interface Waiter {
  priority: number;
  seq: number;
  start: () => void;
  cancel: (err: Error) => void;
}

/** A binary heap ordered by (priority, arrival). */
class WaiterHeap {
  private items: Waiter[] = [];
  get size(): number {
    return this.items.length;
  }
  private less(a: Waiter, b: Waiter): boolean {
    return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
  }
  push(w: Waiter): void {
    const a = this.items;
    a.push(w);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): Waiter | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
  drain(): Waiter[] {
    const all = this.items;
    this.items = [];
    return all;
  }
}

/**
 * Runs tasks with at most `limit` at once, lowest priority number first. Once `signal` aborts, tasks
 * that have not started are refused with CancelledError; running ones finish.
 */
export class PriorityLimiter {
  private running = 0;
  private seq = 0;
  private readonly waiting = new WaiterHeap();

  constructor(
    private readonly limit: number,
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', () => {
      for (const w of this.waiting.drain()) w.cancel(new CancelledError());
    });
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.size;
  }

  run<T>(priority: number, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.signal?.aborted) return reject(new CancelledError());
      const start = () => {
        this.running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.next();
          });
      };
      this.waiting.push({ priority, seq: this.seq++, start, cancel: reject });
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.limit && this.waiting.size > 0) {
      if (this.signal?.aborted) {
        for (const w of this.waiting.drain()) w.cancel(new CancelledError());
        return;
      }
      this.waiting.pop()!.start();
    }
  }
}

/** One exclusive call at a time per device, in arrival order. */
export class DeviceQueues {
  private readonly queues = new Map<string, PriorityLimiter>();
  private seq = 0;

  constructor(private readonly signal?: AbortSignal) {}

  run<T>(serial: string, task: () => Promise<T>): Promise<T> {
    let q = this.queues.get(serial);
    if (!q) {
      q = new PriorityLimiter(1, this.signal);
      this.queues.set(serial, q);
    }
    return q.run(this.seq++, task);
  }

  /** Tasks waiting plus running, per device. */
  backlog(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [s, q] of this.queues) out.set(s, q.active + q.queued);
    return out;
  }
}
