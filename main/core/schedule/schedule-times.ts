import type { Schedule, ScheduleInput } from '../model/schedule.js';
import { scheduleSchema } from '../model/schedule.js';
import { CronCache } from './cron-cache.js';
import { cronNextAfter, cronPreviousRuns } from './cron-times.js';
import { SchedulerError } from './scheduler-error.js';
import type { TriggerPlan } from './trigger-plan.js';
import { describeIssues } from './validation-message.js';

/** What the times of a schedule depend on besides the schedule itself. */
export interface TimingContext {
  cache: CronCache;
  /** IANA zone; undefined means the machine's zone. */
  timezone: string | undefined;
  /** When the task was created: an interval without startAt first runs at createdAt + everyMs. */
  createdAt: number;
  /** A task with triggers (more schedules, quiet windows, H): its plan answers instead. */
  plan?: TriggerPlan | undefined;
}

/** The instant an interval counts from: its first run. */
function intervalOrigin(s: Extract<Schedule, { kind: 'interval' }>, createdAt: number): number {
  return s.startAt ?? createdAt + s.everyMs;
}

/**
 * The first due instant strictly after `afterMs`, or null when there is none (a once task
 * already past, an interval past `until`, a cron pattern with no future match). Routines are
 * timed from the end of their previous run, so they have no answer here.
 */
export function nextDueAfter(
  schedule: Schedule,
  ctx: TimingContext,
  afterMs: number,
): number | null {
  if (ctx.plan !== undefined) return ctx.plan.nextAfter(ctx, afterMs);
  switch (schedule.kind) {
    case 'cron':
      return cronNextAfter(ctx.cache, schedule.pattern, ctx.timezone, schedule.dayMatch, afterMs);
    case 'interval': {
      const origin = intervalOrigin(schedule, ctx.createdAt);
      const at =
        afterMs < origin
          ? origin
          : origin + (Math.floor((afterMs - origin) / schedule.everyMs) + 1) * schedule.everyMs;
      return schedule.until !== undefined && at > schedule.until ? null : at;
    }
    case 'once':
      return schedule.at > afterMs ? schedule.at : null;
    case 'routine':
      return null;
  }
}

/** The due instants in a window, bounded so a week-long suspend of a per-second task stays cheap. */
export interface DueInstants {
  /** The first instants, ascending, at most `listLimit`. */
  listed: number[];
  /** The last instants, ascending, at most `tailSize` (overlaps `listed` when there are few). */
  tail: number[];
  /** How many instants there are in all (a lower bound when `exact` is false). */
  total: number;
  exact: boolean;
}

/** Cron instants counted one by one past the listed ones before giving up on an exact total. */
const COUNT_BUDGET = 2000;

/** The instants of a cron, interval or once schedule in [fromMs, toMs]. */
export function dueInstants(
  schedule: Schedule,
  ctx: TimingContext,
  fromMs: number,
  toMs: number,
  listLimit: number,
  tailSize: number,
): DueInstants {
  if (ctx.plan !== undefined) return ctx.plan.dueInstants(ctx, fromMs, toMs, listLimit, tailSize);
  if (schedule.kind === 'interval' || schedule.kind === 'once') {
    const first = nextDueAfter(schedule, ctx, fromMs - 1);
    if (first === null || first > toMs) return { listed: [], tail: [], total: 0, exact: true };
    const every = schedule.kind === 'interval' ? schedule.everyMs : Number.POSITIVE_INFINITY;
    const last =
      schedule.kind === 'interval' && schedule.until !== undefined
        ? Math.min(toMs, schedule.until)
        : toMs;
    const total = Number.isFinite(every) ? Math.floor((last - first) / every) + 1 : 1;
    const listed: number[] = [];
    for (let i = 0; i < Math.min(total, listLimit); i++) listed.push(first + i * every);
    const tail: number[] = [];
    for (let i = Math.max(0, total - tailSize); i < total; i++) tail.push(first + i * every);
    return { listed, tail, total, exact: true };
  }
  if (schedule.kind === 'routine') return { listed: [], tail: [], total: 0, exact: true };

  const listed: number[] = [];
  const tail: number[] = [];
  let total = 0;
  let at: number | null = nextDueAfter(schedule, ctx, fromMs - 1);
  while (at !== null && at <= toMs) {
    total++;
    if (listed.length < listLimit) listed.push(at);
    if (tailSize > 0) {
      tail.push(at);
      if (tail.length > tailSize) tail.shift();
    }
    if (total >= listLimit + COUNT_BUDGET) {
      const seen = at;
      const latest = cronPreviousRuns(
        ctx.cache,
        schedule.pattern,
        ctx.timezone,
        schedule.dayMatch,
        toMs,
        tailSize,
      )
        .filter((t) => t > seen)
        .reverse();
      return {
        listed,
        tail: [...tail, ...latest].slice(-tailSize),
        total: total + latest.length,
        exact: false,
      };
    }
    at = nextDueAfter(schedule, ctx, at);
  }
  return { listed, tail, total, exact: true };
}

/** Options of {@link nextRunTimes}. */
export interface NextRunTimesOptions {
  /** IANA zone the schedule is read in; default: the machine's zone. */
  timezone?: string;
  /** How many instants; default 5. */
  count?: number;
  /** Instants strictly after this one (epoch ms); default Date.now(). */
  fromMs?: number;
  /** For an interval without startAt, when it was created; default fromMs. */
  createdAt?: number;
  /** Parsed patterns to reuse; default a private one. */
  cache?: CronCache;
}

/**
 * The next run instants of a schedule, e.g. for the task editor's preview. Routines are shown as
 * if each run took no time (their real times depend on how long runs take).
 */
export function nextRunTimes(
  schedule: ScheduleInput | Schedule,
  options: NextRunTimesOptions = {},
): number[] {
  const parsed = scheduleSchema.safeParse(schedule);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    throw new SchedulerError('invalid', issues.map((i) => i.message).join('; '), {
      field: ['schedule', ...(issues[0]?.path ?? [])].map(String).join('.'),
      message: `TaskScheduler: ${describeIssues(issues, ['schedule'])}`,
    });
  }
  const s = parsed.data;
  const count = Math.max(0, Math.min(options.count ?? 5, 10_000));
  const from = options.fromMs ?? Date.now();
  const ctx: TimingContext = {
    cache: options.cache ?? new CronCache(4),
    timezone: options.timezone,
    createdAt: options.createdAt ?? from,
  };
  const out: number[] = [];
  if (s.kind === 'routine') {
    for (let i = 0; i < count; i++) {
      const at = from + i * s.waitMs;
      if (s.until !== undefined && at > s.until) break;
      if (s.maxCycles !== undefined && i >= s.maxCycles) break;
      out.push(at);
    }
    return out;
  }
  let at = nextDueAfter(s, ctx, from);
  while (at !== null && out.length < count) {
    if (s.kind === 'interval' && s.maxCycles !== undefined) {
      const origin = intervalOrigin(s, ctx.createdAt);
      if ((at - origin) / s.everyMs >= s.maxCycles) break;
    }
    out.push(at);
    at = nextDueAfter(s, ctx, at);
  }
  return out;
}
