/**
 * Every registry endpoint, called against the emulator three ways: its friendly command (the
 * registry's own example), its document action name, and `facetctl api` with the same parameters.
 * The emulator's request journal proves the right path was reached.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { flagSpecsOf, inputFromFlags } from '../../src/commands/endpoint-flags.js';
import { buildProgram } from '../../src/commands/program.js';
import type { Context } from '../../src/core/context.js';
import { coerceParams } from '../../src/core/params/index.js';
import { type EndpointDef, endpoints } from '../../src/registry/index.js';
import { clearJournal, journal, PICTURES, resetWithDevice, SERIAL, useCliEmulator } from '../helpers/cli-emulator.js';
import { hostProcesses } from '../helpers/processes.js';
import { splitExample } from './example-argv.js';

const setup = useCliEmulator();

/** The documented answers the examples cannot avoid: exit code and the API's message. */
const EXPECTED_FAILURE: Record<string, { code: number; stderr: RegExp }> = {
  // The document: importConfig is currently unavailable.
  'system.importConfig': { code: 1, stderr: /この機能は現在ご利用いただけません/ },
};

const { cli } = setup;

/** The examples' person on the examples' device, plus what single examples need. */
async function prepare(ep: EndpointDef): Promise<string[]> {
  await resetWithDevice(setup.emu);
  const steps: string[][] = [
    ['person', 'register', '--person-code', 'F00001', '--person-name', '山田 太郎', '--picture', 'face.jpg'],
    ['person', 'to-device', '--serial', SERIAL, '--person-code', 'F00001'],
  ];
  if (ep.id === 'person.deletePersonType')
    steps.push(['person', 'type', 'set', '--person-type-code', '3', '--person-type-name', '来客']);
  for (const argv of steps) expect((await cli(argv)).code, argv.join(' ')).toBe(0);
  if (ep.id === 'person.capturePersonPicture') {
    const picture = readFileSync(join(PICTURES, 'face-astronaut.jpg')).toString('base64');
    expect((await setup.emu.op('PATCH', `/devices/${SERIAL}`, { cameraPicture: picture })).status).toBe(200);
  }
  let argv = splitExample(ep.example);
  if (ep.id === 'senselink.getImage') {
    const made = await cli([
      'senselink',
      'record',
      'create',
      '--sn',
      'JKQ00009234',
      '--timestamp',
      '-1h',
      '--image',
      'face.jpg',
    ]);
    expect(made.code).toBe(0);
    const imageId = JSON.parse(made.stdout).data.image_id as string;
    argv = argv.map((a) => (a === '5fceef6e1ddb2800010d1409' ? imageId : a));
  }
  await clearJournal(setup.emu);
  return argv;
}

function expectedPath(ep: EndpointDef, wire: Record<string, string> = {}): RegExp {
  const path = ep.path.replace(/\{([^}]+)\}/g, (_, n: string) => wire[n] ?? '[^/]+');
  const prefix = ep.api === 'facetcloud' ? '/api1' : '';
  return new RegExp(`^${(prefix + path).replace(/[.]/g, '\\.')}$`);
}

async function expectOneCall(ep: EndpointDef, result: { code: number; stderr: string }) {
  const failure = EXPECTED_FAILURE[ep.id];
  expect(result.code, result.stderr).toBe(failure?.code ?? 0);
  if (failure) expect(result.stderr).toMatch(failure.stderr);
  const calls = (await journal(setup.emu)).filter((c) => !c.path.startsWith('/_emulator'));
  expect(calls).toHaveLength(1);
  expect(calls[0].path).toMatch(expectedPath(ep));
  expect(ep.methods).toContain(calls[0].method);
}

/** The wire parameters the friendly command would send for these words and flags. */
async function wireOf(ep: EndpointDef, argv: string[]): Promise<Record<string, string>> {
  const ctx: Context = {
    io: {
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      stdoutIsTTY: false,
      stderrIsTTY: false,
      stdinIsTTY: false,
    },
    env: {},
    cwd: setup.cwd,
    now: () => new Date(),
    signal: new AbortController().signal,
    processes: hostProcesses,
  };
  const { program } = await buildProgram(ctx);
  let cmd = program.commands.find((c) => c.name() === ep.group)!;
  for (const w of ep.command) cmd = cmd.commands.find((c) => c.name() === w)!;
  const flags = argv.slice(1 + ep.command.length);
  cmd.parseOptions(flags);
  const input = await inputFromFlags(ctx, flagSpecsOf(ep), cmd.opts());
  const { wire, issues } = coerceParams(ep, input, { now: new Date() });
  expect(issues).toEqual([]);
  return wire;
}

describe.each(endpoints.map((ep) => [ep.id, ep] as const))('%s', (_id, ep) => {
  let argv: string[];
  beforeEach(async () => {
    argv = await prepare(ep);
  });

  it('is reached through its friendly command (the registry example)', async () => {
    await expectOneCall(ep, await cli(argv));
  });

  it(`is reached through the action name \`${ep.group} ${ep.action}\``, async () => {
    const flags = argv.slice(1 + ep.command.length);
    await expectOneCall(ep, await cli([ep.group, ep.action, ...flags]));
  });

  it('is reached through `facetctl api`', async () => {
    const wire = await wireOf(ep, argv);
    const pathParams = Object.entries(ep.params)
      .filter(([, d]) => d.in === 'path')
      .map(([n]) => n);
    const path = ep.path.replace(/\{([^}]+)\}/g, (_, n: string) => wire[n]);
    const fields = Object.entries(wire)
      .filter(([k]) => !pathParams.includes(k))
      .flatMap(([k, v]) => ['-f', `${k}=${v}`]);
    const method = ep.methods.includes('GET') ? [] : ['-X', 'POST'];
    const out = ep.answer === 'json' ? [] : ['--out', 'api-answer.bin'];
    await expectOneCall(ep, await cli(['api', path, ...method, ...fields, ...out]));
  });
});
