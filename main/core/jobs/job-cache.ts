import { mkdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { Clock, TimerHandle } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { RunRecord } from '../model/run.js';
import type { RunKey } from '../store/run-record-files.js';
import { checkRunKey, parseRunRecord, runRecordPath } from '../store/run-record-files.js';
import type { ScanRequest, UnreadableFile } from './folder-scanner.js';
import { FolderScanner } from './folder-scanner.js';
import type { WatchStrategy } from './folder-watcher.js';
import { FolderWatcher } from './folder-watcher.js';
import type { Page, RunFilter } from './run-index.js';
import { entryFor, RunIndex } from './run-index.js';
import type { DashboardStats, ProjectSummary } from './job-stats.js';
import { dashboardStats, projectSummaries } from './job-stats.js';
import type { RunSummary } from './run-summary.js';
import { toSummary } from './run-summary.js';

export interface JobCacheOptions {
  /** The run-record folder, usually <dataDir>/jobs. Created if missing. */
  statusDir: string;
  /** 'polling' (default) re-stats on a timer; 'watch' also reacts to file-system events at once. */
  mode?: 'polling' | 'watch';
  /** Time between background scans, ms. In watch mode this is the safety net for missed events. Default 10,000. */
  pollIntervalMs?: number;
  /**
   * Every Nth poll re-stats every file instead of only folders that changed, to catch programs
   * that rewrite files in place (no folder mtime change). Default 6 (once a minute at 10 s).
   */
  fullScanEvery?: number;
  /** A 'running' record whose heartbeat (else start) is older than this is stale, not running. Default 90,000. */
  staleAfterMs?: number;
  /** Watch mode: how long to gather events before scanning, ms. Default 50. */
  watchDebounceMs?: number;
  /** Watch mode: how to watch. Default 'auto' (see WatchStrategy). */
  watchStrategy?: WatchStrategy;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: silent. */
  logger?: Logger;
  /** Told about every batch of changes, e.g. to push history:changed to the UI. */
  onChange?: (change: JobChange) => void;
}

export interface JobChange {
  reason: 'scan' | 'delete';
  added: RunSummary[];
  updated: RunSummary[];
  removed: RunKey[];
}

function keyOf(k: RunKey): string {
  return `${k.project}/${k.group}/${k.name}/${k.runId}.json`;
}

function runKeyOf(key: string): RunKey {
  const [project = '', group = '', name = '', file = ''] = key.split('/');
  return { project, group, name, runId: file.replace(/\.json$/, '') };
}

/**
 * An in-memory view of the run-record folder, so the UI can browse 100,000 runs without
 * touching the disk per request. The folder may be shared with other machines: their files
 * appear too. A half-written or invalid file keeps its previous version in memory, is listed
 * by unreadable(), and is retried on every scan.
 */
export class JobCache {
  readonly statusDir: string;
  readonly mode: 'polling' | 'watch';
  readonly #pollIntervalMs: number;
  readonly #fullScanEvery: number;
  readonly #staleAfterMs: number;
  readonly #debounceMs: number;
  readonly #strategy: WatchStrategy;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #listeners = new Set<(change: JobChange) => void>();
  readonly #index = new RunIndex();
  readonly #scanner: FolderScanner;
  #watcher: FolderWatcher | undefined;
  #activeMode: 'polling' | 'watch' | 'stopped' = 'stopped';
  #pollTimer: TimerHandle | undefined;
  #debounceTimer: TimerHandle | undefined;
  #scanning: Promise<void> | undefined;
  #pending: { full: boolean; dirty: Set<string> } | undefined;
  #polls = 0;
  #version = 0;
  #statsCache: { version: number; at: number; stats: DashboardStats } | undefined;
  #projectsCache: { version: number; projects: ProjectSummary[] } | undefined;

  constructor(options: JobCacheOptions) {
    this.statusDir = resolve(options.statusDir);
    this.mode = options.mode ?? 'polling';
    if (this.mode !== 'polling' && this.mode !== 'watch') {
      throw new RangeError(
        `JobCache: mode must be 'polling' or 'watch' (got '${String(this.mode)}')`,
      );
    }
    this.#pollIntervalMs = options.pollIntervalMs ?? 10_000;
    if (!(this.#pollIntervalMs > 0)) {
      throw new RangeError(
        `JobCache: pollIntervalMs must be > 0 (got ${this.#pollIntervalMs}), e.g. 10_000`,
      );
    }
    this.#fullScanEvery = Math.max(1, Math.floor(options.fullScanEvery ?? 6));
    this.#staleAfterMs = options.staleAfterMs ?? 90_000;
    this.#debounceMs = options.watchDebounceMs ?? 50;
    this.#strategy = options.watchStrategy ?? 'auto';
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#scanner = new FolderScanner(this.statusDir, () => this.#clock.now());
    if (options.onChange) this.#listeners.add(options.onChange);
  }

  /** How the cache is refreshing now: 'watch' can fall back to 'polling' on a watcher error. */
  get activeMode(): 'polling' | 'watch' | 'stopped' {
    return this.#activeMode;
  }

  /** One full scan, then background refresh. Resolves once the first scan is in memory. */
  async start(): Promise<void> {
    if (this.#activeMode !== 'stopped') return;
    mkdirSync(this.statusDir, { recursive: true });
    this.#activeMode = this.mode;
    await this.#scanNow({ full: true });
    if (this.#stopped()) return;
    if (this.mode === 'watch') this.#startWatching();
    this.#armPoll();
  }

  /** Ends background refresh and waits for a scan in progress. The data stays queryable. */
  async stop(): Promise<void> {
    this.#activeMode = 'stopped';
    if (this.#pollTimer !== undefined) this.#clock.clearTimer(this.#pollTimer);
    if (this.#debounceTimer !== undefined) this.#clock.clearTimer(this.#debounceTimer);
    this.#pollTimer = this.#debounceTimer = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.#scanning;
  }

  /** Scans now (incrementally, or fully with `full`) and resolves when the result is in memory. */
  async refresh(request: { full?: boolean } = {}): Promise<void> {
    await this.#scanNow({ full: request.full ?? false });
  }

  /** Resolves when no scan is running or queued. */
  async whenIdle(): Promise<void> {
    while (this.#scanning) await this.#scanning;
  }

  /** Subscribes to change batches; returns the unsubscribe function. */
  onChange(listener: (change: JobChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Takes a record this process has just written into memory at once, so a window told that a
   * run finished finds it without waiting for the next scan. Listeners are not told: the writer's
   * owner reports its own runs. The next scan re-reads the file as usual.
   */
  put(record: RunRecord): void {
    const key = keyOf(record);
    const summary = toSummary(record);
    this.#index.apply([entryFor(key, summary, this.#clock.now())], []);
    this.#version++;
  }

  // ---- queries -----------------------------------------------------------------------------

  /** Runs matching `filter`, newest first, one page at a time. */
  listAllJobs(filter: RunFilter = {}): Page<RunSummary> {
    return this.#index.query(filter);
  }

  getJob(project: string, group: string, name: string, runId: string): RunSummary | undefined {
    return this.#index.get(keyOf({ project, group, name, runId }))?.summary;
  }

  /** Every run of one task, newest first. */
  getJobRuns(project: string, group: string, name: string): RunSummary[] {
    const keys = this.#index.keysOfTask(`${project}/${group}/${name}`);
    const entries = [...keys].map((k) => this.#index.get(k)!);
    return entries.sort((a, b) => b.at - a.at || (a.key < b.key ? -1 : 1)).map((e) => e.summary);
  }

  /** The newest run of one task that `match` accepts, without sorting them all (tasks:list). */
  latestRun(
    project: string,
    group: string,
    name: string,
    match: (run: RunSummary) => boolean,
  ): RunSummary | undefined {
    let best: { at: number; key: string; summary: RunSummary } | undefined;
    for (const key of this.#index.keysOfTask(`${project}/${group}/${name}`)) {
      const e = this.#index.get(key)!;
      if (best && (e.at < best.at || (e.at === best.at && e.key > best.key))) continue;
      if (match(e.summary)) best = e;
    }
    return best?.summary;
  }

  /** The full record, output included, read from disk (history:run). Null when there is no such run. */
  async readRun(
    project: string,
    group: string,
    name: string,
    runId: string,
  ): Promise<RunRecord | null> {
    checkRunKey('JobCache', { project, group, name, runId });
    const path = runRecordPath(this.statusDir, { project, group, name, runId });
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return parseRunRecord(text, path);
  }

  listProjects(): ProjectSummary[] {
    if (this.#projectsCache?.version !== this.#version) {
      this.#projectsCache = {
        version: this.#version,
        projects: projectSummaries(this.#index.all()),
      };
    }
    return this.#projectsCache.projects;
  }

  /** Runs that are 'running' with a heartbeat (else start) fresher than staleAfterMs, newest first. */
  getRunningJobs(): RunSummary[] {
    const cutoff = this.#clock.now() - this.#staleAfterMs;
    return this.#index
      .all()
      .filter(
        (e) =>
          e.summary.status === 'running' &&
          (e.summary.heartbeatAt ?? e.summary.startedAt ?? 0) >= cutoff,
      )
      .map((e) => e.summary);
  }

  /** Runs from the last `hours` (default 24), newest first, at most `limit` (default 50). */
  getRecentJobs(options: { hours?: number; limit?: number } = {}): RunSummary[] {
    const since = this.#clock.now() - (options.hours ?? 24) * 3600_000;
    const limit = options.limit ?? 50;
    const out: RunSummary[] = [];
    for (const e of this.#index.all()) {
      if (e.at < since || out.length >= limit) break;
      out.push(e.summary);
    }
    return out;
  }

  /** Counts, success rate, p50/p95 durations, per project and per task; recomputed only after a change or a minute. */
  getDashboardStats(): DashboardStats {
    const now = this.#clock.now();
    const cached = this.#statsCache;
    if (cached && cached.version === this.#version && now - cached.at < 60_000) return cached.stats;
    const stats = dashboardStats(this.#index.all(), {
      now,
      unreadableFiles: this.unreadable().map((u) => u.path),
    });
    this.#statsCache = { version: this.#version, at: now, stats };
    return stats;
  }

  /** Files that could not be parsed, with why; they are retried on every scan. */
  unreadable(): UnreadableFile[] {
    return this.#scanner.unreadable();
  }

  /** Deletes the run's file and forgets it. Returns false when there was no such run. */
  async deleteJob(project: string, group: string, name: string, runId: string): Promise<boolean> {
    const runKey = { project, group, name, runId };
    checkRunKey('JobCache', runKey);
    const path = runRecordPath(this.statusDir, runKey);
    if (!path.startsWith(this.statusDir + sep)) {
      throw new RangeError(`JobCache: ${path} is outside ${this.statusDir}`);
    }
    const key = keyOf(runKey);
    const existed = this.#index.get(key) !== undefined;
    await rm(path, { force: true });
    this.#scanner.forget(key);
    if (existed) {
      this.#index.apply([], [key]);
      this.#changed({ reason: 'delete', added: [], updated: [], removed: [runKey] });
    }
    return existed;
  }

  /** Re-read one run (or, without arguments, everything) on the next scan. */
  invalidate(project?: string, group?: string, name?: string, runId?: string): void {
    if (project === undefined || group === undefined || name === undefined || runId === undefined) {
      this.#scanner.invalidateAll();
      return;
    }
    this.#scanner.invalidate(keyOf({ project, group, name, runId }));
  }

  // ---- refresh machinery -------------------------------------------------------------------

  /** A method rather than a comparison, so narrowing does not survive the awaits that can change it. */
  #stopped(): boolean {
    return this.#activeMode === 'stopped';
  }

  #armPoll(): void {
    if (this.#activeMode === 'stopped') return;
    this.#pollTimer = this.#clock.setTimer(() => {
      this.#pollTimer = undefined;
      this.#polls++;
      this.#scanNow({ full: this.#polls % this.#fullScanEvery === 0 })
        .catch((error: unknown) =>
          this.#logger.error('JobCache: scan failed; will try again next poll', error),
        )
        .finally(() => this.#armPoll());
    }, this.#pollIntervalMs);
  }

  #startWatching(): void {
    const watcher = new FolderWatcher({
      root: this.statusDir,
      strategy: this.#strategy,
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

  #lastFolders: string[] = [];

  #fallBackToPolling(error: Error): void {
    this.#logger.warn(
      `JobCache: cannot watch ${this.statusDir} (${error.message}); polling every ${this.#pollIntervalMs} ms instead`,
    );
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#activeMode === 'watch') this.#activeMode = 'polling';
  }

  #onWatchEvent(relativePath: string): void {
    const pending = (this.#pending ??= { full: false, dirty: new Set() });
    const parts = relativePath.split(sep);
    if (relativePath === '') pending.full = true;
    else if (parts.length >= 3) pending.dirty.add(parts.slice(0, 3).join('/'));
    if (this.#debounceTimer !== undefined || this.#activeMode === 'stopped') return;
    this.#debounceTimer = this.#clock.setTimer(() => {
      this.#debounceTimer = undefined;
      this.#scanNow({ full: false }).catch((error: unknown) =>
        this.#logger.error('JobCache: scan after a file event failed', error),
      );
    }, this.#debounceMs);
  }

  /** Runs scans one at a time; requests made during a scan are merged into one follow-up scan. */
  async #scanNow(request: { full: boolean }): Promise<void> {
    const pending = (this.#pending ??= { full: false, dirty: new Set() });
    pending.full ||= request.full;
    if (this.#scanning) {
      await this.#scanning;
      if (this.#pending) return this.#scanNow({ full: false });
      return;
    }
    const run = async () => {
      while (this.#pending) {
        const next = this.#pending;
        this.#pending = undefined;
        await this.#scanOnce({ full: next.full, dirtyTasks: next.dirty });
      }
    };
    this.#scanning = run().finally(() => {
      this.#scanning = undefined;
    });
    await this.#scanning;
  }

  async #scanOnce(request: ScanRequest): Promise<void> {
    const changes = await this.#scanner.scan(request);
    this.#lastFolders = changes.folders;
    if (this.#watcher) {
      try {
        const added = this.#watcher.sync(changes.folders);
        // A folder made and written to before its watch began would wait for the safety poll.
        if (added.length > 0 && !this.#stopped()) {
          const pending = (this.#pending ??= { full: false, dirty: new Set() });
          for (const folder of added)
            pending.dirty.add(relative(this.statusDir, folder).split(sep).join('/'));
        }
      } catch (error) {
        this.#fallBackToPolling(error as Error);
      }
    }
    const added: RunSummary[] = [];
    const updated: RunSummary[] = [];
    const entries = changes.upserts.map((u) => {
      (this.#index.get(u.key) ? updated : added).push(u.summary);
      return entryFor(u.key, u.summary, Math.round(u.mtimeMs));
    });
    const removals = changes.removals.filter((k) => this.#index.get(k) !== undefined);
    if (entries.length === 0 && removals.length === 0) return;
    this.#index.apply(entries, removals);
    this.#changed({ reason: 'scan', added, updated, removed: removals.map(runKeyOf) });
  }

  #changed(change: JobChange): void {
    this.#version++;
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#logger.error(
          'JobCache: an onChange listener threw; other listeners still ran',
          error,
        );
      }
    }
  }
}
