import type { Envelope } from '../main/api/channel.js';
import { EVENT_CHANNEL, channelNames, eventNames } from '../main/api/names.js';
import type { Bridge, EventMap, EventName } from '../main/api/contract.js';

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
 * channel and `on` for contract events, nothing else. Every call resolves with an envelope:
 * Electron would strip an Error's code and field on the way to the page, so the renderer
 * rebuilds ApiError from the envelope instead.
 */
export function createBridge(transport: BridgeTransport): Bridge {
  const bridge: Record<string, unknown> = {};
  for (const channel of channelNames) {
    bridge[channel] = async (request?: unknown): Promise<Envelope<unknown>> => {
      let answer: unknown;
      try {
        answer = await transport.invoke(channel, request);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          error: { code: 'unavailable', message: `Preload: '${channel}' failed: ${reason}` },
        };
      }
      if (!isEnvelope(answer)) {
        return {
          ok: false,
          error: {
            code: 'internal',
            message: `Preload: '${channel}' answered without an envelope`,
          },
        };
      }
      return answer;
    };
  }
  bridge.on = <E extends EventName>(
    event: E,
    listener: (payload: EventMap[E]) => void,
  ): (() => void) => {
    if (!knownEvents.has(event)) {
      throw new Error(
        `Preload: '${String(event)}' is not a contract event; use one of ${eventNames.join(', ')}`,
      );
    }
    return transport.listen((name, payload) => {
      if (name === event) listener(payload as EventMap[E]);
    });
  };
  return bridge as Bridge;
}

export { EVENT_CHANNEL };
