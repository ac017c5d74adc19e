import { argsArms, resolveArms, valueArms } from './bash.js';
import { GENERATED_HEADER, shellQuote } from './header.js';
import type { CompletionOption, CompletionTree } from './tree.js';

/** `name:description` entries for `_describe` (colons in names escaped). */
function described(name: string, description: string): string {
  return shellQuote(`${name.replace(/:/g, '\\:')}:${description.replace(/\n/g, ' ')}`);
}

function optionEntries(opts: CompletionOption[]): string {
  return opts.flatMap((o) => o.names.map((n) => described(n, o.description))).join(' ');
}

export function zshCompletion(tree: CompletionTree): string {
  const subs = tree.commands
    .filter((c) => c.subcommands.length)
    .map(
      (c) =>
        `    ${shellQuote(c.path)}) reply=(${c.subcommands.map((s) => described(s.name, s.description)).join(' ')}) ;;`,
    );
  const opts = tree.commands
    .filter((c) => c.options.length)
    .map((c) => `    ${shellQuote(c.path)}) reply=(${optionEntries(c.options)}) ;;`);
  return `#compdef facetctl
# ${GENERATED_HEADER}
# zsh completion for facetctl: put this file (named _facetctl) in a directory of your $fpath.

_facetctl_value_flags=(${tree.valueFlags.map(shellQuote).join(' ')})
_facetctl_global=(${optionEntries(tree.global)})

_facetctl_resolve() {
  case "$1|$2" in
${resolveArms(tree, '    ').join('\n')}
  esac
}

_facetctl_subcommands() {
  reply=()
  case "$1" in
${subs.join('\n')}
  esac
}

_facetctl_options() {
  reply=()
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
    @file) _files ;;
    @profile) local -a profiles; profiles=(\${(f)"$(facetctl profile list --names 2>/dev/null)"}); compadd -a profiles ;;
    '') ;;
    *) local -a vals; vals=(\${=1}); compadd -a vals ;;
  esac
}

_facetctl() {
  local cmdpath="" w next i
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    if [[ $w == --*=* ]]; then
      :
    elif [[ $w == -* ]]; then
      (( \${_facetctl_value_flags[(Ie)$w]} )) && ((i++))
    else
      next=$(_facetctl_resolve "$cmdpath" "$w")
      [[ -n $next ]] && cmdpath=$next
    fi
  done
  local prev=\${words[CURRENT-1]} cur=\${words[CURRENT]}
  if [[ $prev == -* ]] && (( \${_facetctl_value_flags[(Ie)$prev]} )); then
    _facetctl_offer "$(_facetctl_values "$cmdpath" "$prev")"
    return
  fi
  local -a reply
  if [[ $cur == -* ]]; then
    _facetctl_options "$cmdpath"
    local -a opts; opts=($reply $_facetctl_global)
    _describe -t options 'option' opts
    return
  fi
  _facetctl_subcommands "$cmdpath"
  if (( \${#reply} )); then
    local -a subs; subs=($reply)
    _describe -t commands 'command' subs
    return
  fi
  _facetctl_offer "$(_facetctl_args "$cmdpath")"
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _facetctl "$@"
else
  compdef _facetctl facetctl
fi
`;
}
