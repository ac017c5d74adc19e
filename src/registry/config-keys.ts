import type { ParamDef } from './types.js';

/**
 * Every setting getConfig answers, in the document's order and sections, with setConfig's limits.
 * The settable ones are exactly setConfig's parameters; `config get/set/diff/apply` and the
 * emulator's device settings are all derived from this table.
 */
export interface ConfigKey {
  name: string;
  def: ParamDef;
  settable: boolean;
  section: string;
}

const flag = (label: string, description: string): ParamDef => ({ type: 'flag', label, description });
const int = (label: string, min: number, max: number, description: string): ParamDef => ({
  type: 'int',
  min,
  max,
  label,
  description: `${description}, ${min}–${max}`,
});
const choice = (label: string, values: readonly (string | number)[], description: string): ParamDef => ({
  type: 'enum',
  values,
  label,
  description: `${description}: ${values.join(' / ')}`,
});
const text = (label: string, maxLength: number | undefined, description: string): ParamDef => ({
  type: 'string',
  label,
  ...(maxLength === undefined ? {} : { maxLength }),
  description: maxLength === undefined ? description : `${description}, at most ${maxLength} characters`,
});
const COLORS = ['Blue', 'Red', 'Green'] as const;
/**
 * The normal body-temperature range per `tempUnit` (facetcloud-api-v4.0 L4045–4051: 「摂氏の場合は 34.0 -
 * 42.0 華氏の場合は 93.2 - 107.6 小数点以下第一位まで」), read by the `tempRangeByUnit` cross rule. The
 * two ranges do not meet: 42.1–93.1 is valid in neither unit.
 */
export const TEMP_RANGES_BY_UNIT = {
  '0': { min: 34.0, max: 42.0, unit: '°C', unitJa: '摂氏' },
  '1': { min: 93.2, max: 107.6, unit: '°F', unitJa: '華氏' },
} as const;

/** tempValueRangeFrom/To: no `min`/`max` of their own (the range is the unit's: `TEMP_RANGES_BY_UNIT`). */
const TEMP: ParamDef = {
  type: 'number',
  decimals: 1,
  label: '',
  description: '',
};

type Row = [name: string, def: ParamDef, settable?: boolean];

const sections: readonly [section: string, rows: readonly Row[]][] = [
  [
    'device',
    [
      ['deviceMachineName', text('デバイス名', 32, 'Device name')],
      ['deviceAudioVolume', int('案内音声のボリューム', 0, 100, 'Voice guidance volume')],
      ['deviceScreenBrightness', int('画面の明るさ', 0, 100, 'Screen brightness')],
      ['deviceLedBrightness', int('LED照明の明るさ', 0, 100, 'LED light brightness')],
      ['deviceStandbyTime', int('スタンバイに入る時間', 0, 86400, 'Seconds before standby')],
      [
        'deviceWorkstateTime',
        int('スクリーンセーバーに入る時間', -1, 86400, 'Seconds before the screen saver (-1 never)'),
      ],
    ],
  ],
  ['access', [['accessType', choice('アクセスタイプ', [1, 3, 4], 'Access type: 1 face, 3 face+card, 4 face or card')]]],
  [
    'network',
    [
      ['netDefaultNetCard', text('LANカード', undefined, 'Network card (read-only, always eth0)'), false],
      ['netEth0MacAddress', text('MACアドレス', undefined, 'MAC address (read-only)'), false],
      ['netEth0Ipv4DhcpEnable', flag('IPv4設定：DHCP', 'IPv4 DHCP on (1) or off (0)')],
      ['netEth0Ipv4IpAddress', text('IPv4設定：IPアドレス', 15, 'IPv4 address')],
      ['netEth0Ipv4SubnetMask', text('IPv4設定：サブネットマスク', 15, 'IPv4 subnet mask')],
      ['netEth0Ipv4DefaultGateway', text('IPv4設定：デフォルトゲートウェイ', 15, 'IPv4 default gateway')],
      ['netEth0Ipv4DnsServer1', text('IPv4設定：優先DNSサーバー', 15, 'IPv4 preferred DNS server')],
      ['netEth0Ipv4DnsServer2', text('IPv4設定：代替DNSサーバー', 15, 'IPv4 alternate DNS server')],
      ['netEth0Ipv6LinkLocalAddress', text('IPv6設定：リンクアドレス', 39, 'IPv6 link-local address')],
      ['netEth0Ipv6IpAddress', text('IPv6設定：IPアドレス', 39, 'IPv6 address')],
      ['netEth0Ipv6IpAddressPrefix', text('IPv6設定：IPアドレスプレフィックス', 39, 'IPv6 address prefix')],
      ['netEth0Ipv6Defaultgateway', text('IPv6設定：デフォルトゲートウェイ', 39, 'IPv6 default gateway')],
      ['netEth0Ipv6DnsServer1', text('IPv6設定：優先DNSサーバー', 39, 'IPv6 preferred DNS server')],
      ['netEth0Ipv6DnsServer2', text('IPv6設定：代替DNSサーバー', 39, 'IPv6 alternate DNS server')],
      ['portHttp', int('HTTPポート', 0, 65535, 'HTTP port')],
      ['portRtsp', int('RTSPポート', 0, 65535, 'RTSP port')],
      ['portServer', int('サーバーポート', 0, 65535, 'Server port')],
    ],
  ],
  [
    'display',
    [
      ['dispInfo', text('カスタム表示', 12, 'Custom display text such as a company name')],
      ['dispShowName', flag('氏名の表示', 'Show the recognised person’s name: 1 or 0')],
      ['dispShowID', flag('IDの表示', 'Show the recognised person’s id: 1 or 0')],
      ['dispShowPhoto', flag('写真の表示', 'Show the recognised person’s photo: 1 or 0')],
      ['dispShowIp', flag('IPアドレスの表示', 'Show the device IP address: 1 or 0')],
      ['dispShowSerailNo', flag('シリアルナンバーの表示', 'Show the device serial number: 1 or 0')],
      ['dispShowVersion', flag('バージョン情報の表示', 'Show the version: 1 or 0')],
      ['dispShowPersonInfo', flag('登録人数の表示', 'Show the number of registered persons: 1 or 0')],
      ['dispShowOfflineData', flag('オフライン人数の表示', 'Show the offline count: 1 or 0')],
    ],
  ],
  [
    'tips',
    [
      ['tipsEnable', flag('認証成功時の通知表示', 'Show a notice on success: 1 or 0')],
      [
        'tipsType',
        choice('認証成功時の通知表示', ['Welcome', 'RecognitOK', 'PunchOK', 'PassOK', 'Custom'], 'Notice on success'),
      ],
      ['tipsCustom', text('認証成功時の通知表示（カスタム文字列）', 25, 'Custom notice on success')],
      ['tipsBackgroundColor', choice('認証成功時のテキスト背景色', COLORS, 'Notice background on success')],
      ['tipsVoiceEnable', flag('認証成功時の音声再生', 'Play a voice on success: 1 or 0')],
      ['tipsVoiceType', choice('認証成功時の音声再生内容', ['Default', 'Welcome'], 'Voice on success')],
      ['strangerTipsEnable', flag('認証失敗時の通知表示', 'Show a notice on failure: 1 or 0')],
      ['strangerTipsType', choice('認証失敗時の通知表示', ['AccessFailNothit', 'Custom'], 'Notice on failure')],
      ['strangerTipsCustom', text('認証失敗時の通知表示（カスタム文字列）', 25, 'Custom notice on failure')],
      ['strangerTipsBackgroundColor', choice('認証失敗時のテキスト背景色', COLORS, 'Notice background on failure')],
      ['strangerVoiceEnable', flag('認証失敗時の音声再生', 'Play a voice on failure: 1 or 0')],
      ['strangerVoiceType', choice('認証失敗時の音声再生内容', ['strangerVoice1'], 'Voice on failure')],
    ],
  ],
  [
    'recognition',
    [
      [
        'recogWorkstateTime',
        {
          type: 'number',
          values: [0.5, 1, 1.5, 2],
          min: 0.5,
          max: 2,
          decimals: 1,
          label: '識別距離',
          description: 'Recognition distance in metres: 0.5 / 1 / 1.5 / 2',
        },
      ],
      ['recogLiveness', choice('識別レベル', [1, 2, 3], 'Liveness: 1 no spoof check, 2 partial, 3 accurate')],
      ['recogCircleInterval', int('識別間隔', 0, 10, 'Recognition interval')],
      ['recogSearchThreshold', int('認識比較閾値', 1, 100, 'Match threshold')],
      ['recogMouthoccThreshold', int('マスク検出時の認識比較閾値', 1, 100, 'Match threshold with a mask')],
    ],
  ],
  [
    'mask',
    [
      [
        'maskDetectMode',
        choice('マスク検出の基本設定', [0, 1, 2], 'Mask check: 0 detect only, 1 block without mask, 2 block with mask'),
      ],
      ['maskFaceAttrSwitch', choice('マスク検出モード', [0, 1], 'Mask mode: 0 mouth only is enough, 1 nose and mouth')],
      ['maskWearShowEnable', flag('マスクあり時の通知表示', 'Show a notice with a mask: 1 or 0')],
      ['maskWearShowTips', text('マスクあり時の通知テキスト', 25, 'Notice with a mask')],
      [
        'maskWearShowBackgroundColor',
        choice('マスクあり時の通知テキスト背景色', COLORS, 'Notice background with a mask'),
      ],
      ['maskWearVoiceEnable', flag('マスクあり時の音声', 'Play a voice with a mask: 1 or 0')],
      ['maskNowearShowEnable', flag('マスク無し時の通知表示', 'Show a notice without a mask: 1 or 0')],
      ['maskNowearShowTips', text('マスク無し時の通知テキスト', 25, 'Notice without a mask')],
      [
        'maskNowearShowBackgroundColor',
        choice('マスク無し時の通知テキスト背景色', COLORS, 'Notice background without a mask'),
      ],
      ['maskNowearVoiceEnable', flag('マスク無し時の音声', 'Play a voice without a mask: 1 or 0')],
    ],
  ],
  [
    'temperature',
    [
      ['tempEnable', flag('体温検知', 'Temperature check on (1) or off (0)')],
      ['tempDetectMode', choice('検知モード', [0, 1], 'Temperature mode: 0 detect only, 1 block abnormal')],
      ['tempUnit', choice('温度単位', [0, 1], 'Unit: 0 Celsius, 1 Fahrenheit')],
      [
        'tempValueRangeFrom',
        {
          ...TEMP,
          label: '正常体温の下限',
          description:
            'Lowest normal temperature, 1 decimal: 34.0–42.0 °C or 93.2–107.6 °F as the tempUnit sent with it says, else the device’s (a value valid in neither is refused before sending)',
        },
      ],
      [
        'tempValueRangeTo',
        {
          ...TEMP,
          label: '正常体温の上限',
          description:
            'Highest normal temperature, 1 decimal: 34.0–42.0 °C or 93.2–107.6 °F as the tempUnit sent with it says, else the device’s (a value valid in neither is refused before sending)',
        },
      ],
      [
        'tempCorrection',
        { type: 'number', min: -5, max: 5, decimals: 1, label: '温度補正', description: 'Correction, -5–5, 1 decimal' },
      ],
      ['tempLowTempCorrection', flag('低温補正', 'Low temperature correction: 1 or 0')],
      ['tempMinPixel', int('温度測定最小顔ピクセル', 0, 1024, 'Smallest face in pixels for measuring')],
      ['tempNormalShowEnable', flag('体温正常時の通知表示', 'Show a notice for a normal temperature: 1 or 0')],
      ['tempNormalShowTips', text('体温正常時の通知テキスト', 25, 'Notice for a normal temperature')],
      ['tempNormalVoiceEnable', flag('体温正常時の音声通知', 'Voice for a normal temperature: 1 or 0')],
      ['tempAbnormalShowEnable', flag('体温異常時の通知表示', 'Show a notice for an abnormal temperature: 1 or 0')],
      ['tempAbnormalShowTips', text('体温異常時の通知テキスト', 25, 'Notice for an abnormal temperature')],
      ['tempAbnormalVoiceEnable', flag('体温異常時の音声通知', 'Voice for an abnormal temperature: 1 or 0')],
    ],
  ],
  [
    'ntp',
    [
      ['ntpEnable', flag('NTPの有効無効', 'NTP on (1) or off (0)')],
      ['ntpHostName', text('NTPサーバーのホスト名', 100, 'NTP server host name')],
      ['ntpPort', int('NTPサーバーのポート', 0, 65535, 'NTP server port')],
      ['ntpInterval', int('時刻同期間隔', 1, 1440, 'Minutes between time synchronisations')],
    ],
  ],
];

export const configKeys: readonly ConfigKey[] = Object.freeze(
  sections.flatMap(([section, rows]) =>
    rows.map(([name, def, settable]) => Object.freeze({ name, def, settable: settable ?? true, section })),
  ),
);

/** setConfig's parameters: every settable key, optional. */
export const settableConfigParams: Readonly<Record<string, ParamDef>> = Object.freeze(
  Object.fromEntries(configKeys.filter((k) => k.settable).map((k) => [k.name, k.def])),
);

/** What a new emulated device reports: plausible factory values within every limit. */
export const defaultConfig: Readonly<Record<string, string | number>> = Object.freeze({
  deviceMachineName: 'FaceDevice1',
  deviceAudioVolume: 80,
  deviceScreenBrightness: 50,
  deviceLedBrightness: 50,
  deviceStandbyTime: 60,
  deviceWorkstateTime: 30,
  accessType: 1,
  netDefaultNetCard: 'eth0',
  netEth0MacAddress: '00:1A:2B:3C:4D:5E',
  netEth0Ipv4DhcpEnable: 1,
  netEth0Ipv4IpAddress: '192.168.1.100',
  netEth0Ipv4SubnetMask: '255.255.255.0',
  netEth0Ipv4DefaultGateway: '192.168.1.1',
  netEth0Ipv4DnsServer1: '192.168.1.1',
  netEth0Ipv4DnsServer2: '8.8.8.8',
  netEth0Ipv6LinkLocalAddress: 'fe80::21a:2bff:fe3c:4d5e',
  netEth0Ipv6IpAddress: '',
  netEth0Ipv6IpAddressPrefix: '64',
  netEth0Ipv6Defaultgateway: '',
  netEth0Ipv6DnsServer1: '',
  netEth0Ipv6DnsServer2: '',
  portHttp: 80,
  portRtsp: 554,
  portServer: 8000,
  dispInfo: 'facetCloud',
  dispShowName: 1,
  dispShowID: 0,
  dispShowPhoto: 1,
  dispShowIp: 0,
  dispShowSerailNo: 0,
  dispShowVersion: 0,
  dispShowPersonInfo: 0,
  dispShowOfflineData: 0,
  tipsEnable: 1,
  tipsType: 'Welcome',
  tipsCustom: '',
  tipsBackgroundColor: 'Green',
  tipsVoiceEnable: 1,
  tipsVoiceType: 'Default',
  strangerTipsEnable: 1,
  strangerTipsType: 'AccessFailNothit',
  strangerTipsCustom: '',
  strangerTipsBackgroundColor: 'Red',
  strangerVoiceEnable: 1,
  strangerVoiceType: 'strangerVoice1',
  recogWorkstateTime: 1,
  recogLiveness: 2,
  recogCircleInterval: 3,
  recogSearchThreshold: 80,
  recogMouthoccThreshold: 70,
  maskDetectMode: 0,
  maskFaceAttrSwitch: 1,
  maskWearShowEnable: 0,
  maskWearShowTips: '',
  maskWearShowBackgroundColor: 'Green',
  maskWearVoiceEnable: 0,
  maskNowearShowEnable: 0,
  maskNowearShowTips: '',
  maskNowearShowBackgroundColor: 'Red',
  maskNowearVoiceEnable: 0,
  tempEnable: 0,
  tempDetectMode: 0,
  tempUnit: 0,
  tempValueRangeFrom: 35.0,
  tempValueRangeTo: 37.5,
  tempCorrection: 0,
  tempLowTempCorrection: 0,
  tempMinPixel: 100,
  tempNormalShowEnable: 1,
  tempNormalShowTips: '',
  tempNormalVoiceEnable: 0,
  tempAbnormalShowEnable: 1,
  tempAbnormalShowTips: '',
  tempAbnormalVoiceEnable: 1,
  ntpEnable: 1,
  ntpHostName: 'ntp.nict.jp',
  ntpPort: 123,
  ntpInterval: 60,
});
