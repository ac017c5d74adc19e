import { readFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import * as undici from 'undici';
import { describe, expect, it } from 'vitest';
import { loadUndici } from '../../src/core/undici.js';

describe('loadUndici (the parts of undici the client loads by path)', () => {
  it('gives the very classes undici exports, with the request API on them', async () => {
    const parts = await loadUndici();
    expect(parts.Agent).toBe(undici.Agent);
    expect(parts.ProxyAgent).toBe(undici.ProxyAgent);
    const agent = new parts.Agent();
    try {
      expect(typeof agent.request).toBe('function');
      expect(typeof agent.connect).toBe('function');
    } finally {
      await agent.close();
    }
  });

  it('loads once per process', async () => {
    expect(loadUndici()).toBe(loadUndici());
  });
});

/**
 * scripts/build-cli.mjs gives the bundled undici's client-h2.js scripts/undici-http2-lazy.cjs for
 * `require('node:http2')`: its constants must be Node's, and it must offer every name client-h2.js uses.
 */
describe('the lazy node:http2 stand-in inside the bundled undici', () => {
  const root = resolve(import.meta.dirname, '../..');
  const shim = createRequire(import.meta.url)(resolve(root, 'scripts/undici-http2-lazy.cjs'));

  it("has Node's values for the constants", () => {
    for (const [name, value] of Object.entries(shim.constants)) {
      expect([name, value]).toEqual([name, (http2.constants as Record<string, unknown>)[name]]);
    }
  });

  it('covers every name client-h2.js reads from node:http2', () => {
    const source = readFileSync(resolve(root, 'node_modules/undici/lib/dispatcher/client-h2.js'), 'utf8');
    const start = source.indexOf('const {\n  constants: {');
    const block = source.slice(start, source.indexOf('} = http2', start));
    const constants = [...block.matchAll(/\b(HTTP2_\w+|NGHTTP2_\w+)\b/g)].map((m) => m[1]);
    expect(constants.length).toBeGreaterThan(0);
    expect(Object.keys(shim.constants).sort()).toEqual([...new Set(constants)].sort());
    const members = new Set([...source.matchAll(/\bhttp2\.(\w+)/g)].map((m) => m[1]));
    expect([...members]).toEqual(['connect']);
    expect(typeof shim.connect).toBe('function');
  });

  it('is what the build puts in place of node:http2 (no chunk requires it at load)', () => {
    const build = readFileSync(resolve(root, 'scripts/build-cli.mjs'), 'utf8');
    expect(build).toContain('undici-http2-lazy.cjs');
  });
});
