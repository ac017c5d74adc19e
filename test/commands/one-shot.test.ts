/**
 * Which runs are one-shot (src/commands/one-shot.ts): src/cli.ts gives those Node's own http client
 * for direct requests (Context.httpEngine) and keeps undici for the long-running commands.
 */
import { describe, expect, it } from 'vitest';
import { httpEngineFor, isOneShot } from '../../src/commands/one-shot.js';

describe('one-shot runs and their HTTP engine', () => {
  it.each([
    [['device', 'list', '-o', 'json'], 'node'],
    [['person', 'get', '--serial-no', 'S1'], 'node'],
    [['api', 'GET', '/device/getDevice'], 'node'],
    [['--help'], 'node'],
    [['person', 'import', 'persons.csv'], 'undici'],
    [['log', 'recog', 'export', '--since', '-1h'], 'undici'],
    [['server'], 'undici'],
    [['push', 'listen'], 'undici'],
    [['demo'], 'undici'],
    [['log', 'recog', 'tail'], 'undici'],
    [['device', 'health', '--watch'], 'undici'],
  ] as const)('%j → %s', (argv, engine) => {
    expect(httpEngineFor(argv)).toBe(engine);
    expect(isOneShot(argv)).toBe(engine === 'node');
  });
});
