import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { RunRecord, RunStatus } from '../model/run.js';
import { FINAL_STATUSES } from '../model/run.js';
import { listRunFiles, listTaskDirs, readRunRecordFile, TimeSlicer } from './run-record-files.js';

/** How much history each task keeps. */
export interface RetentionPolicy {
  /** Always keep this many most recent runs per task. Default 200. */
  keepLast: number;
  /** Also keep every failure (failed, timed-out) from this many days back. Default 30. */
  keepFailuresDays: number;
}

export interface RetentionOptions extends Partial<RetentionPolicy> {
  /** Usually <dataDir>/jobs. */
  jobsDir: string;
  /** Time between background sweeps, ms. Default 3,600,000 (hourly). */
  intervalMs?: number;
  /** Delay before the first background sweep, so start-up stays quiet, ms. Default 60,000. */
  initialDelayMs?: number;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: silent. */
  logger?: Logger;
  /** Told the paths a sweep removed, e.g. so JobCache can drop them before its next poll. */
  onDeleted?: (paths: string[]) => void;
}

export interface SweepResult {
  deleted: string[];
  kept: number;
  /** Files that could not be read; they are never deleted (another machine may be writing them). */
  unreadable: number;
}

const DAY_MS = 24 * 3600_000;
const FAILURES: ReadonlySet<RunStatus> = new Set(['failed', 'timed-out']);

function runTime(r: RunRecord): number {
  return r.startedAt ?? r.scheduledFor ?? r.endedAt ?? 0;
}

/**
 * Keeps run history bounded: per task, the newest `keepLast` runs plus every failure from the
 * last `keepFailuresDays`. Runs that are not finished (queued, running) are never deleted, and
 * each file is read again just before removal in case it went back to 'running'.
 */
export class RetentionSweeper {
  readonly jobsDir: string;
  #policy: RetentionPolicy;
  readonly #intervalMs: number;
  readonly #initialDelayMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #onDeleted: ((paths: string[]) => void) | undefined;
  #timer: TimerHandle | undefined;
  #sweeping: Promise<SweepResult> | undefined;
  #running = false;

  constructor(options: RetentionOptions) {
    this.jobsDir = options.jobsDir;
    this.#policy = RetentionSweeper.#check({
      keepLast: options.keepLast ?? 200,
      keepFailuresDays: options.keepFailuresDays ?? 30,
    });
    this.#intervalMs = options.intervalMs ?? 3_600_000;
    this.#initialDelayMs = options.initialDelayMs ?? 60_000;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#onDeleted = options.onDeleted;
    if (!(this.#intervalMs > 0))
      throw new RangeError(`RetentionSweeper: intervalMs must be > 0 (got ${this.#intervalMs})`);
  }

  static #check(policy: RetentionPolicy): RetentionPolicy {
    if (!Number.isInteger(policy.keepLast) || policy.keepLast < 1) {
      throw new RangeError(
        `RetentionSweeper: keepLast must be a whole number >= 1 (got ${policy.keepLast})`,
      );
    }
    if (!(Number.isFinite(policy.keepFailuresDays) && policy.keepFailuresDays >= 0)) {
      throw new RangeError(
        `RetentionSweeper: keepFailuresDays must be >= 0 (got ${policy.keepFailuresDays}); 0 keeps no extra failures`,
      );
    }
    return policy;
  }

  get policy(): RetentionPolicy {
    return { ...this.#policy };
  }

  /** Applies new settings from the next sweep on. */
  setPolicy(policy: Partial<RetentionPolicy>): void {
    this.#policy = RetentionSweeper.#check({ ...this.#policy, ...policy });
  }

  /** Starts background sweeps on the clock's timers. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#arm(this.#initialDelayMs);
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  /** One sweep now; a sweep already under way is shared rather than doubled. */
  sweepOnce(): Promise<SweepResult> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  #arm(ms: number): void {
    this.#timer = this.#clock.setTimer(() => {
      this.#timer = undefined;
      this.sweepOnce()
        .catch((error: unknown) =>
          this.#logger.error('RetentionSweeper: sweep failed; will try again', error),
        )
        .finally(() => {
          if (this.#running) this.#arm(this.#intervalMs);
        });
    }, ms);
  }

  async #sweep(): Promise<SweepResult> {
    const { keepLast, keepFailuresDays } = this.#policy;
    const failuresSince = this.#clock.now() - keepFailuresDays * DAY_MS;
    const slicer = new TimeSlicer();
    const result: SweepResult = { deleted: [], kept: 0, unreadable: 0 };
    for (const task of listTaskDirs(this.jobsDir)) {
      const files = listRunFiles(task.dir);
      if (files.length <= keepLast) {
        result.kept += files.length;
        continue;
      }
      const runs: { path: string; record: RunRecord }[] = [];
      for (const file of files) {
        await slicer.maybeYield();
        const path = join(task.dir, file);
        try {
          runs.push({ path, record: readRunRecordFile(path) });
        } catch {
          result.unreadable++;
        }
      }
      runs.sort(
        (a, b) =>
          runTime(b.record) - runTime(a.record) || b.record.runId.localeCompare(a.record.runId),
      );
      runs.forEach(({ path, record }, index) => {
        const keep =
          index < keepLast ||
          !FINAL_STATUSES.has(record.status) ||
          (FAILURES.has(record.status) && runTime(record) >= failuresSince) ||
          !this.#stillFinal(path);
        if (keep) {
          result.kept++;
          return;
        }
        try {
          rmSync(path);
          result.deleted.push(path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
            this.#logger.warn(`RetentionSweeper: could not delete ${path}`, error);
          }
        }
      });
    }
    if (result.deleted.length > 0) {
      this.#logger.info(`RetentionSweeper: removed ${result.deleted.length} old run record(s)`);
      this.#onDeleted?.(result.deleted);
    }
    return result;
  }

  /** Re-reads the file: a record rewritten as 'running' (or half-written) since the scan must stay. */
  #stillFinal(path: string): boolean {
    try {
      return FINAL_STATUSES.has(readRunRecordFile(path).status);
    } catch {
      return false;
    }
  }
}
