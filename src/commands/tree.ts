/**
 * The light part of the command tree: finding or creating a command by name, and the group commands
 * as empty shells (name and description from src/registry/groups.ts). Root help, a typo's suggestion
 * and the hand-written top-level commands need nothing more, so they do not load the endpoint
 * registry or the generated commands (src/commands/generated.ts), which only the group in use builds.
 */
import type { Command } from 'commander';
import { groups } from '../registry/groups.js';

/** Finds a subcommand by name, or creates it (so hand-written modules can add to `log recog` etc.). */
export function subcommand(parent: Command, name: string, description?: string): Command {
  const found = parent.commands.find((c) => c.name() === name);
  if (found) return found;
  const cmd = parent.command(name);
  if (description) cmd.description(description);
  return cmd;
}

/** Adds every group of the registry as a command with its description and nothing under it yet. */
export function addGroupShells(program: Command): void {
  for (const g of groups) subcommand(program, g.name, g.description);
}

/** Whether `word` names a group of endpoints (`device`, `log`, ...). */
export function isGroupName(word: string): boolean {
  return groups.some((g) => g.name === word);
}
