import type { TaskConditions } from '../model/conditions.js';
import type { SkipReason } from '../model/run.js';
import type { Schedule } from '../model/schedule.js';
import { CronCache } from '../schedule/cron-cache.js';
import { nextDueAfter } from '../schedule/schedule-times.js';
import type { TriggerPlan } from '../schedule/trigger-plan.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { AlertTask } from './alert-message.js';
import { lateAllowance } from './missed-allowance.js';
import type { IncidentBook } from './incident-book.js';

/** What the switch needs to know of a task to work out its due times. */
export interface WatchedTask {
  task: AlertTask;
  schedule: Schedule;
  timezone: string | undefined;
  createdAt: number;
  enabled: boolean;
  /**
   * The engine's trigger plan when the task has one (more schedules, Jenkins' H, quiet windows,
   * a random delay): due times come from it, a due time a skipping quiet window covers is not
   * expected to run, and the random delay widens the grace.
   */
  plan?: TriggerPlan | null;
  /**
   * The task's power, network and idle conditions: a run that waits for them (policy 'wait') may
   * start as late as its deadline, and a run they skip (policy 'skip') is accounted for.
   */
  conditions?: TaskConditions | null;
}

/** The task's dead man's switch settings as they are now. */
export interface SwitchRules {
  enabled: boolean;
  graceMs: number;
  /** 'run': a run must start; 'ping': a result must be reported from outside. */
  expect: 'run' | 'ping';
}

export interface DeadManSwitchOptions {
  clock: Clock;
  book: IncidentBook;
  rules(taskId: string): SwitchRules;
  /** A due run did not start (or report) in time, `count` times since the last check. */
  onMissed(task: WatchedTask, dueAt: number, count: number, rules: SwitchRules): void;
}

/**
 * A timer that never waits longer than this: a suspended machine does not fire timers, so the
 * switch looks again soon after it wakes.
 */
const MAX_WAIT_MS = 30_000;
/** Skips that are the user's rule at work, not a run gone missing. */
const EXCUSED_SKIPS: ReadonlySet<SkipReason> = new Set([
  'conditions',
  'quiet-window',
  'do-not-run-until',
]);
/** Due times judged one by one per task and check; past that the rest is counted at once. */
const JUDGE_BUDGET = 1000;

/**
 * The dead man's switch. It works from the schedule's due times and the clock alone, not from
 * what the engine did, so a run that never started is caught whatever kept it from starting:
 * the app was closed, the machine slept, the scheduler was stopped or paused, the run was
 * skipped by the overlap policy, or the queue was stuck. Each due time is judged once, grace
 * after it, and the judgement is kept in the task's watch so a restart does not judge it again.
 */
export class DeadManSwitch {
  readonly #o: DeadManSwitchOptions;
  readonly #tasks = new Map<string, WatchedTask>();
  readonly #cache = new CronCache();
  #timer: TimerHandle | null = null;
  #closed = false;

  constructor(options: DeadManSwitchOptions) {
    this.#o = options;
  }

  /** Adds or updates a task. A task seen for the first time (or enabled again) is judged from now on. */
  upsert(task: WatchedTask): void {
    const before = this.#tasks.get(task.task.id);
    this.#tasks.set(task.task.id, task);
    const w = this.#o.book.watch(task.task.id);
    if (w.checkedThrough === null || (task.enabled && before && !before.enabled))
      this.#o.book.setWatch(task.task.id, { ...w, checkedThrough: this.#o.clock.now() });
  }

  remove(taskId: string): void {
    this.#tasks.delete(taskId);
  }

  /** A run of the task started; it counts for its due time when it started within the grace. */
  started(taskId: string, scheduledFor: number, startedAt: number): void {
    const rules = this.#o.rules(taskId);
    const grace = rules.graceMs + lateAllowance(this.#tasks.get(taskId));
    if (rules.expect !== 'run' || startedAt > scheduledFor + grace) return;
    this.#onTime(taskId, scheduledFor);
  }

  /**
   * A run due at `scheduledFor` was recorded 'skipped'. Skipped by the user's own rules (the
   * task's conditions, its quiet window, a global "Do not run until …") it is accounted for; skipped
   * by the overlap policy, or for no reason the record names (older records), it is not: that is
   * what the switch is there to catch.
   */
  skipped(taskId: string, scheduledFor: number, reason: SkipReason | undefined): void {
    if (reason === undefined || !EXCUSED_SKIPS.has(reason)) return;
    this.#onTime(taskId, scheduledFor);
  }

  /** A result arrived from outside (a ping, a worker): it answers the latest due time before it. */
  reported(taskId: string, at: number): void {
    const t = this.#tasks.get(taskId);
    if (!t) return;
    const rules = this.#o.rules(taskId);
    let due: number | null = null;
    const from = Math.max(t.createdAt, at - rules.graceMs) - 1;
    for (let d = this.#next(t, from); d !== null && d <= at; d = this.#next(t, d)) due = d;
    this.#onTime(taskId, due ?? at);
  }

  #onTime(taskId: string, dueAt: number): void {
    const w = this.#o.book.watch(taskId);
    if (w.onTimeThrough === null || dueAt > w.onTimeThrough)
      this.#o.book.setWatch(taskId, { ...w, onTimeThrough: dueAt });
  }

  #next(t: WatchedTask, after: number): number | null {
    return nextDueAfter(
      t.schedule,
      {
        cache: this.#cache,
        timezone: t.timezone,
        createdAt: t.createdAt,
        plan: t.plan ?? undefined,
      },
      after,
    );
  }

  /** Judges every due time whose grace has passed, then arms the timer for the next one. */
  check(): void {
    if (this.#closed) return;
    const now = this.#o.clock.now();
    let nextJudge: number | null = null;
    for (const t of this.#tasks.values()) {
      const rules = this.#o.rules(t.task.id);
      if (!t.enabled || !rules.enabled || t.schedule.kind === 'routine') continue;
      const at = this.#judge(t, rules, now);
      if (at !== null && (nextJudge === null || at < nextJudge)) nextJudge = at;
    }
    this.#arm(nextJudge === null ? MAX_WAIT_MS : Math.min(MAX_WAIT_MS, nextJudge - now));
  }

  /** Judges one task's due times up to now - grace; returns when the next one is judged. */
  #judge(t: WatchedTask, rules: SwitchRules, now: number): number | null {
    const w = this.#o.book.watch(t.task.id);
    const grace = rules.graceMs + lateAllowance(t);
    const quietSkips = t.plan?.quietPolicy === 'skip' ? t.plan : null;
    let from = w.checkedThrough ?? now;
    let firstMissed: number | null = null;
    let missed = 0;
    let judged = 0;
    for (;;) {
      const due = this.#next(t, from);
      if (due === null || due + grace > now) break;
      if (++judged > JUDGE_BUDGET) {
        // A per-second task closed for a week: the rest of the gap is missed too.
        missed++;
        from = now - grace;
        break;
      }
      // A run the user's quiet window skips was never expected to start.
      const expected = quietSkips === null || quietSkips.quietAt(due) === null;
      if (expected && (w.onTimeThrough === null || w.onTimeThrough < due)) {
        firstMissed ??= due;
        missed++;
      }
      from = due;
    }
    if (from !== w.checkedThrough) this.#o.book.setWatch(t.task.id, { ...w, checkedThrough: from });
    if (firstMissed !== null) this.#o.onMissed(t, firstMissed, missed, rules);
    const next = this.#next(t, from);
    return next === null ? null : next + grace;
  }

  #arm(ms: number): void {
    if (this.#timer) this.#o.clock.clearTimer(this.#timer);
    this.#timer = this.#o.clock.setTimer(
      () => {
        this.#timer = null;
        this.check();
      },
      Math.max(0, ms),
    );
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) this.#o.clock.clearTimer(this.#timer);
    this.#timer = null;
  }
}
