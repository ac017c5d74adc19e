/** The request journal: bounded, oldest dropped first, in order. */
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/emulator/journal.js';

describe('Journal', () => {
  it('keeps the last `limit` entries in order, numbering every request', () => {
    const j = new Journal(3);
    for (let i = 1; i <= 7; i++) j.add('GET', `/p${i}`, ['a', 'ds-api-token', 'a'], 200);
    const list = j.list();
    expect(list.map((e) => [e.seq, e.path])).toEqual([
      [5, '/p5'],
      [6, '/p6'],
      [7, '/p7'],
    ]);
    expect(list[0].params).toEqual(['a']);
    j.clear();
    j.add('POST', '/p8', [], 400);
    expect(j.list().map((e) => e.seq)).toEqual([8]);
  });
});
