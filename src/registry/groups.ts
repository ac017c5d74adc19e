/**
 * The command groups and their sub-groups, with the descriptions `--help` shows. Every word an
 * endpoint's `command` path passes through must be described here: building the command tree fails
 * loudly when one is missing (src/commands/generated.ts), and test/registry/registry.test.ts checks it.
 */
import type { Group } from './types.js';

export interface GroupDef {
  name: Group;
  description: string;
  /** Intermediate command words under the group (`recog` in `log recog list`) and their descriptions. */
  subgroups: Readonly<Record<string, string>>;
}

export const groups: readonly GroupDef[] = Object.freeze<GroupDef[]>([
  {
    name: 'device',
    description: 'Devices under the contract: list, log sync, APB repair, push URLs',
    subgroups: { 'push-url': 'The push notification URL of a device' },
  },
  {
    name: 'log',
    description: 'Recognition and operation logs: search, delete, export',
    subgroups: { recog: 'Recognition logs (認識ログ)', operate: 'Operation logs (操作ログ)' },
  },
  {
    name: 'person',
    description: 'Persons in the cloud and on devices, access times, cards, types',
    subgroups: {
      'access-times': 'Access time windows of a person per device',
      device: 'Persons stored on a device',
      cards: 'IC cards of a person',
      type: 'Person types (entry/exit mode contracts)',
    },
  },
  { name: 'config', description: 'Device settings and logo', subgroups: { logo: 'The logo shown on a device' } },
  {
    name: 'system',
    description: 'Device system: info, reboot, door, modes, messages, firmware',
    subgroups: { 'reboot-schedule': 'The weekly reboot schedule of a device' },
  },
  { name: 'tool', description: 'Helpers the API serves (picture cookie script)', subgroups: {} },
  {
    name: 'senselink',
    description: 'SenseLink Cloud 認証レコード+: records and snapshots',
    subgroups: { record: '認証レコード+ records', image: '認証レコード+ snapshots' },
  },
]);
