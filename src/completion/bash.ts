import type { CompletionValues } from '../commands/option-meta.js';
import { GENERATED_HEADER, shellQuote } from './header.js';
import type { CompletionCommand, CompletionOption, CompletionTree } from './tree.js';

/** `@file`, `@profile`, or the words themselves: the form the shell functions below understand. */
export function valuesWord(v: CompletionValues | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v === 'file') return '@file';
  if (v === 'profile') return '@profile';
  return v.join(' ');
}

/** `case` arms mapping `path|word` to the subcommand's canonical path. */
export function resolveArms(tree: CompletionTree, indent: string): string[] {
  const arms: string[] = [];
  for (const c of tree.commands) {
    for (const [word, to] of Object.entries(c.resolve))
      arms.push(`${indent}${shellQuote(`${c.path}|${word}`)}) echo ${shellQuote(to)} ;;`);
  }
  return arms;
}

function optionNames(opts: CompletionOption[]): string {
  return opts.flatMap((o) => o.names).join(' ');
}

/** `case` arms mapping `path|--flag` to what may follow the flag; globals last, for any path. */
export function valueArms(tree: CompletionTree, indent: string): string[] {
  const arms: string[] = [];
  const arm = (path: string, o: CompletionOption) => {
    const words = valuesWord(o.values);
    if (!o.takesValue || words === undefined) return;
    const keys = o.names.map((n) => shellQuote(`${path}|${n}`)).join('|');
    arms.push(`${indent}${keys}) echo ${shellQuote(words)} ;;`);
  };
  for (const c of tree.commands) for (const o of c.options) arm(c.path, o);
  for (const o of tree.global) {
    const words = valuesWord(o.values);
    if (!o.takesValue || words === undefined) continue;
    arms.push(`${indent}${o.names.map((n) => `*'|${n}'`).join('|')}) echo ${shellQuote(words)} ;;`);
  }
  return arms;
}

export function argsArms(tree: CompletionTree, indent: string): string[] {
  return tree.commands
    .filter((c): c is CompletionCommand & { args: CompletionValues } => c.args !== undefined)
    .map((c) => `${indent}${shellQuote(c.path)}) echo ${shellQuote(valuesWord(c.args)!)} ;;`);
}

export function bashCompletion(tree: CompletionTree): string {
  const subs = tree.commands
    .filter((c) => c.subcommands.length)
    .map((c) => `    ${shellQuote(c.path)}) echo ${shellQuote(c.subcommands.map((s) => s.name).join(' '))} ;;`);
  const opts = tree.commands
    .filter((c) => c.options.length)
    .map((c) => `    ${shellQuote(c.path)}) echo ${shellQuote(optionNames(c.options))} ;;`);
  return `# ${GENERATED_HEADER}
# bash completion for facetctl. Load it with: source completions/facetctl.bash
# (or copy it to ~/.local/share/bash-completion/completions/facetctl).

_facetctl_value_flags=${shellQuote(` ${tree.valueFlags.join(' ')} `)}
_facetctl_global=${shellQuote(optionNames(tree.global))}

_facetctl_resolve() {
  case "$1|$2" in
${resolveArms(tree, '    ').join('\n')}
  esac
}

_facetctl_subcommands() {
  case "$1" in
${subs.join('\n')}
  esac
}

_facetctl_options() {
  case "$1" in
${opts.join('\n')}
  esac
}

_facetctl_values() {
  case "$1|$2" in
${valueArms(tree, '    ').join('\n')}
  esac
}

_facetctl_args() {
  case "$1" in
${argsArms(tree, '    ').join('\n')}
  esac
}

_facetctl_offer() {
  case "$1" in
    @file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    @profile) COMPREPLY=($(compgen -W "$(facetctl profile list --names 2>/dev/null)" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$1" -- "$cur")) ;;
  esac
}

_facetctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmdpath="" i w next
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      --*=*) ;;
      -*) [[ "$_facetctl_value_flags" == *" $w "* ]] && ((i++)) ;;
      *) next="$(_facetctl_resolve "$cmdpath" "$w")"; [[ -n "$next" ]] && cmdpath="$next" ;;
    esac
  done
  if [[ "$prev" == -* && "$_facetctl_value_flags" == *" $prev "* ]]; then
    _facetctl_offer "$(_facetctl_values "$cmdpath" "$prev")"
    return
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_facetctl_options "$cmdpath") $_facetctl_global" -- "$cur"))
    return
  fi
  local subs
  subs="$(_facetctl_subcommands "$cmdpath")"
  if [[ -n "$subs" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
    return
  fi
  _facetctl_offer "$(_facetctl_args "$cmdpath")"
}

complete -F _facetctl facetctl
`;
}
