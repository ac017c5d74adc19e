/**
 * One command per registry endpoint: `facetctl <group> <words...>`, plus the document's action name
 * (`facetctl person toDevice`, `facetctl log getRecogLog`) reaching the same command.
 */
import { type Command, Option } from 'commander';
import { type EndpointDef, endpoints, groups } from '../registry/index.js';
import { type EndpointOpts, runEndpoint } from './endpoint-action.js';
import { attributeOf, type FlagSpec, flagHelp, flagSpecsOf, flagSyntax } from './endpoint-flags.js';
import { endpointDescription, endpointHelpFooter } from './endpoint-help.js';
import type { CommandEnv } from './env.js';
import { setAppliesQuery } from './exit.js';
import { setCompletionValues } from './option-meta.js';
import { collect, outValue, positiveInt } from './option-parsers.js';
import { subcommand } from './tree.js';

function addFlag(cmd: Command, spec: FlagSpec, ep: EndpointDef): void {
  const opt = new Option(flagSyntax(spec), flagHelp(spec, ep));
  const collected = spec.kind === 'family' || (spec.kind === 'param' && (spec.repeatable || spec.device));
  if (collected) opt.argParser(collect);
  if (spec.kind === 'param' && spec.def.values?.length) setCompletionValues(opt, spec.def.values.map(String));
  if (spec.kind === 'param' && spec.def.type === 'flag') setCompletionValues(opt, ['1', '0']);
  if (spec.kind === 'param' && spec.file) setCompletionValues(opt, 'file');
  cmd.addOption(opt);
}

/**
 * Commander reads `--no-image` as the negation of `--image` (attribute `image`, default true). For a
 * registry parameter really named `noImage` the flag alone means noImage=1, `--no-image=0` means 0.
 */
function negatedFlags(specs: readonly FlagSpec[], opts: EndpointOpts, cmd: Command): EndpointOpts {
  const out = { ...opts };
  for (const spec of specs) {
    if (!spec.flag.startsWith('no-')) continue;
    const positive = attributeOf(spec.flag.slice(3));
    const value = out[positive];
    delete out[positive];
    if (cmd.getOptionValueSource(positive) === 'cli') out[attributeOf(spec.flag)] = value === false ? '1' : value;
  }
  return out;
}

/** The flags, help and action of one endpoint command (also used for its action-name twin). */
function configureEndpoint(cmd: Command, ep: EndpointDef, env: CommandEnv): Command {
  const specs = flagSpecsOf(ep);
  cmd.description(endpointDescription(ep));
  for (const spec of specs) addFlag(cmd, spec, ep);
  if (ep.keyValueFlag) {
    const opt = new Option(
      `--${ep.keyValueFlag} <key=value>`,
      'any parameter by its API name; repeatable (for scripts)',
    );
    cmd.addOption(opt.argParser(collect));
    const keys = Object.keys(ep.params).filter((k) => k !== ep.deviceParam);
    setCompletionValues(
      opt,
      keys.map((k) => `${k}=`),
    );
  }
  if (ep.paging) {
    cmd.option('--all', 'follow every page, streaming rows as they come');
    cmd.option('--limit <n>', 'stop after N rows, following pages as needed', positiveInt('--limit'));
  }
  if (ep.changesState) {
    cmd.option(
      '--dry-run',
      'validate and print the request that would be sent (token redacted, pictures by size and sha256); send nothing',
    );
  }
  if (ep.answer !== 'json') {
    const opt = new Option(
      '--out <file>',
      'write the answer bytes to FILE (- or default: stdout, when not a terminal)',
    ).argParser(outValue('--out'));
    setCompletionValues(opt, 'file');
    cmd.addOption(opt);
  }
  // A JSON answer is what --query filters; bytes (pictures, logos, settings files) are not.
  if (ep.answer === 'json') setAppliesQuery(cmd);
  cmd.addHelpText('after', endpointHelpFooter(ep));
  cmd.action((opts: EndpointOpts, self: Command) => runEndpoint(env, ep, specs, negatedFlags(specs, opts, self)));
  return cmd;
}

/** Refuses a second command of the same name (or alias) under one parent: two entries would shadow each other. */
function newCommand(parent: Command, name: string, opts?: { hidden: boolean }): Command {
  const taken = parent.commands.find((c) => c.name() === name || c.aliases().includes(name));
  if (taken) throw new Error(`registry: two commands named '${name}' under '${parent.name()}'`);
  return parent.command(name, opts);
}

function addEndpoint(
  group: Command,
  ep: EndpointDef,
  env: CommandEnv,
  subgroups: Readonly<Record<string, string>>,
): void {
  const words = ep.command;
  let parent = group;
  for (let i = 0; i < words.length - 1; i++) {
    const key = words.slice(0, i + 1).join(' ');
    const description = subgroups[key];
    if (!description) throw new Error(`registry: '${ep.group} ${key}' (for ${ep.id}) has no description in groups.ts`);
    parent = subcommand(parent, words[i], description);
  }
  const cmd = configureEndpoint(newCommand(parent, words[words.length - 1]), ep, env);
  if (words.length === 1) {
    if (ep.action !== words[0]) cmd.alias(ep.action);
  } else configureEndpoint(newCommand(group, ep.action, { hidden: true }), ep, env);
}

/**
 * The group commands with every endpoint of the registry under them. With `only`, the other groups
 * stay empty shells (their name and description for the top-level help): a cron run of `log recog
 * list` need not build forty other commands. `from` is the registry (tests hand in a modified copy).
 */
export function addEndpointCommands(
  program: Command,
  env: CommandEnv,
  only?: string,
  from: readonly EndpointDef[] = endpoints,
): void {
  for (const g of groups) {
    const group = subcommand(program, g.name, g.description);
    if (only !== undefined && only !== g.name) continue;
    for (const ep of from) if (ep.group === g.name) addEndpoint(group, ep, env, g.subgroups);
  }
}
