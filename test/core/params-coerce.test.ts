import { describe, expect, it } from 'vitest';
import { formatApiDateTime, formatIso8601 } from '../../src/core/dates.js';
import { coerceParams } from '../../src/core/params/index.js';
import { endpointById } from '../../src/registry/index.js';
import { picture } from '../helpers/fixtures.js';

// 2024/05/15 13:45:30 in Japan, the cloud's default zone, whatever zone the tests run in.
const now = new Date('2024-05-15T13:45:30+09:00');
const coerce = (id: string, input: Record<string, unknown>) => coerceParams(endpointById(id)!, input, { now });
const jpeg = picture('face-astronaut.jpg');
const png = picture('face-astronaut.png');

describe('coerceParams', () => {
  it('turns friendly datetimes into the wire form', () => {
    const cases: [string, string][] = [
      ['-24h', '2024/05/14 13:45:30'],
      ['-30m', '2024/05/15 13:15:30'],
      ['-7d', '2024/05/08 13:45:30'],
      ['now', '2024/05/15 13:45:30'],
      ['today', '2024/05/15 00:00:00'],
      ['yesterday', '2024/05/14 00:00:00'],
      ['2024-05-01 10:00', '2024/05/01 10:00:00'],
      ['2024/05/01', '2024/05/01 00:00:00'],
      ['2024/05/01 10:00:00', '2024/05/01 10:00:00'],
    ];
    for (const [input, wire] of cases) {
      const r = coerce('log.getRecogLog', { serialNo: 'S1', recogTimeFrom: input });
      expect(r, input).toEqual({ wire: { serialNo: 'S1', recogTimeFrom: wire }, issues: [] });
    }
    const iso = coerce('log.getRecogLog', { serialNo: 'S1', recogTimeTo: '2024-05-01T10:00:00+09:00' });
    expect(iso.wire.recogTimeTo).toBe(formatApiDateTime(new Date('2024-05-01T10:00:00+09:00')));
    const date = coerce('log.getRecogLog', { serialNo: 'S1', recogTimeTo: new Date('2024-01-02T03:04:05+09:00') });
    expect(date.wire.recogTimeTo).toBe('2024/01/02 03:04:05');
  });

  it('leaves unreadable dates for validation to name', () => {
    const r = coerce('log.getRecogLog', { serialNo: 'S1', recogTimeFrom: 'last tuesday' });
    expect(r.wire.recogTimeFrom).toBe('last tuesday');
    expect(r.issues.map((i) => i.name)).toEqual(['recogTimeFrom']);
    expect(r.issues[0].code).toBe('format');
  });

  it('reads dates, flags and sex in their friendly forms', () => {
    for (const [input, sex] of [
      ['male', 'male'],
      ['M', 'male'],
      ['男', 'male'],
      ['男性', 'male'],
      ['Female', 'female'],
      ['f', 'female'],
      ['女', 'female'],
      ['女性', 'female'],
    ]) {
      const r = coerce('person.registPersonForCloud', {
        personCode: 'F1',
        picture: jpeg,
        sex: input,
        birthday: '1990-04-01',
      });
      expect(r.issues, input).toEqual([]);
      expect(r.wire.sex).toBe(sex);
      expect(r.wire.birthday).toBe('1990/04/01');
    }
    for (const [input, flag] of [
      [true, '1'],
      [false, '0'],
      ['yes', '1'],
      ['no', '0'],
      ['TRUE', '1'],
      ['false', '0'],
      [1, '1'],
      ['0', '0'],
    ] as const) {
      const r = coerce('person.toDevice', { serialNo: 'S1', personCode: 'F1', noImage: input });
      expect(r.wire.noImage, String(input)).toBe(flag);
      expect(r.issues).toEqual([]);
    }
    expect(coerce('person.toDevice', { serialNo: 'S1', personCode: 'F1', noImage: 'maybe' }).issues[0]).toMatchObject({
      name: 'noImage',
      code: 'type',
    });
  });

  it('encodes Buffers for base64 params and takes strings as already base64', () => {
    const r = coerce('person.checkPersonPicture', { picture: jpeg });
    expect(r.wire.picture).toBe(jpeg.toString('base64'));
    expect(r.issues).toEqual([]);
    expect(coerce('person.checkPersonPicture', { picture: jpeg.toString('base64') }).wire.picture).toBe(
      jpeg.toString('base64'),
    );
    expect(coerce('person.checkPersonPicture', { picture: png }).issues.map((i) => i.code)).toEqual(['content']);
  });

  it('refuses file content for a text parameter and odd words for sex', () => {
    const r = coerce('person.registPersonForCloud', {
      personCode: 'F1',
      picture: jpeg,
      memo: jpeg,
      sex: 'constructor',
    });
    expect(r.issues.map((i) => `${i.name}:${i.code}`).sort()).toEqual(['memo:type', 'sex:enum']);
  });

  it('takes numbers as numbers or numeric strings, and enums case-insensitively', () => {
    const r = coerce('config.setConfig', {
      serialNo: 'S1',
      deviceAudioVolume: 60,
      recogWorkstateTime: '1.5',
      tempCorrection: -0.5,
      accessType: 4,
      tipsBackgroundColor: 'blue',
    });
    expect(r.issues).toEqual([]);
    expect(r.wire).toEqual({
      serialNo: 'S1',
      deviceAudioVolume: '60',
      recogWorkstateTime: '1.5',
      tempCorrection: '-0.5',
      accessType: '4',
      tipsBackgroundColor: 'Blue',
    });
  });

  it('splits family entries on the first commas and numbers them from 1', () => {
    const r = coerce('person.registPersonAcessTimeForCloud', {
      personCode: 'F1',
      serialNo: 'S1',
      access: ['1,2024-05-01 09:00,2024-05-01 18:00', 'no, 2024/05/02 09:00:00 , 2024/05/03'],
    });
    expect(r.issues).toEqual([]);
    expect(r.wire).toEqual({
      personCode: 'F1',
      serialNo: 'S1',
      accessFlag_1: '1',
      accessTimeFrom_1: '2024/05/01 09:00:00',
      accessTimeTo_1: '2024/05/01 18:00:00',
      accessFlag_2: '0',
      accessTimeFrom_2: '2024/05/02 09:00:00',
      // A day alone as the end: through that day (rangeEnd).
      accessTimeTo_2: '2024/05/03 23:59:59',
    });
  });

  it('reports a malformed family entry and the family rules together', () => {
    const r = coerce('person.registPersonCardInfoForCloud', {
      personCode: 'F1',
      card: ['ABC', '0123456789ABCDEF0,2024-01-01,2024-12-31', '12,2024/01/01,2023/12/31'],
    });
    expect(r.issues.map((i) => `${i.name}:${i.code}`)).toEqual(['card_1:format', 'card_no_2:format']);
  });

  it('reports an 11th access window', () => {
    const access = Array.from(
      { length: 11 },
      (_, i) =>
        `1,2024/06/${String(i + 1).padStart(2, '0')} 09:00:00,2024/06/${String(i + 1).padStart(2, '0')} 10:00:00`,
    );
    const r = coerce('person.registPersonAcessTimeForCloud', { personCode: 'F1', serialNo: 'S1', access });
    expect(r.issues.map((i) => `${i.name}:${i.code}`)).toEqual(['accessFlag_11:count']);
  });

  it('joins id arrays and strips spaces from id lists and colours', () => {
    expect(coerce('log.deleteRecogLog', { serialNo: 'S1', ids: [3, 4, 5] }).wire.ids).toBe('3,4,5');
    expect(coerce('log.deleteRecogLog', { serialNo: 'S1', ids: '3, 4, 5' }).wire.ids).toBe('3,4,5');
    const msg = coerce('system.displayMessage', {
      serialNo: 'S1',
      Customtip: 'hello',
      Tipstime: 3000,
      BorderColor: '255, 255, 255, 255',
      BackgroundColor: [0, 0, 0, 128],
    });
    expect(msg.issues).toEqual([]);
    expect(msg.wire.BorderColor).toBe('255,255,255,255');
    expect(msg.wire.BackgroundColor).toBe('0,0,0,128');
  });

  it("emits ISO 8601 with the cloud zone's offset for SenseLink, and checks the 24-hour window", () => {
    const r = coerce('senselink.getRecords', { time_from: '-24h', time_to: 'now', size: 100 });
    expect(r.issues).toEqual([]);
    expect(r.wire.time_to).toBe(formatIso8601(now));
    expect(r.wire.time_from).toBe('2024-05-14T13:45:30+09:00');
    const wide = coerce('senselink.getRecords', { time_from: '-25h', time_to: 'now' });
    expect(wide.issues.map((i) => `${i.name}:${i.code}`)).toEqual(['time_to:cross']);
  });

  it('serialises objects for json params and measures UTF-8 bytes', () => {
    const r = coerce('senselink.createRecord', {
      sn: 'S1',
      timestamp: 1659423903,
      'image.data': jpeg,
      extend: { device_name: '玄関' },
    });
    expect(r.issues).toEqual([]);
    expect(r.wire.extend).toBe('{"device_name":"玄関"}');
  });

  it('returns every issue at once, including unknown parameters', () => {
    const r = coerce('person.registPersonForCloud', {
      personCode: 'F1',
      sex: 'x',
      birthday: '1990-02-30',
      memo: 'm'.repeat(501),
      surname: 'Yamada',
    });
    expect(r.issues.map((i) => i.name).sort()).toEqual(
      ['birthday', 'memo', 'picture|recogLogSerialNo+recogLogId', 'sex', 'surname'].sort(),
    );
  });

  it('skips undefined and null input values and empty typed values', () => {
    const r = coerce('log.getRecogLog', { serialNo: 'S1', personCode: undefined, pageNo: null, recogTimeFrom: '' });
    expect(r).toEqual({ wire: { serialNo: 'S1' }, issues: [] });
  });
});
