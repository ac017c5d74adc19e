import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ParamIssue, validateWire } from '../../src/core/params/index.js';
import { endpointById } from '../../src/registry/index.js';
import { PICTURES } from '../helpers/fixtures.js';

const jpeg64 = readFileSync(`${PICTURES}/face-astronaut.jpg`).toString('base64');
const png64 = readFileSync(`${PICTURES}/face-astronaut.png`).toString('base64');

const ep = (id: string) => {
  const e = endpointById(id);
  if (!e) throw new Error(`no endpoint ${id}`);
  return e;
};
const issuesOf = (id: string, wire: Record<string, string>) => validateWire(ep(id), wire);
const codes = (issues: ParamIssue[]) => issues.map((i) => `${i.name}:${i.code}`);

/** [endpoint, base wire, param, accepted values, rejected values with the expected code] */
type Row = [string, Record<string, string>, string, string[], [string, ParamIssue['code']][]];
const S = { serialNo: 'S1' };
const P = { personCode: 'F1' };

const table: Row[] = [
  [
    'person.registPersonForCloud',
    { ...P, picture: jpeg64 },
    'memo',
    ['', 'a'.repeat(500), '😀'.repeat(500)],
    [['a'.repeat(501), 'length']],
  ],
  [
    'person.registPersonForCloud',
    { ...P, picture: jpeg64 },
    'personName',
    ['山'.repeat(100)],
    [['山'.repeat(101), 'length']],
  ],
  [
    'person.registPersonForCloud',
    { ...P, picture: jpeg64 },
    'sex',
    ['male', 'female'],
    [
      ['man', 'enum'],
      ['Male', 'enum'],
    ],
  ],
  [
    'person.registPersonForCloud',
    { ...P, picture: jpeg64 },
    'birthday',
    ['1990/01/31', '2000/02/29'],
    [
      ['1990-01-31', 'format'],
      ['1990/02/30', 'format'],
      ['1990/1/3', 'format'],
    ],
  ],
  [
    'person.registPersonForCloud',
    { ...P, picture: jpeg64 },
    'personTypeCode',
    ['3', '-1'],
    [
      ['1.5', 'type'],
      ['x', 'type'],
    ],
  ],
  [
    'log.getRecogLog',
    S,
    'pictureExpires',
    ['10', '300'],
    [
      ['9', 'range'],
      ['301', 'range'],
      ['10.5', 'type'],
    ],
  ],
  [
    'log.getRecogLog',
    S,
    'pageNo',
    ['1', '99999'],
    [
      ['0', 'range'],
      ['-1', 'range'],
    ],
  ],
  [
    'log.getRecogLog',
    S,
    'latest',
    ['0', '1'],
    [
      ['2', 'type'],
      ['true', 'type'],
    ],
  ],
  [
    'log.getRecogLog',
    S,
    'recogTimeFrom',
    ['2024/01/01 00:00:00', '2024/12/31 23:59:59'],
    [
      ['2024/01/01', 'format'],
      ['2024-01-01 00:00:00', 'format'],
      ['2024/02/30 00:00:00', 'format'],
    ],
  ],
  [
    'person.capturePersonPicture',
    S,
    'getCount',
    ['1', '30'],
    [
      ['0', 'range'],
      ['31', 'range'],
    ],
  ],
  [
    'log.deleteRecogLog',
    S,
    'ids',
    // `1, 2`: blanks around an id are allowed, as PHP's is_numeric allows them (issue 11 point 13).
    ['1', '1,2,3', '1, 2', Array.from({ length: 100 }, (_, i) => i + 1).join(',')],
    [
      [Array.from({ length: 101 }, (_, i) => i + 1).join(','), 'count'],
      ['1,,2', 'format'],
      ['0', 'format'],
      ['a', 'format'],
    ],
  ],
  [
    'system.displayMessage',
    { ...S, Customtip: 'x', Tipstime: '1000', BorderColor: '0,0,0,255', BackgroundColor: '255,255,255,0' },
    'Customtip',
    ['a'.repeat(25)],
    [['a'.repeat(26), 'length']],
  ],
  [
    'system.displayMessage',
    { ...S, Customtip: 'x', Tipstime: '1000', BorderColor: '0,0,0,255', BackgroundColor: '255,255,255,0' },
    'Tipstime',
    ['0', '60000'],
    [
      ['-1', 'range'],
      ['1.5', 'type'],
    ],
  ],
  [
    'system.displayMessage',
    { ...S, Customtip: 'x', Tipstime: '1000', BorderColor: '0,0,0,255', BackgroundColor: '255,255,255,0' },
    'BorderColor',
    // A malformed colour is not refused: the document's fallback (black text) applies, see
    // fallbackNotices (issue 11 point 2).
    ['0,0,0,0', '255,255,255,255', '256,0,0,0', '0,0,0', 'red', '0, 0, 0, 0'],
    [],
  ],
  ['system.setRebootSchedule', S, 'rebootScheduleEnable', ['0', '1'], [['2', 'type']]],
  [
    'system.setRebootSchedule',
    S,
    'rebootScheduleDayWeek',
    ['0', '6'],
    [
      ['7', 'range'],
      ['-1', 'range'],
    ],
  ],
  ['system.setRebootSchedule', S, 'rebootScheduleHours', ['0', '23'], [['24', 'range']]],
  ['person.toDevice', { ...S, ...P }, 'override', ['0', '1'], [['yes', 'type']]],
  ['config.setConfig', S, 'deviceMachineName', ['x'.repeat(32)], [['x'.repeat(33), 'length']]],
  [
    'config.setConfig',
    S,
    'deviceAudioVolume',
    ['0', '100'],
    [
      ['101', 'range'],
      ['-1', 'range'],
    ],
  ],
  [
    'config.setConfig',
    S,
    'deviceStandbyTime',
    ['0', '86400'],
    [
      ['86401', 'range'],
      ['-1', 'range'],
    ],
  ],
  ['config.setConfig', S, 'deviceWorkstateTime', ['-1', '86400'], [['-2', 'range']]],
  [
    'config.setConfig',
    S,
    'accessType',
    ['1', '3', '4'],
    [
      ['2', 'enum'],
      ['5', 'enum'],
    ],
  ],
  ['config.setConfig', S, 'netEth0Ipv4IpAddress', ['255.255.255.255'], [['255.255.255.2555', 'length']]],
  ['config.setConfig', S, 'netEth0Ipv6IpAddress', ['f'.repeat(39)], [['f'.repeat(40), 'length']]],
  ['config.setConfig', S, 'portHttp', ['0', '65535'], [['65536', 'range']]],
  ['config.setConfig', S, 'dispInfo', ['x'.repeat(12)], [['x'.repeat(13), 'length']]],
  ['config.setConfig', S, 'tipsType', ['Welcome', 'RecognitOK', 'PunchOK', 'PassOK', 'Custom'], [['welcome', 'enum']]],
  ['config.setConfig', S, 'tipsBackgroundColor', ['Blue', 'Red', 'Green'], [['Yellow', 'enum']]],
  ['config.setConfig', S, 'strangerVoiceType', ['strangerVoice1'], [['strangerVoice2', 'enum']]],
  [
    'config.setConfig',
    S,
    'recogWorkstateTime',
    ['0.5', '1', '1.5', '2', '2.0'],
    [
      ['0.75', 'format'],
      ['3', 'enum'],
      ['0.7', 'enum'],
    ],
  ],
  [
    'config.setConfig',
    S,
    'recogLiveness',
    ['1', '3'],
    [
      ['0', 'enum'],
      ['4', 'enum'],
    ],
  ],
  ['config.setConfig', S, 'recogCircleInterval', ['0', '10'], [['11', 'range']]],
  [
    'config.setConfig',
    S,
    'recogSearchThreshold',
    ['1', '100'],
    [
      ['0', 'range'],
      ['101', 'range'],
    ],
  ],
  ['config.setConfig', S, 'maskDetectMode', ['0', '2'], [['3', 'enum']]],
  ['config.setConfig', S, 'maskWearShowTips', ['x'.repeat(25)], [['x'.repeat(26), 'length']]],
  [
    'config.setConfig',
    S,
    'tempCorrection',
    ['-5', '5', '0.5', '-4.9'],
    [
      ['5.1', 'range'],
      ['0.55', 'format'],
      ['-5.1', 'range'],
    ],
  ],
  ['config.setConfig', S, 'tempMinPixel', ['0', '1024'], [['1025', 'range']]],
  [
    'config.setConfig',
    S,
    'tempValueRangeFrom',
    ['34.0', '42.0', '93.2', '107.6'],
    [
      // Without tempUnit: in one of the two ranges (34.0–42.0 °C, 93.2–107.6 °F), never between them.
      ['33.9', 'cross'],
      ['42.1', 'cross'],
      ['60', 'cross'],
      ['93.1', 'cross'],
      ['107.7', 'cross'],
      ['36.55', 'format'],
    ],
  ],
  ['config.setConfig', S, 'ntpHostName', ['h'.repeat(100)], [['h'.repeat(101), 'length']]],
  [
    'config.setConfig',
    S,
    'ntpInterval',
    ['1', '1440'],
    [
      ['0', 'range'],
      ['1441', 'range'],
    ],
  ],
  [
    'senselink.getRecords',
    { time_from: '2022-12-11T00:00:00+09:00', time_to: '2022-12-11T23:59:59+09:00' },
    'size',
    ['1', '100'],
    [
      ['0', 'range'],
      ['101', 'range'],
    ],
  ],
  [
    'senselink.getRecords',
    { time_from: '2022-12-11T00:00:00+09:00', time_to: '2022-12-11T23:59:59+09:00' },
    'order',
    ['0', '1'],
    [['2', 'enum']],
  ],
  [
    'senselink.getRecords',
    { time_from: '2022-12-11T00:00:00+09:00', time_to: '2022-12-11T23:59:59+09:00' },
    'page',
    ['1'],
    [['0', 'range']],
  ],
  [
    'senselink.getRecords',
    { time_to: '2022-12-11T23:59:59+09:00' },
    'time_from',
    ['2022-12-11T00:00:00+09:00', '2022-12-11T00:00:00Z', '2022-12-11T00:00:00.500+0900'],
    [
      ['2022/12/11 00:00:00', 'format'],
      ['2022-12-11T00:00:00', 'format'],
      ['2022-02-30T00:00:00Z', 'format'],
    ],
  ],
  [
    'senselink.createRecord',
    { sn: 'S1', timestamp: '1659423903', 'image.data': jpeg64 },
    'threshold',
    ['0', '1', '0.92'],
    [
      ['1.01', 'range'],
      ['-0.1', 'range'],
      ['high', 'type'],
    ],
  ],
  [
    'senselink.createRecord',
    { sn: 'S1', timestamp: '1', 'image.data': jpeg64 },
    'process_mode',
    ['0'],
    [['1', 'enum']],
  ],
  [
    'senselink.createRecord',
    { sn: 'S1', timestamp: '1', 'image.data': jpeg64 },
    'image.rectangle.top',
    ['0', '12'],
    [['-1', 'range']],
  ],
  [
    'senselink.createRecord',
    { sn: 'S1', timestamp: '1', 'image.data': jpeg64 },
    'extend',
    ['{"device_name":"x"}', JSON.stringify({ a: 'x'.repeat(1010) })],
    [
      ['{bad', 'format'],
      [JSON.stringify({ a: 'x'.repeat(1020) }), 'size'],
      [JSON.stringify({ a: 'あ'.repeat(400) }), 'size'],
    ],
  ],
  ['senselink.createRecord', { sn: 'S1', timestamp: '1' }, 'image.data', [jpeg64, png64], [['AAAA', 'content']]],
];

describe('validateWire limits', () => {
  for (const [id, base, name, accepted, rejected] of table) {
    for (const value of accepted) {
      it(`${id} accepts ${name}=${value.length > 40 ? `${value.slice(0, 20)}…(${value.length})` : value}`, () => {
        expect(issuesOf(id, { ...base, [name]: value })).toEqual([]);
      });
    }
    for (const [value, code] of rejected) {
      it(`${id} rejects ${name}=${value.length > 40 ? `${value.slice(0, 20)}…(${value.length})` : value} (${code})`, () => {
        const issues = issuesOf(id, { ...base, [name]: value });
        expect(codes(issues)).toEqual([`${name}:${code}`]);
        // The name is the issue's `name`; the message never repeats it (callers prefix the flag or key).
        expect(issues[0].message.startsWith(`${name}: `)).toBe(false);
        expect(issues[0].messageJa).toMatch(/。$/);
      });
    }
  }
});

describe('messages', () => {
  it('names the parameter and the limit in English and in the document’s Japanese style', () => {
    const [memo] = issuesOf('person.registPersonForCloud', { ...P, picture: jpeg64, memo: 'x'.repeat(512) });
    expect(memo).toEqual({
      name: 'memo',
      code: 'length',
      message: 'at most 500 characters (got 512)',
      messageJa: 'メモの文字数が多すぎます。500文字以内で指定して下さい。',
    });
    const [name] = issuesOf('person.registPersonForCloud', { ...P, picture: jpeg64, personName: 'x'.repeat(101) });
    expect(name.messageJa).toBe('氏名の文字数が多すぎます。100文字以内で指定して下さい。');
    const [from] = issuesOf('log.getRecogLog', { ...S, recogTimeFrom: 'yesterday' });
    expect(from.messageJa).toBe('検索日時（recogTimeFrom）は日付形式で指定する必要があります。');
    const [req] = issuesOf('person.getPersonCardInfoFromCloud', {});
    expect(req).toMatchObject({ name: 'personCode', code: 'required', messageJa: '人物コードは必須です。' });
  });

  it('counts characters as code points', () => {
    expect(
      issuesOf('system.displayMessage', {
        ...S,
        Customtip: '𠮷'.repeat(25),
        Tipstime: '1',
        BorderColor: '0,0,0,0',
        BackgroundColor: '0,0,0,0',
      }),
    ).toEqual([]);
  });
});

describe('required, unknown and all-at-once', () => {
  it('reports every problem together', () => {
    const issues = issuesOf('person.registPersonForCloud', {
      personName: 'x'.repeat(101),
      sex: 'other',
      birthday: '1990-01-01',
      memo: 'x'.repeat(501),
      colour: 'blue',
    });
    expect(codes(issues).sort()).toEqual(
      [
        'personName:length',
        'sex:enum',
        'birthday:format',
        'memo:length',
        'colour:unknown',
        'personCode:required',
        'picture|recogLogSerialNo+recogLogId:oneOf',
      ].sort(),
    );
  });

  it('treats an empty required value as missing and an empty optional one as absent', () => {
    expect(codes(issuesOf('device.sync', { serialNo: '' }))).toEqual(['serialNo:required']);
    expect(issuesOf('log.getRecogLog', { ...S, recogTimeFrom: '' })).toEqual([]);
    expect(issuesOf('device.registPushUrl', { ...S, pushUrl: '' })).toEqual([]);
  });

  it('does not mistake Object.prototype members for declared parameters', () => {
    expect(codes(issuesOf('device.sync', { ...S, toString: 'x', constructor: 'y' }))).toEqual([
      'toString:unknown',
      'constructor:unknown',
    ]);
  });

  it('rejects unknown parameters unless allowed, and always allows the token and nochange flag', () => {
    expect(codes(issuesOf('device.sync', { ...S, serial: 'x' }))).toEqual(['serial:unknown']);
    expect(validateWire(ep('device.sync'), { ...S, serial: 'x' }, { allowUnknown: true })).toEqual([]);
    expect(issuesOf('device.sync', { ...S, 'ds-api-token': 't', 'nochange-response-status': '1' })).toEqual([]);
  });
});

describe('oneOf', () => {
  it('needs one of the deleteRecogLog conditions', () => {
    const issues = issuesOf('log.deleteRecogLog', S);
    expect(issues).toHaveLength(1);
    expect(issues[0].code).toBe('oneOf');
    expect(issues[0].message).toContain('ids');
    expect(issues[0].message).toContain('personCode');
    for (const cond of [
      { ids: '1' },
      { recogTimeFrom: '2024/01/01 00:00:00' },
      { recogTimeTo: '2024/01/01 00:00:00' },
      P,
    ] as Record<string, string>[]) {
      expect(issuesOf('log.deleteRecogLog', { ...S, ...cond })).toEqual([]);
    }
  });

  it('needs the picture or both recognition-log parameters', () => {
    expect(issuesOf('person.registPersonForCloud', { ...P, recogLogSerialNo: 'S1', recogLogId: '12' })).toEqual([]);
    expect(codes(issuesOf('person.registPersonForCloud', { ...P, recogLogSerialNo: 'S1' }))).toEqual([
      'recogLogId:required',
    ]);
  });

  it('lets registPersonType go without a code (auto-numbered)', () => {
    expect(issuesOf('person.registPersonType', { personTypeName: '社員' })).toEqual([]);
    expect(codes(issuesOf('person.registPersonType', {}))).toEqual(['personTypeName:required']);
  });
});

describe('documented fallbacks (displayMessage colours)', () => {
  it('a malformed colour is a notice, and the cloud reads the fallback', async () => {
    const { cloudReading, fallbackNotices } = await import('../../src/core/params/index.js');
    const { endpointById } = await import('../../src/registry/index.js');
    const ep = endpointById('system.displayMessage')!;
    const wire = { serialNo: 'S', Customtip: 'x', Tipstime: '1', BorderColor: 'red', BackgroundColor: '1,2,3,4' };
    expect(fallbackNotices(ep, wire).map((n) => n.name)).toEqual(['BorderColor']);
    expect(fallbackNotices(ep, wire)[0].message).toMatch(/black text/);
    expect(cloudReading(ep, wire)).toMatchObject({ BorderColor: '0,0,0,255', BackgroundColor: '1,2,3,4' });
  });
});

describe('base64', () => {
  const FIVE_MB = 5 * 1024 * 1024;
  const big = (len: number) => `/9j/${'A'.repeat(len - 4)}`;

  it('accepts exactly 5 MB of base64 text and rejects one block more', () => {
    expect(issuesOf('person.checkPersonPicture', { picture: big(FIVE_MB) })).toEqual([]);
    const issues = issuesOf('person.checkPersonPicture', { picture: big(FIVE_MB + 4) });
    expect(codes(issues)).toEqual(['picture:size']);
    expect(issues[0].messageJa).toContain('5MB');
  });

  it('rejects malformed base64', () => {
    // Unpadded ('/9j/AAA') and blank-wrapped ('/9j/ AAA') base64 are accepted as PHP's decoder does
    // (issue 11 point 5); a misplaced '=', URL-safe letters and a 4k+1 length are not.
    for (const bad of ['/9j/A', '/9j/AA=A', '/9j/AA-_', '/9j/AAA===']) {
      expect(codes(issuesOf('person.checkPersonPicture', { picture: bad })), bad).toEqual(['picture:format']);
    }
  });

  it('reads padding the same with and without blanks (fast path for blank-free text, loop otherwise)', () => {
    for (const good of ['/9j/AA==', '/9j/AAA=', '/9j/AAA', '/9j/AA', '/9j/\nAA==', '/9j/AA\r\n==\n', ' /9j/AAA=']) {
      expect(issuesOf('person.checkPersonPicture', { picture: good }), JSON.stringify(good)).toEqual([]);
    }
    for (const bad of ['/9j/AA=', '/9j/A=', '/9j/AAAA=', '/9j/\nAA=', '/9j/A\n', '/9j/AA==A']) {
      expect(codes(issuesOf('person.checkPersonPicture', { picture: bad })), JSON.stringify(bad)).toEqual([
        'picture:format',
      ]);
    }
  });

  it('decides every short text the same on the fast path (no blanks) as on the loop (a blank added)', () => {
    // A trailing line break is ignored by the decoder but sends the text through the character loop:
    // the two paths must agree on every text of up to 6 characters over letters, '=' and '-'.
    const alphabet = ['A', '/', '=', '-'];
    let texts = [''];
    let compared = 0;
    for (let len = 1; len <= 6; len++) {
      texts = texts.flatMap((t) => alphabet.map((c) => t + c));
      for (const t of texts) {
        const fast = codes(issuesOf('system.importConfig', { ...S, data: t }));
        const loop = codes(issuesOf('system.importConfig', { ...S, data: `${t}\n` }));
        expect(fast, JSON.stringify(t)).toEqual(loop);
        compared++;
      }
    }
    expect(compared).toBe(5460);
    for (const bad of ['/9j/A=A=', '/9j/=AAA', '/9j/A===', '/9j/AA=A==']) {
      expect(codes(issuesOf('person.checkPersonPicture', { picture: bad })), bad).toEqual(['picture:format']);
    }
  });

  it('sniffs the content: PNG where JPEG is required, JPEG where PNG is required', () => {
    const issues = issuesOf('person.checkPersonPicture', { picture: png64 });
    expect(codes(issues)).toEqual(['picture:content']);
    expect(issues[0].message).toContain('JPEG');
    expect(issuesOf('person.checkPersonPicture', { picture: jpeg64 })).toEqual([]);
    expect(codes(issuesOf('config.setLogo', { ...S, data: jpeg64 }))).toEqual(['data:content']);
    expect(issuesOf('config.setLogo', { ...S, data: png64 })).toEqual([]);
    expect(issuesOf('system.importConfig', { ...S, data: 'AAECAw==' })).toEqual([]);
  });

  it('limits SenseLink images to 1 MB', () => {
    const issues = issuesOf('senselink.createRecord', { sn: 'S1', timestamp: '1', 'image.data': big(1024 * 1024 + 4) });
    expect(codes(issues)).toEqual(['image.data:size']);
  });
});

describe('card numbers', () => {
  const card = (no: string) =>
    issuesOf('person.registPersonCardInfoForCloud', {
      ...P,
      card_no_1: no,
      validityDateFrom_1: '2024/04/01',
      validityDateTo_1: '2025/03/31',
    });
  it.each([
    '0123456789ABCDEF',
    'abcdef',
    '1',
    '12345678901234567890',
    '18446744073709551615',
    '00018446744073709551615'.slice(3),
  ])('accepts %s', (no) => {
    expect(card(no)).toEqual([]);
  });
  it.each([
    '0123456789ABCDEF0',
    '18446744073709551616',
    '99999999999999999999',
    '123456789012345678901',
    'XYZ',
    '12-34',
  ])('rejects %s', (no) => {
    expect(codes(card(no))).toEqual(['card_no_1:format']);
  });
});

describe('families', () => {
  const access = (entries: [string, string, string][], extra: Record<string, string> = {}) => {
    const wire: Record<string, string> = { ...P, ...S, ...extra };
    entries.forEach(([flag, from, to], i) => {
      wire[`accessFlag_${i + 1}`] = flag;
      wire[`accessTimeFrom_${i + 1}`] = from;
      wire[`accessTimeTo_${i + 1}`] = to;
    });
    return issuesOf('person.registPersonAcessTimeForCloud', wire);
  };
  const day = (d: number): [string, string, string] => [
    '1',
    `2024/05/${String(d).padStart(2, '0')} 09:00:00`,
    `2024/05/${String(d).padStart(2, '0')} 18:00:00`,
  ];

  it('accepts ten windows and no windows (clears)', () => {
    expect(access(Array.from({ length: 10 }, (_, i) => day(i + 1)))).toEqual([]);
    expect(access([])).toEqual([]);
  });

  it('rejects an 11th window', () => {
    const issues = access(Array.from({ length: 11 }, (_, i) => day(i + 1)));
    expect(codes(issues)).toEqual(['accessFlag_11:count']);
    expect(issues[0].message).toContain('at most 10');
  });

  it('rejects overlapping windows and accepts touching ones', () => {
    const issues = access([
      ['1', '2024/05/01 09:00:00', '2024/05/01 18:00:00'],
      ['0', '2024/05/01 12:00:00', '2024/05/01 20:00:00'],
    ]);
    expect(codes(issues)).toEqual(['accessTimeFrom_2:overlap']);
    expect(
      access([
        ['1', '2024/05/01 09:00:00', '2024/05/01 12:00:00'],
        ['0', '2024/05/01 12:00:00', '2024/05/01 20:00:00'],
      ]),
    ).toEqual([]);
  });

  it('sees a long window covering several later ones', () => {
    const issues = access([
      ['1', '2024/05/01 00:00:00', '2024/05/10 00:00:00'],
      ['1', '2024/05/02 00:00:00', '2024/05/03 00:00:00'],
      ['1', '2024/05/04 00:00:00', '2024/05/05 00:00:00'],
    ]);
    expect(codes(issues)).toEqual(['accessTimeFrom_2:overlap', 'accessTimeFrom_3:overlap']);
    expect(issues[1].messageJa).toBe('期間の重複指定は許容されません（accessTimeFrom_1とaccessTimeFrom_3）。');
  });

  it('rejects from after to', () => {
    expect(codes(access([['1', '2024/05/02 00:00:00', '2024/05/01 00:00:00']]))).toEqual(['accessTimeFrom_1:interval']);
  });

  it('rejects windows outside 2020/01/01 00:00:00–2099/12/31 23:59:59', () => {
    expect(access([['1', '2020/01/01 00:00:00', '2099/12/31 23:59:59']])).toEqual([]);
    expect(codes(access([['1', '2019/12/31 23:59:59', '2020/01/02 00:00:00']]))).toEqual(['accessTimeFrom_1:range']);
  });

  it('requires the other members when the key is given, and the key when a member is given', () => {
    const wire = { ...P, ...S, accessFlag_1: '1', accessTimeFrom_1: '2024/05/01 09:00:00' };
    expect(codes(issuesOf('person.registPersonAcessTimeForCloud', wire))).toEqual(['accessTimeTo_1:required']);
    const orphan = { ...P, ...S, accessTimeFrom_2: '2024/05/01 09:00:00', accessTimeTo_2: '2024/05/01 10:00:00' };
    expect(codes(issuesOf('person.registPersonAcessTimeForCloud', orphan))).toEqual([
      // Entry 2 without entry 1: a gap in the numbering, as well as the missing key.
      'accessTimeFrom_2:numbering',
      'accessTimeFrom_2:required',
      'accessTimeTo_2:required',
    ]);
  });

  it('checks member values: flag and date formats', () => {
    expect(codes(access([['2', '2024/05/01 09:00', '2024/05/01 18:00:00']]))).toEqual([
      'accessFlag_1:type',
      'accessTimeFrom_1:format',
    ]);
  });

  it('does not take family members with N = 0 or leading zeros as members', () => {
    // 「1 を起算とする連番」: they name no entry, and are refused as such (not as unknown names, which
    // the emulator lets pass).
    expect(codes(access([], { accessFlag_0: '1', accessFlag_01: '1' }))).toEqual([
      'accessFlag_0:numbering',
      'accessFlag_01:numbering',
    ]);
  });

  const cards = (entries: [string, string?, string?][]) => {
    const wire: Record<string, string> = { ...P };
    entries.forEach(([no, from, to], i) => {
      wire[`card_no_${i + 1}`] = no;
      if (from) wire[`validityDateFrom_${i + 1}`] = from;
      if (to) wire[`validityDateTo_${i + 1}`] = to;
    });
    return issuesOf('person.registPersonCardInfoForCloud', wire);
  };

  it('requires validity dates with a card and rejects a 4th card', () => {
    expect(codes(cards([['ABC']]))).toEqual(['validityDateFrom_1:required', 'validityDateTo_1:required']);
    const three: [string, string, string][] = [
      ['A1', '2024/01/01', '2024/12/31'],
      ['A2', '2024/01/01', '2024/12/31'],
      ['A3', '2024/01/01', '2024/12/31'],
    ];
    expect(cards(three)).toEqual([]);
    expect(codes(cards([...three, ['A4', '2024/01/01', '2024/12/31']]))).toEqual(['card_no_4:count']);
    // No order rule for a card's validity: the document states none (issue 11 point 13).
    expect(codes(cards([['A1', '2025/01/01', '2024/12/31']]))).toEqual([]);
  });
});

describe('cross rules', () => {
  const temp = (wire: Record<string, string>) => codes(issuesOf('config.setConfig', { ...S, ...wire }));

  it('checks temperatures against the unit given in the same request', () => {
    expect(temp({ tempUnit: '0', tempValueRangeFrom: '34.0', tempValueRangeTo: '42.0' })).toEqual([]);
    expect(temp({ tempUnit: '0', tempValueRangeTo: '42.1' })).toEqual(['tempValueRangeTo:cross']);
    expect(temp({ tempUnit: '0', tempValueRangeFrom: '98.6' })).toEqual(['tempValueRangeFrom:cross']);
    expect(temp({ tempUnit: '1', tempValueRangeFrom: '93.2', tempValueRangeTo: '107.6' })).toEqual([]);
    expect(temp({ tempUnit: '1', tempValueRangeFrom: '93.1' })).toEqual(['tempValueRangeFrom:cross']);
    expect(temp({ tempUnit: '1', tempValueRangeFrom: '36.5' })).toEqual(['tempValueRangeFrom:cross']);
  });

  it("accepts either unit's range without a unit, refuses a value in neither (42.1–93.1), and rejects from above to", () => {
    expect(temp({ tempValueRangeFrom: '36.0' })).toEqual([]);
    expect(temp({ tempValueRangeFrom: '100.0' })).toEqual([]);
    expect(temp({ tempValueRangeFrom: '60' })).toEqual(['tempValueRangeFrom:cross']);
    expect(temp({ tempValueRangeTo: '42.1' })).toEqual(['tempValueRangeTo:cross']);
    const [neither] = issuesOf('config.setConfig', { ...S, tempValueRangeFrom: '60' });
    expect(neither.message).toBe(
      'must be between 34.0 and 42.0 (°C, tempUnit 0) or between 93.2 and 107.6 (°F, tempUnit 1): it is valid in neither unit (got 60)',
    );
    expect(neither.messageJa).toBe(
      '正常体温の下限は摂氏の場合は34.0から42.0、華氏の場合は93.2から107.6の範囲で指定して下さい。',
    );
    expect(temp({ tempValueRangeFrom: '37.5', tempValueRangeTo: '36.0' })).toEqual(['tempValueRangeFrom:cross']);
  });

  it('keeps SenseLink windows within 24 hours and in order', () => {
    const rec = (from: string, to: string) => codes(issuesOf('senselink.getRecords', { time_from: from, time_to: to }));
    expect(rec('2022-12-11T00:00:00+09:00', '2022-12-12T00:00:00+09:00')).toEqual([]);
    expect(rec('2022-12-11T00:00:00+09:00', '2022-12-12T00:00:01+09:00')).toEqual(['time_to:cross']);
    expect(rec('2022-12-11T00:00:00+09:00', '2022-12-10T23:00:00+09:00')).toEqual(['time_from:cross']);
    // Offsets count: 24 hours apart in absolute time even though the clock texts differ by 9 hours.
    expect(rec('2022-12-11T00:00:00Z', '2022-12-12T09:00:00+09:00')).toEqual([]);
  });
});
