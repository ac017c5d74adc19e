import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthError,
  DeviceError,
  ExclusionError,
  ExitCode,
  ServerUnavailableError,
} from '../../src/core/errors.js';
import { errorForAnswer, judge, senselinkErrorForAnswer } from '../../src/core/outcome.js';
import { endpointById } from '../../src/registry/index.js';

const ep = (id: string) => endpointById(id)!;
const envelope = (name: string, message: string) => ({ error: true, errors: [{ name, message }] });

describe('errorForAnswer', () => {
  it('keeps 400 field errors verbatim', () => {
    const body = {
      error: true,
      errors: [
        { name: 'from', message: '検索日時（from）は日付形式で指定する必要があります。' },
        { name: 'name', message: '氏名の文字数が多すぎます。100文字以内で指定して下さい。' },
      ],
    };
    const err = errorForAnswer(400, body, '/person/x');
    expect(err).toBeInstanceOf(ApiError);
    expect(err).not.toBeInstanceOf(ExclusionError);
    expect((err as ApiError).errors).toEqual(body.errors);
    expect(err!.message).toContain('氏名の文字数が多すぎます。100文字以内で指定して下さい。');
    expect(err!.exitCode).toBe(ExitCode.error);
  });

  it('maps exclusion, auth, not found, 414 and server errors', () => {
    expect(errorForAnswer(400, envelope('exclusion', '他のリクエストを処理中です。'), '/p')).toBeInstanceOf(
      ExclusionError,
    );
    const e401 = errorForAnswer(401, undefined, '/p')!;
    expect(e401).toBeInstanceOf(AuthError);
    expect(e401.message).toBe('source IP address not allowed (401)');
    expect(e401.exitCode).toBe(4);
    const e403 = errorForAnswer(403, undefined, '/p')!;
    expect(e403.message).toBe("token rejected (403): check the profile's token");
    expect(errorForAnswer(404, undefined, '/nope')!.message).toBe('not found: /nope');
    expect(errorForAnswer(414, undefined, '/p')).toBeInstanceOf(ApiError);
    expect(errorForAnswer(500, undefined, '/p')).toBeInstanceOf(ServerUnavailableError);
    expect(errorForAnswer(502, undefined, '/p')).toBeInstanceOf(ServerUnavailableError);
  });

  it('tells maintenance (503, empty body) from an unreachable device (503, JSON body)', () => {
    const maintenance = errorForAnswer(503, undefined, '/p')!;
    expect(maintenance).toBeInstanceOf(ServerUnavailableError);
    expect(maintenance.retryable).toBe(true);
    const msg = 'デバイス[S99999]はクラウドサーバーに接続されていません。';
    const device = errorForAnswer(503, envelope('device', msg), '/p')!;
    expect(device).toBeInstanceOf(DeviceError);
    expect(device.exitCode).toBe(5);
    expect(device.message).toContain(msg);
    expect(device.retryable).toBe(false);
  });

  it('reads errors inside a 200 (nochange-response-status=1) as their status would have been', () => {
    expect(errorForAnswer(200, envelope('exclusion', '他のリクエストを処理中です。'), '/p')).toBeInstanceOf(
      ExclusionError,
    );
    expect(errorForAnswer(200, envelope('device', 'x'), '/p')).toBeInstanceOf(DeviceError);
    const field = errorForAnswer(200, envelope('personCode', '人物コードは必須です。'), '/p');
    expect(field).toBeInstanceOf(ApiError);
    expect((field as ApiError).errors[0].name).toBe('personCode');
    expect(errorForAnswer(200, { result: true }, '/p')).toBeUndefined();
  });
});

describe('senselinkErrorForAnswer', () => {
  it('treats code 200 as success and any other code as an error with the message verbatim', () => {
    expect(senselinkErrorForAnswer(200, { code: 200, message: 'OK', data: {} }, '/api/v1/plus/record')).toBeUndefined();
    const err = senselinkErrorForAnswer(
      200,
      { code: 40001, message: '時間範囲が24時間を超えています' },
      '/r',
    ) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.errors).toEqual([{ name: '40001', message: '時間範囲が24時間を超えています' }]);
    expect(err.message).toContain('時間範囲が24時間を超えています');
    expect(senselinkErrorForAnswer(401, { code: 401, message: 'sign error' }, '/r')).toBeInstanceOf(AuthError);
  });
});

describe('judge', () => {
  it('sees partial deletions', () => {
    expect(
      judge(ep('log.deleteRecogLog'), { result: false, total: 10, deleted: 4, message: '途中で中断しました' }),
    ).toEqual({ status: 'partial', message: '途中で中断しました' });
    expect(judge(ep('log.deleteRecogLog'), { result: false, total: 10, deleted: 0, message: '失敗' }).status).toBe(
      'failed',
    );
    expect(judge(ep('log.deleteRecogLog'), { result: true, total: 10, deleted: 10 }).status).toBe('ok');
  });

  it('sees setConfig keys that failed', () => {
    const setConfig = ep('config.setConfig');
    expect(judge(setConfig, { updated: ['volume'], errored: ['language'] })).toEqual({
      status: 'partial',
      message: 'not updated: language',
    });
    expect(judge(setConfig, { updated: [], errored: ['language'] }).status).toBe('failed');
    expect(judge(setConfig, { updated: ['volume'], errored: [] }).status).toBe('ok');
  });

  it('passes the message of a result:false verbatim', () => {
    const msg = '顔が検出できませんでした。';
    expect(judge(ep('person.toDevice'), { result: false, regist: false, message: msg })).toEqual({
      status: 'failed',
      message: msg,
    });
    expect(judge(ep('person.toDevice'), { result: true, regist: false, message: '既に登録されています' })).toEqual({
      status: 'ok',
      message: '既に登録されています',
    });
  });

  it('reads apbRepaire per-serial errors', () => {
    const apb = ep('device.apbRepaire');
    expect(judge(apb, { S1: { success: ['p1'], error: ['p2'] } }).status).toBe('partial');
    expect(judge(apb, { S1: { success: [], error: ['p2'] } }).status).toBe('failed');
    expect(judge(apb, { S1: { success: ['p1'], error: [] } }).status).toBe('ok');
  });
});
