import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nestDottedParams, senselinkAuthParams, senselinkSign } from '../../src/core/senselink-sign.js';
import { endpointById } from '../../src/registry/index.js';

describe('senselink signature', () => {
  it('is the lowercase hex MD5 of "timestamp#secret"', () => {
    const expected = createHash('md5').update('1659423903029#s3cr3t').digest('hex');
    expect(senselinkSign(1659423903029, 's3cr3t')).toBe(expected);
    expect(senselinkSign('1659423903029', 's3cr3t')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('matches a known vector (md5 of "1700000000000#abc", computed outside node)', () => {
    expect(senselinkSign(1700000000000, 'abc')).toBe('3c1bac6b461703f5f4edff8da73de322');
  });

  it('builds app_key, a millisecond timestamp and sign from the clock', () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const auth = senselinkAuthParams('key-1', 'secret-1', now);
    expect(auth).toEqual({
      app_key: 'key-1',
      timestamp: String(now.getTime()),
      sign: createHash('md5').update(`${now.getTime()}#secret-1`).digest('hex'),
    });
  });
});

describe('SenseLink JSON body', () => {
  it('nests dotted names and sends numbers as numbers', () => {
    const ep = endpointById('senselink.createRecord')!;
    const body = nestDottedParams(ep, {
      sn: 'JKQ00009234',
      timestamp: '1659423903',
      threshold: '0.92',
      extend: '{"device_name":"x"}',
      'image.data': 'AAAA',
      'image.rectangle.top': '12',
      'image.rectangle.left': '32',
    });
    expect(body).toEqual({
      sn: 'JKQ00009234',
      timestamp: 1659423903,
      threshold: 0.92,
      extend: '{"device_name":"x"}',
      image: { data: 'AAAA', rectangle: { top: 12, left: 32 } },
    });
  });
});
