import { describe, expect, it } from 'vitest';
import {
  checkTimeZone,
  DEFAULT_TIME_ZONE,
  epochOfWall,
  formatApiDate,
  formatApiDateTime,
  formatEpochSeconds,
  formatIso8601,
  isApiDate,
  isApiDateTime,
  parseApiDate,
  parseApiDateTime,
  parseIso8601,
  parseUserDate,
  parseUserDateTime,
  parseWireEpochSeconds,
} from '../../src/core/dates.js';
import { UsageError } from '../../src/core/errors.js';

// A fixed moment: 2024/05/15 13:45:30 in Japan (the default zone), whatever zone the tests run in.
const now = new Date('2024-05-15T13:45:30+09:00');
const user = (s: string) => {
  const d = parseUserDateTime(s, now);
  return d ? formatApiDateTime(d) : undefined;
};

describe('parseUserDateTime', () => {
  it.each([
    ['2024/05/01 10:20:30', '2024/05/01 10:20:30'],
    ['2024-05-01 10:20:30', '2024/05/01 10:20:30'],
    ['2024-05-01 10:20', '2024/05/01 10:20:00'],
    ['2024/05/01', '2024/05/01 00:00:00'],
    ['2024-05-01', '2024/05/01 00:00:00'],
    ['2024-05-01T10:20:30', '2024/05/01 10:20:30'],
    ['now', '2024/05/15 13:45:30'],
    ['today', '2024/05/15 00:00:00'],
    ['yesterday', '2024/05/14 00:00:00'],
    ['-24h', '2024/05/14 13:45:30'],
    ['-30m', '2024/05/15 13:15:30'],
    ['-7d', '2024/05/08 13:45:30'],
  ])('reads %s', (input, expected) => {
    expect(user(input)).toBe(expected);
  });

  it.each([
    ['2024/05/31', '2024/05/31 23:59:59'],
    ['2024-12-31', '2024/12/31 23:59:59'],
    ['2024/02/29', '2024/02/29 23:59:59'],
    ['2023/02/28', '2023/02/28 23:59:59'],
    ['today', '2024/05/15 23:59:59'],
    ['yesterday', '2024/05/14 23:59:59'],
    // A time given is kept, and so are the forms that are not days.
    ['2024/05/31 09:00', '2024/05/31 09:00:00'],
    ['now', '2024/05/15 13:45:30'],
    ['-24h', '2024/05/14 13:45:30'],
  ])('as the end of a range (--to, recogTimeTo), reads %s as %s', (input, expected) => {
    const d = parseUserDateTime(input, now, DEFAULT_TIME_ZONE, { end: true });
    expect(d ? formatApiDateTime(d) : undefined).toBe(expected);
  });

  it('the end of a day on which the clocks change is the last second of that day', () => {
    // 2026/03/08 in New York has 23 hours; 2026/11/01 has 25.
    const spring = parseUserDateTime('2026/03/08', now, 'America/New_York', { end: true })!;
    expect(formatIso8601(spring, 'America/New_York')).toBe('2026-03-08T23:59:59-04:00');
    const autumn = parseUserDateTime('2026/11/01', now, 'America/New_York', { end: true })!;
    expect(formatIso8601(autumn, 'America/New_York')).toBe('2026-11-01T23:59:59-05:00');
  });

  it('converts ISO 8601 with an offset or Z to local time', () => {
    expect(user('2024-05-01T10:00:00+09:00')).toBe(formatApiDateTime(new Date(Date.UTC(2024, 4, 1, 1, 0, 0))));
    expect(user('2024-05-01T01:00:00Z')).toBe(formatApiDateTime(new Date(Date.UTC(2024, 4, 1, 1, 0, 0))));
    expect(user('2024-05-01T01:00:00.123-02:30')).toBe(formatApiDateTime(new Date(Date.UTC(2024, 4, 1, 3, 30, 0))));
  });

  it.each(['2023/02/29', '2024/13/01', '2024/04/31 10:00:00', '2024/01/01 24:00:00', 'soon', '5 days ago', ''])(
    'rejects %s',
    (input) => {
      expect(parseUserDateTime(input, now)).toBeUndefined();
    },
  );

  it('accepts leap days', () => {
    expect(user('2024/02/29')).toBe('2024/02/29 00:00:00');
  });
});

describe('parseUserDate', () => {
  it('reads dates and refuses times', () => {
    expect(formatApiDate(parseUserDate('1990-04-01', now)!)).toBe('1990/04/01');
    expect(formatApiDate(parseUserDate('1990/4/1', now)!)).toBe('1990/04/01');
    expect(formatApiDate(parseUserDate('today', now)!)).toBe('2024/05/15');
    expect(formatApiDate(parseUserDate('Today', now)!)).toBe('2024/05/15');
    expect(formatApiDate(parseUserDate('-7d', now)!)).toBe('2024/05/08');
    expect(parseUserDate('1990-04-01T00:00:00Z', now)).toBeUndefined();
    expect(parseUserDate('1990-04-01 10:00', now)).toBeUndefined();
    expect(parseUserDate('1990-02-30', now)).toBeUndefined();
  });
});

describe('wire forms', () => {
  it('parses and checks the facetCloud forms strictly', () => {
    expect(formatApiDateTime(parseApiDateTime('2021/05/03 10:00:00')!)).toBe('2021/05/03 10:00:00');
    expect(parseApiDateTime('2021-05-03 10:00:00')).toBeUndefined();
    expect(parseApiDateTime('2021/05/03 10:00')).toBeUndefined();
    expect(parseApiDateTime('2021/02/30 10:00:00')).toBeUndefined();
    expect(isApiDateTime('2099/12/31 23:59:59')).toBe(true);
    expect(isApiDateTime('2099/12/31 23:60:00')).toBe(false);
    expect(formatApiDate(parseApiDate('2021/05/03')!)).toBe('2021/05/03');
    expect(isApiDate('2021/5/3')).toBe(false);
    expect(isApiDate('2100/02/29')).toBe(false);
    expect(isApiDate('2000/02/29')).toBe(true);
  });

  it("formats and parses ISO 8601 with the zone's offset", () => {
    const text = formatIso8601(now);
    expect(text).toBe('2024-05-15T13:45:30+09:00');
    expect(parseIso8601(text)).toBe(now.getTime());
    expect(parseIso8601('2022-12-11T00:00:00+09:00')).toBe(Date.UTC(2022, 11, 10, 15, 0, 0));
    expect(parseIso8601('2022-12-11T00:00:00')).toBeUndefined();
    expect(parseIso8601('2022-02-30T00:00:00Z')).toBeUndefined();
  });
});

describe('time zones (issue 9 §1)', () => {
  it('defaults to Asia/Tokyo, never the host zone', () => {
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Tokyo');
    // 07:47:25 UTC is 16:47:25 in Japan.
    expect(formatApiDateTime(new Date('2026-11-30T07:47:25Z'))).toBe('2026/11/30 16:47:25');
    expect(formatApiDateTime(parseUserDateTime('2026-11-30 16:47:25', now)!, 'UTC')).toBe('2026/11/30 07:47:25');
  });

  it("sends an explicit offset as the cloud zone's wall clock", () => {
    const d = parseUserDateTime('2026-11-30T16:47:25+09:00', now, 'America/Los_Angeles')!;
    expect(formatApiDateTime(d)).toBe('2026/11/30 16:47:25');
    expect(formatApiDateTime(d, 'America/Los_Angeles')).toBe('2026/11/29 23:47:25');
    expect(formatApiDateTime(d, 'UTC')).toBe('2026/11/30 07:47:25');
  });

  it('reads wall times, today and yesterday in the zone given', () => {
    const at = new Date('2026-11-30T07:47:25Z');
    expect(formatIso8601(parseUserDateTime('today', at, 'UTC')!, 'UTC')).toBe('2026-11-30T00:00:00+00:00');
    expect(formatIso8601(parseUserDateTime('today', at)!)).toBe('2026-11-30T00:00:00+09:00');
    // 07:47 UTC on the 30th is still the 29th in Los Angeles.
    const la = parseUserDateTime('yesterday', at, 'America/Los_Angeles')!;
    expect(formatIso8601(la, 'America/Los_Angeles')).toBe('2026-11-28T00:00:00-08:00');
    expect(formatIso8601(at, 'Asia/Kolkata')).toBe('2026-11-30T13:17:25+05:30');
    expect(formatApiDate(at, 'Pacific/Kiritimati')).toBe('2026/11/30');
  });

  it('uses the zone data for daylight saving (gap moves forward, overlap takes the first)', () => {
    const gap = epochOfWall({ y: 2026, mo: 3, d: 8, h: 2, mi: 30, s: 0 }, 'America/New_York');
    expect(new Date(gap).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    const overlap = epochOfWall({ y: 2026, mo: 11, d: 1, h: 1, mi: 30, s: 0 }, 'America/New_York');
    expect(new Date(overlap).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(formatIso8601(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe('2026-07-01T08:00:00-04:00');
  });

  it('`now` is the end of the current second, and relative forms count from it', () => {
    const mid = new Date('2026-11-30T07:47:25.600Z');
    expect(formatApiDateTime(parseUserDateTime('now', mid)!)).toBe('2026/11/30 16:47:26');
    expect(formatApiDateTime(parseUserDateTime('-15m', mid)!)).toBe('2026/11/30 16:32:26');
    // A whole second stays itself.
    expect(formatApiDateTime(parseUserDateTime('now', now)!)).toBe('2024/05/15 13:45:30');
  });

  it('for a moment that happened (recorded), `now` is the start of the current second, never the next', () => {
    const mid = new Date('2026-11-30T07:47:25.600Z');
    const opts = { recorded: true };
    expect(formatApiDateTime(parseUserDateTime('now', mid, 'Asia/Tokyo', opts)!)).toBe('2026/11/30 16:47:25');
    expect(formatApiDateTime(parseUserDateTime('-15m', mid, 'Asia/Tokyo', opts)!)).toBe('2026/11/30 16:32:25');
    expect(formatApiDateTime(parseUserDateTime('now', now, 'Asia/Tokyo', opts)!)).toBe('2024/05/15 13:45:30');
  });

  it('checks zone names against Intl and refuses unknown ones as a usage error', () => {
    expect(checkTimeZone('Asia/Tokyo', '--timezone')).toBe('Asia/Tokyo');
    expect(checkTimeZone(' utc ', '--timezone')).toBe('UTC');
    expect(checkTimeZone('america/los_angeles', 'FACETCTL_TIMEZONE')).toBe('America/Los_Angeles');
    for (const bad of ['Mars/Olympus', 'JST+9', '', 'GMT+9:00']) {
      expect(() => checkTimeZone(bad, '--timezone'), bad).toThrow(UsageError);
    }
    expect(() => checkTimeZone('Tokyo', '--timezone')).toThrow(/--timezone 'Tokyo': unknown time zone/);
  });
});

describe('one date module for the emulator (issue 8 §5)', () => {
  it('refuses impossible dates instead of rolling them over', () => {
    expect(parseWireEpochSeconds('2023/02/30')).toBeUndefined();
    expect(parseWireEpochSeconds('2023/02/30 10:00:00')).toBeUndefined();
    expect(parseWireEpochSeconds('2023/04/31 00:00:00')).toBeUndefined();
    expect(parseWireEpochSeconds('2023/01/01 24:00:00')).toBeUndefined();
    expect(parseWireEpochSeconds('2023/1/1')).toBeUndefined();
  });

  it("reads and writes epoch seconds as Japan's wall clock", () => {
    const s = parseWireEpochSeconds('2024/02/29 09:00:00')!;
    expect(s).toBe(Date.UTC(2024, 1, 29, 0, 0, 0) / 1000);
    expect(formatEpochSeconds(s)).toBe('2024/02/29 09:00:00');
    expect(parseWireEpochSeconds('2024/02/29')).toBe(Date.UTC(2024, 1, 28, 15, 0, 0) / 1000);
  });

  it('formats epoch seconds exactly as formatApiDateTime does, hour after hour, across DST and odd offsets', () => {
    const zones = ['Asia/Tokyo', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];
    // Runs of consecutive seconds (as a page of logs is) around DST changes, and scattered instants.
    const starts = [
      Date.UTC(2024, 2, 10, 6, 30) / 1000,
      Date.UTC(2024, 10, 3, 5, 30) / 1000,
      Date.UTC(2024, 3, 6, 15, 0) / 1000,
    ];
    for (const zone of zones) {
      for (const start of starts) {
        for (let t = start; t < start + 3 * 3600; t += 37) {
          expect(formatEpochSeconds(t, zone)).toBe(formatApiDateTime(new Date(t * 1000), zone));
        }
      }
      for (let i = 0; i < 500; i++) {
        const t = Math.floor(-2_500_000_000 + i * 12_345_678.9);
        expect(formatEpochSeconds(t, zone)).toBe(formatApiDateTime(new Date(t * 1000), zone));
        expect(formatEpochSeconds(t + 0.5, zone)).toBe(formatApiDateTime(new Date((t + 0.5) * 1000), zone));
      }
    }
  });
});
