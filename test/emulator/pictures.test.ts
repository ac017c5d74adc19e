/**
 * Picture URLs guarded like CloudFront signed cookies, setPictureCookie.js, and the document's PHP
 * example redone with fetch (only scheme and host changed).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PictureSigner } from '../../src/emulator/pictures.js';
import { addDevice, cookieHeader, fixture, ok, registPerson, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
  await addDevice(emu, 'P1');
  await emu.op('POST', '/recognize', { serialNo: 'P1', count: 3 });
});
afterAll(() => emu.close());

async function firstPicture(params: Record<string, string | number> = {}) {
  const body = await ok(emu, '/log/getRecogLog', { serialNo: 'P1', ...params });
  return { url: body.list[0].pictureUrl as string, cookie: body.pictureCookie as Record<string, string> };
}

describe('picture cookies', () => {
  it('serves the JPEG with the three cookies', async () => {
    const { url, cookie } = await firstPicture();
    const res = await fetch(url, { headers: { cookie: cookieHeader(cookie) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer()).equals(fixture('face-cameraman.jpg'))).toBe(true);
  });

  it('refuses without cookies, with a tampered policy or signature, or a wrong key pair (403)', async () => {
    const { url, cookie } = await firstPicture();
    expect((await fetch(url)).status).toBe(403);
    const policy = Buffer.from(
      cookie['CloudFront-Policy'].replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'),
      'base64',
    )
      .toString()
      .replace(/"AWS:EpochTime":\d+/, '"AWS:EpochTime":4102444800');
    const forged = Buffer.from(policy).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
    for (const bad of [
      { ...cookie, 'CloudFront-Policy': forged },
      { ...cookie, 'CloudFront-Signature': `${cookie['CloudFront-Signature'].slice(0, -3)}AAA` },
      { ...cookie, 'CloudFront-Key-Pair-Id': 'KOTHER' },
    ]) {
      expect((await fetch(url, { headers: { cookie: cookieHeader(bad) } })).status).toBe(403);
    }
  });

  it('refuses a guessed or altered picture URL', async () => {
    const { url, cookie } = await firstPicture();
    const altered = url.replace(/\/pictures\/(\d+)\./, (_m, id) => `/pictures/${Number(id) + 1}.`);
    expect((await fetch(altered, { headers: { cookie: cookieHeader(cookie) } })).status).toBe(403);
  });

  it('binds the cookies to pictureAllowIp', async () => {
    const elsewhere = await firstPicture({ pictureAllowIp: '10.1.2.3' });
    expect((await fetch(elsewhere.url, { headers: { cookie: cookieHeader(elsewhere.cookie) } })).status).toBe(403);
    const malformed = await fetch(`${emu.url}/log/getRecogLog?serialNo=P1&pictureAllowIp=not-an-ip`, {
      headers: { 'ds-api-token': emu.token },
    });
    expect(malformed.status).toBe(400);
    const here = await firstPicture({ pictureAllowIp: '127.0.0.1' });
    expect((await fetch(here.url, { headers: { cookie: cookieHeader(here.cookie) } })).status).toBe(200);
  });

  it('pictureExpires is limited to 10–300 seconds', async () => {
    expect((await firstPicture({ pictureExpires: 10 })).url).toMatch(/\.jpg$/);
    const r = await fetch(`${emu.url}/log/getRecogLog?serialNo=P1&pictureExpires=301`, {
      headers: { 'ds-api-token': emu.token },
    });
    expect(r.status).toBe(400);
  });
});

describe('person list picture URLs', () => {
  it('are the same for the same picture in every answer, change with the content, and still need the cookies', async () => {
    const list = async () => {
      const body = await ok(emu, '/person/getPersonFromCloud', { personCode: 'URL-*' });
      const urls = Object.fromEntries(
        (body.list as { personCode: string; pictureUrl: string }[]).map((p) => [p.personCode, p.pictureUrl]),
      );
      return { urls, cookie: body.pictureCookie as Record<string, string> };
    };
    await registPerson(emu, 'URL-1', 'face-astronaut.jpg');
    await registPerson(emu, 'URL-2', 'face-astronaut.jpg');
    const first = await list();
    const second = await list();
    expect(second.urls['URL-1']).toBe(first.urls['URL-1']);
    expect(first.urls['URL-2']).toBe(first.urls['URL-1']); // one content, one object

    await registPerson(emu, 'URL-1', 'face-cameraman.jpg');
    const third = await list();
    expect(third.urls['URL-1']).not.toBe(first.urls['URL-1']);
    expect((await fetch(third.urls['URL-1'])).status).toBe(403);
    const res = await fetch(third.urls['URL-1'], { headers: { cookie: cookieHeader(third.cookie) } });
    expect(Buffer.from(await res.arrayBuffer()).equals(fixture('face-cameraman.jpg'))).toBe(true);
  });
});

describe('cookie expiry (signer with a test clock)', () => {
  it('accepts before the expiry and refuses after it', () => {
    let now = 1_700_000_000;
    const signer = new PictureSigner(randomBytes(32), () => now);
    const { cookie, expiresAt } = signer.cookie('http://h', 10);
    const name = signer.url('http://h', 7, expiresAt).split('/pictures/')[1];
    const cookies = cookie as unknown as Record<string, string>;
    expect(signer.verify(name, cookies, '127.0.0.1')).toEqual({ pictureId: 7 });
    now += 9;
    expect(signer.verify(name, cookies, '127.0.0.1')).toEqual({ pictureId: 7 });
    now += 1;
    expect(signer.verify(name, cookies, '127.0.0.1')).toEqual({ denied: 'cookie expired' });
  });

  it('one answer: one random nonce, yet a distinct valid URL per row, even for one picture', () => {
    const signer = new PictureSigner(randomBytes(32), () => 1_700_000_000);
    const { cookie, expiresAt } = signer.cookie('http://h', 10);
    const cookies = cookie as unknown as Record<string, string>;
    const page = signer.urlMaker('http://h', expiresAt);
    const urls = [page(7), page(7), page(8)];
    expect(new Set(urls).size).toBe(3);
    for (const [i, url] of urls.entries()) {
      expect(signer.verify(url.split('/pictures/')[1], cookies, '127.0.0.1')).toEqual({ pictureId: i < 2 ? 7 : 8 });
    }
    const next = signer.urlMaker('http://h', expiresAt);
    expect(next(7)).not.toBe(urls[0]);
    // The URL is signed: another picture id in the same URL is refused.
    const forged = urls[0].split('/pictures/')[1].replace(/^7\./, '8.');
    expect(signer.verify(forged, cookies, '127.0.0.1')).toEqual({ denied: 'bad URL signature' });
    // Signed with another server's secret: refused too (the key is derived from the secret).
    const other = new PictureSigner(Buffer.alloc(32, 9), () => 1_700_000_000).urlMaker('http://h', expiresAt)(7);
    expect(signer.verify(other.split('/pictures/')[1], cookies, '127.0.0.1')).toEqual({ denied: 'bad URL signature' });
  });

  it('a push URL works without cookies for two minutes only', () => {
    let now = 1_700_000_000;
    const signer = new PictureSigner(randomBytes(32), () => now);
    const name = signer.url('http://h', 3, now + 120, true).split('/pictures/')[1];
    expect(signer.verify(name, {}, '10.0.0.1')).toEqual({ pictureId: 3 });
    now += 120;
    expect(signer.verify(name, {}, '10.0.0.1')).toEqual({ denied: 'URL expired' });
  });
});

describe('setPictureCookie.js', () => {
  it('answers JavaScript that sets the three cookies, plus Set-Cookie headers, without a token', async () => {
    const { cookie } = await firstPicture();
    const p = cookie['CloudFront-Policy'];
    const s = cookie['CloudFront-Signature'];
    const k = cookie['CloudFront-Key-Pair-Id'];
    const res = await fetch(`${emu.url}/tool/setPictureCookie.js?p=${p}&s=${s}&k=${k}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const js = await res.text();
    expect(js).toContain('document.cookie');
    expect(js).toContain(encodeURIComponent(s));
    const setCookies = res.headers.getSetCookie();
    expect(setCookies.map((c) => c.split('=')[0]).sort()).toEqual([
      'CloudFront-Key-Pair-Id',
      'CloudFront-Policy',
      'CloudFront-Signature',
    ]);
    expect((await fetch(`${emu.url}/tool/setPictureCookie.js?p=${p}`)).status).toBe(400);
  });
});

describe("the document's PHP example, with fetch", () => {
  it('reads the logs with the token in the query, builds the script URL, and fetches every picture', async () => {
    const host = new URL(emu.origin).host;
    const apiToken = emu.token;
    const serialNo = 'P1';
    // $res = file_get_contents("https://{$host}/api1/log/getRecogLog?ds-api-token={$apiToken}&serialNo=$serialNo");
    const res = await (
      await fetch(`http://${host}/api1/log/getRecogLog?ds-api-token=${apiToken}&serialNo=${serialNo}`)
    ).text();
    const data = JSON.parse(res);
    const cookie = data.pictureCookie;
    const list = data.list;
    expect(list).toHaveLength(3);
    // <script src="https://<?php echo $host ?>/api1/tool/setPictureCookie.js?p=...&s=...&k=..."></script>
    const script = await fetch(
      `http://${host}/api1/tool/setPictureCookie.js?p=${cookie['CloudFront-Policy']}&s=${cookie['CloudFront-Signature']}&k=${cookie['CloudFront-Key-Pair-Id']}`,
    );
    expect(script.status).toBe(200);
    // The browser keeps the cookies the script sets and sends them with each <img src="pictureUrl">.
    const jar = script.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    for (const log of list) {
      const img = await fetch(log.pictureUrl, { headers: { cookie: jar } });
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/jpeg');
    }
  });
});
