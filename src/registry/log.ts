import { facetPaging, optionalPersonCode, pageNo, pictureAllowIp, pictureExpires, serialNo } from './common-params.js';
import { defineEndpoint } from './define.js';
import type { EndpointDef } from './types.js';

/** /log/*: recognition logs (read, physical delete) and operation logs. */
export const logEndpoints: readonly EndpointDef[] = [
  defineEndpoint({
    group: 'log',
    action: 'getRecogLog',
    command: ['recog', 'list'],
    path: '/log/getRecogLog',
    summary: 'Search the recognition logs of a device (newest id first, 100 a page)',
    summaryJa: '認識ログの取得',
    repeatable: true,
    deviceParam: 'serialNo',
    params: {
      serialNo,
      latest: {
        type: 'flag',
        label: '最新の一件のみ',
        description: 'Only the latest record: 1 ignores the time, person and page filters',
      },
      recogTimeFrom: { type: 'datetime', label: '検索日時', description: 'Recognised at or after this time' },
      recogTimeTo: { type: 'datetime', label: '検索日時', description: 'Recognised at or before this time' },
      personCode: { ...optionalPersonCode, description: 'Only this person code' },
      pageNo,
      pictureExpires,
      pictureAllowIp,
    },
    paging: facetPaging,
    ignoredWhen: [
      {
        param: 'latest',
        value: '1',
        ignores: ['recogTimeFrom', 'recogTimeTo', 'personCode', 'pageNo'],
        document:
          'このパラメータが指定された場合、recogTimeFrom / recogTimeTo / personCode / pageNo で指定した内容は無視されます。',
      },
    ],
    example: 'log recog list --serial 7L11R010014 --recog-time-from -24h',
  }),
  defineEndpoint({
    group: 'log',
    action: 'deleteRecogLog',
    command: ['recog', 'delete'],
    path: '/log/deleteRecogLog',
    summary: 'Physically delete recognition logs on the device and the cloud (at most 100 a call)',
    summaryJa: '認識ログの削除',
    exclusive: true,
    contactsDevice: true,
    aiCamera: false,
    repeatable: false,
    destructive: true,
    deviceParam: 'serialNo',
    params: {
      serialNo,
      ids: {
        type: 'idList',
        maxItems: 100,
        label: 'ログID',
        description: 'Log ids to delete, comma-separated, at most 100',
      },
      recogTimeFrom: { type: 'datetime', label: '検索日時', description: 'Recognised at or after this time' },
      recogTimeTo: { type: 'datetime', label: '検索日時', description: 'Recognised at or before this time' },
      personCode: { ...optionalPersonCode, description: 'Only this person code' },
    },
    oneOf: [[['ids'], ['recogTimeFrom'], ['recogTimeTo'], ['personCode']]],
    example: 'log recog delete --serial 7L11R010014 --recog-time-to 2024/01/01 --yes',
  }),
  defineEndpoint({
    group: 'log',
    action: 'getOperateLog',
    command: ['operate', 'list'],
    path: '/log/getOperateLog',
    summary: 'Search the operation logs of a device (newest first, 100 a page)',
    summaryJa: '操作ログの取得',
    repeatable: true,
    deviceParam: 'serialNo',
    params: {
      serialNo,
      operateTimeFrom: { type: 'datetime', label: '操作日時', description: 'Operated at or after this time' },
      operateTimeTo: { type: 'datetime', label: '操作日時', description: 'Operated at or before this time' },
      operateUser: { type: 'string', label: '操作ユーザー', description: 'User name, e.g. admin or System' },
      mainType: { type: 'string', label: 'メインタイプ', description: 'Main type in Japanese, e.g. 操作' },
      subType: { type: 'string', label: 'サブタイプ', description: 'Sub type in Japanese, e.g. ユーザーログイン' },
      pageNo,
    },
    paging: facetPaging,
    example: 'log operate list --serial 7L11R010014 --operate-time-from yesterday',
  }),
];
