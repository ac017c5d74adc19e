/**
 * Each documented limit of each endpoint, broken once, through the friendly command: exit 2, the
 * flag named on stderr, and no request reaching the emulator. Cases are generated from the registry,
 * so a new limit is tested the day it is declared.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FlagSpec, flagSpecsOf } from '../../src/commands/endpoint-flags.js';
import { type EndpointDef, endpoints, type ParamDef } from '../../src/registry/index.js';
import { runCli } from '../helpers/cli.js';
import { journal, useCliEmulator } from '../helpers/cli-emulator.js';
import { splitExample } from './example-argv.js';

interface Case {
  ep: EndpointDef;
  flag: string;
  why: string;
  value: string;
}

/** One bad value per limit a parameter declares. */
function badValues(def: ParamDef): { why: string; value: string }[] {
  const out: { why: string; value: string }[] = [];
  if (def.type === 'int' || def.type === 'number') {
    if (def.max !== undefined) out.push({ why: `above ${def.max}`, value: String(def.max + 1) });
    if (def.min !== undefined) out.push({ why: `below ${def.min}`, value: String(def.min - 1) });
    if (def.decimals !== undefined)
      out.push({ why: 'too many decimals', value: (def.min ?? 0).toFixed(def.decimals + 2).replace(/0$/, '1') });
    if (def.values?.length) out.push({ why: 'not an allowed number', value: '123457' });
    out.push({ why: 'not a number', value: 'abc' });
  }
  if (def.maxLength !== undefined)
    out.push({ why: `longer than ${def.maxLength}`, value: 'あ'.repeat(def.maxLength + 1) });
  if (def.type === 'enum') out.push({ why: 'not one of the values', value: 'no-such-value' });
  if (def.type === 'flag') out.push({ why: 'not 0 or 1', value: '2' });
  if (def.type === 'datetime' || def.type === 'date' || def.type === 'iso8601') {
    out.push({ why: 'not a date', value: '2024/13/45 25:61:61' });
  }
  if (def.type === 'idList') {
    out.push({ why: 'not ids', value: '1,x' });
    if (def.maxItems)
      out.push({
        why: `more than ${def.maxItems} ids`,
        value: Array.from({ length: def.maxItems + 1 }, (_, i) => i + 1).join(','),
      });
  }
  // A documented fallback (displayMessage's colours) is accepted with a warning, not refused (issue 11 point 2).
  if (def.type === 'rgba' && !def.fallback) out.push({ why: 'component above 255', value: '256,0,0,255' });
  if (def.type === 'cardNo') out.push({ why: 'neither hex ≤16 nor decimal ≤20 digits', value: '0123456789ABCDEF0' });
  if (def.type === 'json') {
    out.push({ why: 'not JSON', value: '{nope' });
    if (def.maxBytes)
      out.push({ why: `over ${def.maxBytes} bytes`, value: JSON.stringify({ a: 'x'.repeat(def.maxBytes) }) });
  }
  if (def.type === 'base64') {
    if (def.content === 'jpeg') out.push({ why: 'a PNG where a JPEG is required', value: 'logo.png' });
    if (def.content === 'png') out.push({ why: 'a JPEG where a PNG is required', value: 'face.jpg' });
    if (def.maxBytes) out.push({ why: `over ${def.maxBytes} bytes after base64`, value: 'big.bin' });
  }
  return out;
}

function casesOf(ep: EndpointDef): Case[] {
  const cases: Case[] = [];
  for (const spec of flagSpecsOf(ep)) {
    if (spec.kind === 'param') {
      for (const b of badValues(spec.def)) cases.push({ ep, flag: spec.flag, ...b });
    } else if (spec.kind === 'composite') {
      cases.push({ ep, flag: spec.flag, why: 'negative', value: '-1,0,10,10' });
    } else cases.push(...familyCases(ep, spec));
  }
  return cases;
}

function familyCases(ep: EndpointDef, spec: Extract<FlagSpec, { kind: 'family' }>): Case[] {
  const f = spec.family;
  const cases: Case[] = [{ ep, flag: f.name, why: 'wrong number of fields', value: 'only-one' }];
  if (f.interval) {
    const fields = f.fields.map((m) => m.name);
    const fromIdx = fields.indexOf(f.interval.from);
    const toIdx = fields.indexOf(f.interval.to);
    const isDate = f.fields[fromIdx].def.type === 'date';
    const later = isDate ? '2030/01/02' : '2030/01/02 00:00:00';
    const earlier = isDate ? '2030/01/01' : '2030/01/01 00:00:00';
    const entry = (from: string, to: string) =>
      f.fields.map((m, i) => (i === fromIdx ? from : i === toIdx ? to : sampleOf(m.def))).join(',');
    cases.push({ ep, flag: f.name, why: 'from after to', value: entry(later, earlier) });
    if (f.interval.min) {
      const before = isDate ? '2019/12/31' : '2019/12/31 00:00:00';
      cases.push({ ep, flag: f.name, why: `before ${f.interval.min}`, value: entry(before, earlier) });
    }
  }
  return cases;
}

function sampleOf(def: ParamDef): string {
  if (def.type === 'flag') return '1';
  if (def.type === 'cardNo') return 'ABCDEF';
  return 'x';
}

/** The example with every occurrence of `--flag` (and its value) removed. */
function without(argv: string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${flag}`) {
      if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) i++;
      continue;
    }
    out.push(argv[i]);
  }
  return out;
}

const CASES = endpoints.flatMap(casesOf);

const setup = useCliEmulator({ clearJournal: true });

beforeAll(() => {
  // 4 MB of bytes is 5.33 MB of base64: over every documented 5 MB and 1 MB limit.
  writeFileSync(join(setup.cwd, 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 0xff));
});

describe('documented limits are enforced locally', () => {
  it('has cases for every kind of limit', () => {
    expect(CASES.length).toBeGreaterThan(100);
    expect(new Set(CASES.map((c) => c.ep.id)).size).toBeGreaterThan(20);
  });

  it.each(CASES.map((c) => [`${c.ep.group} ${c.ep.command.join(' ')} --${c.flag}: ${c.why}`, c] as const))(
    '%s',
    async (_name, c) => {
      const base = without(splitExample(c.ep.example), c.flag);
      const r = await runCli([...base, `--${c.flag}=${c.value}`], { env: setup.env, cwd: setup.cwd });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`--${c.flag}`);
      expect(r.stdout).toBe('');
      expect(await journal(setup.emu)).toEqual([]);
    },
  );

  it.each(endpoints.filter((ep) => Object.values(ep.params).some((p) => p.required)).map((ep) => [ep.id, ep] as const))(
    '%s: missing required flags are named, nothing sent',
    async (_id, ep) => {
      const words = [ep.group, ...ep.command];
      const r = await runCli([...words, ...(ep.destructive ? ['--yes'] : [])], { env: setup.env, cwd: setup.cwd });
      expect(r.code, r.stderr).toBe(2);
      for (const spec of flagSpecsOf(ep)) {
        if (spec.kind === 'param' && spec.def.required) expect(r.stderr).toContain(`--${spec.flag}`);
      }
      expect(await journal(setup.emu)).toEqual([]);
    },
  );
});
