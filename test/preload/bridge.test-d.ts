import { describe, expectTypeOf, it } from 'vitest';
import type { Bridge, Channel, EventName, ResponseOf } from '../../main/api/contract.js';
import type { Envelope } from '../../main/api/channel.js';
import type { channelNames, eventNames } from '../../main/api/names.js';
import type { IpcHandlerMap } from '../../main/electron/setup-ipc.js';
import type { createBridge } from '../../preload/bridge.js';

describe('the Electron transport types', () => {
  it('the preload exposes exactly the contract, answering envelopes', () => {
    expectTypeOf<ReturnType<typeof createBridge>>().toEqualTypeOf<Bridge>();
    expectTypeOf<Awaited<ReturnType<ReturnType<typeof createBridge>['tasks:get']>>>().toEqualTypeOf<
      Envelope<ResponseOf<'tasks:get'>>
    >();
    expectTypeOf<Exclude<keyof ReturnType<typeof createBridge>, 'on'>>().toEqualTypeOf<Channel>();
  });

  it('the names the preload registers are the contract channels and events', () => {
    expectTypeOf<(typeof channelNames)[number]>().toEqualTypeOf<Channel>();
    expectTypeOf<(typeof eventNames)[number]>().toEqualTypeOf<EventName>();
  });

  it('the IPC handler map has one handler per channel, answering its envelope', () => {
    expectTypeOf<keyof IpcHandlerMap>().toEqualTypeOf<Channel>();
    expectTypeOf<Awaited<ReturnType<IpcHandlerMap['app:info']>>>().toEqualTypeOf<
      Envelope<ResponseOf<'app:info'>>
    >();
    expectTypeOf<Awaited<ReturnType<IpcHandlerMap['tasks:list']>>>().toEqualTypeOf<
      Envelope<ResponseOf<'tasks:list'>>
    >();
  });

  it('a handler map missing a channel does not pass as the IPC map', () => {
    expectTypeOf<Omit<IpcHandlerMap, 'tasks:list'>>().not.toExtend<IpcHandlerMap>();
  });
});
