/**
 * The command tree as plain data for the completion generators: every command path, its
 * subcommands, its options (with what may follow them) and what its positional arguments take.
 */
import type { Command, Option } from 'commander';
import { type CompletionValues, completionValuesOf } from '../commands/option-meta.js';

export interface CompletionOption {
  /** `--person-code`, and the short form when there is one (`-o`). */
  names: string[];
  description: string;
  /** A value follows the flag as the next word. */
  takesValue: boolean;
  values?: CompletionValues;
}

export interface CompletionCommand {
  /** Words after `facetctl` ('' for the root), canonical names. */
  path: string;
  description: string;
  /** Offered subcommands (hidden ones and aliases resolve but are not offered). */
  subcommands: { name: string; description: string }[];
  /** Every word that leads to a subcommand (names, aliases, hidden), mapped to its canonical path. */
  resolve: Record<string, string>;
  options: CompletionOption[];
  /** What the positional arguments take, if anything is known. */
  args?: CompletionValues;
}

export interface CompletionTree {
  commands: CompletionCommand[];
  /** Options of the root, valid after any command. */
  global: CompletionOption[];
  /** Every flag that takes a value, anywhere: the path walker skips the word after it. */
  valueFlags: string[];
}

function optionOf(o: Option): CompletionOption {
  const names = [o.long, o.short].filter((n): n is string => Boolean(n));
  return {
    names,
    description: o.description.split('\n')[0],
    takesValue: o.required,
    values: completionValuesOf(o),
  };
}

/** Positional arguments: known sets by command (profile names, shells, API paths). */
export type ArgsHint = (path: string, cmd: Command) => CompletionValues | undefined;

export function buildCompletionTree(root: Command, argsHint: ArgsHint): CompletionTree {
  const commands: CompletionCommand[] = [];
  const valueFlags = new Set<string>();
  const walk = (cmd: Command, path: string) => {
    const options = cmd.options.filter((o) => !o.hidden).map(optionOf);
    for (const o of options) if (o.takesValue) for (const n of o.names) valueFlags.add(n);
    const resolve: Record<string, string> = {};
    const subcommands: { name: string; description: string }[] = [];
    for (const sub of cmd.commands) {
      const subPath = path ? `${path} ${sub.name()}` : sub.name();
      resolve[sub.name()] = subPath;
      for (const a of sub.aliases()) resolve[a] = subPath;
      const hidden = (sub as unknown as { _hidden?: boolean })._hidden === true;
      if (!hidden) subcommands.push({ name: sub.name(), description: sub.description().split('\n')[0] });
    }
    commands.push({
      path,
      description: cmd.description().split('\n')[0],
      subcommands,
      resolve,
      options: path ? options : [],
      args: argsHint(path, cmd),
    });
    for (const sub of cmd.commands) walk(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  walk(root, '');
  const global = root.options.filter((o) => !o.hidden).map(optionOf);
  global.push({ names: ['--help', '-h'], description: 'show help for a command', takesValue: false });
  return { commands, global, valueFlags: [...valueFlags].sort() };
}
