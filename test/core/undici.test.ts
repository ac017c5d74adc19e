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
