import * as crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as viaRequire from '../../src/core/node-crypto.js';

describe('node-crypto (node:crypto without its ESM facade)', () => {
  it("gives Node's own functions", () => {
    expect(viaRequire.createHash).toBe(crypto.createHash);
    expect(viaRequire.randomBytes).toBe(crypto.randomBytes);
    expect(viaRequire.timingSafeEqual).toBe(crypto.timingSafeEqual);
    expect(viaRequire.createHash('sha256').update('a').digest('hex')).toBe(
      'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb',
    );
  });
});
