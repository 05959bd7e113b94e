import type { Schedule } from '../model/schedule.js';
import type { TaskDefinition } from '../model/task.js';
import type { QuietPolicy, QuietWindow, TriggerEvent } from '../model/triggers.js';
import type { CronCache } from './cron-cache.js';
import { cronWithHashSeed, usesHash } from './cron-dialect.js';
import type { QuietSpan } from './quiet-windows.js';
import { quietAt, quietSpans } from './quiet-windows.js';
import type { DueInstants, TimingContext } from './schedule-times.js';
import { dueInstants, nextDueAfter, nextRunTimes } from './schedule-times.js';

/** What a timeline draws of a task's triggers (`TaskScheduler.triggerWindows`). */
export interface TriggerWindows {
  quiet: QuietSpan[];
  /** null when the task has no quiet windows. */
  quietPolicy: QuietPolicy | null;
  /** A run due at t starts in [t, t + jitterMs]. */
  jitterMs: number;
}

/** The next runs after `now` of a definition not registered (the editor's preview), triggers applied. */
export function definitionRuns(
  def: TaskDefinition,
  cache: CronCache,
  now: number,
  count: number,
): number[] {
  const plan = def.schedule.kind === 'routine' ? null : TriggerPlan.of(def, null);
  if (plan === null)
    return nextRunTimes(def.schedule, { timezone: def.timezone, count, fromMs: now, cache });
  return plan.runsAfter({ cache, timezone: def.timezone, createdAt: now, plan }, now, count);
}

/** A plan's windows as data; a run due at t starts in [t, t + jitterMs]. */
export function triggerWindows(
  plan: TriggerPlan | undefined,
  fromMs: number,
  toMs: number,
): TriggerWindows {
  if (plan === undefined) return { quiet: [], quietPolicy: null, jitterMs: 0 };
  const quiet = plan.quietSpans(fromMs, toMs);
  const quietPolicy = plan.quietWindows.length > 0 ? plan.quietPolicy : null;
  return { quiet, quietPolicy, jitterMs: plan.jitterMs };
}

/** One of a task's schedules with the zone it is read in. */
export interface TimedSchedule {
  schedule: Schedule;
  timezone: string | undefined;
}

/**
 * How a task with triggers is timed: its schedules merged (a due time two share is one due
 * time), H fixed from the task's id, quiet windows, a random delay. Tasks without any of these
 * have no plan and stay on the engine's fast path.
 */
export class TriggerPlan {
  constructor(
    readonly schedules: readonly TimedSchedule[],
    readonly zone: string | undefined,
    readonly jitterMs: number,
    readonly quietWindows: readonly QuietWindow[],
    readonly quietPolicy: QuietPolicy,
    readonly events: readonly TriggerEvent[] = [],
    /** The schedules never fall due: only the events start the task. */
    readonly eventsOnly = false,
  ) {}

  /**
   * The plan of a definition, or null when its schedule alone times it. `seed` fixes Jenkins' H
   * (the task's id; a definition not saved yet has none, and its pattern's text is used).
   */
  static of(def: TaskDefinition, seed: string | null): TriggerPlan | null {
    const t = def.triggers;
    const hashed = def.schedule.kind === 'cron' && usesHash(def.schedule.pattern);
    if (t === undefined && !hashed) return null;
    const main: TimedSchedule = { schedule: seeded(def.schedule, seed), timezone: def.timezone };
    const extra = (t?.schedules ?? []).map((e) => ({
      schedule: seeded(e.schedule, seed),
      timezone: e.timezone ?? def.timezone,
    }));
    return new TriggerPlan(
      [main, ...extra],
      def.timezone,
      (t?.jitterSec ?? 0) * 1000,
      t?.quiet.windows ?? [],
      t?.quiet.policy ?? 'skip',
      t?.events ?? [],
      t?.eventsOnly ?? false,
    );
  }

  /** The first due time strictly after `afterMs`; a deferring quiet window moves it to its end. */
  nextAfter(ctx: TimingContext, afterMs: number): number | null {
    if (this.eventsOnly) return null;
    const at = this.#mergedNext(ctx, afterMs);
    if (at === null || this.quietPolicy !== 'defer') return at;
    const quiet = this.quietAt(at);
    return quiet === null ? at : quiet.to;
  }

  /** The quiet span a due time falls in, or null. */
  quietAt(at: number): QuietSpan | null {
    return this.quietWindows.length === 0 ? null : quietAt(this.quietWindows, this.zone, at);
  }

  /** The quiet spans overlapping [fromMs, toMs), e.g. for a timeline. */
  quietSpans(fromMs: number, toMs: number): QuietSpan[] {
    return quietSpans(this.quietWindows, this.zone, fromMs, toMs);
  }

  /** Due instants in [fromMs, toMs] of all schedules, merged, with the planner's bounds. */
  dueInstants(
    ctx: TimingContext,
    fromMs: number,
    toMs: number,
    listLimit: number,
    tailSize: number,
  ): DueInstants {
    if (this.eventsOnly) return { listed: [], tail: [], total: 0, exact: true };
    if (this.quietPolicy === 'defer' && this.quietWindows.length > 0)
      return this.#walk(ctx, fromMs, toMs, listLimit, tailSize);
    const parts = this.schedules.map((s) =>
      dueInstants(s.schedule, this.#ctx(ctx, s), fromMs, toMs, listLimit, tailSize),
    );
    const listed = mergeSorted(parts.map((p) => p.listed)).slice(0, listLimit);
    const tail = mergeSorted(parts.map((p) => p.tail)).slice(-tailSize);
    const complete = parts.every((p) => p.exact && p.listed.length === p.total);
    if (complete) {
      const total = mergeSorted(parts.map((p) => p.listed)).length;
      return { listed, tail: tailSize > 0 ? tail : [], total, exact: true };
    }
    // Counted apart, shared due times cannot be told: the largest count is a lower bound.
    const total = Math.max(listed.length, ...parts.map((p) => p.total));
    return { listed, tail: tailSize > 0 ? tail : [], total, exact: false };
  }

  /**
   * The next `count` due times after `afterMs` that will run: those a skipping quiet window
   * takes are left out (a deferring one has moved them already).
   */
  runsAfter(ctx: TimingContext, afterMs: number, count: number): number[] {
    const out: number[] = [];
    // Bounded: a per-minute task behind a week of quiet windows still answers quickly.
    for (let at = this.nextAfter(ctx, afterMs), i = 0; at !== null && out.length < count; i++) {
      if (i >= 20_000) break;
      if (this.quietPolicy !== 'skip' || this.quietAt(at) === null) out.push(at);
      at = this.nextAfter(ctx, at);
    }
    return out;
  }

  /** One by one (deferred due times move), bounded like the cron walk. */
  #walk(
    ctx: TimingContext,
    fromMs: number,
    toMs: number,
    listLimit: number,
    tailSize: number,
  ): DueInstants {
    const listed: number[] = [];
    const tail: number[] = [];
    let total = 0;
    for (let at = this.nextAfter(ctx, fromMs - 1); at !== null && at <= toMs;) {
      total++;
      if (listed.length < listLimit) listed.push(at);
      if (tailSize > 0) {
        tail.push(at);
        if (tail.length > tailSize) tail.shift();
      }
      if (total >= listLimit + 2000) return { listed, tail, total, exact: false };
      at = this.nextAfter(ctx, at);
    }
    return { listed, tail, total, exact: true };
  }

  #mergedNext(ctx: TimingContext, afterMs: number): number | null {
    let best: number | null = null;
    for (const s of this.schedules) {
      const at = nextDueAfter(s.schedule, this.#ctx(ctx, s), afterMs);
      if (at !== null && (best === null || at < best)) best = at;
    }
    return best;
  }

  #ctx(ctx: TimingContext, s: TimedSchedule): TimingContext {
    return { cache: ctx.cache, timezone: s.timezone, createdAt: ctx.createdAt };
  }
}

/** A cron schedule's H fixed from the seed; other schedules as they are. */
function seeded(schedule: Schedule, seed: string | null): Schedule {
  if (seed === null || schedule.kind !== 'cron' || !usesHash(schedule.pattern)) return schedule;
  return { ...schedule, pattern: cronWithHashSeed(schedule.pattern, seed) };
}

/** Ascending lists merged into one ascending list without repeats. */
function mergeSorted(lists: readonly number[][]): number[] {
  const all = lists.flat().sort((a, b) => a - b);
  return all.filter((at, i) => i === 0 || at !== all[i - 1]);
}
