/**
 * `facetctl gen-docs --reference DIR --man DIR` (hidden, for developers: `npm run docs`): writes the
 * command reference (Markdown) and the man pages generated from this command tree.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { CommandEnv } from './env.js';
import { packageVersion } from './version.js';

/** Replaces DIR's generated files with `pages` (files of the same kind that no longer exist are removed). */
async function writePages(dir: string, pages: { file: string; text: string }[], ext: RegExp): Promise<void> {
  await mkdir(dir, { recursive: true });
  const keep = new Set(pages.map((p) => p.file));
  for (const name of await readdir(dir)) if (ext.test(name) && !keep.has(name)) await rm(join(dir, name));
  for (const p of pages) await writeFile(join(dir, p.file), p.text);
}

export function register(root: Command, env: CommandEnv): void {
  root
    .command('gen-docs', { hidden: true })
    .description('Write the command reference (Markdown) and man pages generated from the command tree')
    .option('--reference <dir>', 'write the Markdown reference into DIR (docs/reference)')
    .option('--man <dir>', 'write the man pages into DIR (man)')
    .action(async (opts: { reference?: string; man?: string }) => {
      if (!opts.reference && !opts.man) throw new UsageError('gen-docs: give --reference DIR and/or --man DIR');
      const { manPages, markdownReference } = await import('../completion/reference.js');
      if (opts.reference) await writePages(resolve(env.ctx.cwd, opts.reference), markdownReference(root), /\.md$/);
      if (opts.man) await writePages(resolve(env.ctx.cwd, opts.man), manPages(root, packageVersion()), /\.1$/);
      env.ctx.io.stderr.write(`wrote ${[opts.reference, opts.man].filter(Boolean).join(' and ')}\n`);
    });
}
