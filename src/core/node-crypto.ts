/**
 * Node's `crypto` module, loaded through `require` rather than `import`. An ESM import of a built-in
 * builds its module facade, which reads every export, `webcrypto` included, and that getter loads
 * all of WebCrypto (~7 ms at start-up) although facetctl's one-shot commands only hash and draw
 * random bytes. Core modules loaded by every API call (safe-file, redact, compare, senselink-sign)
 * take these functions from here; the long-running workflows and the emulator may import
 * node:crypto directly. test/core/node-crypto.test.ts checks they are Node's own functions.
 */
import type * as NodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';

const crypto: typeof NodeCrypto = createRequire(import.meta.url)('node:crypto');

export const { createHash, randomBytes, timingSafeEqual } = crypto;
