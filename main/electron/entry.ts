import { Notification, app, ipcMain, net, powerMonitor, safeStorage } from 'electron';
import { join } from 'node:path';
import type { Settings } from '../api/contract.js';
import { consoleLogger } from '../core/log/logger.js';
import { fileLogger, teeLogger } from '../core/log/file-logger.js';
import type { CrontrayService } from '../core/service/service.js';
import { createService } from './create-service.js';
import { launchedHidden } from './login-item.js';
import { QuitSequence } from './quit-sequence.js';
import { DesktopSettings } from './desktop-settings.js';
import { forwardEvents, setupIpc } from './setup-ipc.js';
import { setupLoopbackApi } from './setup-loopback-api.js';
import { registerAppScheme, setupProtocol } from './setup-protocol.js';
import { setupSecurity } from './setup-security.js';
import { desktopAlertNotifier } from './alert-notifier.js';
import { setupPower } from './setup-power.js';
import { setupConditions } from './setup-conditions.js';
import { setupTray } from './setup-tray.js';
import { setupVault } from './setup-vault.js';
import { MainWindow } from './setup-window.js';
import { runTrayCommand } from './tray-commands.js';
import { setupUpdater } from './setup-updater.js';
import { testHooksEnabled } from './test-hooks.js';

// The desktop app: Electron Fiddle style, small setup modules called in order once ready.
const logger = consoleLogger('electron');

registerAppScheme();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // A second launch only wakes the first one (see 'second-instance' below).
  app.quit();
} else {
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail(error));
}

function fail(error: unknown): void {
  logger.error(
    `Crontray could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  app.exit(1);
}

async function start(): Promise<void> {
  const root = app.getAppPath();
  const vault = await setupVault(safeStorage, logger);
  const dataDir = app.getPath('userData');
  const logFile = fileLogger({ path: join(dataDir, 'logs', 'crontray.log') });
  const updates = setupUpdater({
    logger: teeLogger(logger, logFile),
    onChange: (status) => service.events.emit('updates:state', status),
  });
  const service = createService({
    updates,
    cipher: vault.cipher,
    dataDir,
    version: app.getVersion(),
    versions: { electron: process.versions.electron, chrome: process.versions.chrome },
    logger: teeLogger(logger, logFile),
    conditions: setupConditions({ powerMonitor, net }),
  });
  let closeLoopbackApi = (): Promise<void> => Promise.resolve();
  const quit = new QuitSequence({
    close: () =>
      closeLoopbackApi()
        .then(() => service.close('quit'))
        .finally(() => logFile.close()),
    exit: (code) => app.exit(code),
    logger,
  });
  app.on('before-quit', (event) => {
    event.preventDefault();
    void quit.request();
  });

  setupSecurity(logger);
  setupProtocol(join(root, 'dist', 'renderer'));
  await service.open();
  closeLoopbackApi = await setupLoopbackApi({
    service,
    dataDir,
    logger: teeLogger(logger, logFile),
  });
  await setupDesktop(service, { root, quit, vaultWarning: vault.warning });
}

/** The window, IPC, tray, desktop alerts and power events, once the service is open. */
async function setupDesktop(
  service: CrontrayService,
  { root, quit, vaultWarning }: { root: string; quit: QuitSequence; vaultWarning: string | null },
): Promise<void> {
  const iconDir = join(root, 'dist', 'main', 'electron', 'icons');
  const window = new MainWindow({
    preloadPath: join(root, 'dist', 'preload', 'preload.cjs'),
    iconPath: join(iconDir, 'app.png'),
    quitting: () => quit.quitting,
    logger,
  });
  app.on('second-instance', () => window.show());
  app.on('activate', () => window.show());

  const settings = new DesktopSettings(app, logger);
  setupIpc(ipcMain, {
    service,
    trustedContents: () => window.contents(),
    onSuccess: (channel, value) => {
      if (channel === 'settings:set') settings.apply(value as Settings);
    },
    logger,
  });
  forwardEvents(service.events, () => window.contents());

  setupTray({
    service,
    iconDir,
    vaultWarning,
    testHooks: testHooksEnabled(process.argv, app.isPackaged),
    onCommand: (command) =>
      void runTrayCommand(command, {
        service,
        openWindow: () => window.show(),
        quit: () => app.quit(),
        logger,
      }),
    logger,
  });
  // Failed runs reach the desktop as alerts now (one per incident, not one per failed run).
  service.setDesktopNotifier(
    desktopAlertNotifier(Notification, settings, (hash) => {
      window.show();
      void window
        .contents()
        ?.executeJavaScript(`window.location.hash = ${JSON.stringify(hash)}`)
        .catch(() => undefined);
    }),
  );
  setupPower(powerMonitor, service, logger);

  const saved = await service.call('settings:get', undefined);
  if (saved.ok) settings.apply(saved.value as Settings);

  window.create(!launchedHidden(process.argv));
}
