import { describe, expect, it } from 'vitest';
import { flagMapper, flagSpecsOf, flagSyntax, kebab, limitsOf } from '../../src/commands/endpoint-flags.js';
import { RESERVED_FLAG_NAMES } from '../../src/commands/global-flags.js';
import { commandWord } from '../../src/commands/program.js';
import { endpointById, endpoints } from '../../src/registry/index.js';

describe('flag names', () => {
  it('kebab-cases API names', () => {
    expect(kebab('personCode')).toBe('person-code');
    expect(kebab('recogTimeFrom')).toBe('recog-time-from');
    expect(kebab('time_from')).toBe('time-from');
    expect(kebab('Customtip')).toBe('customtip');
    expect(kebab('netEth0Ipv4DnsServer1')).toBe('net-eth0-ipv4-dns-server1');
  });

  it('serialNo is --serial, pageNo is --page, picture data keeps its group name', () => {
    const names = (id: string) => flagSpecsOf(endpointById(id)!).map((s) => s.flag);
    expect(names('person.toDevice')).toEqual(['serial', 'person-code', 'override', 'no-image']);
    expect(names('log.getRecogLog')).toContain('page');
    expect(names('senselink.createRecord')).toEqual(expect.arrayContaining(['sn', 'image', 'rect', 'extend']));
    expect(names('system.updateFirmware')).toContain('firmware-version');
  });

  it('no endpoint flag collides with a global flag or with another flag of its command', () => {
    for (const ep of endpoints) {
      const flags = flagSpecsOf(ep).map((s) => s.flag);
      expect(new Set(flags).size, ep.id).toBe(flags.length);
      for (const f of flags) expect(RESERVED_FLAG_NAMES.has(f), `${ep.id} --${f}`).toBe(false);
      for (const extra of ['all', 'out', 'set']) expect(flags, ep.id).not.toContain(extra);
    }
  });

  it('families are repeatable flags with their field format', () => {
    const [access] = flagSpecsOf(endpointById('person.registPersonAcessTimeForCloud')!).filter(
      (s) => s.kind === 'family',
    );
    expect(flagSyntax(access)).toBe('--access <FLAG,FROM,TO>');
  });
});

describe('limits in help', () => {
  it('states range, length, values, format, size and default', () => {
    expect(limitsOf({ type: 'int', min: 10, max: 300, label: '', description: 'x' })).toContain('10–300');
    expect(limitsOf({ type: 'string', maxLength: 25, required: true, label: '', description: 'x' })).toEqual([
      'required',
      '≤ 25 characters',
    ]);
    expect(limitsOf({ type: 'enum', values: ['male', 'female'], label: '', description: 'x' })).toContain(
      'one of male, female',
    );
    const picture = limitsOf({
      type: 'base64',
      content: 'jpeg',
      maxBytes: 5 * 1024 * 1024,
      label: '',
      description: 'x',
    });
    expect(picture).toContain('≤ 5 MB after base64');
    expect(limitsOf({ type: 'flag', default: 1, label: '', description: 'x' })).toContain('default 1');
  });
});

describe('issue names back to flags', () => {
  it('maps wire names, family members and one-of groups', () => {
    const ep = endpointById('person.registPersonAcessTimeForCloud')!;
    const flagOf = flagMapper(ep, flagSpecsOf(ep));
    expect(flagOf('personCode')).toBe('--person-code');
    expect(flagOf('serialNo')).toBe('--serial');
    expect(flagOf('accessTimeFrom_3')).toBe('--access (entry 3)');
    const reg = endpointById('person.registPersonForCloud')!;
    expect(flagMapper(reg, flagSpecsOf(reg))('picture|recogLogSerialNo+recogLogId')).toBe(
      '--picture | --recog-log-serial-no + --recog-log-id',
    );
  });
});

describe('commandWord', () => {
  it('skips global flags and their values', () => {
    expect(commandWord(['-o', 'csv', '--verbose', 'log', 'recog', 'list'])).toBe('log');
    expect(commandWord(['--profile', 'prod', 'device', 'list'])).toBe('device');
    expect(commandWord(['--output=json', 'person'])).toBe('person');
    expect(commandWord(['--help'])).toBeUndefined();
  });
});
