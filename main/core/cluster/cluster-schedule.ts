import type { RepeatOptions } from 'bullmq';
import { z } from 'zod';
import { CronCache } from '../schedule/cron-cache.js';
import { nextDueAfter } from '../schedule/schedule-times.js';
import type { TimingContext } from '../schedule/schedule-times.js';
import type { Schedule } from '../model/schedule.js';
import { scheduleSchema } from '../model/schedule.js';

/**
 * BullMQ keeps a job scheduler's "pattern" in Redis and hands it to `repeatStrategy` for the next
 * time. Crontray stores its own schedule there (as base64url JSON behind this marker), so cron
 * dialect, zones, DST and intervals are computed by Crontray's schedule code, exactly as on one
 * machine, and never by cron-parser.
 */
const MARKER = 'crontray1:';

const timing = z.object({
  schedule: scheduleSchema,
  timezone: z.string().max(64).nullable(),
  createdAt: z.number(),
});

export type ClusterTiming = z.output<typeof timing>;

export function encodeTiming(value: ClusterTiming): string {
  return MARKER + Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The timing in a scheduler's pattern, or null when it is not one of Crontray's. */
export function decodeTiming(pattern: string | undefined): ClusterTiming | null {
  if (pattern === undefined || !pattern.startsWith(MARKER)) return null;
  try {
    const json: unknown = JSON.parse(
      Buffer.from(pattern.slice(MARKER.length), 'base64url').toString('utf8'),
    );
    const parsed = timing.safeParse(json);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const cache = new CronCache(512);

export function timingContext(value: ClusterTiming): TimingContext {
  return { cache, timezone: value.timezone ?? undefined, createdAt: value.createdAt };
}

/** The first due instant strictly after `afterMs`, or null. */
export function nextTickAfter(value: ClusterTiming, afterMs: number): number | null {
  return nextDueAfter(value.schedule, timingContext(value), afterMs);
}

/**
 * BullMQ's `settings.repeatStrategy`, set on the Queue and on every Worker: answers undefined
 * (no next job) for patterns that are not Crontray's, so a foreign scheduler never runs.
 */
export function crontrayRepeatStrategy(millis: number, opts: RepeatOptions): number | undefined {
  const value = decodeTiming(opts.pattern);
  if (value === null) return undefined;
  return nextTickAfter(value, millis) ?? undefined;
}

/**
 * Only cron, interval and once schedules can run on a cluster (routines time from their own end),
 * and an interval without a run limit.
 */
export function clusterScheduleProblem(schedule: Schedule): string | null {
  if (schedule.kind === 'routine') {
    return 'a routine (fixed delay after each run) cannot run on a cluster queue; use an interval or cron schedule, or run it on this computer';
  }
  if (schedule.kind === 'interval' && schedule.maxCycles !== undefined) {
    // This computer counts the runs that happened; workers on a queue share no such count, and
    // counting due times instead would spend the limit on ticks missed while workers were down.
    return `a limit on the number of runs (${schedule.maxCycles} times) is counted by this computer and cannot be kept on a cluster queue; set an end time ('until') instead, or run it on this computer`;
  }
  return null;
}
