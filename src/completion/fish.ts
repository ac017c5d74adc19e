import { GENERATED_HEADER, shellQuote } from './header.js';
import type { CompletionOption, CompletionTree } from './tree.js';

function fishFlag(name: string): string {
  if (name.startsWith('--')) return `-l ${name.slice(2)}`;
  return `-s ${name.slice(1)}`;
}

/** `-r -f -a 'a b'`, `-r -F` (files) or the profile lookup, for a flag that takes a value. */
function valueSpec(o: CompletionOption): string {
  if (!o.takesValue) return '';
  if (o.values === 'file') return ' -r -F';
  if (o.values === 'profile') return ` -r -f -a ${shellQuote('(facetctl profile list --names 2>/dev/null)')}`;
  if (o.values?.length) return ` -r -f -a ${shellQuote(o.values.join(' '))}`;
  return ' -r -f';
}

function optionLine(condition: string, o: CompletionOption): string {
  const flags = o.names.map(fishFlag).join(' ');
  return `complete -c facetctl${condition} ${flags}${valueSpec(o)} -d ${shellQuote(o.description)}`;
}

export function fishCompletion(tree: CompletionTree): string {
  const resolveArms: string[] = [];
  for (const c of tree.commands) {
    for (const [word, to] of Object.entries(c.resolve)) {
      resolveArms.push(`        case ${shellQuote(`${c.path}|${word}`)}\n            echo ${shellQuote(to)}`);
    }
  }
  const lines: string[] = [];
  for (const c of tree.commands) {
    // Command paths are letters, digits, '-' and spaces: double quotes inside the condition are enough.
    const at = ` -n ${shellQuote(`__facetctl_at "${c.path}"`)}`;
    for (const s of c.subcommands)
      lines.push(`complete -c facetctl${at} -a ${shellQuote(s.name)} -d ${shellQuote(s.description)}`);
    for (const o of c.options) lines.push(optionLine(at, o));
    if (c.args === 'file') lines.push(`complete -c facetctl${at} -F`);
    else if (c.args === 'profile')
      lines.push(`complete -c facetctl${at} -a ${shellQuote('(facetctl profile list --names 2>/dev/null)')}`);
    else if (c.args?.length) lines.push(`complete -c facetctl${at} -a ${shellQuote(c.args.join(' '))}`);
  }
  for (const o of tree.global) lines.push(optionLine('', o));
  return `# ${GENERATED_HEADER}
# fish completion for facetctl: copy to ~/.config/fish/completions/facetctl.fish

set -g __facetctl_value_flags ${tree.valueFlags.map(shellQuote).join(' ')}

function __facetctl_resolve
    switch "$argv[1]|$argv[2]"
${resolveArms.join('\n')}
    end
end

# The canonical command path of the words typed so far ('' at the root).
function __facetctl_path
    set -l cmdpath ''
    set -l skip 0
    for w in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '--*=*'
            case '-*'
                if contains -- $w $__facetctl_value_flags
                    set skip 1
                end
            case '*'
                set -l next (__facetctl_resolve "$cmdpath" $w)
                if test -n "$next"
                    set cmdpath $next
                end
        end
    end
    echo $cmdpath
end

function __facetctl_at
    set -l current (__facetctl_path)
    test "$current" = "$argv[1]"
end

complete -c facetctl -f
${lines.join('\n')}
`;
}
