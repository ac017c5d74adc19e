/** Byte sinks for the row writer: an atomic file, or a stream such as stdout. */
import type { Writable } from 'node:stream';
import type { AtomicFile } from './atomic-file.js';
import type { ByteSink } from './row-writer.js';

export function fileSink(file: AtomicFile): ByteSink {
  return { write: (chunk) => file.write(chunk) };
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
