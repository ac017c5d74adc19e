import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as lazy from '../../src/core/node-crypto.js';
import { ensureBuilt } from '../setup/build.js';

describe('node-crypto (node:crypto on first use, without its ESM facade)', () => {
  it("answers as Node's own functions", () => {
    expect(lazy.createHash('sha256').update('a').digest('hex')).toBe(
      'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb',
    );
    expect(lazy.createHash('md5').update('x').digest('hex')).toBe(crypto.createHash('md5').update('x').digest('hex'));
    const bytes = lazy.randomBytes(16);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes).toHaveLength(16);
    expect(lazy.randomBytes(16).equals(bytes)).toBe(false);
    expect(lazy.timingSafeEqual(Buffer.from('ab'), Buffer.from('ab'))).toBe(true);
    expect(lazy.timingSafeEqual(Buffer.from('ab'), Buffer.from('ac'))).toBe(false);
    expect(() => lazy.timingSafeEqual(Buffer.from('ab'), Buffer.from('abc'))).toThrow(RangeError);
  });

  it('loads node:crypto only when a function is first called', () => {
    // A child with nothing else loaded (plain node on the build of this module: tsx would load crypto
    // itself): is node:crypto loaded after importing the module, and after calling it?
    ensureBuilt();
    const module = pathToFileURL(resolve(import.meta.dirname, '../../dist/core/node-crypto.js')).href;
    const script = `
      const has = () => process.moduleLoadList.includes('NativeModule crypto');
      const m = await import(${JSON.stringify(module)});
      const before = has();
      m.createHash('sha256');
      console.log(JSON.stringify({ before, after: has() }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: resolve(import.meta.dirname, '../..'),
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ before: false, after: true });
  });
});
