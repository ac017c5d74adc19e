/** `facetctl completion bash|zsh|fish|powershell` and `completion --write DIR` (the files committed under completions/). */
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { defineCommand } from './declare.js';

interface CompletionOpts {
  write?: string;
}

export const commands = [
  defineCommand<CompletionOpts>({
    path: ['completion'],
    summary: 'Print the shell completion script for bash, zsh, fish or PowerShell (or --write them all to a directory)',
    args: ['[shell]'],
    flags: [
      { flags: '--write <dir>', help: 'write facetctl.bash, _facetctl, facetctl.fish and facetctl.ps1 into DIR' },
    ],
    helpAfter: [
      '',
      'Examples:',
      '  $ source <(facetctl completion bash)',
      '  $ facetctl completion zsh > ~/.zfunc/_facetctl    # with fpath+=(~/.zfunc) in .zshrc',
      '  $ facetctl completion fish > ~/.config/fish/completions/facetctl.fish',
      '  PS> facetctl completion powershell | Out-String | Invoke-Expression   # in $PROFILE',
    ].join('\n'),
    async run(env, opts, { args: [shell], root }) {
      const { COMPLETION_FILES, SHELLS, completionScript } = await import('../completion/index.js');
      if (opts.write) {
        const dir = resolve(env.ctx.cwd, opts.write);
        const { mkdir, writeFile } = await import('node:fs/promises');
        await mkdir(dir, { recursive: true });
        for (const s of SHELLS) await writeFile(join(dir, COMPLETION_FILES[s]), completionScript(root, s));
        env.ctx.io.stderr.write(`wrote ${SHELLS.map((s) => COMPLETION_FILES[s]).join(', ')} to ${opts.write}\n`);
        return;
      }
      if (typeof shell !== 'string' || !(SHELLS as readonly string[]).includes(shell)) {
        throw new UsageError(`completion: give one of ${SHELLS.join(', ')} (or --write DIR)`);
      }
      env.ctx.io.stdout.write(completionScript(root, shell as (typeof SHELLS)[number]));
    },
  }),
];
