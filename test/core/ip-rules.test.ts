/** One IP-rule module on net.BlockList (issue 8 §5): --allow-ip, pictureAllowIp, the picture policy. */
import { describe, expect, it } from 'vitest';
import { compileIpRules, createIpAllow, ipMatches, isValidIpRule } from '../../src/core/ip-rules.js';

describe('ip rules', () => {
  it('matches addresses and CIDR ranges, IPv4 and IPv6, and IPv4 seen through an IPv6 socket', () => {
    expect(ipMatches('203.0.113.7', '203.0.113.0/24')).toBe(true);
    expect(ipMatches('203.0.114.7', '203.0.113.0/24')).toBe(false);
    expect(ipMatches('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(ipMatches('2001:db8::1', '2001:db8::/32')).toBe(true);
    expect(ipMatches('2001:db9::1', '2001:db8::/32')).toBe(false);
    expect(ipMatches('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(ipMatches('127.0.0.1', '::1')).toBe(false);
    expect(ipMatches('1.2.3.4', '0.0.0.0/0')).toBe(true);
  });

  it('refuses malformed rules, which match nothing', () => {
    for (const bad of ['', 'x', '10.0.0.0/33', '::/129', '10.0.0.0/8/1', '10.0.0.0/-1', '10.0.0.0/a', '1.2.3']) {
      expect(isValidIpRule(bad), bad).toBe(false);
      expect(ipMatches('10.0.0.1', bad), bad).toBe(false);
    }
    expect(() => createIpAllow(['10.0.0.0/8', 'nope'])).toThrow(/--allow-ip nope: not an IP address or CIDR range/);
  });

  it('an empty list allows everyone; an unknown caller address is never allowed by a list', () => {
    expect(compileIpRules([])('8.8.8.8')).toBe(true);
    expect(compileIpRules(['10.0.0.0/8'])(undefined)).toBe(false);
  });
});
