import type { Clock, TimerHandle } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';

/**
 * One finished session of a {@link RoutineScheduler}: when it ran, how many cycles it did, why
 * it ended, plus whatever `sessStats()` returned at the end (those keys never replace the core
 * fields).
 */
export interface SessionRecord {
  /** Epoch ms when run() started. */
  start: number;
  /** Epoch ms when the session end was recorded. */
  end: number;
  durationMs: number;
  cycles: number;
  reason: string;
  [stat: string]: unknown;
}

export interface RoutineSchedulerOptions {
  /** The work of one cycle; receives the scheduler so it can read `cycle` or call `stop()`. */
  routine: (scheduler: RoutineScheduler) => unknown;
  /** Fixed delay between the end of one cycle and the start of the next, in ms. */
  waitMs: number;
  logger: Logger;
  /** Extra columns for each session record, read when the session ends. Default: none. */
  sessStats?: (scheduler: RoutineScheduler) => Record<string, unknown>;
  /**
   * Called when `routine` throws. If it returns, the loop goes on with the next cycle; if it
   * throws, run() ends with that error. Default: record the session end as 'error: <message>',
   * log the error and rethrow it.
   */
  exceptionHandler?: (error: unknown, scheduler: RoutineScheduler) => void | Promise<void>;
  /** Cycles per run() before it ends on its own. Default: no limit. */
  maxCycles?: number;
  /** Array the session records are appended to; pass one in to share history across schedulers. Default: a new array. */
  records?: SessionRecord[];
  /** Time and timers; a VirtualClock drives the loop in tests. Default: systemClock. */
  clock?: Clock;
}

export interface RoutineRunOptions {
  /** Epoch ms: no cycle starts once the clock has reached it. Default: no end time. */
  untilMs?: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A fixed-delay loop (seed 000's Scheduler): each cycle logs its start, awaits the routine,
 * counts the cycle, logs its end, then waits `waitMs` on the clock. Every run() is a session
 * that ends with exactly one record in the history.
 */
export class RoutineScheduler {
  /** Cycles completed in the current (or last) run(). */
  cycle = 0;

  readonly #routine: (scheduler: RoutineScheduler) => unknown;
  readonly #waitMs: number;
  readonly #logger: Logger;
  readonly #sessStats: ((scheduler: RoutineScheduler) => Record<string, unknown>) | undefined;
  readonly #exceptionHandler: (error: unknown, scheduler: RoutineScheduler) => void | Promise<void>;
  readonly #maxCycles: number;
  readonly #records: SessionRecord[];
  readonly #clock: Clock;

  #running = false;
  #stopRequested = false;
  #sessionStart: number | null = null;
  #sessionRecorded = false;
  #sleepTimer: TimerHandle | null = null;
  #wake: (() => void) | null = null;

  constructor(options: RoutineSchedulerOptions) {
    if (!Number.isFinite(options.waitMs) || options.waitMs < 0) {
      throw new RangeError(
        `RoutineScheduler: waitMs ${options.waitMs} is not a duration; give 0 or more milliseconds`,
      );
    }
    const maxCycles = options.maxCycles ?? Number.POSITIVE_INFINITY;
    if (Number.isNaN(maxCycles) || maxCycles < 1) {
      throw new RangeError(
        `RoutineScheduler: maxCycles ${maxCycles} must be at least 1; leave it out for no limit`,
      );
    }
    this.#routine = options.routine;
    this.#waitMs = options.waitMs;
    this.#logger = options.logger;
    this.#sessStats = options.sessStats;
    this.#exceptionHandler =
      options.exceptionHandler ?? ((error) => this.#defaultExceptionHandler(error));
    this.#maxCycles = maxCycles;
    this.#records = options.records ?? [];
    this.#clock = options.clock ?? systemClock;
  }

  /** True while a run() is in progress. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Runs cycles until `maxCycles`, until the clock reaches `untilMs`, or until stop(). Resolves
   * once the session end is recorded; rejects with the routine's error when the exception
   * handler rethrows it.
   */
  async run(options: RoutineRunOptions = {}): Promise<void> {
    if (this.#running) {
      throw new Error(
        'RoutineScheduler: run() is already in progress; await it (or call stop()) before running again',
      );
    }
    const { untilMs } = options;
    this.#running = true;
    this.#stopRequested = false;
    this.#sessionRecorded = false;
    this.#sessionStart = this.#clock.now();
    this.cycle = 0;
    try {
      for (;;) {
        const reason = this.#endReason(untilMs);
        if (reason !== null) {
          this.recordSessionEnd(reason);
          return;
        }
        await this.#runCycle();
        if (this.#stopRequested || this.cycle >= this.#maxCycles) continue;
        await this.#sleep();
      }
    } catch (error) {
      // A custom handler that rethrows still leaves exactly one record for the session.
      if (!this.#sessionRecorded) this.recordSessionEnd(`error: ${messageOf(error)}`);
      throw error;
    } finally {
      this.#running = false;
    }
  }

  /** Ends the loop after the current cycle (or at once while it sleeps); run() then records 'stopped'. */
  stop(): void {
    this.#stopRequested = true;
    if (this.#sleepTimer !== null) this.#clock.clearTimer(this.#sleepTimer);
    this.#sleepTimer = null;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /**
   * Appends this session's record to the history, logs a summary and the whole history, and
   * returns the record. run() calls it once per session; call it yourself only when you end a
   * session some other way.
   */
  recordSessionEnd(reason: string): SessionRecord {
    const end = this.#clock.now();
    const start = this.#sessionStart ?? end;
    const stats = this.#sessStats?.(this) ?? {};
    const record: SessionRecord = {
      ...stats,
      start,
      end,
      durationMs: end - start,
      cycles: this.cycle,
      reason,
    };
    this.#records.push(record);
    this.#sessionRecorded = true;
    this.#logger.info(
      `RoutineScheduler: session ended after ${record.cycles} cycle(s) in ${formatDuration(record.durationMs)} (${reason})`,
      record,
    );
    this.#logger.info(
      `RoutineScheduler: session history (${this.#records.length})\n${formatHistory(this.#records)}`,
    );
    return record;
  }

  /** The session records so far, oldest first (copies: changing them changes nothing here). */
  getRecords(): SessionRecord[] {
    return this.#records.map((record) => ({ ...record }));
  }

  #endReason(untilMs: number | undefined): string | null {
    if (this.#stopRequested) return 'stopped';
    if (this.cycle >= this.#maxCycles) return `reached maxCycles (${this.#maxCycles})`;
    if (untilMs !== undefined && this.#clock.now() >= untilMs) {
      return `reached untilMs (${new Date(untilMs).toISOString()})`;
    }
    return null;
  }

  async #runCycle(): Promise<void> {
    const started = this.#clock.now();
    const elapsed = started - (this.#sessionStart ?? started);
    this.#logger.info(
      `RoutineScheduler: cycle ${this.cycle} started (session running ${formatDuration(elapsed)})`,
    );
    try {
      await this.#routine(this);
    } catch (error) {
      await this.#exceptionHandler(error, this);
    }
    const tookMs = this.#clock.now() - started;
    this.cycle += 1;
    this.#logger.info(
      `RoutineScheduler: cycle ${this.cycle - 1} finished in ${formatDuration(tookMs)}; next in ${formatDuration(this.#waitMs)}`,
    );
  }

  #sleep(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#sleepTimer = this.#clock.setTimer(() => {
        this.#sleepTimer = null;
        this.#wake = null;
        resolve();
      }, this.#waitMs);
    });
  }

  #defaultExceptionHandler(error: unknown): never {
    this.recordSessionEnd(`error: ${messageOf(error)}`);
    this.#logger.error(
      `RoutineScheduler: routine failed in cycle ${this.cycle}: ${messageOf(error)}`,
      error,
    );
    throw error;
  }
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

function formatHistory(records: readonly SessionRecord[]): string {
  return records
    .map(
      (r, i) =>
        `  #${i + 1} ${new Date(r.start).toISOString()} -> ${new Date(r.end).toISOString()} ` +
        `${formatDuration(r.durationMs)}, ${r.cycles} cycle(s), ${r.reason}`,
    )
    .join('\n');
}
