import type { PagingDef, ParamDef } from './types.js';

/** Parameters that many facetCloud endpoints share, written once so their limits cannot drift. */

/**
 * The largest integer a number parameter may carry (2^53−1, `Number.MAX_SAFE_INTEGER`), where its
 * entry declares no tighter `min`/`max`: beyond it a value cannot be read, compared or echoed exactly
 * (99999999999999999999 would be 100000000000000000000). The validator bounds every `int`, `number`
 * and `idList` by it (src/core/params/checks.ts), so the CLI refuses such a value before sending
 * (exit 2) and the emulator answers 400 naming the parameter.
 */
export const MAX_WIRE_INTEGER = Number.MAX_SAFE_INTEGER;

export const serialNo: ParamDef = {
  type: 'string',
  required: true,
  label: 'シリアルNo',
  description: 'Device serial number (e.g. 7L11R010014)',
  cli: { flag: 'serial' },
};

export const optionalSerialNo: ParamDef = { ...serialNo, required: false };

export const personCode: ParamDef = {
  type: 'string',
  required: true,
  label: '人物コード',
  description: 'Person code',
};

export const optionalPersonCode: ParamDef = { ...personCode, required: false };

export const pageNo: ParamDef = {
  type: 'int',
  min: 1,
  default: 1,
  label: 'ページ番号',
  description: 'Page number, 100 rows a page (default 1)',
};

export const pictureExpires: ParamDef = {
  type: 'int',
  min: 10,
  max: 300,
  label: '画像取得Cookieの期限',
  description: 'Lifetime of the picture cookies in seconds, 10–300',
};

export const pictureAllowIp: ParamDef = {
  type: 'string',
  label: '画像のアクセス元IPアドレス',
  description: 'Only this source IP address may fetch the pictures',
};

export const override: ParamDef = {
  type: 'flag',
  default: 1,
  label: '上書きフラグ',
  description: 'Overwrite an existing person: 1 (default) or 0',
};

/** Base64 of a JPEG picture as the documents limit it: at most 5 MB after encoding. */
export const FIVE_MB = 5 * 1024 * 1024;

export const jpegPicture: ParamDef = {
  type: 'base64',
  content: 'jpeg',
  maxBytes: FIVE_MB,
  label: '顔写真',
  description: 'Face picture (JPEG file), at most 5 MB after base64 encoding',
};

/** facetCloud list answers: {rows, pages, list}, 100 rows a page, `pageNo` from 1. */
export const facetPaging: PagingDef = {
  pageParam: 'pageNo',
  pageSize: 100,
  listPath: 'list',
  pagesPath: 'pages',
  totalPath: 'rows',
};
