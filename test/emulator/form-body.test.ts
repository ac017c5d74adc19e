/**
 * The emulator's form-body parser (`formToRecord`, the fast path for 70 KB base64 pictures) reads
 * every body exactly as `URLSearchParams` does, malformed ones included.
 */
import { describe, expect, it } from 'vitest';
import { formToRecord, parseFormBody, searchToRecord } from '../../src/emulator/http-util.js';
import { picture } from '../helpers/fixtures.js';

const viaUrlSearchParams = (text: string) => searchToRecord(new URLSearchParams(text));

describe('form bodies (application/x-www-form-urlencoded)', () => {
  const cases: [string, string][] = [
    [
      'a picture as the client sends it',
      new URLSearchParams({ personCode: 'P1', picture: picture('face-astronaut.jpg').toString('base64') }).toString(),
    ],
    ['plus is a space', 'personName=Taro+Yamada&memo=a%2Bb'],
    ['the first of a repeated name wins', 'a=1&a=2&b=3'],
    ['empty pairs and a name without a value', '&&a=&b&=c&'],
    ['UTF-8 escapes and raw UTF-8', 'personName=%E5%B1%B1%E7%94%B0&memo=太郎'],
    ['a malformed escape is kept as written', 'a=100%&b=%zz&c=%E5%B1'],
    ['invalid UTF-8 becomes U+FFFD', 'a=%FF%FE&b=ok'],
    ['an escaped equals sign and ampersand', 'a=x%3Dy%26z&b%3D=1'],
  ];
  for (const [what, text] of cases) {
    it(`reads ${what} as URLSearchParams does`, () => {
      expect(formToRecord(text)).toEqual(viaUrlSearchParams(text));
    });
  }

  it('parses a posted body with the fast path', async () => {
    const body = Buffer.from('personCode=P1&personName=%E5%B1%B1+%E7%94%B0');
    expect(await parseFormBody('application/x-www-form-urlencoded; charset=UTF-8', body)).toEqual({
      ok: true,
      params: { personCode: 'P1', personName: '山 田' },
    });
  });
});
