import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../main/api/channel.js';
import { channelNames } from '../../main/api/names.js';
import type { Api, Bridge, EventMap } from '../../main/api/contract.js';
import type { CrontrayService } from '../../main/core/service/service.js';
import { createService } from '../../main/electron/create-service.js';
import { createIpcHandlers, forwardEvents } from '../../main/electron/setup-ipc.js';
import type { IpcHandlerMap } from '../../main/electron/setup-ipc.js';
import { createBridge } from '../../preload/bridge.js';
import { apiFromBridge } from '../../renderer/src/api/bridge-client.js';

let dataDir: string;
let service: CrontrayService;
let api: Api;
let bridge: Bridge;
let eventListeners: Set<(name: unknown, payload: unknown) => void>;

// Wires the preload's bridge to main's real handlers the way Electron's IPC would: invoke goes
// to the handler map with our window as sender, events come back through forwardEvents.
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'crontray-bridge-'));
  service = createService({ dataDir, version: '0.9.0', testMode: true });
  await service.open();
  const window = {};
  const handlers: IpcHandlerMap = createIpcHandlers({ service, trustedContents: () => window });
  eventListeners = new Set();
  forwardEvents(service.events, () => ({
    isDestroyed: () => false,
    send: (_channel, name, payload) =>
      eventListeners.forEach((listener) => listener(name, payload)),
  }));
  bridge = createBridge({
    invoke: (channel, payload) =>
      handlers[channel as keyof IpcHandlerMap](
        { sender: window, senderFrame: { url: 'app://crontray/index.html', parent: null } },
        structuredClone(payload),
      ),
    listen(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
  });
  // What the page does with window.crontray; structuredClone stands in for contextBridge.
  api = apiFromBridge(bridge);
});

afterEach(async () => {
  await service.close('test');
  await rm(dataDir, { recursive: true, force: true });
});

describe('the preload bridge', () => {
  it('exposes exactly one function per contract channel plus on, nothing else', () => {
    expect(Object.keys(bridge).sort()).toEqual([...channelNames, 'on'].sort());
    for (const key of Object.keys(bridge))
      expect(typeof (bridge as unknown as Record<string, unknown>)[key]).toBe('function');
    expect(Object.keys(bridge)).not.toContain('invoke');
    expect(Object.keys(bridge)).not.toContain('send');
  });

  it('resolves with the value of a successful call', async () => {
    const info = await api['app:info']();
    expect(info).toMatchObject({ name: 'Crontray', version: '0.9.0', host: 'electron' });
    const started = await api['scheduler:start']();
    expect(started.running).toBe(true);
  });

  it('rebuilds an error envelope as an ApiError naming the field', async () => {
    const failure = await api['tasks:get']({ id: '' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: 'invalid', field: 'id' });
  });

  it('turns an answer without an envelope into an ApiError instead of returning it', async () => {
    const broken = createBridge({ invoke: async () => 'surprise', listen: () => () => undefined });
    expect(await broken['app:info']()).toMatchObject({ ok: false, error: { code: 'internal' } });
    await expect(apiFromBridge(broken)['app:info']()).rejects.toMatchObject({
      name: 'ApiError',
      code: 'internal',
    });
  });

  it('delivers only the subscribed contract event, until unsubscribed', async () => {
    const states: EventMap['scheduler:state'][] = [];
    const off = api.on('scheduler:state', (status) => states.push(status));
    await api['scheduler:start']();
    expect(states.map((s) => s.running)).toEqual([true]);
    off();
    await api['scheduler:stop']();
    expect(states).toHaveLength(1);
    expect(eventListeners.size).toBe(0);
  });

  it('refuses to subscribe to a name that is not a contract event', () => {
    const subscribe = (event: string) => api.on(event as 'notice', () => undefined);
    expect(() => subscribe('crontray:event')).toThrow(/not a contract event/);
  });
});
