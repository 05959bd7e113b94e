import { channels } from '../api/contract.js';
import type { Channel, EventMap, EventName, ResponseOf } from '../api/contract.js';
import type { Envelope } from '../api/channel.js';
import { EVENT_CHANNEL } from '../api/names.js';
import type { Logger } from '../core/log/logger.js';
import { silentLogger } from '../core/log/logger.js';
import { isAppUrl } from './app-origin.js';

/** The part of an ipcMain invoke event the sender check reads (Electron's event has more). */
export interface InvokeEventLike {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}

/** What the IPC layer needs from the service. */
export interface ServiceCaller {
  call(channel: string, payload: unknown): Promise<Envelope<unknown>>;
}

/** The subset of ipcMain used here, so tests can hand in a recorder. */
export interface IpcRegistrar {
  handle(
    channel: string,
    listener: (event: InvokeEventLike, payload: unknown) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

/** The window whose page may call the contract; null while none exists. */
export type TrustedContents = () => unknown;

export type IpcHandler<C extends Channel> = (
  event: InvokeEventLike,
  payload: unknown,
) => Promise<Envelope<ResponseOf<C>>>;
/** One wrapped handler per contract channel; a type test keeps its keys equal to the contract's. */
export type IpcHandlerMap = { [C in Channel]: IpcHandler<C> };

export interface IpcOptions {
  service: ServiceCaller;
  /** Returns the webContents of the app's own window (or null). */
  trustedContents: TrustedContents;
  /** Called after each successful call, e.g. to apply settings:set to the OS. Default none. */
  onSuccess?: (channel: Channel, value: unknown) => void;
  /** Default silent. */
  logger?: Logger;
}

/**
 * Only the top frame of our own window, showing our own app:// origin, may call: not a
 * subframe, not another window, not a page that navigated elsewhere.
 */
export function isTrustedSender(event: InvokeEventLike, trusted: unknown): boolean {
  const frame = event.senderFrame;
  if (trusted === null || trusted === undefined || frame === null) return false;
  if (event.sender !== trusted) return false;
  if (frame.parent !== null && frame.parent !== undefined) return false;
  return isAppUrl(frame.url);
}

/** The one wrapper every channel goes through: check the sender, then let the service validate. */
export function createIpcHandlers(options: IpcOptions): IpcHandlerMap {
  const logger = options.logger ?? silentLogger;
  const wrap = <C extends Channel>(channel: C): IpcHandler<C> => {
    return async (event, payload) => {
      if (!isTrustedSender(event, options.trustedContents())) {
        logger.warn(
          `IPC: refused '${channel}' from ${event.senderFrame?.url ?? 'an unknown frame'}`,
        );
        return {
          ok: false,
          error: {
            code: 'forbidden',
            message: `IPC: '${channel}' may only be called by Crontray's own window`,
          },
        };
      }
      // The service validated the payload against the channel's schema, so the value has its type.
      const envelope = (await options.service.call(channel, payload)) as Envelope<ResponseOf<C>>;
      if (envelope.ok && options.onSuccess) {
        try {
          options.onSuccess(channel, envelope.value);
        } catch (error) {
          logger.warn(
            `IPC: after '${channel}': ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      return envelope;
    };
  };
  return Object.fromEntries(channels.map((channel) => [channel, wrap(channel)])) as IpcHandlerMap;
}

/** Registers every contract channel on ipcMain; returns a function that removes them all. */
export function setupIpc(ipcMain: IpcRegistrar, options: IpcOptions): () => void {
  const handlers = createIpcHandlers(options);
  for (const channel of channels) ipcMain.handle(channel, handlers[channel]);
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** Where events go: a webContents, while it lives. */
export interface EventTarget {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

/** Pushes every service event to the window on EVENT_CHANNEL as (name, payload). */
export function forwardEvents(
  events: {
    subscribe(listener: <E extends EventName>(event: E, payload: EventMap[E]) => void): () => void;
  },
  target: () => EventTarget | null,
): () => void {
  return events.subscribe((event, payload) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, event, payload);
  });
}
