import { mkdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Clock, TimerHandle } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { RunRecord } from '../model/run.js';
import { checkRunKey, parseRunRecord, runRecordPath } from '../store/run-record-files.js';
import type { ScanChanges, UnreadableFile } from './folder-scanner.js';
import { FolderScanner } from './folder-scanner.js';
import { RefreshLoop } from './refresh-loop.js';
import { RunIndexFile } from './run-index-file.js';
import type { IndexEntry, Page, RunFilter } from './run-index.js';
import { entryFor, RunIndex } from './run-index.js';
import type { DashboardStats, ProjectSummary } from './job-stats.js';
import { dashboardStats, projectSummaries, recentRuns, runningRuns } from './job-stats.js';
import type { RunSummary } from './run-summary.js';
import { runTime, toSummary, UNFINISHED } from './run-summary.js';
import type { JobCacheOptions, JobCacheStart, JobChange } from './job-cache-options.js';
import { keyOf, runKeyOf } from './job-cache-options.js';
import type { PickFrom, Picked } from './run-pick.js';

/**
 * An in-memory view of the run-record folder, so the UI can browse 100,000 runs without
 * touching the disk per request. The folder may be shared with other machines: their files
 * appear too. A half-written or invalid file keeps its previous version in memory, is listed
 * by unreadable(), and is retried on every scan. With `indexFile`, the view outlives a restart.
 */
export class JobCache {
  readonly statusDir: string;
  readonly mode: 'polling' | 'watch';
  readonly #staleAfterMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #listeners = new Set<(change: JobChange) => void>();
  readonly #index = new RunIndex();
  readonly #scanner: FolderScanner;
  readonly #loop: RefreshLoop;
  readonly #indexFile: RunIndexFile | null;
  readonly #verifyDelayMs: number;
  readonly #indexSaveMs: number;
  #indexTimer: TimerHandle | undefined;
  #savedVersion = -1;
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
    const pollIntervalMs = options.pollIntervalMs ?? 10_000;
    if (!(pollIntervalMs > 0)) {
      throw new RangeError(
        `JobCache: pollIntervalMs must be > 0 (got ${pollIntervalMs}), e.g. 10_000`,
      );
    }
    this.#staleAfterMs = options.staleAfterMs ?? 90_000;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#scanner = new FolderScanner(this.statusDir, () => this.#clock.now(), {
      sigOf: (key) => this.#index.sigOf(key),
      runIdsOf: (task) => this.#index.runIdsOf(task),
    });
    this.#loop = new RefreshLoop({
      statusDir: this.statusDir,
      mode: this.mode,
      pollIntervalMs,
      fullScanEvery: Math.max(1, Math.floor(options.fullScanEvery ?? 6)),
      debounceMs: options.watchDebounceMs ?? 50,
      strategy: options.watchStrategy ?? 'auto',
      clock: this.#clock,
      logger: this.#logger,
      scan: (request) => this.#scanner.scan(request),
      apply: (changes) => this.#apply(changes),
    });
    this.#indexFile = options.indexFile
      ? new RunIndexFile(resolve(options.indexFile), () => this.#clock.now())
      : null;
    this.#verifyDelayMs = options.verifyDelayMs ?? 1_000;
    this.#indexSaveMs = options.indexSaveMs ?? 300_000;
    if (options.onChange) this.#listeners.add(options.onChange);
  }

  /** How the cache is refreshing now: 'watch' can fall back to 'polling' on a watcher error. */
  get activeMode(): 'polling' | 'watch' | 'stopped' {
    return this.#loop.activeMode;
  }

  /** Moves on every change to the runs in memory. */
  get version(): number {
    return this.#version;
  }

  /**
   * Loads the history, then refreshes in the background. Without an index file (or with one
   * that cannot be used) every run file is read; with one, only folders that changed since it
   * was written are listed, and a full check of every file's stat follows in the background.
   * Resolves once the history is in memory.
   */
  async start(): Promise<JobCacheStart> {
    if (!this.#loop.stopped()) return { from: 'scan' };
    mkdirSync(this.statusDir, { recursive: true });
    this.#loop.begin();
    // Started again after stop(): the history in memory is newer than the file.
    const loaded =
      this.#indexFile && this.#version === 0
        ? await this.#indexFile.load()
        : { kind: 'missing' as const };
    if (loaded.kind === 'loaded') {
      loaded.fill(this.#index);
      for (const folder of loaded.folders) this.#scanner.restoreFolder(folder);
      for (const e of this.#index.unfinished()) this.#scanner.restoreUnfinished(e.key);
      this.#version++;
    }
    await this.#loop.scanNow({ full: false });
    this.#loop.startBackground();
    if (this.#indexFile && !this.#loop.stopped())
      this.#armIndexTimer(this.#verifyDelayMs, loaded.kind === 'loaded');
    const start: JobCacheStart = { from: loaded.kind === 'loaded' ? 'index' : 'scan' };
    if (loaded.kind === 'set-aside') {
      start.indexSetAside = { reason: loaded.reason, movedTo: loaded.movedTo };
      this.#logger.warn(
        `JobCache: the run index ${this.#indexFile?.path} could not be used (${loaded.reason}); moved it to ${loaded.movedTo} (kept) and read every run file instead`,
      );
    }
    return start;
  }

  /** Ends background refresh, waits for a scan in progress and saves the index. The data stays queryable. */
  async stop(): Promise<void> {
    if (this.#indexTimer !== undefined) this.#clock.clearTimer(this.#indexTimer);
    this.#indexTimer = undefined;
    await this.#loop.stop();
    await this.saveIndex();
  }

  /** Scans now (incrementally, or fully with `full`) and resolves when the result is in memory. */
  async refresh(request: { full?: boolean } = {}): Promise<void> {
    await this.#loop.scanNow({ full: request.full ?? false });
  }

  /** Resolves when no scan is running or queued. */
  async whenIdle(): Promise<void> {
    await this.#loop.whenIdle();
  }

  /**
   * Writes the index file (with `indexFile`) when the history changed since it was last
   * written. A failure (a full disk) is logged: the run files stay the truth.
   */
  async saveIndex(): Promise<void> {
    const file = this.#indexFile;
    if (!file || this.#savedVersion === this.#version) return;
    await this.#loop.exclusive(async () => {
      const version = this.#version;
      try {
        const folders = [...this.#scanner.known()];
        const rels = folders.map((f) => f.rel);
        const { runs, partial } = this.#index.stored(rels, this.#scanner.mustRead());
        // A folder with a run left out is listed again on the next start.
        for (const place of partial) folders[place]!.confirm = true;
        await file.save(folders, runs);
        this.#savedVersion = version;
      } catch (error) {
        this.#logger.warn(
          `JobCache: could not save the run index ${file.path}; will try again`,
          error,
        );
      }
    });
  }

  /**
   * What start-up must repair, found by the scan start() made: runs left 'running' and files
   * that could not be read (as paths), and task folders holding temp files of writes a crash
   * cut short.
   */
  needsRecovery(): { runFiles: string[]; tempFolders: string[] } {
    const runFiles = this.unreadable().map((u) => u.path);
    for (const e of this.#index.unfinished())
      if (e.summary.status === 'running') runFiles.push(join(this.statusDir, ...e.key.split('/')));
    return { runFiles, tempFolders: this.#scanner.foldersWithTempFiles() };
  }

  /** Subscribes to change batches; returns the unsubscribe function. */
  onChange(listener: (change: JobChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Takes a record this process has just written (and not its listeners: the writer's owner
   * reports its own runs). The scanner notes the file's stat, so it is read again only if changed.
   */
  put(record: RunRecord): void {
    const key = keyOf(record);
    const path = runRecordPath(this.statusDir, record);
    const sig = this.#scanner.noteWritten(key, path, UNFINISHED.has(record.status));
    this.#index.apply([entryFor(key, toSummary(record), this.#clock.now(), sig)], []);
    this.#version++;
  }
  // ---- queries -----------------------------------------------------------------------------

  /** Runs matching `filter`, newest first, one page at a time. */
  listAllJobs(filter: RunFilter = {}): Page<RunSummary> {
    return this.#index.query(filter);
  }

  getJob(project: string, group: string, name: string, runId: string): RunSummary | undefined {
    return this.#index.get(keyOf({ project, group, name, runId }));
  }

  /** The runs of `from` that pass `filter`, as one page newest first (search's hits). */
  pickRuns(from: PickFrom, filter: RunFilter, page: { offset: number; limit: number }): Picked {
    return this.#index.pick(from, filter, page);
  }

  /** Every task folder ('project/group/name') with runs in the history. */
  taskFolders(): Iterable<string> {
    return this.#index.tasks();
  }

  /** Every run of one task, newest first. */
  getJobRuns(project: string, group: string, name: string): RunSummary[] {
    const runs = this.#index.runsOf(`${project}/${group}/${name}`);
    const at = new Map(runs.map((r) => [r, runTime(r)]));
    return runs.sort((a, b) => at.get(b)! - at.get(a)! || (a.runId < b.runId ? -1 : 1));
  }

  /** Moves whenever a run of this task's folder is added, changed or removed (tasks:list caches by it). */
  taskVersion(project: string, group: string, name: string): number {
    return this.#index.taskVersion(`${project}/${group}/${name}`);
  }

  /** The newest run of one task that `match` accepts, without sorting them all (tasks:list). */
  latestRun(
    project: string,
    group: string,
    name: string,
    match: (run: RunSummary) => boolean,
  ): RunSummary | undefined {
    return this.#index.latestOf(`${project}/${group}/${name}`, match);
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
        projects: projectSummaries(this.#index.newest()),
      };
    }
    return this.#projectsCache.projects;
  }

  /** Runs that are 'running' with a heartbeat (else start) fresher than staleAfterMs, newest first. */
  getRunningJobs(): RunSummary[] {
    return runningRuns(this.#index.unfinished(), this.#clock.now() - this.#staleAfterMs);
  }

  /** Runs from the last `hours` (default 24), newest first, at most `limit` (default 50). */
  getRecentJobs(options: { hours?: number; limit?: number } = {}): RunSummary[] {
    const since = this.#clock.now() - (options.hours ?? 24) * 3600_000;
    return recentRuns(this.#index.newest(), since, options.limit ?? 50);
  }

  /** Counts, success rate, p50/p95 durations, per project and per task; recomputed only after a change or a minute. */
  getDashboardStats(): DashboardStats {
    const now = this.#clock.now();
    const cached = this.#statsCache;
    if (cached && cached.version === this.#version && now - cached.at < 60_000) return cached.stats;
    const stats = dashboardStats(this.#index.newest(), {
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
    const existed = this.#index.has(key);
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
      this.#index.forgetSigs();
      this.#scanner.invalidateAll();
      return;
    }
    this.#scanner.invalidate(keyOf({ project, group, name, runId }));
  }

  // ---- refresh and the index file ---------------------------------------------------------

  /**
   * After start: the full check (when the history came from the index file) or the first save
   * (when it came from a scan); after that, a save whenever indexSaveMs passed with changes.
   */
  #armIndexTimer(delayMs: number, verify: boolean): void {
    this.#indexTimer = this.#clock.setTimer(() => {
      this.#indexTimer = undefined;
      const work = verify ? this.refresh({ full: true }) : Promise.resolve();
      work
        .then(() => this.saveIndex())
        .catch((error: unknown) =>
          this.#logger.error('JobCache: checking the run index against the files failed', error),
        )
        .finally(() => {
          if (!this.#loop.stopped()) this.#armIndexTimer(this.#indexSaveMs, false);
        });
    }, delayMs);
  }

  #apply(changes: ScanChanges): void {
    const added: RunSummary[] = [];
    const updated: RunSummary[] = [];
    const entries: IndexEntry[] = [];
    for (const u of changes.upserts) {
      const held = this.#index.sigOf(u.key);
      // put() gave a newer version while the scan yielded: the scan's read is older.
      if (held && held.mtimeMs > u.sig.mtimeMs) continue;
      (this.#index.has(u.key) ? updated : added).push(u.summary);
      entries.push(entryFor(u.key, u.summary, Math.round(u.sig.mtimeMs), u.sig));
    }
    const removals = changes.removals.filter((k) => this.#index.has(k));
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
