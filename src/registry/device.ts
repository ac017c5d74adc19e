import { serialNo } from './common-params.js';
import { defineEndpoint } from './define.js';
import type { EndpointDef } from './types.js';

/** /device/*: the contracted devices, log synchronisation, APB repair, push URLs. */
export const deviceEndpoints = [
  defineEndpoint({
    group: 'device',
    action: 'getDevice',
    command: ['list'],
    path: '/device/getDevice',
    summary: 'List the devices under the cloud contract',
    summaryJa: '機器情報の取得',
    repeatable: true,
    params: {},
    example: 'device list',
  }),
  defineEndpoint({
    group: 'device',
    action: 'sync',
    command: ['sync'],
    path: '/device/sync',
    summary: 'Fetch the latest logs from a device now (at most 100 recognitions, 500 operations a call)',
    summaryJa: 'デバイス同期要求',
    exclusive: true,
    contactsDevice: true,
    aiCamera: false,
    repeatable: true,
    deviceParam: 'serialNo',
    multiDevice: true,
    params: { serialNo },
    example: 'device sync --serial 7L11R010014',
  }),
  defineEndpoint({
    group: 'device',
    action: 'apbRepaire',
    command: ['apb-repair'],
    path: '/device/apbRepaire',
    summary: 'Repair anti-passback state on every APB device (at most 100 repairs a call)',
    summaryJa: 'APB状態の修復',
    exclusive: true,
    contactsDevice: true,
    aiCamera: false,
    repeatable: false,
    params: {},
    example: 'device apb-repair',
  }),
  defineEndpoint({
    group: 'device',
    action: 'getPushUrl',
    command: ['push-url', 'get'],
    path: '/device/getPushUrl',
    summary: 'Show the push notification URL of a device (no device contact)',
    summaryJa: '認証時のプッシュ通知先URLの取得',
    repeatable: true,
    deviceParam: 'serialNo',
    multiDevice: true,
    params: { serialNo },
    example: 'device push-url get --serial 7L11R010014',
  }),
  defineEndpoint({
    group: 'device',
    action: 'registPushUrl',
    command: ['push-url', 'set'],
    path: '/device/registPushUrl',
    summary: 'Set the push notification URL of a device; an empty URL deletes it',
    summaryJa: '認証時のプッシュ通知先URLの登録',
    repeatable: true,
    deviceParam: 'serialNo',
    multiDevice: true,
    params: {
      serialNo,
      pushUrl: {
        type: 'string',
        label: 'pushUrl',
        description: 'Notification URL (https recommended); empty deletes the registered one',
      },
      // The document's deletion note calls the parameter push_url; accepted so that requests
      // written from that note are not refused as unknown.
      push_url: {
        type: 'string',
        label: 'pushUrl',
        description: 'Alias of pushUrl used by the document for deleting (send it empty)',
        cli: { hidden: true },
      },
    },
    example: 'device push-url set --serial 7L11R010014 --push-url https://example.com/facet-push',
  }),
];
