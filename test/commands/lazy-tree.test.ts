/**
 * The command tree is built only as far as one run needs (src/commands/program.ts, `treePlan`): the
 * help it prints must be exactly the help of the whole tree (`facetctl help WORDS...` builds it all).
 */
import { describe, expect, it } from 'vitest';
import { treePlan } from '../../src/commands/program.js';
import { runCli } from '../helpers/cli.js';

describe('the tree built per run', () => {
  it('plans the whole tree, one group, or the top level from the first command word', () => {
    expect(treePlan(undefined)).toEqual({ kind: 'whole' });
    expect(treePlan(['completion', 'bash'])).toEqual({ kind: 'whole' });
    expect(treePlan(['help', 'device', 'list'])).toEqual({ kind: 'whole' });
    expect(treePlan(['-o', 'json', 'device', 'list'])).toEqual({ kind: 'group', word: 'device' });
    expect(treePlan(['--help'])).toEqual({ kind: 'top', word: undefined, versionOnly: false });
    expect(treePlan([])).toEqual({ kind: 'top', word: undefined, versionOnly: false });
    expect(treePlan(['--version'])).toEqual({ kind: 'top', word: undefined, versionOnly: true });
    expect(treePlan(['profile', 'list'])).toEqual({ kind: 'top', word: 'profile', versionOnly: false });
  });

  it.each([
    [['--help'], ['help']],
    [
      ['device', '--help'],
      ['help', 'device'],
    ],
    [
      ['person', '--help'],
      ['help', 'person'],
    ],
    [
      ['log', 'recog', 'export', '--help'],
      ['help', 'log', 'recog', 'export'],
    ],
    [
      ['profile', '--help'],
      ['help', 'profile'],
    ],
    [
      ['server', '--help'],
      ['help', 'server'],
    ],
    [
      ['push', 'listen', '--help'],
      ['help', 'push', 'listen'],
    ],
  ])('%j prints what the whole tree prints for %j', async (lazy, whole) => {
    const [a, b] = await Promise.all([runCli(lazy), runCli(whole)]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('Usage: facetctl');
  });

  it('root help lists every group and top-level command', async () => {
    const { stdout } = await runCli(['--help']);
    for (const word of ['device', 'log', 'person', 'config', 'system', 'tool', 'senselink', 'push', 'server']) {
      expect(stdout).toMatch(new RegExp(`^  ${word} `, 'm'));
    }
    for (const word of ['demo', 'profile', 'api', 'completion', 'version', 'help']) {
      expect(stdout).toMatch(new RegExp(`^  ${word}\\b`, 'm'));
    }
  });

  it('a mistyped first word is a usage error that suggests a top-level command or a group', async () => {
    const server = await runCli(['servr']);
    expect(server.code).toBe(2);
    expect(server.stderr).toContain("unknown command 'servr'");
    expect(server.stderr).toContain('server');
    const device = await runCli(['devce', 'list']);
    expect(device.code).toBe(2);
    expect(device.stderr).toContain('device');
  });
});
