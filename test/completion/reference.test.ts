/**
 * The committed command reference (docs/reference/) and man pages (man/) are exactly what
 * `npm run docs` produces from the command tree now: regenerate after changing commands.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, packageVersion } from '../../src/commands/program.js';
import { manPages, markdownReference } from '../../src/completion/reference.js';
import { testContext } from '../core/test-context.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = resolve(import.meta.dirname, '../..');

async function root() {
  return (await buildProgram(testContext({ env: {} }))).program;
}

describe('generated reference', () => {
  it('docs/reference/ matches the command tree (run `npm run docs` to regenerate)', async () => {
    const pages = markdownReference(await root());
    const dir = join(ROOT, 'docs/reference');
    expect(readdirSync(dir).sort()).toEqual(pages.map((p) => p.file).sort());
    for (const p of pages) expect(readFileSync(join(dir, p.file), 'utf8'), p.file).toBe(p.text);
  });

  it('man/ matches the command tree (run `npm run docs` to regenerate)', async () => {
    const pages = manPages(await root(), packageVersion());
    const dir = join(ROOT, 'man');
    expect(readdirSync(dir).sort()).toEqual(pages.map((p) => p.file).sort());
    for (const p of pages) expect(readFileSync(join(dir, p.file), 'utf8'), p.file).toBe(p.text);
  });

  it('every endpoint command appears with its API path and example', async () => {
    const person = readFileSync(join(ROOT, 'docs/reference/person.md'), 'utf8');
    expect(person).toContain('## facetctl person to-device');
    expect(person).toContain('API: facetCloud GET|POST /person/toDevice');
    expect(person).toContain('$ facetctl person to-device --serial');
  });

  it('gen-docs writes both through the CLI', async () => {
    const dir = tempDir();
    const r = await runCli(['gen-docs', '--reference', join(dir, 'ref'), '--man', join(dir, 'man')]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'ref', 'person.md'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'docs/reference/person.md'), 'utf8'),
    );
    expect((await runCli(['gen-docs'])).code).toBe(2);
  });

  const man = spawnSync('man', ['--version']).status === 0;
  it.runIf(man)('man renders the pages without warnings', () => {
    const r = spawnSync('man', ['--warnings', '-l', join(ROOT, 'man/facetctl-person.1')], {
      encoding: 'utf8',
      env: { ...process.env, MANPAGER: 'cat', MANWIDTH: '100' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('facetctl person to-device');
  });
});
