/** The paging note in --help tells what one call returns, not the size --all asks for. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('paging in --help', () => {
  it('senselink record list: the API default page size (20) and the --size maximum', async () => {
    const r = await runCli(['senselink', 'record', 'list', '--help']);
    expect(r.code).toBe(0);
    const note = r.stdout.replace(/\s+/g, ' ');
    expect(note).toContain('Note: lists 20 rows a page by default (--size N up to 100)');
    expect(note).not.toContain('lists 100 rows a page');
  });

  it('facetCloud lists keep their fixed 100 rows a page', async () => {
    const r = await runCli(['log', 'recog', 'list', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('Note: lists 100 rows a page: --page N, or --all');
  });
});
