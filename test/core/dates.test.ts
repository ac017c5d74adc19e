import { describe, expect, it } from 'vitest';
import {
  formatApiDate,
  formatApiDateTime,
  formatIso8601,
  isApiDate,
  isApiDateTime,
  parseApiDate,
  parseApiDateTime,
  parseIso8601,
  parseUserDate,
  parseUserDateTime,
} from '../../src/core/dates.js';

// A fixed local moment: 2024/05/15 13:45:30 in whatever zone the tests run in.
const now = new Date(2024, 4, 15, 13, 45, 30);
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

  it('formats and parses ISO 8601 with the local offset', () => {
    const text = formatIso8601(now);
    expect(text).toMatch(/^2024-05-15T13:45:30[+-]\d{2}:\d{2}$/);
    expect(parseIso8601(text)).toBe(now.getTime());
    expect(parseIso8601('2022-12-11T00:00:00+09:00')).toBe(Date.UTC(2022, 11, 10, 15, 0, 0));
    expect(parseIso8601('2022-12-11T00:00:00')).toBeUndefined();
    expect(parseIso8601('2022-02-30T00:00:00Z')).toBeUndefined();
  });
});
