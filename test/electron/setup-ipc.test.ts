import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channelNames, EVENT_CHANNEL } from '../../main/api/names.js';
import type { Envelope } from '../../main/api/channel.js';
import type { CrontrayService } from '../../main/core/service/service.js';
import { createService } from '../../main/electron/create-service.js';
import { forwardEvents, setupIpc } from '../../main/electron/setup-ipc.js';
import type { InvokeEventLike, IpcRegistrar } from '../../main/electron/setup-ipc.js';

type Listener = (event: InvokeEventLike, payload: unknown) => Promise<unknown>;

/** Stands in for Electron's ipcMain: the one part of the runtime these tests cannot load. */
class IpcMainRecorder implements IpcRegistrar {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: InvokeEventLike, payload?: unknown): Promise<Envelope<unknown>> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(event, payload) as Promise<Envelope<unknown>>;
  }
}

const ourContents = { id: 1 };
const fromApp = (overrides: Partial<InvokeEventLike> = {}): InvokeEventLike => ({
  sender: ourContents,
  senderFrame: { url: 'app://crontray/index.html', parent: null },
  ...overrides,
});

let dataDir: string;
let service: CrontrayService;
let ipc: IpcMainRecorder;
let unregister: () => void;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'crontray-ipc-'));
  service = createService({ dataDir, version: '1.2.3', testMode: true });
  await service.open();
  ipc = new IpcMainRecorder();
  unregister = setupIpc(ipc, { service, trustedContents: () => ourContents });
});

afterEach(async () => {
  await service.close('test');
  await rm(dataDir, { recursive: true, force: true });
});

describe('the IPC wiring', () => {
  it('registers exactly one handler per contract channel', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual([...channelNames].sort());
  });

  it('removes every handler when unregistered', () => {
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it("answers the app's own window with the service's envelope", async () => {
    const envelope = await ipc.invoke('app:info', fromApp());
    expect(envelope).toMatchObject({
      ok: true,
      value: { name: 'Crontray', version: '1.2.3', host: 'electron' },
    });
  });

  it('passes bad input to the service, which names the field', async () => {
    const envelope = await ipc.invoke('tasks:get', fromApp(), { id: 42 });
    expect(envelope.ok).toBe(false);
    if (!envelope.ok) {
      expect(envelope.error.code).toBe('invalid');
      expect(envelope.error.field).toBe('id');
    }
  });

  it.each<[string, InvokeEventLike]>([
    ['another window', fromApp({ sender: { id: 2 } })],
    [
      'a subframe of our window',
      fromApp({ senderFrame: { url: 'app://crontray/index.html', parent: {} } }),
    ],
    [
      'our window after navigating to a web page',
      fromApp({ senderFrame: { url: 'https://evil.example/', parent: null } }),
    ],
    ['a file:// page', fromApp({ senderFrame: { url: 'file:///tmp/index.html', parent: null } })],
    ['a destroyed frame', fromApp({ senderFrame: null })],
  ])('refuses %s without calling the service', async (_what, event) => {
    const envelope = await ipc.invoke('scheduler:start', event);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const status = await ipc.invoke('scheduler:status', fromApp());
    expect(status).toMatchObject({ ok: true, value: { running: false } });
  });

  it('refuses every caller while there is no window', async () => {
    const lonely = new IpcMainRecorder();
    setupIpc(lonely, { service, trustedContents: () => null });
    expect(await lonely.invoke('app:info', fromApp())).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('reports successful calls to onSuccess, e.g. to apply saved settings', async () => {
    const seen: string[] = [];
    const watched = new IpcMainRecorder();
    setupIpc(watched, {
      service,
      trustedContents: () => ourContents,
      onSuccess: (channel) => seen.push(channel),
    });
    await watched.invoke('app:info', fromApp());
    await watched.invoke('tasks:get', fromApp(), { id: 42 });
    expect(seen).toEqual(['app:info']);
  });
});

describe('event forwarding', () => {
  it("pushes service events to the window's webContents on the event channel", async () => {
    const sent: unknown[][] = [];
    const target = { send: (...args: unknown[]) => sent.push(args), isDestroyed: () => false };
    const stop = forwardEvents(service.events, () => target);
    await ipc.invoke('scheduler:start', fromApp());
    stop();
    await ipc.invoke('scheduler:stop', fromApp());
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.every((args) => args[0] === EVENT_CHANNEL)).toBe(true);
    expect(
      sent.some(
        (args) => args[1] === 'scheduler:state' && (args[2] as { running: boolean }).running,
      ),
    ).toBe(true);
    expect(
      sent.some(
        (args) => args[1] === 'scheduler:state' && !(args[2] as { running: boolean }).running,
      ),
    ).toBe(false);
  });

  it('sends nothing to a destroyed window', async () => {
    let sends = 0;
    const target = { send: () => void sends++, isDestroyed: () => true };
    forwardEvents(service.events, () => target);
    expect(await ipc.invoke('scheduler:start', fromApp())).toMatchObject({ ok: true });
    expect(sends).toBe(0);
  });
});
