/**
 * Every facetctl command line shown in README.md and docs/*.md names a command that exists and only
 * flags that command (or the global flags) accepts, so a renamed command or flag fails the suite
 * instead of leaving the documentation behind. The lines are read from the code blocks (`sh`,
 * `console`, `text`): `facetctl …`, `npx facetctl …` and `$ facetctl …`, with `\` continuations.
 * (The generated reference in docs/reference/ is checked by test/completion/reference.test.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/commands/program.js';
import { testContext } from '../core/test-context.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Splits a shell line into words (quotes kept together, not interpreted further). */
function words(line: string): string[] {
  return [...line.matchAll(/'[^']*'|"(?:[^"\\]|\\.)*"|\S+/g)].map((m) => m[0]);
}

interface Example {
  file: string;
  line: number;
  argv: string[];
}

function examplesOf(file: string): Example[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: Example[] = [];
  let inBlock = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('```')) {
      inBlock = !inBlock;
      continue;
    }
    if (!inBlock) continue;
    let line = lines[i];
    const start = i;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i].trim()}`;
    // One command of a pipeline or list, up to a shell operator or a comment.
    for (const part of line.split(/\s(?:\||&&|\|\||;)\s|\$\(|`/)) {
      const m = /^\s*(?:\$\s+|[A-Z_]+=\S*\s+)*(?:npx\s+)?facetctl\s+(.*)$/.exec(part);
      if (!m) continue;
      const rest = m[1].replace(/\s+#.*$/, '').replace(/\s[<>]\s?\S+/g, ' ');
      out.push({ file, line: start + 1, argv: words(rest).filter((w) => !/^\d?>/.test(w)) });
    }
  }
  return out;
}

function flagsOf(cmd: Command): Set<string> {
  const names = new Set<string>();
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const o of c.options) {
      if (o.long) names.add(o.long);
      if (o.short) names.add(o.short);
      if (o.negate && o.long) names.add(`--${o.long.slice(5)}`);
    }
  }
  names.add('--help');
  names.add('-h');
  return names;
}

/** Walks argv down the tree: the command reached and the problems found (unknown words or flags). */
function check(root: Command, argv: string[]): string[] {
  let cmd = root;
  const problems: string[] = [];
  let i = 0;
  const valueFlags = (c: Command) => {
    const s = new Set<string>();
    for (let x: Command | null = c; x; x = x.parent)
      for (const o of x.options) if (o.required || o.optional) for (const n of [o.long, o.short]) if (n) s.add(n);
    return s;
  };
  for (; i < argv.length; i++) {
    const w = argv[i];
    // Placeholders (`facetctl <group> [flags]`) and anything after them are prose, not a command line.
    if (/^[<[]/.test(w)) break;
    if (w.startsWith('-')) {
      const name = w.split('=')[0];
      if (!flagsOf(cmd).has(name)) {
        problems.push(`unknown flag ${name} for '${cmd.name()}'`);
        if (!w.includes('=') && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) i++;
      } else if (!w.includes('=') && valueFlags(cmd).has(name)) i++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (sub) {
      cmd = sub;
      continue;
    }
    if (cmd === root) {
      problems.push(`unknown command '${w}'`);
      break;
    }
    if (cmd.commands.length > 0 && cmd.registeredArguments.length === 0) {
      problems.push(`unknown command '${w}' under '${cmd.name()}'`);
      break;
    }
  }
  return problems;
}

describe('documented command lines', async () => {
  const root = (await buildProgram(testContext({ env: {} }))).program;
  const examples = FILES.flatMap(examplesOf);

  it('the documentation shows command lines (the extractor works)', () => {
    expect(examples.length).toBeGreaterThan(80);
    expect(examples.some((e) => e.file === 'README.md' && e.argv[0] === 'person' && e.argv[1] === 'sync')).toBe(true);
  });

  it('every one names real commands and flags', () => {
    const bad = examples.flatMap((e) =>
      check(root, e.argv).map((p) => `${e.file}:${e.line}: ${p} (facetctl ${e.argv.join(' ')})`),
    );
    expect(bad).toEqual([]);
  });

  it('a drifted example would be caught', () => {
    expect(check(root, ['log', 'recog', 'list', '--serial', 'S', '--recog-time-form', '-1h'])).toEqual([
      "unknown flag --recog-time-form for 'list'",
    ]);
    expect(check(root, ['person', 'import-all', 'x.csv'])).toEqual(["unknown command 'import-all' under 'person'"]);
  });
});
