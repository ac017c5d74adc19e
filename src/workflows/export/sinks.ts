/** Byte sinks for the row writer: an atomic file, or a stream such as stdout. */
import type { Writable } from 'node:stream';
import type { AtomicFile } from '../../core/safe-file.js';
import type { ByteSink } from './row-writer.js';

/** Pages are small (tens of KB); gathering them into larger writes saves most of the per-call cost. */
const FILE_BATCH_BYTES = 1024 * 1024;

/**
 * Pages gathered into one buffer of FILE_BATCH_BYTES, allocated once and reused after each write has
 * completed: no megabyte is allocated per batch, so the process's native heap does not grow with the
 * rows (freed large blocks fragment it), and a write is awaited before the next page is copied in.
 */
export function fileSink(file: AtomicFile): ByteSink {
  const batch = Buffer.allocUnsafeSlow(FILE_BATCH_BYTES);
  let size = 0;
  const flush = async () => {
    if (size === 0) return;
    const used = size;
    size = 0;
    await file.write(batch.subarray(0, used));
  };
  return {
    async write(chunk) {
      if (size + chunk.length > FILE_BATCH_BYTES) await flush();
      if (chunk.length >= FILE_BATCH_BYTES) {
        await file.write(chunk);
        return;
      }
      chunk.copy(batch, size);
      size += chunk.length;
    },
    // Encoded straight into the batch: no Buffer per page (its memory is outside the V8 heap and
    // freed only by a later GC, so it grew the process's peak).
    async writeText(text) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (size + bytes > FILE_BATCH_BYTES) await flush();
      if (bytes >= FILE_BATCH_BYTES) {
        await file.write(Buffer.from(text, 'utf8'));
        return;
      }
      size += batch.write(text, size, 'utf8');
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
    writeText: (text) =>
      new Promise<void>((resolve, reject) => {
        stream.write(text, 'utf8', (err) => (err ? reject(err) : resolve()));
      }),
  };
}
