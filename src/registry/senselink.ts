import { defineEndpoint } from './define.js';
import type { ParamDef } from './types.js';

/**
 * SenseLink Cloud 認証レコード+ (needs an ID Pack subscription; records are kept 3 months).
 * POST record takes a JSON body; its nested fields are declared with flat dotted names
 * (`image.data`, `image.rectangle.top`) that the client nests and the emulator flattens.
 */

const ONE_MB = 1024 * 1024;

/** The four numbers of `image.rectangle`, given on the command line as one `--rect top,left,width,height`. */
const RECT_FLAG = { flag: 'rect', description: 'Face search area in the picture, in pixels' };

const rect = (label: string, description: string): ParamDef => ({
  type: 'int',
  min: 0,
  in: 'body',
  label,
  description: `${description} in pixels, 0 or more`,
  cli: { part: RECT_FLAG },
});

export const senselinkEndpoints = [
  defineEndpoint({
    api: 'senselink',
    group: 'senselink',
    action: 'createRecord',
    changesState: true,
    command: ['record', 'create'],
    path: '/api/v1/plus/record',
    methods: ['POST'],
    summary: 'Send a face picture for server-side recognition and store an 認証レコード+ record',
    summaryJa: '顔認証&認証レコード+の生成',
    repeatable: false,
    deviceParam: 'sn',
    bodyEncoding: 'json',
    params: {
      sn: {
        type: 'string',
        required: true,
        in: 'body',
        label: 'シリアルナンバー',
        description: 'Device serial number',
      },
      timestamp: {
        type: 'unixSeconds',
        required: true,
        min: 0,
        in: 'body',
        label: '画像記録時間',
        description:
          'When the picture was taken: Unix seconds (not milliseconds) or a date and time (now: this second)',
        // 「画像記録時間」: a moment that happened; `now` is the current second, never the next one.
        recorded: true,
      },
      timezone: {
        type: 'string',
        in: 'body',
        label: 'タイムゾーン',
        description: "The device's time zone, such as 'GMT+9:00'",
        // `--timezone` is the global flag for the cloud's zone.
        cli: { flag: 'device-timezone' },
      },
      threshold: {
        type: 'number',
        min: 0,
        max: 1,
        default: 0.9,
        in: 'body',
        label: '類似度のしきい値',
        description: 'Similarity threshold for the 1:N search, 0–1 (default 0.9)',
      },
      'image.data': {
        type: 'base64',
        required: true,
        content: 'jpeg-or-png',
        maxBytes: ONE_MB,
        in: 'body',
        label: '顔画像',
        description: 'Face picture (JPEG or PNG file), at most 1 MB after base64 encoding',
        cli: { flag: 'image' },
      },
      'image.rectangle.top': rect('領域の最上部', 'Top of the search area'),
      'image.rectangle.left': rect('領域の左端', 'Left of the search area'),
      'image.rectangle.width': rect('領域の幅', 'Width of the search area'),
      'image.rectangle.height': rect('領域の高さ', 'Height of the search area'),
      process_mode: {
        type: 'enum',
        values: [0],
        default: 0,
        in: 'body',
        label: '処理モード',
        description: 'Processing mode: only 0 (asynchronous, no user_id) is supported',
      },
      extend: {
        type: 'json',
        maxBytes: 1024,
        in: 'body',
        label: '拡張項目',
        description: 'Extra JSON text stored with the record, at most 1024 bytes',
      },
    },
    example: 'senselink record create --sn JKQ00009234 --timestamp 1659423903 --image face.jpg',
  }),
  defineEndpoint({
    api: 'senselink',
    group: 'senselink',
    action: 'getRecords',
    changesState: false,
    command: ['record', 'list'],
    path: '/api/v1/plus/record',
    methods: ['GET'],
    summary: 'List 認証レコード+ records stored in a window of at most 24 hours',
    summaryJa: '認証レコード+ の取得',
    repeatable: true,
    deviceParam: 'sn',
    params: {
      time_from: {
        type: 'iso8601',
        required: true,
        label: '取得範囲の開始時刻',
        description: 'Stored at or after this time (ISO 8601); at most 24 hours before time_to',
      },
      time_to: {
        type: 'iso8601',
        required: true,
        label: '取得範囲の終了時刻',
        description: 'Stored at or before this time (ISO 8601); at most 24 hours after time_from',
        rangeEnd: true,
      },
      sn: { type: 'string', label: 'シリアルナンバー', description: 'Only this device' },
      order: {
        type: 'enum',
        values: [0, 1],
        default: 0,
        label: '並び順',
        description: 'Order by record id: 0 descending (default), 1 ascending',
      },
      page: { type: 'int', min: 1, default: 1, label: 'ページ番号', description: 'Page number from 1' },
      size: {
        type: 'int',
        min: 1,
        max: 100,
        default: 20,
        label: 'エントリ数',
        description: 'Rows a page, 1–100 (default 20)',
      },
    },
    crossRules: ['window24h'],
    paging: {
      pageParam: 'page',
      sizeParam: 'size',
      pageSize: 100,
      listPath: 'data.list',
      totalPath: 'data.total',
      keyPath: 'record_id',
    },
    example: 'senselink record list --time-from -24h --time-to now',
  }),
  defineEndpoint({
    api: 'senselink',
    group: 'senselink',
    action: 'getImage',
    changesState: false,
    command: ['image', 'get'],
    path: '/api/v1/plus/image/{image_id}',
    methods: ['GET'],
    summary: 'Fetch the snapshot of an 認証レコード+ record (the uploaded JPEG or PNG)',
    summaryJa: '認証レコード+ スナップショット取得',
    repeatable: true,
    params: {
      image_id: {
        type: 'string',
        required: true,
        in: 'path',
        label: 'イメージID',
        description: 'Image id from a record (image_id)',
      },
    },
    answer: 'binary',
    // The bytes are whatever was uploaded (JPEG or PNG); the answer's Content-Type tells which.
    binaryType: 'application/octet-stream',
    example: 'senselink image get --image-id 5fceef6e1ddb2800010d1409 --out snapshot.jpg',
  }),
];
