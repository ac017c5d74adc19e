import { GENERATED_HEADER } from './header.js';
import type { CompletionOption, CompletionTree } from './tree.js';

/** The tree as compact JSON the script reads with ConvertFrom-Json (keys: `facetctl` + path). */
function treeJson(tree: CompletionTree): string {
  const opt = (o: CompletionOption) => ({
    n: o.names,
    d: o.description,
    ...(o.takesValue ? { v: o.values ?? null } : {}),
  });
  const commands: Record<string, unknown> = {};
  for (const c of tree.commands) {
    commands[c.path ? `facetctl ${c.path}` : 'facetctl'] = {
      r: Object.fromEntries(Object.entries(c.resolve).map(([w, to]) => [w, `facetctl ${to}`])),
      s: c.subcommands.map((s) => ({ n: s.name, d: s.description })),
      o: c.options.map(opt),
      ...(c.args !== undefined ? { a: c.args } : {}),
    };
  }
  return JSON.stringify({ commands, global: tree.global.map(opt), valueFlags: tree.valueFlags });
}

/**
 * PowerShell (5.1 and 7) completion: `Register-ArgumentCompleter -Native` with the same tree as the
 * bash, zsh and fish scripts, embedded as JSON. It walks the typed words to the command path
 * (skipping global flags and their values), then offers subcommands, flags, or a flag's values
 * (fixed words, files, or `facetctl profile list --names`).
 */
export function powershellCompletion(tree: CompletionTree): string {
  const json = treeJson(tree);
  if (json.includes("\n'@")) throw new Error('completion data cannot hold a here-string terminator');
  return `# ${GENERATED_HEADER}
# PowerShell completion for facetctl. Load it in your profile ($PROFILE):
#   facetctl completion powershell | Out-String | Invoke-Expression

$script:FacetctlCompletionTree = @'
${json}
'@ | ConvertFrom-Json

Register-ArgumentCompleter -Native -CommandName facetctl -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $tree = $script:FacetctlCompletionTree
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -ne '' -and $words.Count -gt 0) { $words = @($words | Select-Object -First ($words.Count - 1)) }

    $path = 'facetctl'
    $pending = $null
    foreach ($w in $words) {
        if ($null -ne $pending) { $pending = $null; continue }
        if ($w -like '--*=*') { continue }
        if ($w.StartsWith('-')) {
            if ($tree.valueFlags -contains $w) { $pending = $w }
            continue
        }
        $node = $tree.commands.PSObject.Properties[$path].Value
        $next = $node.r.PSObject.Properties[$w]
        if ($null -ne $next) { $path = $next.Value }
    }
    $node = $tree.commands.PSObject.Properties[$path].Value
    $options = @($node.o) + @($tree.global)

    function Emit($items, $type) {
        foreach ($item in $items) {
            if ($item.n -like "$wordToComplete*") {
                [System.Management.Automation.CompletionResult]::new($item.n, $item.n, $type, $(if ($item.d) { $item.d } else { $item.n }))
            }
        }
    }
    function Values($spec) {
        if ($spec -eq 'file') {
            Get-ChildItem -Name -Path "$wordToComplete*" -ErrorAction SilentlyContinue | ForEach-Object { @{ n = $_; d = $_ } }
        } elseif ($spec -eq 'profile') {
            & facetctl profile list --names 2>$null | ForEach-Object { @{ n = $_; d = 'profile' } }
        } elseif ($null -ne $spec) {
            $spec | ForEach-Object { @{ n = $_; d = $_ } }
        }
    }

    if ($null -ne $pending) {
        $opt = $options | Where-Object { $_.n -contains $pending } | Select-Object -First 1
        if ($null -ne $opt) { Emit @(Values $opt.v) 'ParameterValue' }
        return
    }
    if ($wordToComplete.StartsWith('-')) {
        Emit @($options | ForEach-Object { $o = $_; $o.n | ForEach-Object { @{ n = $_; d = $o.d } } }) 'ParameterName'
        return
    }
    Emit @($node.s) 'Command'
    if ($null -ne $node.a) { Emit @(Values $node.a) 'ParameterValue' }
}
`;
}
