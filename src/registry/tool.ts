import { defineEndpoint } from './define.js';

/** /tool/setPictureCookie.js: a script for browsers, so that <img> tags can show cloud pictures. */
export const toolEndpoints = [
  defineEndpoint({
    group: 'tool',
    action: 'setPictureCookie',
    changesState: false,
    command: ['picture-cookie-js'],
    path: '/tool/setPictureCookie.js',
    summary: 'Fetch the JavaScript that sets the picture cookies in a browser (no token needed)',
    summaryJa: '画像参照用Cookieの設定（setPictureCookie.js）',
    repeatable: true,
    public: true,
    answer: 'javascript',
    params: {
      p: {
        type: 'string',
        required: true,
        label: 'CloudFront-Policy',
        description: 'The CloudFront-Policy cookie value',
      },
      s: {
        type: 'string',
        required: true,
        label: 'CloudFront-Signature',
        description: 'The CloudFront-Signature cookie value',
      },
      k: {
        type: 'string',
        required: true,
        label: 'CloudFront-Key-Pair-Id',
        description: 'The CloudFront-Key-Pair-Id cookie value',
      },
    },
    example: 'tool picture-cookie-js --p POLICY --s SIGNATURE --k KEYPAIRID',
  }),
];
