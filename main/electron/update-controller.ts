import type { UpdateStatus } from '../api/contract.js';
import type { Logger } from '../core/log/logger.js';
import type { UpdateSource } from '../core/service/update-handlers.js';
import type { Clock, TimerHandle } from '../core/time/clock.js';
import {
  CHECK_INTERVAL_MS,
  FIRST_CHECK_DELAY_MS,
  initialUpdaterState,
  mayCheck,
  shortReason,
  updateStatus,
} from './update-policy.js';
import type { UpdateAvailability, UpdaterState } from './update-policy.js';

/** The one call the controller makes on electron-updater's AppUpdater. */
export interface UpdateChecker {
  /** Resolves once the check settled; the outcome also arrives as the events below. */
  checkForUpdates(): Promise<unknown>;
}

export interface UpdateControllerOptions {
  availability: UpdateAvailability;
  /** Null when updates are off: nothing is ever checked. */
  checker: UpdateChecker | null;
  currentVersion: string;
  clock: Clock;
  logger: Logger;
  /** Called on every change of what the user sees (Settings, tray, notice). */
  onChange?: (status: UpdateStatus, previous: UpdateStatus) => void;
}

/**
 * The updater's state machine and schedule. setup-updater.ts feeds it electron-updater's events
 * (checking, available, progress, downloaded, not available, error); a failure is one quiet log
 * line and a message in Settings, never an exception out of here.
 */
export class UpdateController implements UpdateSource {
  #state: UpdaterState = initialUpdaterState;
  #timer: TimerHandle | null = null;
  readonly #o: UpdateControllerOptions;

  constructor(options: UpdateControllerOptions) {
    this.#o = options;
  }

  status(): UpdateStatus {
    return updateStatus(this.#o.availability, this.#state, this.#o.currentVersion);
  }

  /** Arms the first check; later checks follow every CHECK_INTERVAL_MS. */
  start(): void {
    if (this.#o.availability.on && this.#o.checker) this.#arm(FIRST_CHECK_DELAY_MS);
  }

  stop(): void {
    if (this.#timer) this.#o.clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  /** Checks now if a check may start; answers the status the check led to. */
  async check(): Promise<UpdateStatus> {
    const checker = this.#o.checker;
    if (!checker || !mayCheck(this.#o.availability, this.#state)) return this.status();
    this.checking();
    try {
      await checker.checkForUpdates();
      // electron-updater answers null without events when it is inactive; never stay "checking".
      if (this.#state.phase === 'checking') this.notAvailable();
    } catch (error) {
      this.failed(error);
    }
    return this.status();
  }

  checking(): void {
    if (this.#state.phase !== 'ready')
      this.#set({ ...this.#state, phase: 'checking', error: null });
  }

  available(version: string): void {
    this.#set({
      ...this.#state,
      phase: 'downloading',
      version,
      percent: 0,
      checkedAt: this.#now(),
    });
  }

  progress(percent: number): void {
    if (this.#state.phase === 'downloading') this.#set({ ...this.#state, percent });
  }

  downloaded(version: string): void {
    this.stop();
    this.#set({ ...this.#state, phase: 'ready', version, percent: 100 });
    this.#o.logger.info(`Updates: Crontray ${version} is downloaded; it installs on quit.`);
  }

  notAvailable(): void {
    if (this.#state.phase === 'ready') return;
    this.#set({ ...this.#state, phase: 'up-to-date', version: null, checkedAt: this.#now() });
  }

  /** electron-updater reports one failure both as an 'error' event and a rejection: keep one. */
  failed(error: unknown): void {
    if (this.#state.phase === 'ready' || this.#state.phase === 'failed') return;
    const reason = shortReason(error);
    this.#o.logger.warn(`Updates: check failed: ${reason}`);
    this.#set({
      ...this.#state,
      phase: 'failed',
      percent: null,
      checkedAt: this.#now(),
      error: reason,
    });
  }

  #now(): number {
    return this.#o.clock.now();
  }

  #arm(ms: number): void {
    this.stop();
    this.#timer = this.#o.clock.setTimer(() => {
      this.#timer = null;
      void this.check().finally(() => {
        if (this.#state.phase !== 'ready') this.#arm(CHECK_INTERVAL_MS);
      });
    }, ms);
  }

  #set(next: UpdaterState): void {
    const previous = this.status();
    this.#state = next;
    const status = this.status();
    if (JSON.stringify(status) === JSON.stringify(previous)) return;
    try {
      this.#o.onChange?.(status, previous);
    } catch (error) {
      this.#o.logger.warn(`Updates: listener failed: ${shortReason(error)}`);
    }
  }
}
