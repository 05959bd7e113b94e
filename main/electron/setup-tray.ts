import { Menu, Tray, nativeImage } from 'electron';
import type { Logger } from '../core/log/logger.js';
import type { CrontrayService } from '../core/service/service.js';
import { refreshDelay } from '../api/relative-refresh.js';
import { trayIconPath } from './tray-icons.js';
import { buildTrayMenu, toMenuTemplate, trayIconState, trayTooltip } from './tray-menu.js';
import type { TrayCommand, TrayMenuItem, TrayState } from './tray-menu.js';
import { exposeTrayMenu } from './test-hooks.js';
import { readTrayState } from './tray-state.js';

export interface TrayOptions {
  service: CrontrayService;
  iconDir: string;
  vaultWarning: string | null;
  onCommand(command: TrayCommand): void;
  logger: Logger;
  /** Lets the desktop launch test read the menu model (see test-hooks.ts). Default false. */
  testHooks?: boolean;
}

/** The tray icon and its menu, rebuilt from the service on every event. Returns a disposer. */
export function setupTray(options: TrayOptions): () => void {
  const { service, logger } = options;
  const tray = new Tray(image(options.iconDir, 'stopped'));
  let state: TrayState = {
    status: null,
    tasks: [],
    vaultWarning: options.vaultWarning,
    now: Date.now(),
  };
  let menu: TrayMenuItem[] = [];
  exposeTrayMenu(globalThis, options.testHooks ?? false, () => menu);
  let refreshing = false;
  let again = false;

  // Windows users expect a left click to open the app; elsewhere a click shows the menu.
  if (process.platform === 'win32') tray.on('click', () => options.onCommand({ kind: 'open' }));

  // The tooltip says "in 12 s" or "in 3 min", so it is redrawn even when nothing happens: every
  // second while the next run is under a minute away.
  let timer: ReturnType<typeof setTimeout> | null = null;
  const render = () => {
    const current = { ...state, now: Date.now() };
    if (timer) clearTimeout(timer);
    timer = setTimeout(render, refreshDelay([current.status?.nextRun?.at ?? null], current.now));
    menu = buildTrayMenu(current);
    tray.setImage(image(options.iconDir, trayIconState(current.status, current.incidents)));
    tray.setToolTip(trayTooltip(current));
    tray.setContextMenu(
      Menu.buildFromTemplate(toMenuTemplate(menu, (command) => options.onCommand(command))),
    );
  };

  const refresh = async () => {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      do {
        again = false;
        state = await readTrayState(service, state);
        render();
      } while (again);
    } catch (error) {
      logger.warn(
        `Tray: refresh failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      refreshing = false;
    }
  };

  render();
  void refresh();
  const unsubscribe = service.events.subscribe(() => void refresh());
  return () => {
    if (timer) clearTimeout(timer);
    unsubscribe();
    tray.destroy();
  };
}

function image(iconDir: string, state: Parameters<typeof trayIconPath>[1]) {
  const icon = nativeImage.createFromPath(trayIconPath(iconDir, state, process.platform));
  if (process.platform === 'darwin') icon.setTemplateImage(true);
  return icon;
}
