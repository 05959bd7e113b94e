import { Notification, app, powerMonitor, safeStorage } from 'electron';
import type { Settings } from '../api/contract.js';
import type { Logger } from '../core/log/logger.js';
import type { Cipher } from '../core/store/cipher.js';
import type { CrontrayService } from '../core/service/service.js';
import { failureNotice } from './failure-notice.js';
import { loginItemSettings } from './login-item.js';
import { handlePowerEvent } from './power-events.js';
import { SafeStorageCipher } from './safe-storage-cipher.js';
import { vaultWarning } from './vault-warning.js';

/**
 * The vault's cipher: safeStorage when the OS can encrypt; otherwise none, so the service falls
 * back to its AES-GCM key file, and the warning says so in the tray.
 */
export async function openVaultCipher(
  logger: Logger,
): Promise<{ cipher: Cipher | undefined; warning: string | null }> {
  try {
    const cipher = await SafeStorageCipher.open(safeStorage);
    return { cipher, warning: cipher.warning ?? null };
  } catch (error) {
    logger.warn(error instanceof Error ? error.message : String(error));
    return { cipher: undefined, warning: vaultWarning({ available: false, linuxBackend: null }) };
  }
}

/** The desktop side of the user's settings: login item and notifications. */
export class DesktopSettings {
  #notifications = true;
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  get notifications(): boolean {
    return this.#notifications;
  }

  /** Applies settings read from or just saved through the service. */
  apply(settings: Pick<Settings, 'startAtLogin' | 'notifications'>): void {
    this.#notifications = settings.notifications;
    // Unpackaged (development) runs would register the bare Electron binary as a login item.
    if (!app.isPackaged) return;
    try {
      app.setLoginItemSettings(loginItemSettings(settings.startAtLogin));
    } catch (error) {
      this.#logger.warn(
        `Login item: could not update: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** Native notifications for failed runs, while the user has them on. */
export function setupNotifications(
  service: CrontrayService,
  settings: DesktopSettings,
): () => void {
  return service.events.subscribe((event, payload) => {
    const notice = failureNotice(event, payload, settings.notifications);
    if (notice && Notification.isSupported())
      new Notification({ title: notice.title, body: notice.body }).show();
  });
}

/** Sleep and wake: the service re-arms its timer and applies catch-up on resume. */
export function setupPower(service: object, logger: Logger): void {
  powerMonitor.on('suspend', () => void handlePowerEvent(service, 'suspend', logger));
  powerMonitor.on('resume', () => void handlePowerEvent(service, 'resume', logger));
}
