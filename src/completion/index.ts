import type { Command } from 'commander';
import { HELP_TOPICS } from '../commands/help-topics.js';
import type { CompletionValues } from '../commands/option-meta.js';
import { endpoints } from '../registry/index.js';
import { bashCompletion } from './bash.js';
import { fishCompletion } from './fish.js';
import { powershellCompletion } from './powershell.js';
import { buildCompletionTree } from './tree.js';
import { zshCompletion } from './zsh.js';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

/** The files `completion --write DIR` creates, by shell. */
export const COMPLETION_FILES: Readonly<Record<Shell, string>> = {
  bash: 'facetctl.bash',
  zsh: '_facetctl',
  fish: 'facetctl.fish',
  powershell: 'facetctl.ps1',
};

const PROFILE_ARGS = new Set(['profile use', 'profile show', 'profile remove', 'profile test']);

/** What the positional arguments of a few hand-written commands take. */
function argsHint(path: string): CompletionValues | undefined {
  if (PROFILE_ARGS.has(path)) return 'profile';
  if (path === 'completion') return [...SHELLS];
  if (path === 'help') return Object.keys(HELP_TOPICS);
  if (path === 'api') {
    return [...new Set(endpoints.filter((ep) => !ep.path.includes('{')).map((ep) => ep.path))].sort();
  }
  return undefined;
}

export function completionScript(root: Command, shell: Shell): string {
  const tree = buildCompletionTree(root, argsHint);
  if (shell === 'bash') return bashCompletion(tree);
  if (shell === 'zsh') return zshCompletion(tree);
  if (shell === 'powershell') return powershellCompletion(tree);
  return fishCompletion(tree);
}
