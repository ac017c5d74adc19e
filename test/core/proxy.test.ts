import { describe, expect, it } from 'vitest';
import { bypassesProxy, isLoopbackHost, parseNoProxy, proxyFor, proxyUrl } from '../../src/core/proxy.js';

const P = { httpProxy: 'http://proxy.corp:3128', httpsProxy: 'http://proxy.corp:3128' };

function via(url: string, noProxy = ''): string | undefined {
  return proxyFor(new URL(url), { ...P, noProxy });
}

describe('proxy choice (HTTP(S)_PROXY, NO_PROXY as curl and Go read it, loopback never)', () => {
  it('never proxies loopback: 127.0.0.0/8, ::1, localhost, *.localhost', () => {
    for (const url of [
      'http://127.0.0.1:8080/api1',
      'http://127.8.9.10/api1',
      'http://[::1]:3000/api1',
      'http://localhost:3000/api1',
      'https://emu.localhost/api1',
      'http://[::ffff:127.0.0.1]/api1',
    ]) {
      expect(via(url), url).toBeUndefined();
    }
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(via('https://cloud.example.jp/api1')).toBe(P.httpsProxy);
  });

  it('takes HTTPS_PROXY for https and HTTP_PROXY for http', () => {
    const only = { httpProxy: 'http://h:1', httpsProxy: '' };
    expect(proxyFor(new URL('https://a.example.jp/'), only)).toBeUndefined();
    expect(proxyFor(new URL('http://a.example.jp/'), only)).toBe('http://h:1');
  });

  it.each([
    ['*', 'https://anything.example.jp/', true],
    ['example.com', 'https://example.com/', true],
    ['example.com', 'https://api.example.com/', true],
    ['example.com', 'https://notexample.com/', false],
    ['.example.com', 'https://api.example.com/', true],
    ['.example.com', 'https://example.com/', true],
    ['*.example.com', 'https://a.b.example.com/', true],
    ['EXAMPLE.com.', 'https://Example.COM/', true],
    ['example.com:8443', 'https://example.com:8443/', true],
    ['example.com:8443', 'https://example.com/', false],
    ['example.com:443', 'https://example.com/', true],
    ['10.0.0.0/8', 'http://10.20.30.40/', true],
    ['10.0.0.0/8', 'http://11.0.0.1/', false],
    ['192.168.1.0/24', 'https://192.168.1.77:8443/', true],
    ['fd00::/8', 'https://[fd12::1]/', true],
    ['192.168.1.10', 'https://192.168.1.10/', true],
    ['192.168.1.10', 'https://192.168.1.11/', false],
    ['[fd12::1]:8443', 'https://[fd12::1]:8443/', true],
    ['fd12::1', 'https://[fd12::1]/', true],
    ['1.10', 'https://192.168.1.10/', false],
    ['other.jp, example.com', 'https://example.com/', true],
    ['other.jp example.com', 'https://example.com/', true],
    ['', 'https://example.com/', false],
  ])('NO_PROXY=%j, %s → direct: %s', (noProxy, url, direct) => {
    expect(bypassesProxy(new URL(url), parseNoProxy(noProxy))).toBe(direct);
    expect(via(url, noProxy) === undefined).toBe(direct);
  });
});

describe('proxyUrl: a proxy variable as curl reads it', () => {
  it.each([
    ['proxy.corp:3128', 'http://proxy.corp:3128'],
    ['127.0.0.1', 'http://127.0.0.1:1080'],
    ['http://proxy.corp', 'http://proxy.corp:1080'],
    ['http://proxy.corp:80', 'http://proxy.corp:80'],
    ['https://user:pw@proxy.corp:8443', 'https://user:pw@proxy.corp:8443'],
    ['http://[::1]', 'http://[::1]:1080'],
    [' socks5://x ', 'socks5://x'],
  ])('%s → %s', (value, expected) => {
    expect(proxyUrl(value)).toBe(expected);
  });
});
