/**
 * core/params as a folder (issue 8 §3): one message catalogue for both languages, a type table and a
 * cross-rule table that cover every type and rule the registry uses, and the CLI's flag placeholders
 * and help words read from that table.
 */
import { describe, expect, it } from 'vitest';
import { flagSyntax, limitsOf } from '../../../src/commands/endpoint-flags.js';
import {
  CROSS_RULES,
  issue,
  MESSAGES,
  type MessageCode,
  messageJa,
  PARAM_TYPES,
  type ParamTypeSpec,
  paramType,
  validateWire,
} from '../../../src/core/params/index.js';
import { endpoint, endpoints, type ParamType } from '../../../src/registry/index.js';

describe('the message catalogue', () => {
  it('keeps the wordings the facetCloud document prescribes (§ エラー)', () => {
    expect(issue('from', 'notDate', { label: '検索日時', name: 'from', form: 'YYYY/MM/DD HH:MI:SS' }).messageJa).toBe(
      '検索日時（from）は日付形式で指定する必要があります。',
    );
    expect(issue('name', 'tooLong', { label: '氏名', max: 100, got: 101 })).toEqual({
      name: 'name',
      code: 'length',
      message: 'at most 100 characters (got 101)',
      messageJa: '氏名の文字数が多すぎます。100文字以内で指定して下さい。',
    });
  });

  it('gives every code an English text without the field name and a Japanese sentence', () => {
    const sample = {
      label: 'ラベル',
      name: 'fieldName',
      value: 'v',
      values: ['a', 'b'],
      min: 1,
      max: 2,
      got: 3,
      decimals: 1,
      given: 'x',
      names: ['a', 'b'],
      labels: ['A', 'B'],
      endpoint: 'person.get',
      content: 'jpeg',
      part: 'p',
      maxDecimal: '9',
      form: 'YYYY/MM/DD',
      seconds: 1,
      when: '',
      n: 1,
      cliFormat: 'A,B',
      entry: 'e',
      description: '説明',
      family: 'access',
      reason: 'r',
      key: 'k_1',
      keyLabel: 'キー',
      from: { label: '開始', name: 'f_1' },
      to: { label: '終了', name: 't_1' },
      fromValue: '2',
      toValue: '1',
      range: 'r',
      other: 2,
      otherRange: 'o',
      unit: '0',
      unitName: '°C',
      ranges: [{ unit: '0', unitName: '°C', unitJa: '摂氏', min: '1.0', max: '2.0' }],
      index: '01',
      missing: 'k_1',
    };
    for (const code of Object.keys(MESSAGES) as MessageCode[]) {
      const i = issue('fieldName', code, sample as never);
      expect(i.message, code).not.toBe('');
      expect(i.message, code).not.toContain('fieldName');
      expect(i.messageJa, code).toMatch(/[^\x00-\x7f].*。$/);
      expect(messageJa(code, sample as never)).toBe(i.messageJa);
    }
  });

  it('is what validateWire answers in both languages', () => {
    const [i] = validateWire(endpoint('person.getPerson'), { serialNo: 'S1' });
    expect(i).toEqual(issue('personCode', 'required', { label: '人物コード' }));
    expect(i.messageJa).toBe('人物コードは必須です。');
  });
});

describe('the type table', () => {
  const used = new Set<ParamType>();
  for (const ep of endpoints) {
    for (const def of Object.values(ep.params)) used.add(def.type);
    for (const f of ep.families ?? []) for (const m of f.fields) used.add(m.def.type);
  }

  it('has a check, a coercion and a placeholder for every type the registry uses', () => {
    for (const type of used) {
      const spec: ParamTypeSpec = PARAM_TYPES[type];
      expect(typeof spec.check, type).toBe('function');
      expect(typeof spec.coerce, type).toBe('function');
      expect(spec.placeholder, type).toMatch(/^\S+$/);
    }
  });

  it('is complete by type: an entry left out does not compile', () => {
    const { json: _json, ...withoutJson } = PARAM_TYPES;
    // @ts-expect-error json's check, coerce, placeholder and help are missing
    const incomplete: Record<ParamType, ParamTypeSpec> = withoutJson;
    expect(Object.keys(incomplete)).not.toContain('json');
  });

  it('says which types are file content and how a value shows in a JSON answer', () => {
    expect(Object.entries(PARAM_TYPES).flatMap(([type, spec]) => (spec.file ? [type] : []))).toEqual(['base64']);
    const volume = endpoint('config.setConfig').params.deviceAudioVolume;
    expect(paramType(volume.type).answer('98', volume)).toBe(98);
    expect(paramType('flag').answer('1', volume)).toBe(1);
    expect(paramType('enum').answer('30', { ...volume, type: 'enum', values: [30, 60] })).toBe(30);
    expect(paramType('enum').answer('male', { ...volume, type: 'enum', values: ['male', 'female'] })).toBe('male');
    expect(paramType('datetime').answer('2024/01/01 00:00:00', volume)).toBe('2024/01/01 00:00:00');
  });

  it('gives the CLI its placeholders and help words', () => {
    const ep = endpoint('person.registPersonForCloud');
    const def = ep.params.birthday;
    expect(def.type).toBe('date');
    expect(
      flagSyntax({
        kind: 'param',
        flag: 'birthday',
        wire: 'birthday',
        def,
        repeatable: false,
        device: false,
        file: false,
      }),
    ).toBe(`--birthday <${PARAM_TYPES.date.placeholder}>`);
    expect(limitsOf(def)).toContain(PARAM_TYPES.date.help);
  });
});

describe('the cross-field rules', () => {
  it('has a check for every rule an endpoint names', () => {
    for (const ep of endpoints)
      for (const rule of ep.crossRules ?? []) expect(typeof CROSS_RULES[rule]).toBe('function');
  });
});
