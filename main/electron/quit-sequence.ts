import type { Logger } from '../core/log/logger.js';

export interface QuitSequenceOptions {
  /** Stops the scheduler, closes the session, kills process trees, flushes stores. */
  close(): Promise<void>;
  /** Ends the process once close has settled (app.exit in Electron). */
  exit(code: number): void;
  logger: Logger;
}

/**
 * Graceful quit, once: the first quit request holds the app open while the service closes,
 * later requests wait for the same close, and the process exits when it has settled.
 */
export class QuitSequence {
  #closing: Promise<void> | null = null;
  readonly #options: QuitSequenceOptions;

  constructor(options: QuitSequenceOptions) {
    this.#options = options;
  }

  /** True once quitting has begun: closing the window must then really close it. */
  get quitting(): boolean {
    return this.#closing !== null;
  }

  /** Call from before-quit / will-quit; returns the close in progress. The caller must preventDefault. */
  request(): Promise<void> {
    this.#closing ??= this.#options.close().then(
      () => this.#options.exit(0),
      (error: unknown) => {
        this.#options.logger.error(
          `QuitSequence: closing failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        this.#options.exit(1);
      },
    );
    return this.#closing;
  }
}
