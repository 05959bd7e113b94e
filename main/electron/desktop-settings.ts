import type { Settings as LoginItemSettings } from 'electron';
import type { Settings } from '../api/contract.js';
import type { Logger } from '../core/log/logger.js';
import { loginItemSettings } from './login-item.js';

/** The part of Electron's app that owns the login item; tests pass a small object with these. */
export interface LoginItemHost {
  readonly isPackaged: boolean;
  setLoginItemSettings(settings: LoginItemSettings): void;
}

/** The desktop side of the user's settings: login item and notifications. */
export class DesktopSettings {
  #notifications = true;
  readonly #host: LoginItemHost;
  readonly #logger: Logger;

  constructor(host: LoginItemHost, logger: Logger) {
    this.#host = host;
    this.#logger = logger;
  }

  /** Whether failed runs raise a desktop notification. */
  get notifications(): boolean {
    return this.#notifications;
  }

  /** Applies settings read from or just saved through the service. */
  apply(settings: Pick<Settings, 'startAtLogin' | 'notifications'>): void {
    this.#notifications = settings.notifications;
    // Unpackaged (development) runs would register the bare Electron binary as a login item.
    if (!this.#host.isPackaged) return;
    try {
      this.#host.setLoginItemSettings(loginItemSettings(settings.startAtLogin));
    } catch (error) {
      this.#logger.warn(
        `Login item: could not update: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
