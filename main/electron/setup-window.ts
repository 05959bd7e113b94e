import { BrowserWindow } from 'electron';
import type { WebContents } from 'electron';
import type { Logger } from '../core/log/logger.js';
import { APP_URL } from './app-origin.js';
import { mainWindowOptions } from './window-options.js';

export interface MainWindowOptions {
  preloadPath: string;
  iconPath?: string;
  /** True once the app is quitting: closing then really closes. */
  quitting(): boolean;
  logger: Logger;
}

/** The one window: created on demand, hidden (not closed) by its close button. */
export class MainWindow {
  #window: BrowserWindow | null = null;
  readonly #options: MainWindowOptions;

  constructor(options: MainWindowOptions) {
    this.#options = options;
  }

  /** The page allowed to call IPC; null while there is no window. */
  contents(): WebContents | null {
    return this.#window && !this.#window.isDestroyed() ? this.#window.webContents : null;
  }

  /** Creates the window if needed and loads the app; `visible` false keeps it in the tray. */
  create(visible: boolean): void {
    if (this.#window && !this.#window.isDestroyed()) return;
    const { preloadPath, iconPath } = this.#options;
    const window = new BrowserWindow(
      mainWindowOptions(iconPath ? { preloadPath, iconPath } : { preloadPath }),
    );
    this.#window = window;
    window.on('close', (event) => {
      if (!this.#options.quitting()) {
        event.preventDefault();
        window.hide();
      }
    });
    window.on('closed', () => {
      if (this.#window === window) this.#window = null;
    });
    if (visible) window.once('ready-to-show', () => window.show());
    window.loadURL(APP_URL).catch((error: unknown) => {
      this.#options.logger.error(
        `Window: could not load ${APP_URL}: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  /** Brings the window forward: from the tray, a second launch, or the dock. */
  show(): void {
    if (!this.#window || this.#window.isDestroyed()) this.create(false);
    const window = this.#window;
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  }
}
