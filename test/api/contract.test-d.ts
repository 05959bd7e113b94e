import { describe, expectTypeOf, it } from 'vitest';
import type {
  Api,
  Bridge,
  Channel,
  Handlers,
  ResponseOf,
  RequestOf,
  EventName,
} from '../../main/api/contract.js';
import type { channelNames, eventNames } from '../../main/api/names.js';
import type { CrontrayService } from '../../main/core/service/service.js';
import type { createHttpApi } from '../../renderer/src/api/http-client.js';
import type { apiFromBridge } from '../../renderer/src/api/bridge-client.js';

describe('the contract', () => {
  it('lists the same channels in the preload name list as in the contract', () => {
    expectTypeOf<(typeof channelNames)[number]>().toEqualTypeOf<Channel>();
    expectTypeOf<(typeof eventNames)[number]>().toEqualTypeOf<EventName>();
  });

  it('is implemented in full by the service handlers', () => {
    expectTypeOf<CrontrayService['handlers']>().toEqualTypeOf<Handlers>();
  });

  it('is what the renderer HTTP client returns', () => {
    expectTypeOf<ReturnType<typeof createHttpApi>>().toEqualTypeOf<Api>();
  });

  it('types each channel with its request and response', () => {
    expectTypeOf<ResponseOf<'app:info'>['version']>().toEqualTypeOf<string>();
    expectTypeOf<ResponseOf<'scheduler:start'>['running']>().toEqualTypeOf<boolean>();
    expectTypeOf<RequestOf<'tasks:list'>>().toEqualTypeOf<
      { project?: string; group?: string } | undefined
    >();
    expectTypeOf<Parameters<Api['tasks:get']>[0]>().toEqualTypeOf<{ id: string }>();
  });

  it('rejects a handler that drifts from its response type', () => {
    // A handler that answers scheduler:status with the wrong shape does not fit the map.
    const wrong = { 'scheduler:status': async () => ({ running: 'yes' }) };
    expectTypeOf(wrong).not.toExtend<Pick<Handlers, 'scheduler:status'>>();
  });
});

describe('the renderer client over the preload bridge', () => {
  it('turns the envelope bridge back into the contract Api', () => {
    expectTypeOf<ReturnType<typeof apiFromBridge>>().toEqualTypeOf<Api>();
    expectTypeOf<Parameters<typeof apiFromBridge>[0]>().toEqualTypeOf<Bridge>();
  });
});
