/**
 * `facetctl gen-docs --reference DIR --man DIR` (hidden, for developers: `npm run docs`): writes the
 * command reference (Markdown) and the man pages generated from this command tree.
 */
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { defineCommand } from './declare.js';
import { packageVersion } from './version.js';

/** Replaces DIR's generated files with `pages` (files of the same kind that no longer exist are removed). */
async function writePages(dir: string, pages: { file: string; text: string }[], ext: RegExp): Promise<void> {
  const { mkdir, readdir, rm, writeFile } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const keep = new Set(pages.map((p) => p.file));
  for (const name of await readdir(dir)) if (ext.test(name) && !keep.has(name)) await rm(join(dir, name));
  for (const p of pages) await writeFile(join(dir, p.file), p.text);
}

export const commands = [
  defineCommand<{ reference?: string; man?: string }>({
    path: ['gen-docs'],
    hidden: true,
    summary: 'Write the command reference (Markdown) and man pages generated from the command tree',
    flags: [
      { flags: '--reference <dir>', help: 'write the Markdown reference into DIR (docs/reference)' },
      { flags: '--man <dir>', help: 'write the man pages into DIR (man)' },
    ],
    async run(env, opts, { root }) {
      if (!opts.reference && !opts.man) throw new UsageError('gen-docs: give --reference DIR and/or --man DIR');
      const { manPages, markdownReference } = await import('../completion/reference.js');
      if (opts.reference) await writePages(resolve(env.ctx.cwd, opts.reference), markdownReference(root), /\.md$/);
      if (opts.man) await writePages(resolve(env.ctx.cwd, opts.man), manPages(root, packageVersion()), /\.1$/);
      env.ctx.io.stderr.write(`wrote ${[opts.reference, opts.man].filter(Boolean).join(' and ')}\n`);
    },
  }),
];
