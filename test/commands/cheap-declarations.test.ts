/**
 * A hand-written command module (src/commands/*.ts exporting `commands`, src/commands/declare.ts) is
 * loaded to build the tree: the root `--help` loads every top-level one, `device list` loads the
 * `device` group's. Its declaration (words, summary, flags, help) must therefore be cheap to load:
 * what only `run` needs (files, services, prompts, crypto, the emulator, the registry, the workflows'
 * implementations) is imported inside `run` (`await import(...)`), never at the top of the module.
 *
 * Checked on what the build really loads: each module is bundled by esbuild as scripts/build-cli.mjs
 * does (code splitting, type-only imports erased), and the modules reached through static imports
 * only, from its entry chunk, must include nothing of the deny-list below.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const COMMANDS = join(ROOT, 'src/commands');

/** Loaded at start-up only through `run`: Node built-ins and packages (each costs ms to load), and our heavy modules. */
const DENIED_EXTERNAL =
  /^(node:)?(fs\/promises|crypto|stream|stream\/.*|events|http|https|http2|net|tls|zlib|child_process|readline|worker_threads)$|^(undici|iconv-lite|@inquirer\/.*|conf|ajv.*|cli-table3|yaml)$/;
const DENIED_SOURCE =
  /^src\/(core\/(safe-file|profiles|http|undici|client|outcome|node-crypto)\.ts|commands\/(services|prompt-io|generated)\.ts|registry\/index\.ts|emulator\/|completion\/)/;

/**
 * The group module still loading its workflow at declaration time (it loads only when its group's
 * word is typed: `log …`), with what it reaches; to be split like the others.
 */
const NOT_YET: Readonly<Record<string, string>> = {
  'log-export.ts': 'declares its filter flags from the registry (filterFlagsOf) and the export workflow',
};

/** The command modules: every src/commands/*.ts that exports `commands`. */
function commandModules(): string[] {
  return readdirSync(COMMANDS)
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => /^export const commands\b/m.test(readFileSync(join(COMMANDS, f), 'utf8')))
    .sort();
}

/** What loading `file` loads before any `run`: source files (relative to the root) and external imports. */
async function staticallyLoaded(file: string): Promise<{ sources: string[]; externals: string[] }> {
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(COMMANDS, file)],
    outdir: 'out',
    write: false,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
  });
  const outputs: Metafile['outputs'] = metafile.outputs;
  const entry = Object.keys(outputs).find((o) => outputs[o].entryPoint === `src/commands/${file}`);
  if (!entry) throw new Error(`no entry chunk for ${file}`);
  const sources = new Set<string>();
  const externals = new Set<string>();
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const out = todo.pop() as string;
    if (seen.has(out)) continue;
    seen.add(out);
    for (const input of Object.keys(outputs[out].inputs)) sources.add(input);
    for (const imp of outputs[out].imports) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external) externals.add(imp.path);
      else todo.push(imp.path);
    }
  }
  return { sources: [...sources].sort(), externals: [...externals].sort() };
}

describe('command modules: cheap declarations, heavy imports behind run', () => {
  const modules = commandModules();

  it('finds the command modules (and the known exceptions still exist)', () => {
    expect(modules).toEqual(expect.arrayContaining(['server.ts', 'demo.ts', 'profile.ts', 'api.ts', 'watch.ts']));
    for (const f of Object.keys(NOT_YET)) expect(modules).toContain(f);
  });

  it.each(modules.filter((f) => !(f in NOT_YET)))('%s statically loads nothing heavy', async (file) => {
    const { sources, externals } = await staticallyLoaded(file);
    expect(sources).toContain(`src/commands/${file}`);
    expect(sources.filter((s) => DENIED_SOURCE.test(s) || s.startsWith('node_modules/'))).toEqual([]);
    expect(externals.filter((e) => DENIED_EXTERNAL.test(e))).toEqual([]);
  });

  it('the check sees a heavy static import (an exception module fails it)', async () => {
    const { sources, externals } = await staticallyLoaded('log-export.ts');
    expect([
      ...sources.filter((s) => DENIED_SOURCE.test(s)),
      ...externals.filter((e) => DENIED_EXTERNAL.test(e)),
    ]).not.toEqual([]);
  });
});
