/** Byte sinks for the row writer: an atomic file, or a stream such as stdout. */
import type { Writable } from 'node:stream';
import type { AtomicFile } from '../../core/safe-file.js';
import type { ByteSink } from './row-writer.js';

/** Pages are small (tens of KB); gathering them into larger writes saves most of the per-call cost. */
const FILE_BATCH_BYTES = 1024 * 1024;

export function fileSink(file: AtomicFile): ByteSink {
  let pending: Buffer[] = [];
  let size = 0;
  const flush = async () => {
    if (size === 0) return;
    const data = pending.length === 1 ? pending[0] : Buffer.concat(pending, size);
    pending = [];
    size = 0;
    await file.write(data);
  };
  return {
    async write(chunk) {
      pending.push(chunk);
      size += chunk.length;
      if (size >= FILE_BATCH_BYTES) await flush();
    },
    flush,
  };
}

/**
 * Resolves once the stream has handed the chunk on (its write callback), so "written" means flushed
 * as far as Node can tell; the state file only moves after the last of these.
 */
export function streamSink(stream: Writable): ByteSink {
  return {
    write: (chunk) =>
      new Promise<void>((resolve, reject) => {
        stream.write(chunk, (err) => (err ? reject(err) : resolve()));
      }),
  };
}
