import type { TimelinePastRun } from '../jobs/timeline-past.js';
import { pastRuns } from '../jobs/timeline-past.js';
import { dueInstants, nextRunTimes } from '../schedule/schedule-times.js';
import { dstTransitions } from '../schedule/dst-transitions.js';
import type { DstTransition } from '../schedule/dst-transitions.js';
import { CronCache } from '../schedule/cron-cache.js';
import { TriggerPlan } from '../schedule/trigger-plan.js';
import { timelineWindows } from './timeline-windows.js';
import type { CoreParts } from './core-parts.js';

/** One row of the timeline: a task. */
export interface TimelineTask {
  taskId: string;
  name: string;
  project: string;
  group: string;
  timezone: string | null;
  enabled: boolean;
}

/** A task's coming runs inside the range, as the engine works them out. */
export interface TimelineComing {
  taskId: string;
  at: number[];
  /** More runs fall in the range than were listed (a task firing every few seconds). */
  truncated: boolean;
}

/** A clock change inside the range, in the viewer's zone or a task's zone. */
export interface TimelineDst extends DstTransition {
  zone: string;
}

/**
 * A span drawn on a task's row (or behind every row when taskId is null): a quiet window, or
 * the window a coming run with a random delay starts in ([due, due + jitter]).
 */
export interface TimelineWindow {
  taskId: string | null;
  kind: 'quiet' | 'jitter';
  from: number;
  to: number;
  label: string;
}

export interface TimelineRange {
  from: number;
  to: number;
  now: number;
  tasks: TimelineTask[];
  past: TimelinePastRun[];
  /** More past runs fell in the range than were returned (the newest were kept). */
  pastTruncated: boolean;
  coming: TimelineComing[];
  dst: TimelineDst[];
  windows: TimelineWindow[];
}

export interface TimelineRequest {
  from: number;
  to: number;
  /** The viewer's IANA zone, so its clock changes are marked too. */
  zone?: string | undefined;
}

/** Past runs returned for one range at most: a week of 1,000 hourly tasks fits. */
const PAST_CAP = 200_000;
/** Coming runs listed per task at most; a denser task is drawn as a band. */
const COMING_PER_TASK = 2_000;

/** Past runs from the history index and coming runs from the engine, for [from, to]. */
export function timelineRange(parts: CoreParts, request: TimelineRequest): TimelineRange {
  const { from, to } = request;
  const now = parts.clock.now();
  const stored = parts.store.listTasks();
  const tasks: TimelineTask[] = stored.map((t) => ({
    taskId: t.id,
    name: t.name,
    project: t.project,
    group: t.group,
    timezone: t.timezone ?? null,
    enabled: t.enabled,
  }));
  const past = pastRuns(parts.jobs, from, Math.min(to, now), PAST_CAP);
  const coming: TimelineComing[] = [];
  const cache = new CronCache();
  if (to > now) {
    for (const task of stored) {
      const info = parts.engine.get(task.id);
      if (!info || info.nextDueAt === null) continue;
      const plan = TriggerPlan.of(info.definition, task.id);
      if (plan !== null && info.definition.schedule.kind !== 'routine')
        coming.push(plannedRuns(task.id, plan, info.createdAt, Math.max(from, now), to, cache));
      else if (info.nextDueAt <= to)
        coming.push(comingRuns(task.id, info, Math.max(from, now), to, cache));
    }
  }
  const zones = new Set<string>();
  if (request.zone) zones.add(request.zone);
  for (const t of tasks) if (t.timezone) zones.add(t.timezone);
  const dst = [...zones].flatMap((zone) =>
    dstTransitions(zone, from, to).map((d) => ({ ...d, zone })),
  );
  return {
    from,
    to,
    now,
    tasks,
    past: past.runs,
    pastTruncated: past.truncated,
    coming,
    dst,
    windows: timelineWindows(parts.engine, stored, coming, from, to),
  };
}

/**
 * The coming runs of a task with triggers, as its plan works them out: every schedule merged,
 * runs in a skipping quiet window left out, a deferring one's moved to its end. The times are
 * the due times: a random delay is drawn as a window after each.
 */
function plannedRuns(
  taskId: string,
  plan: TriggerPlan,
  createdAt: number,
  from: number,
  to: number,
  cache: CronCache,
): TimelineComing {
  const ctx = { cache, timezone: plan.zone, createdAt, plan };
  const due = plan.dueInstants(ctx, from, to, COMING_PER_TASK + 1, 0).listed;
  // A skipping quiet window takes its due times; a deferring one has moved them already.
  const all = plan.quietPolicy === 'skip' ? due.filter((at) => plan.quietAt(at) === null) : due;
  return {
    taskId,
    at: all.slice(0, COMING_PER_TASK),
    truncated: all.length > COMING_PER_TASK,
  };
}

function comingRuns(
  taskId: string,
  info: NonNullable<ReturnType<CoreParts['engine']['get']>>,
  from: number,
  to: number,
  cache: CronCache,
): TimelineComing {
  const def = info.definition;
  // The engine's own next due time comes first: it knows about catch-up and retries.
  const first = info.nextDueAt!;
  const start = first >= from ? first : from - 1;
  // Only the instants up to `to` are worked out: a thousand tasks asking for 2,000 each took
  // seconds for a week's range.
  const later =
    def.schedule.kind === 'routine'
      ? nextRunTimes(def.schedule, {
          timezone: def.timezone,
          fromMs: start,
          count: COMING_PER_TASK + 1,
          createdAt: info.createdAt,
        })
      : dueInstants(
          def.schedule,
          { cache, timezone: def.timezone, createdAt: info.createdAt },
          start + 1,
          to,
          COMING_PER_TASK + 1,
          0,
        ).listed;
  const all = (first >= from ? [first, ...later] : later).filter((t) => t >= from && t <= to);
  return {
    taskId,
    at: all.slice(0, COMING_PER_TASK),
    truncated: all.length > COMING_PER_TASK,
  };
}
