import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  decodeCsv,
  detectDelimiter,
  detectEncoding,
  isValidUtf8,
  parseEncodingName,
} from '../../../src/workflows/import/csv-decode.js';

const text = 'personCode,personName\r\nJ001,山田 太郎\r\nJ002,髙橋 﨑子 ①\r\n';

function utf16be(s: string): Buffer {
  return Buffer.from(s, 'utf16le').swap16();
}

describe('CSV decoding', () => {
  it('takes plain UTF-8 as UTF-8', async () => {
    const bytes = Buffer.from(text, 'utf8');
    expect(detectEncoding(bytes)).toBe('utf8');
    expect(await decodeCsv(bytes)).toEqual({ text, encoding: 'utf8', source: 'detected' });
  });

  it('drops a UTF-8 BOM', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const got = await decodeCsv(bytes);
    expect(got).toEqual({ text, encoding: 'utf8', source: 'bom' });
  });

  it('detects CP932 as Excel writes it, including its extensions (髙, 﨑, ①)', async () => {
    const bytes = iconv.encode(text, 'cp932');
    expect(detectEncoding(bytes)).toBe('cp932');
    expect(await decodeCsv(bytes)).toEqual({ text, encoding: 'cp932', source: 'detected' });
  });

  it('reads UTF-16LE and UTF-16BE by their BOMs (Excel "Unicode テキスト"), and UTF-16 without a BOM by its NULs', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(await decodeCsv(le)).toEqual({ text, encoding: 'utf16le', source: 'bom' });
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]);
    expect(await decodeCsv(be)).toEqual({ text, encoding: 'utf16be', source: 'bom' });
    expect(await decodeCsv(Buffer.from(text, 'utf16le'))).toEqual({ text, encoding: 'utf16le', source: 'detected' });
    expect(await decodeCsv(utf16be(text))).toEqual({ text, encoding: 'utf16be', source: 'detected' });
  });

  it('takes UTF-8 with one broken byte as UTF-8 and names the byte, never as CP932 mojibake', async () => {
    const bytes = Buffer.concat([
      Buffer.from('personCode,personName,memo,picture\nM0001,田中 一郎,総務,a.jpg\nM0002,鈴木 二郎,経理'),
      Buffer.from([0xff]),
      Buffer.from(',b.jpg\n'),
    ]);
    expect(detectEncoding(bytes)).toBe('utf8');
    const got = await decodeCsv(bytes);
    expect(got.encoding).toBe('utf8');
    expect(got.invalid).toEqual({ offset: bytes.indexOf(0xff), bytes: [0xff] });
    expect(got.text).toContain('経理\ufffd');
  });

  it('refuses CP932 that holds a byte no CP932 character uses, and an unassigned pair', async () => {
    const good = iconv.encode('a,b\n山田,x\n', 'cp932');
    const bad = Buffer.concat([good, Buffer.from([0x80, 0x0a])]);
    expect((await decodeCsv(bad)).invalid).toEqual({ offset: good.length, bytes: [0x80] });
    const unassigned = Buffer.concat([good, Buffer.from([0x85, 0x40, 0x0a])]);
    expect((await decodeCsv(unassigned)).invalid).toEqual({ offset: good.length, bytes: [0x85, 0x40] });
  });

  it('refuses an unpaired surrogate in UTF-16', async () => {
    const body = Buffer.concat([
      Buffer.from('a,b\n1,', 'utf16le'),
      Buffer.from([0x00, 0xd8]),
      Buffer.from('x\n', 'utf16le'),
    ]);
    const got = await decodeCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), body]));
    expect(got.invalid).toEqual({ offset: 2 + 12, bytes: [0x00, 0xd8] });
  });

  it('obeys a forced encoding, and a file invalid in it is flagged (not decoded into mojibake)', async () => {
    const bytes = iconv.encode(text, 'cp932');
    const forced = await decodeCsv(bytes, 'utf8');
    expect(forced.encoding).toBe('utf8');
    expect(forced.source).toBe('forced');
    expect(forced.invalid?.offset).toBe(bytes.indexOf(0x8e));
    expect((await decodeCsv(Buffer.from('a,b\n', 'utf8'), 'cp932')).invalid).toBeUndefined();
    expect(parseEncodingName('Shift_JIS')).toBe('cp932');
    expect(parseEncodingName('UTF-8')).toBe('utf8');
    expect(parseEncodingName('UTF-16')).toBe('utf16le');
    expect(parseEncodingName('utf16be')).toBe('utf16be');
    expect(() => parseEncodingName('latin1')).toThrow(/--encoding/);
  });

  it('half-width katakana that also read as UTF-8 (ﾅｶ = Ŷ): refused with both readings, read as told with --encoding', async () => {
    const kana = 'personCode,personName\r\nK0001,ﾅｶ ﾏｻﾄｼ\r\n';
    const bytes = iconv.encode(kana, 'cp932');
    expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toContain('Ŷ');
    await expect(decodeCsv(bytes)).rejects.toThrow(
      /reads as UTF-8 and as CP932 \(Shift_JIS\) half-width katakana alike; give --encoding utf8 or --encoding cp932:\n {2}line 2 as UTF-8: K0001,Ŷ ϻļ\n {2}line 2 as CP932: K0001,ﾅｶ ﾏｻﾄｼ/,
    );
    expect((await decodeCsv(bytes, 'cp932')).text).toBe(kana);
    // The same bytes the other way round: a UTF-8 José is ﾃｩ in CP932, and asked about the same way.
    const jose = Buffer.from('personCode,personName\nE1,José\n', 'utf8');
    await expect(decodeCsv(jose)).rejects.toThrow(/line 2 as UTF-8: E1,José\n {2}line 2 as CP932: E1,Josﾃｩ/);
    expect((await decodeCsv(jose, 'utf8')).text).toContain('José');
    // One kana, kanji or other 3-byte character settles it.
    expect(detectEncoding(Buffer.from('personCode,personName\nE1,José 山田\n', 'utf8'))).toBe('utf8');
  });

  it('CP932 kanji whose bytes form UTF-8 characters no Japanese file holds (燿田 = U+0813 c): refused with both readings', async () => {
    const text = 'personCode,personName\r\nK0001,燿田\r\nK0002,爍田\r\nK0003,齊田\r\n';
    const bytes = iconv.encode(text, 'cp932');
    expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toContain('\u0813');
    await expect(decodeCsv(bytes)).rejects.toThrow(
      /reads as UTF-8 and as CP932 \(Shift_JIS\) text \(its UTF-8 reading holds U\+0813 \u0813, which a Japanese file rarely does\) alike; give --encoding utf8 or --encoding cp932:\n {2}line 2 as UTF-8: K0001,\u0813c\n {2}line 2 as CP932: K0001,燿田/,
    );
    expect((await decodeCsv(bytes, 'cp932')).text).toBe(text);
    // 﨑 (山﨑, 﨑田), 德, 增 as Windows writes them (NEC-selected IBM extensions, lead ED) read as Hangul;
    // 纈 as CJK Extension A: the same refusal. (iconv-lite writes 﨑 as FA B1, which is not UTF-8.)
    for (const [name, hex] of [
      ['﨑田', 'ed959363'],
      ['德田', 'ed9e9363'],
      ['增田', 'ed819363'],
      ['纈田', 'e3929363'],
    ]) {
      const one = Buffer.concat([
        Buffer.from('personCode,personName\r\nK0001,'),
        Buffer.from(hex, 'hex'),
        Buffer.from('\r\n'),
      ]);
      expect(isValidUtf8(one), name).toBe(true);
      expect(iconv.decode(one, 'cp932')).toContain(name);
      await expect(decodeCsv(one), name).rejects.toThrow(/reads as UTF-8 and as CP932/);
    }
    // Plain UTF-8 Japanese, and UTF-8 whose bytes are not whole CP932, are still UTF-8 as detected.
    for (const utf8 of ['personCode,personName\nK1,山田 花子\n', 'personCode,personName\nK1,Nguyễn Văn An ไทย\n']) {
      expect((await decodeCsv(Buffer.from(utf8, 'utf8'))).encoding).toBe('utf8');
    }
  });

  it('CP932 half-width katakana that form UTF-8 pairs, with a kanji cell: CP932, not damaged UTF-8', async () => {
    const rows = ['personCode,personName,memo', 'K1000,ﾅｶ ﾏｻﾄｼ,', 'K1001,ﾅｶ ﾏｻﾄｼ,', 'K1002,ﾅｶ ﾄｼ,総務部'];
    const text = `${rows.join('\r\n')}\r\n`;
    const got = await decodeCsv(iconv.encode(text, 'cp932'));
    expect(got).toEqual({ text, encoding: 'cp932', source: 'detected' });
  });

  it('takes ASCII-only text as UTF-8', () => {
    expect(detectEncoding(Buffer.from('a,b\n1,2\n'))).toBe('utf8');
  });

  it('takes the delimiter from the header line', () => {
    expect(detectDelimiter('a\tb\tc\n1,2\t3\t4\n')).toBe('\t');
    expect(detectDelimiter('a,b,c\n1\t2,3,4\n')).toBe(',');
    expect(detectDelimiter('personCode\r1\r')).toBe(',');
  });
});
