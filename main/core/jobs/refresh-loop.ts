import { relative, sep } from 'node:path';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import type { ScanChanges, ScanRequest } from './folder-scanner.js';
import type { WatchStrategy } from './folder-watcher.js';
import { FolderWatcher } from './folder-watcher.js';

export interface RefreshLoopOptions {
  statusDir: string;
  mode: 'polling' | 'watch';
  pollIntervalMs: number;
  fullScanEvery: number;
  debounceMs: number;
  strategy: WatchStrategy;
  clock: Clock;
  logger: Logger;
  /** One scan of the folder (FolderScanner.scan). */
  scan: (request: ScanRequest) => Promise<ScanChanges>;
  /** Takes a scan's changes into memory. */
  apply: (changes: ScanChanges) => void;
}

interface Pending {
  /** A scan was asked for (not only exclusive work). */
  scan: boolean;
  full: boolean;
  dirty: Set<string>;
  /** Work that needs the scanner to itself (saving the index file), run after the scan. */
  jobs: (() => Promise<void>)[];
}

/**
 * Keeps JobCache current: a poll timer, in watch mode a folder watcher with a short debounce,
 * and one queue so scans never overlap (requests made during a scan merge into one follow-up).
 */
export class RefreshLoop {
  readonly #o: RefreshLoopOptions;
  #watcher: FolderWatcher | undefined;
  #activeMode: 'polling' | 'watch' | 'stopped' = 'stopped';
  #pollTimer: TimerHandle | undefined;
  #debounceTimer: TimerHandle | undefined;
  #running: Promise<void> | undefined;
  #pending: Pending | undefined;
  #polls = 0;
  #lastFolders: string[] = [];

  constructor(options: RefreshLoopOptions) {
    this.#o = options;
  }

  get activeMode(): 'polling' | 'watch' | 'stopped' {
    return this.#activeMode;
  }

  /** Marks the loop started (scans may run) without arming timers yet. */
  begin(): void {
    this.#activeMode = this.#o.mode;
  }

  /** A method rather than a comparison, so narrowing does not survive the awaits that can change it. */
  stopped(): boolean {
    return this.#activeMode === 'stopped';
  }

  /** Starts the watcher (watch mode) and the poll timer. */
  startBackground(): void {
    if (this.stopped()) return;
    if (this.#o.mode === 'watch') this.#startWatching();
    this.#armPoll();
  }

  /** Ends background refresh and waits for the scan (or queued work) in progress. */
  async stop(): Promise<void> {
    this.#activeMode = 'stopped';
    if (this.#pollTimer !== undefined) this.#o.clock.clearTimer(this.#pollTimer);
    if (this.#debounceTimer !== undefined) this.#o.clock.clearTimer(this.#debounceTimer);
    this.#pollTimer = this.#debounceTimer = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.whenIdle();
  }

  async whenIdle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Runs scans one at a time; requests made during a scan are merged into one follow-up scan. */
  async scanNow(request: { full: boolean }): Promise<void> {
    const pending = this.#pendingWork();
    pending.scan = true;
    pending.full ||= request.full;
    await this.#drain();
  }

  /** Runs `job` between scans, with no scan running, and settles as it does. */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pendingWork().jobs.push(() => job().then(resolve, reject));
      // A failed scan is reported to whoever asked for it; the job still runs after it.
      this.#drain().catch(() => undefined);
    });
  }

  #pendingWork(): Pending {
    return (this.#pending ??= { scan: false, full: false, dirty: new Set(), jobs: [] });
  }

  async #drain(): Promise<void> {
    if (this.#running) {
      await this.#running;
      if (this.#pending) return this.#drain();
      return;
    }
    const run = async () => {
      let failure: { error: unknown } | undefined;
      while (this.#pending) {
        const next = this.#pending;
        this.#pending = undefined;
        if (next.scan) {
          try {
            await this.#scanOnce({ full: next.full, dirtyTasks: next.dirty });
          } catch (error) {
            failure = { error };
          }
        }
        // Each job settles its own caller's promise: nothing of it reaches this loop.
        for (const job of next.jobs) await job();
      }
      if (failure) throw failure.error;
    };
    this.#running = run().finally(() => {
      this.#running = undefined;
    });
    await this.#running;
  }

  async #scanOnce(request: ScanRequest): Promise<void> {
    const changes = await this.#o.scan(request);
    this.#lastFolders = changes.folders;
    if (this.#watcher) {
      try {
        const added = this.#watcher.sync(changes.folders);
        // A folder made and written to before its watch began would wait for the safety poll.
        if (added.length > 0 && !this.stopped()) {
          const pending = this.#pendingWork();
          pending.scan = true;
          for (const folder of added)
            pending.dirty.add(relative(this.#o.statusDir, folder).split(sep).join('/'));
        }
      } catch (error) {
        this.#fallBackToPolling(error as Error);
      }
    }
    this.#o.apply(changes);
  }

  #armPoll(): void {
    if (this.stopped()) return;
    this.#pollTimer = this.#o.clock.setTimer(() => {
      this.#pollTimer = undefined;
      this.#polls++;
      this.scanNow({ full: this.#polls % this.#o.fullScanEvery === 0 })
        .catch((error: unknown) =>
          this.#o.logger.error('JobCache: scan failed; will try again next poll', error),
        )
        .finally(() => this.#armPoll());
    }, this.#o.pollIntervalMs);
  }

  #startWatching(): void {
    const watcher = new FolderWatcher({
      root: this.#o.statusDir,
      strategy: this.#o.strategy,
      onEvent: (path) => this.#onWatchEvent(path),
      onError: (error) => this.#fallBackToPolling(error),
    });
    try {
      watcher.start(this.#lastFolders);
      this.#watcher = watcher;
    } catch (error) {
      watcher.close();
      this.#fallBackToPolling(error as Error);
    }
  }

  #fallBackToPolling(error: Error): void {
    this.#o.logger.warn(
      `JobCache: cannot watch ${this.#o.statusDir} (${error.message}); polling every ${this.#o.pollIntervalMs} ms instead`,
    );
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#activeMode === 'watch') this.#activeMode = 'polling';
  }

  #onWatchEvent(relativePath: string): void {
    const pending = this.#pendingWork();
    pending.scan = true;
    const parts = relativePath.split(sep);
    if (relativePath === '') pending.full = true;
    else if (parts.length >= 3) pending.dirty.add(parts.slice(0, 3).join('/'));
    if (this.#debounceTimer !== undefined || this.stopped()) return;
    this.#debounceTimer = this.#o.clock.setTimer(() => {
      this.#debounceTimer = undefined;
      this.scanNow({ full: false }).catch((error: unknown) =>
        this.#o.logger.error('JobCache: scan after a file event failed', error),
      );
    }, this.#o.debounceMs);
  }
}
