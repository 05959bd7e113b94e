import { ApiError } from '../../../main/api/channel.js';
import type { Envelope } from '../../../main/api/channel.js';
import { channelNames, eventNames } from '../../../main/api/names.js';
import type { Api, EventMap, EventName } from '../../../main/api/contract.js';

type Listener = (payload: unknown) => void;

/**
 * The contract over HTTP, for a browser talking to headless mode. The token comes from the
 * URL fragment (never sent to the server in the URL) and travels as a bearer header.
 */
export function createHttpApi(baseUrl: string, token: string): Api {
  const listeners = new Map<string, Set<Listener>>();
  let stream: AbortController | null = null;

  async function call(channel: string, request: unknown): Promise<unknown> {
    const response = await fetch(`${baseUrl}/api/${channel}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: request === undefined ? '' : JSON.stringify(request),
    });
    let envelope: Envelope<unknown>;
    try {
      envelope = (await response.json()) as Envelope<unknown>;
    } catch {
      throw new ApiError({
        code: 'internal',
        message: `Crontray: the server answered ${response.status} without a body`,
      });
    }
    if (!envelope.ok) throw new ApiError(envelope.error);
    return envelope.value;
  }

  // SSE over fetch rather than EventSource, so the token goes in a header and not in the URL.
  async function listen(controller: AbortController): Promise<void> {
    for (let delay = 500; !controller.signal.aborted; delay = Math.min(delay * 2, 10_000)) {
      try {
        const response = await fetch(`${baseUrl}/api/events`, {
          headers: { Authorization: `Bearer ${token}` },
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
        delay = 500;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (event && data !== undefined) {
              for (const l of listeners.get(event) ?? []) l(JSON.parse(data) as unknown);
            }
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  const api: Record<string, unknown> = {};
  for (const name of channelNames) api[name] = (request?: unknown) => call(name, request);
  api.on = (event: EventName, listener: Listener) => {
    if (!eventNames.includes(event)) throw new Error(`Crontray: unknown event '${event}'`);
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    if (!stream) {
      stream = new AbortController();
      void listen(stream);
    }
    return () => {
      set.delete(listener);
    };
  };
  return api as Api;
}

export type { EventMap };
