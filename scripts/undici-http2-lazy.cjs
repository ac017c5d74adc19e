/**
 * Stands in for `require('node:http2')` inside the bundled undici (scripts/build-cli.mjs): undici's
 * client-h2.js requires node:http2 when it loads and reads ten constants from it, which costs a
 * one-call command ~11 ms, although facetctl never asks undici for HTTP/2 (`allowH2` stays off).
 * The constants are given by value (the HTTP/2 pseudo-headers of RFC 9113 §8.3 and nghttp2's error
 * codes, test/core/undici.test.ts compares them with Node's); `connect`, the only other
 * name client-h2.js uses, loads the real module on first use.
 */
'use strict';

let real;
const load = () => {
  real ??= require('node:http2');
  return real;
};

module.exports = {
  constants: {
    HTTP2_HEADER_AUTHORITY: ':authority',
    HTTP2_HEADER_METHOD: ':method',
    HTTP2_HEADER_PATH: ':path',
    HTTP2_HEADER_SCHEME: ':scheme',
    HTTP2_HEADER_CONTENT_LENGTH: 'content-length',
    HTTP2_HEADER_EXPECT: 'expect',
    HTTP2_HEADER_STATUS: ':status',
    HTTP2_HEADER_PROTOCOL: ':protocol',
    NGHTTP2_REFUSED_STREAM: 7,
    NGHTTP2_CANCEL: 8,
  },
  connect: (...args) => load().connect(...args),
};
