/**
 * The one error envelope of facetCloud, `{"error":true,"errors":[{name,message}]}`, and the answer
 * type every handler returns. `nochange-response-status=1` is applied once, where answers are written.
 */
import type { FieldError } from '../core/errors.js';

export type Answer =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'bytes'; status: number; contentType: string; body: Buffer; headers?: Record<string, string> }
  | { kind: 'empty'; status: number }
  /** Destroy the socket without answering (fault injection). */
  | { kind: 'reset' };

export function json(body: unknown, status = 200): Answer {
  return { kind: 'json', status, body };
}

export function bytes(body: Buffer, contentType: string): Answer {
  return { kind: 'bytes', status: 200, contentType, body };
}

export function errorBody(errors: FieldError[]): { error: true; errors: FieldError[] } {
  return { error: true, errors };
}

export function fail(status: number, name: string, message: string): Answer {
  return json(errorBody([{ name, message }]), status);
}

export function failMany(status: number, errors: FieldError[]): Answer {
  return json(errorBody(errors), status);
}

/** Thrown from deep inside a handler to answer an error at once. */
export class AnswerError extends Error {
  constructor(readonly answer: Answer) {
    super('answer');
  }
}

export function abort(status: number, name: string, message: string): never {
  throw new AnswerError(fail(status, name, message));
}

export const messages = {
  exclusion: '他のリクエストを処理中です。',
  offline: (serial: string) => `デバイス[${serial}]はクラウドサーバーに接続されていません。`,
  deviceError: (serial: string) => `デバイス[${serial}]がエラーを返却しています。`,
  unknownDevice: (serial: string) => `シリアルNo[${serial}]のデバイスは契約されていません。`,
  token: '認証トークンが正しくありません。',
  ip: '許可されていないIPアドレスからのアクセスです。',
  notFound: '指定されたURLのAPIは存在しません。',
  postOnly: 'このAPIはPOSTで送信して下さい。',
  /** The document's 503 case 2 when the device is connected but the exchange failed. */
  deviceFailure: 'デバイスとの通信が正常に行われませんでした。',
  bodyTooLarge: 'リクエストのサイズが大きすぎます。',
  badFace: 'アルゴリズム不明のエラーです。顔として認識出来ない写真の可能性があります。別の顔写真を指定して下さい。',
  duplicateFace: '既に保存されている人物の顔写真です。',
} as const;
