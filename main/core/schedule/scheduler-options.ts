import type { ActionRunner } from '../actions/runner.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { Clock } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import { defaultFingerprint } from './action-fingerprint.js';
import type { EngineEvent } from './engine-event.js';
import { inProcessRunner } from './in-process-runner.js';
import type { RunSink } from './run-sink.js';
import { nullRunSink } from './run-sink.js';
import { SchedulerError } from './scheduler-error.js';
import type { TaskStateStore } from './task-state.js';
import type { SystemConditions } from '../conditions/system-conditions.js';
import type { WaitingRunState } from '../conditions/waiting-run-state.js';
import { type ChainJournal, nullChainJournal } from './task-chains.js';
import { newFlatId } from './flat-id.js';

/** Options of the TaskScheduler; each one's default is in {@link SCHEDULER_DEFAULTS}. */
export interface TaskSchedulerOptions<TAction> {
  /** Time and the one timer. Default `systemClock`; tests pass a VirtualClock. */
  clock?: Clock;
  /** Default `silentLogger`. */
  logger?: Logger;
  /**
   * Runs actions. Default the in-process runner: an action is a function, its return value the
   * outcome's value.
   */
  runner?: ActionRunner<TAction>;
  /** Receives every run record. Default `nullRunSink`, which keeps nothing. */
  sink?: RunSink;
  /** Engine events for the host; a throwing listener is logged. Default none. */
  onEvent?: (event: EngineEvent) => void;
  /** Runs allowed at once across all tasks, a whole number of at least 1. Default 8. */
  globalConcurrency?: number;
  /**
   * Longest the timer ever waits, in ms, at least 10. Default 30 000. Timers do not advance while
   * a machine sleeps, so a short cap is what notices a resume or a wall-clock jump in time.
   */
  maxSleepMs?: number;
  /** Makes task and run ids. Default `crypto.randomUUID`, kept as a flat string. */
  newId?: () => string;
  /**
   * Identifies an action for idempotent registration. Default: functions by identity, data by
   * content.
   */
  fingerprint?: (action: TAction) => string;
  /** Persisted per-task bookkeeping (lastDueAt, cycles) for missed-run detection. Default none. */
  state?: TaskStateStore;
  /**
   * A due time handled later than this (ms) counts as missed and goes through the task's catch-up
   * policy: the machine slept, the app was closed or the clock jumped. Default 5000.
   */
  lateGraceMs?: number;
  /**
   * Missed runs written one by one per task and wake-up, a whole number of at least 1; the rest
   * share one record. Default 1000.
   */
  missedRecordLimit?: number;
  /**
   * Parsed cron patterns kept for reuse (about 80 KB each, only as many as are in use).
   * Default 256.
   */
  cronCacheSize?: number;
  /** The current session's id for run records. Default none (null). */
  sessionId?: () => string | null;
  /**
   * A number in [0, 1) for each random delay (a task's `triggers.jitterSec`). Default
   * `Math.random`; tests pass a fixed sequence.
   */
  random?: () => number;
  /**
   * Answers tasks' conditions (AC power, network, idle). Default none: a task's conditions are
   * then treated as met, with one warning.
   */
  conditions?: SystemConditions;
  /**
   * Told the runs waiting for their task's conditions after each change, so a host can keep
   * them across a restart and give them back with `resumeWaiting`. Default none.
   */
  onWaitingChange?: (runs: WaitingRunState[]) => void;
  /**
   * Keeps chained runs ("after task A") between the parent's end and the child's final record,
   * so a crash between them neither loses nor repeats the child. Default `nullChainJournal`.
   */
  chains?: ChainJournal;
  /**
   * The host's "Do not run until …": the reason a run due at `scheduledFor` (null: now) must not
   * start, or null. Such a run is written 'skipped' with that reason; Run now is never held.
   * Default none.
   */
  hold?: (scheduledFor: number | null) => string | null;
  /**
   * The reason a due time fell inside the "Do not run until …" window (past or present), or
   * null: a due time missed while Crontray was closed through the window is written 'skipped'
   * with it, not 'missed' (it would not have run anyway). Default none.
   */
  heldAt?: (scheduledFor: number) => string | null;
}

/** The options with every default filled in. */
type OptionalSettings = 'onEvent' | 'state' | 'conditions' | 'onWaitingChange' | 'hold' | 'heldAt';

export type SchedulerSettings<TAction> = Required<
  Omit<TaskSchedulerOptions<TAction>, OptionalSettings>
> &
  Pick<TaskSchedulerOptions<TAction>, OptionalSettings>;

/** The one place each option's default is written. */
export const SCHEDULER_DEFAULTS = {
  clock: systemClock,
  logger: silentLogger,
  runner: inProcessRunner,
  sink: nullRunSink,
  globalConcurrency: 8,
  maxSleepMs: 30_000,
  newId: newFlatId,
  fingerprint: defaultFingerprint,
  state: undefined,
  lateGraceMs: 5000,
  missedRecordLimit: 1000,
  cronCacheSize: 256,
  sessionId: (): string | null => null,
  random: Math.random,
  chains: nullChainJournal,
} as const;

export function wholeAtLeastOne(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new SchedulerError('invalid', `${name} ${value} must be a whole number of at least 1`, {
      field: name,
    });
  }
}

/** Fills in the defaults and refuses settings the engine cannot work with. */
export function resolveOptions<TAction>(
  options: TaskSchedulerOptions<TAction>,
): SchedulerSettings<TAction> {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as TaskSchedulerOptions<TAction>;
  const settings = {
    ...SCHEDULER_DEFAULTS,
    runner: inProcessRunner as ActionRunner<TAction>,
    fingerprint: defaultFingerprint as (action: TAction) => string,
    ...defined,
  };
  wholeAtLeastOne('globalConcurrency', settings.globalConcurrency);
  if (!(settings.maxSleepMs >= 10)) {
    throw new SchedulerError(
      'invalid',
      `maxSleepMs ${settings.maxSleepMs} must be at least 10 ms`,
      {
        field: 'maxSleepMs',
      },
    );
  }
  wholeAtLeastOne('missedRecordLimit', settings.missedRecordLimit);
  return settings;
}
