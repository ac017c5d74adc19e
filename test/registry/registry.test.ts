import { describe, expect, it } from 'vitest';
import {
  configKeys,
  defaultConfig,
  type EndpointDef,
  endpointById,
  endpointForPath,
  endpoints,
  findEndpoint,
} from '../../src/registry/index.js';

const actions = (pred: (ep: EndpointDef) => boolean) =>
  endpoints
    .filter(pred)
    .map((ep) => ep.action)
    .sort();

describe('registry shape', () => {
  it('holds 46 facetCloud entries and 3 SenseLink ones', () => {
    expect(endpoints).toHaveLength(49);
    expect(endpoints.filter((ep) => ep.api === 'facetcloud')).toHaveLength(46);
    expect(endpoints.filter((ep) => ep.api === 'senselink')).toHaveLength(3);
  });

  it('has unique ids of the form group.action', () => {
    const ids = endpoints.map((ep) => ep.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const ep of endpoints) expect(ep.id).toBe(`${ep.group}.${ep.action}`);
  });

  it('has unique command words and unique actions within a group', () => {
    const words = endpoints.map((ep) => `${ep.group} ${ep.command.join(' ')}`);
    expect(new Set(words).size).toBe(words.length);
    const acts = endpoints.map((ep) => `${ep.group}/${ep.action.toLowerCase()}`);
    expect(new Set(acts).size).toBe(acts.length);
  });

  it('has paths starting with / and facetCloud paths of /group/action', () => {
    for (const ep of endpoints) {
      expect(ep.path.startsWith('/'), ep.id).toBe(true);
      if (ep.api === 'facetcloud' && ep.group !== 'tool') expect(ep.path).toBe(`/${ep.group}/${ep.action}`);
    }
  });

  it('marks exactly the documented POST-only endpoints', () => {
    expect(actions((ep) => ep.api === 'facetcloud' && !ep.methods.includes('GET'))).toEqual(
      [
        'checkPersonPicture',
        'registPersonForCloud',
        'checkSimilarityInDevice',
        'getPersonPictureFromDevice',
        'setLogo',
        'importConfig',
      ].sort(),
    );
    for (const ep of endpoints.filter((e) => e.api === 'facetcloud' && e.methods.includes('GET'))) {
      expect(ep.methods, ep.id).toEqual(['GET', 'POST']);
    }
    expect(endpointById('senselink.createRecord')?.methods).toEqual(['POST']);
    expect(endpointById('senselink.getRecords')?.methods).toEqual(['GET']);
    expect(endpointById('senselink.getImage')?.methods).toEqual(['GET']);
  });

  it('marks exactly the documented exclusive endpoints', () => {
    expect(actions((ep) => ep.exclusive)).toEqual(
      [
        'sync',
        'apbRepaire',
        'deleteRecogLog',
        'toDevice',
        'deletePersonFromDevice',
        'clearPersonFromDevice',
        'capturePersonPicture',
        'setConfig',
        'setLogo',
        'reboot',
        'setRebootSchedule',
        'importConfig',
        'updateFirmware',
      ].sort(),
    );
  });

  it('marks the AI-camera set exactly as documented among device-contacting endpoints', () => {
    expect(actions((ep) => ep.contactsDevice && ep.aiCamera)).toEqual(
      [
        'getPerson',
        'toDevice',
        'getPersonFromDevice',
        'deletePersonFromDevice',
        'getSystemInfo',
        'getPersonPictureFromDevice',
      ].sort(),
    );
    for (const ep of endpoints.filter((e) => !e.contactsDevice)) expect(ep.aiCamera, ep.id).toBe(true);
  });

  it('says push URLs are kept in the cloud and every /system endpoint talks to the device', () => {
    expect(endpointById('device.getPushUrl')?.contactsDevice).toBe(false);
    expect(endpointById('device.registPushUrl')?.contactsDevice).toBe(false);
    for (const ep of endpoints.filter((e) => e.group === 'system')) expect(ep.contactsDevice, ep.id).toBe(true);
    for (const ep of endpoints.filter((e) => e.api === 'senselink')) expect(ep.contactsDevice).toBe(false);
  });

  it('does not retry what a retry would compound or repeat physically', () => {
    for (const action of [
      'openOnce',
      'reboot',
      'updateFirmware',
      'importConfig',
      'capturePersonPicture',
      'deleteRecogLog',
      'displayMessage',
      'apbRepaire',
      'createRecord',
      'registPersonType',
    ]) {
      const ep = endpoints.find((e) => e.action === action)!;
      expect(ep.repeatable, action).toBe(false);
    }
    expect(endpointById('device.sync')?.repeatable).toBe(true);
    expect(endpointById('person.clearPersonFromDevice')?.repeatable).toBe(true);
  });

  it('declares changesState: every destructive endpoint changes state, no read does', () => {
    for (const ep of endpoints) {
      expect(typeof ep.changesState, ep.id).toBe('boolean');
      if (ep.destructive) expect(ep.changesState, ep.id).toBe(true);
      if (/^(get|check|export)/.test(ep.action)) expect(ep.changesState, ep.id).toBe(false);
      // setPictureCookie only serves a script that sets cookies in the caller's browser: a read.
      if (/^(regist|delete|set|clear|to|update|import|create)/.test(ep.action) && ep.action !== 'setPictureCookie')
        expect(ep.changesState, ep.id).toBe(true);
    }
  });

  it('marks exactly the destructive endpoints', () => {
    expect(actions((ep) => ep.destructive === true)).toEqual(
      [
        'reboot',
        'clearPersonFromDevice',
        'deleteRecogLog',
        'deletePersonFromCloud',
        'deletePersonFromDevice',
        'deletePersonAssociation',
        'deletePersonType',
        'updateFirmware',
        'importConfig',
      ].sort(),
    );
  });

  it('declares every parameter that required/oneOf/families/crossRules/paging/wait name', () => {
    for (const ep of endpoints) {
      for (const alternatives of ep.oneOf ?? []) {
        for (const alt of alternatives)
          for (const name of alt) expect(ep.params[name], `${ep.id} ${name}`).toBeDefined();
      }
      for (const fam of ep.families ?? []) {
        const names = fam.fields.map((f) => f.name);
        if (fam.interval) expect(names).toEqual(expect.arrayContaining([fam.interval.from, fam.interval.to]));
        for (const n of names) expect(ep.params[n], `${ep.id} ${n} must not also be a plain param`).toBeUndefined();
      }
      if (ep.crossRules?.includes('tempRangeByUnit')) {
        for (const n of ['tempUnit', 'tempValueRangeFrom', 'tempValueRangeTo']) expect(ep.params[n]).toBeDefined();
      }
      if (ep.crossRules?.includes('window24h')) {
        expect(ep.params.time_from?.type).toBe('iso8601');
        expect(ep.params.time_to?.type).toBe('iso8601');
      }
      if (ep.paging) expect(ep.params[ep.paging.pageParam], ep.id).toBeDefined();
      if (ep.paging?.sizeParam) expect(ep.params[ep.paging.sizeParam]).toBeDefined();
      if (ep.waitParam) expect(ep.params[ep.waitParam.name]).toBeDefined();
      if (ep.deviceParam) expect(ep.params[ep.deviceParam], ep.id).toBeDefined();
      for (const name of ['serialNo', 'sn']) if (ep.params[name]) expect(ep.deviceParam, ep.id).toBe(name);
      for (const [name, def] of Object.entries(ep.params)) {
        expect(def.label, `${ep.id} ${name} label`).not.toBe('');
        expect(def.description, `${ep.id} ${name} description`).not.toBe('');
        if (def.type === 'enum') expect(def.values?.length, `${ep.id} ${name}`).toBeGreaterThan(0);
        if (def.type === 'base64') expect(def.maxBytes, `${ep.id} ${name}`).toBeGreaterThan(0);
      }
    }
  });

  it('gives every binary endpoint a binaryType and only those', () => {
    expect(actions((ep) => ep.answer === 'binary')).toEqual(
      ['capturePersonPicture', 'getPersonPictureFromDevice', 'getLogo', 'exportConfig', 'getImage'].sort(),
    );
    for (const ep of endpoints) expect(ep.binaryType !== undefined, ep.id).toBe(ep.answer === 'binary');
    expect(endpointById('config.getLogo')?.binaryType).toBe('image/png');
    expect(endpointById('person.capturePersonPicture')?.binaryType).toBe('image/jpeg');
    expect(endpointById('tool.setPictureCookie')?.answer).toBe('javascript');
    expect(endpointById('tool.setPictureCookie')?.public).toBe(true);
  });

  it('pages only the list endpoints', () => {
    expect(actions((ep) => ep.paging !== undefined)).toEqual(
      ['getRecogLog', 'getOperateLog', 'getPersonFromCloud', 'getPersonFromDevice', 'getRecords'].sort(),
    );
    expect(endpointById('log.getRecogLog')?.paging).toMatchObject({
      pageParam: 'pageNo',
      pageSize: 100,
      listPath: 'list',
      pagesPath: 'pages',
      totalPath: 'rows',
    });
    expect(endpointById('senselink.getRecords')?.paging).toMatchObject({
      pageParam: 'page',
      sizeParam: 'size',
      listPath: 'data.list',
      totalPath: 'data.total',
    });
  });

  it('states the notable documented limits', () => {
    const reg = endpointById('person.registPersonForCloud')!;
    expect(reg.params.memo).toMatchObject({ type: 'string', maxLength: 500 });
    expect(reg.params.personName).toMatchObject({ maxLength: 100, label: '氏名' });
    expect(reg.params.sex.values).toEqual(['male', 'female']);
    expect(reg.params.picture).toMatchObject({ type: 'base64', maxBytes: 5 * 1024 * 1024, content: 'jpeg' });
    expect(reg.oneOf).toEqual([[['picture'], ['recogLogSerialNo', 'recogLogId']]]);
    expect(endpointById('log.deleteRecogLog')?.oneOf).toEqual([
      [['ids'], ['recogTimeFrom'], ['recogTimeTo'], ['personCode']],
    ]);
    expect(endpointById('log.deleteRecogLog')?.params.ids).toMatchObject({ type: 'idList', maxItems: 100 });
    expect(endpointById('log.getRecogLog')?.params.pictureExpires).toMatchObject({ min: 10, max: 300 });
    expect(endpointById('person.capturePersonPicture')?.waitParam).toEqual({ name: 'getCount', defaultSeconds: 30 });
    expect(endpointById('person.toDevice')?.params.override.default).toBe(1);
    expect(endpointById('person.toDevice')?.params.noImage.default).toBe(0);
    expect(endpointById('person.registPersonType')?.params.personTypeCode.required).toBeFalsy();
    expect(endpointById('person.registPersonType')?.oneOf).toBeUndefined();
    expect(endpointById('system.displayMessage')?.params.Customtip).toMatchObject({ maxLength: 25, required: true });
    expect(endpointById('system.importConfig')?.unavailable).toBe(true);
    const access = endpointById('person.registPersonAcessTimeForCloud')!.families![0];
    expect(access).toMatchObject({ name: 'access', max: 10, cliFormat: 'FLAG,FROM,TO' });
    expect(access.interval).toEqual({
      from: 'accessTimeFrom',
      to: 'accessTimeTo',
      min: '2020/01/01 00:00:00',
      max: '2099/12/31 23:59:59',
      noOverlap: true,
    });
    const card = endpointById('person.registPersonCardInfoForCloud')!.families![0];
    expect(card).toMatchObject({ name: 'card', max: 3, cliFormat: 'CARDNO,FROM,TO' });
    const sl = endpointById('senselink.createRecord')!;
    expect(sl.bodyEncoding).toBe('json');
    expect(sl.params['image.data']).toMatchObject({ maxBytes: 1024 * 1024, content: 'jpeg-or-png' });
    expect(sl.params.extend).toMatchObject({ type: 'json', maxBytes: 1024 });
    expect(endpointById('senselink.getRecords')?.crossRules).toEqual(['window24h']);
  });

  it('marks multi-device commands, and keeps open-door and paged lists single', () => {
    expect(actions((ep) => ep.multiDevice === true)).toEqual(
      [
        'sync',
        'getPushUrl',
        'registPushUrl',
        'getSystemInfo',
        'reboot',
        'setHibernateMode',
        'setOperationMode',
        'getCurrentMode',
        'displayMessage',
        'getRebootSchedule',
        'setRebootSchedule',
        'updateFirmware',
        'getConfig',
        'setConfig',
      ].sort(),
    );
  });
});

describe('lookups', () => {
  it('finds by command words or by API action', () => {
    expect(findEndpoint('log', 'recog list')?.id).toBe('log.getRecogLog');
    expect(findEndpoint('log', 'getRecogLog')?.id).toBe('log.getRecogLog');
    expect(findEndpoint('person', 'access-times set')?.id).toBe('person.registPersonAcessTimeForCloud');
    expect(findEndpoint('person', 'list')?.id).toBe('person.getPersonFromCloud');
    expect(findEndpoint('device', 'list')?.id).toBe('device.getDevice');
    expect(findEndpoint('senselink', 'record list')?.id).toBe('senselink.getRecords');
    expect(findEndpoint('person', 'recog list')).toBeUndefined();
    expect(findEndpoint('person', 'nope')).toBeUndefined();
  });

  it('resolves every example through findEndpoint', () => {
    for (const ep of endpoints) {
      expect(ep.example.startsWith('facetctl'), ep.id).toBe(false);
      const words = ep.example.split(' ');
      const group = words[0];
      const cmd = words.slice(1, words.findIndex((w, i) => i > 0 && w.startsWith('-')) >>> 0).join(' ');
      expect(group, ep.id).toBe(ep.group);
      expect(findEndpoint(group, cmd)?.id, ep.example).toBe(ep.id);
    }
  });

  it('maps request paths to endpoints', () => {
    expect(endpointForPath('facetcloud', '/person/toDevice')?.id).toBe('person.toDevice');
    expect(endpointForPath('facetcloud', '/api1/person/toDevice')?.id).toBe('person.toDevice');
    expect(endpointForPath('facetcloud', '/tool/setPictureCookie.js')?.id).toBe('tool.setPictureCookie');
    expect(endpointForPath('facetcloud', '/person/nothing')).toBeUndefined();
    expect(endpointForPath('senselink', '/api/v1/plus/image/5fceef6e1ddb2800010d1409')?.id).toBe('senselink.getImage');
    expect(endpointForPath('senselink', '/api/v1/plus/image/a/b')).toBeUndefined();
    expect(endpointForPath('senselink', '/api/v1/plus/record', 'GET')?.id).toBe('senselink.getRecords');
    expect(endpointForPath('senselink', '/api/v1/plus/record', 'POST')?.id).toBe('senselink.createRecord');
    expect(endpointForPath('senselink', '/person/toDevice')).toBeUndefined();
  });
});

describe('config keys', () => {
  it('lists every getConfig key once, in sections, with the read-only ones not settable', () => {
    const names = configKeys.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(78);
    expect(configKeys.filter((k) => !k.settable).map((k) => k.name)).toEqual([
      'netDefaultNetCard',
      'netEth0MacAddress',
    ]);
    expect([...new Set(configKeys.map((k) => k.section))]).toEqual([
      'device',
      'access',
      'network',
      'display',
      'tips',
      'recognition',
      'mask',
      'temperature',
      'ntp',
    ]);
    expect(names[0]).toBe('deviceMachineName');
    expect(names.at(-1)).toBe('ntpInterval');
  });

  it('makes the settable keys exactly the setConfig parameters besides serialNo', () => {
    const setConfig = endpointById('config.setConfig')!;
    const params = Object.keys(setConfig.params).filter((n) => n !== 'serialNo');
    expect(params.sort()).toEqual(
      configKeys
        .filter((k) => k.settable)
        .map((k) => k.name)
        .sort(),
    );
    expect(setConfig.crossRules).toEqual(['tempRangeByUnit']);
  });

  it('has a default for every key', () => {
    expect(Object.keys(defaultConfig).sort()).toEqual(configKeys.map((k) => k.name).sort());
  });
});
