import { ApiError } from '../../../main/api/channel.js';
import type { Envelope } from '../../../main/api/channel.js';
import { channelNames } from '../../../main/api/names.js';
import type { Api, Bridge } from '../../../main/api/contract.js';

/** The contract from the preload's envelope bridge: values resolve, error envelopes throw ApiError. */
export function apiFromBridge(bridge: Bridge): Api {
  const api: Record<string, unknown> = {};
  for (const channel of channelNames) {
    const call = bridge[channel] as (request?: unknown) => Promise<Envelope<unknown>>;
    api[channel] = async (request?: unknown) => {
      const envelope = await call(request);
      if (!envelope.ok) throw new ApiError(envelope.error);
      return envelope.value;
    };
  }
  api.on = ((event, listener) => bridge.on(event, listener)) satisfies Bridge['on'];
  return api as Api;
}
