/**
 * Bounded concurrency over a list: the one implementation the CLI's multi-device calls, the exports
 * and the import's local checks share. (The import's device queues and priorities are a scheduler
 * of their own: src/workflows/import/limit.ts.)
 */
import { CancelledError } from './errors.js';

/**
 * Maps `items` through `fn` with at most `limit` calls running; results keep the input order.
 * Rejects with the first error (the calls already running finish on their own), or with
 * CancelledError when `signal` is aborted before an item starts.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      if (signal?.aborted) throw new CancelledError();
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** As `mapLimited`, but every item runs even when others fail: one settled result per item, in order. */
export function settleLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  return mapLimited(items, limit, async (item, i): Promise<PromiseSettledResult<R>> => {
    try {
      return { status: 'fulfilled', value: await fn(item, i) };
    } catch (reason) {
      return { status: 'rejected', reason };
    }
  });
}
