import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCsv, detectEncoding, parseEncodingName } from '../../../src/workflows/import/csv-decode.js';

const text = 'personCode,personName\r\nJ001,山田 太郎\r\nJ002,髙橋 﨑子 ①\r\n';

describe('CSV decoding', () => {
  it('takes plain UTF-8 as UTF-8', async () => {
    const bytes = Buffer.from(text, 'utf8');
    expect(detectEncoding(bytes)).toBe('utf8');
    expect(await decodeCsv(bytes)).toEqual({ text, encoding: 'utf8' });
  });

  it('drops a UTF-8 BOM', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const got = await decodeCsv(bytes);
    expect(got.text).toBe(text);
    expect(got.text.charCodeAt(0)).toBe('p'.charCodeAt(0));
  });

  it('detects CP932 as Excel writes it, including its extensions (髙, 﨑, ①)', async () => {
    const bytes = iconv.encode(text, 'cp932');
    expect(detectEncoding(bytes)).toBe('cp932');
    expect(await decodeCsv(bytes)).toEqual({ text, encoding: 'cp932' });
  });

  it('obeys a forced encoding', async () => {
    const bytes = iconv.encode(text, 'cp932');
    const forced = await decodeCsv(bytes, 'utf8');
    expect(forced.encoding).toBe('utf8');
    expect(forced.text).not.toBe(text);
    expect(parseEncodingName('Shift_JIS')).toBe('cp932');
    expect(parseEncodingName('UTF-8')).toBe('utf8');
    expect(() => parseEncodingName('latin1')).toThrow(/--encoding/);
  });

  it('takes ASCII-only text as UTF-8', () => {
    expect(detectEncoding(Buffer.from('a,b\n1,2\n'))).toBe('utf8');
  });
});
