import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, createBridge } from './bridge.js';

// One listener per `on` call, removed by the returned function, so a closed view leaks nothing.
const api = createBridge({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload) as Promise<unknown>,
  listen(listener) {
    const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown) =>
      listener(name, payload);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
});

contextBridge.exposeInMainWorld('crontray', api);
