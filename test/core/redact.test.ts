import { describe, expect, it } from 'vitest';
import { describeParams, formatHeaders, redactHeaders, redactUrl } from '../../src/core/redact.js';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWx1234';

describe('redaction', () => {
  it('hides the token, cookies and authorisation headers', () => {
    const h = redactHeaders({ 'ds-api-token': TOKEN, Cookie: 'CloudFront-Policy=abc', accept: 'application/json' });
    expect(h).toEqual({ 'ds-api-token': '[redacted]', Cookie: '[redacted]', accept: 'application/json' });
    expect(formatHeaders({ 'ds-api-token': TOKEN })).not.toContain(TOKEN);
  });

  it('hides secret query values in URLs', () => {
    const url = redactUrl(`https://h/api1/x?serialNo=S1&ds-api-token=${TOKEN}&sign=0123abcd&app_key=k`);
    expect(url).not.toContain(TOKEN);
    expect(url).not.toContain('0123abcd');
    expect(url).toContain('serialNo=S1');
    expect(url).toContain('app_key=k');
  });

  it('describes bodies by names, with sizes for long values only', () => {
    const picture = 'A'.repeat(1_500_000);
    expect(describeParams({ serialNo: 'S1', picture })).toBe('serialNo, picture (1.5 MB)');
    expect(describeParams({})).toBe('(none)');
  });
});
