/**
 * Building the command tree from the registry fails loudly on a duplicate command or on a parent
 * word without a description (as wrangler's command registry does), and every group and sub-group
 * the registry's endpoints pass through is described in src/registry/groups.ts.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createCommandEnv } from '../../src/commands/env.js';
import { addEndpointCommands } from '../../src/commands/generated.js';
import { defineEndpoint } from '../../src/registry/define.js';
import { type EndpointDef, endpoints, groups } from '../../src/registry/index.js';
import { testContext } from '../core/test-context.js';

function build(from: readonly EndpointDef[] = endpoints): Command {
  const program = new Command('facetctl');
  const env = createCommandEnv(
    testContext(),
    () => ({}) as never,
    async () => 0,
  );
  addEndpointCommands(program, env, undefined, from);
  return program;
}

describe('command tree from the registry', () => {
  it('every word on the way to an endpoint is a described group or sub-group', () => {
    for (const ep of endpoints) {
      const g = groups.find((x) => x.name === ep.group);
      expect(g, ep.id).toBeDefined();
      for (let i = 1; i < ep.command.length; i++) {
        expect(g!.subgroups[ep.command.slice(0, i).join(' ')], ep.id).toBeTruthy();
      }
    }
    const program = build();
    for (const c of program.commands) expect(c.description(), c.name()).not.toBe('');
  });

  it('a duplicate command is refused when the tree is built', () => {
    const twin = defineEndpoint({
      group: 'device',
      action: 'listAgain',
      command: ['list'],
      path: '/device/listAgain',
      summary: 'a second device list',
      summaryJa: '重複',
      changesState: false,
      example: 'device list',
      params: {},
    });
    expect(() => build([...endpoints, twin])).toThrow("registry: two commands named 'list' under 'device'");
  });

  it('a sub-group without a description is refused when the tree is built', () => {
    const orphan = defineEndpoint({
      group: 'device',
      action: 'orphanCall',
      command: ['nowhere', 'call'],
      path: '/device/orphanCall',
      summary: 'under an undescribed word',
      summaryJa: '説明なし',
      changesState: false,
      example: 'device nowhere call',
      params: {},
    });
    expect(() => build([...endpoints, orphan])).toThrow("'device nowhere' (for device.orphanCall) has no description");
  });
});
