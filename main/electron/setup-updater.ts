import { Notification, app } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import electronUpdater from 'electron-updater';
import type { UpdateStatus } from '../api/contract.js';
import type { Logger } from '../core/log/logger.js';
import { systemClock } from '../core/time/clock.js';
import { UpdateController } from './update-controller.js';
import { readyNotice, updateAvailability } from './update-policy.js';

export interface UpdaterOptions {
  logger: Logger;
  /** Every status change, for the window (an event) and the tray. */
  onChange(status: UpdateStatus): void;
}

/**
 * electron-updater with the GitHub releases feed electron-builder writes into
 * resources/app-update.yml. Downloads on its own, installs when the app quits (Crontray's quit
 * ends in app.exit(0), which still emits 'quit', where electron-updater installs). Off in
 * development, portable and tar.gz copies and when no feed was written.
 */
export function setupUpdater(options: UpdaterOptions): UpdateController {
  const { logger } = options;
  const availability = updateAvailability({
    isPackaged: app.isPackaged,
    platform: process.platform,
    portableDir: process.env.PORTABLE_EXECUTABLE_DIR,
    appImage: process.env.APPIMAGE,
    linuxPackageType: readResource('package-type'),
    feedConfigured: existsSync(join(process.resourcesPath, 'app-update.yml')),
  });
  if (!availability.on) logger.info(`Updates: ${availability.reason}`);
  // The updater object is built on first access, for this platform's installer: only when on.
  const updater = availability.on ? electronUpdater.autoUpdater : null;
  const controller = new UpdateController({
    availability,
    checker: updater,
    currentVersion: app.getVersion(),
    clock: systemClock,
    logger,
    onChange: (status, previous) => {
      options.onChange(status);
      const notice = readyNotice(previous, status);
      if (notice && Notification.isSupported()) new Notification(notice).show();
    },
  });
  if (!updater) return controller;

  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  // Its own logging prints whole HTTP responses and stacks; the controller logs one line.
  updater.logger = {
    info: (message?: unknown) => logger.debug(`Updates: ${String(message)}`),
    warn: (message?: unknown) => logger.debug(`Updates: ${String(message)}`),
    error: (message?: unknown) => logger.debug(`Updates: ${String(message)}`),
  };
  updater.on('checking-for-update', () => controller.checking());
  updater.on('update-available', (info) => controller.available(info.version));
  updater.on('download-progress', (progress) => controller.progress(progress.percent));
  updater.on('update-downloaded', (event) => controller.downloaded(event.version));
  updater.on('update-not-available', () => controller.notAvailable());
  updater.on('error', (error) => controller.failed(error));
  controller.start();
  return controller;
}

function readResource(name: string): string | null {
  try {
    return readFileSync(join(process.resourcesPath, name), 'utf8').trim() || null;
  } catch {
    return null;
  }
}
