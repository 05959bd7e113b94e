import { ApiError } from '../main/api/channel.js';
import type { Envelope } from '../main/api/channel.js';
import { EVENT_CHANNEL, channelNames, eventNames } from '../main/api/names.js';
import type { Api, EventMap, EventName } from '../main/api/contract.js';

/** The two ipcRenderer calls the bridge needs; the preload passes Electron's own. */
export interface BridgeTransport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Subscribes to main's event channel; returns the unsubscribe. */
  listen(listener: (event: unknown, payload: unknown) => void): () => void;
}

const knownEvents: ReadonlySet<string> = new Set(eventNames);

function isEnvelope(value: unknown): value is Envelope<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { ok?: unknown }).ok === 'boolean'
  );
}

/**
 * Builds the object the preload exposes as `window.crontray`: one function per contract
 * channel and `on` for contract events, nothing else. Errors come back as envelopes (Electron
 * would strip an Error's fields on the way) and are rebuilt here as ApiError.
 */
export function createBridge(transport: BridgeTransport): Api {
  const api: Record<string, unknown> = {};
  for (const channel of channelNames) {
    api[channel] = async (request?: unknown): Promise<unknown> => {
      const envelope = await transport.invoke(channel, request);
      if (!isEnvelope(envelope)) {
        throw new ApiError({
          code: 'internal',
          message: `Preload: '${channel}' answered without an envelope`,
        });
      }
      if (!envelope.ok) throw new ApiError(envelope.error);
      return envelope.value;
    };
  }
  api.on = <E extends EventName>(
    event: E,
    listener: (payload: EventMap[E]) => void,
  ): (() => void) => {
    if (!knownEvents.has(event)) {
      throw new ApiError({
        code: 'invalid',
        message: `Preload: '${String(event)}' is not a contract event; use one of ${eventNames.join(', ')}`,
      });
    }
    return transport.listen((name, payload) => {
      if (name === event) listener(payload as EventMap[E]);
    });
  };
  return api as Api;
}

export { EVENT_CHANNEL };
