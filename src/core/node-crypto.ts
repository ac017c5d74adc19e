/**
 * Node's `crypto` module, loaded through `require` on first use rather than imported. An ESM import
 * of a built-in builds its module facade, which reads every export, `webcrypto` included, and that
 * getter loads all of WebCrypto (~7 ms at start-up); and `node:crypto` itself loads its ciphers, key
 * generation and X.509 code (~3.5 ms) that a `device list` never uses: it hashes nothing unless it
 * logs a picture or writes a file. Core modules loaded by every API call (safe-file, redact, compare,
 * senselink-sign) take these functions from here; the long-running workflows and the emulator may
 * import node:crypto directly. test/core/node-crypto.test.ts checks they answer as Node's own and
 * that importing this module loads nothing.
 */
import type * as NodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';

let loaded: typeof NodeCrypto | undefined;
function crypto(): typeof NodeCrypto {
  loaded ??= createRequire(import.meta.url)('node:crypto') as typeof NodeCrypto;
  return loaded;
}

/** `crypto.createHash(algorithm)`: a Hash (update/digest), Node's own. */
export function createHash(algorithm: string): NodeCrypto.Hash {
  return crypto().createHash(algorithm);
}

/** `crypto.randomBytes(size)`: `size` random bytes, synchronously. */
export function randomBytes(size: number): Buffer {
  return crypto().randomBytes(size);
}

/** `crypto.timingSafeEqual(a, b)`: equal bytes, compared in constant time; throws when the lengths differ. */
export function timingSafeEqual(a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean {
  return crypto().timingSafeEqual(a, b);
}
