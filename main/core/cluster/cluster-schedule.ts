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
  /**
   * How long before its due instant a worker-planned tick is handed to the workers (0: at the
   * instant, as schedulers written before hand-over were).
   */
  leadMs: z.number().int().min(0).max(60_000).optional(),
});

export type ClusterTiming = z.output<typeof timing>;

export function encodeTiming(value: ClusterTiming): string {
  return MARKER + Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Patterns read lately: every job of a scheduler carries the same one. */
const decoded = new Map<string, ClusterTiming | null>();

/** The timing in a scheduler's pattern, or null when it is not one of Crontray's. */
export function decodeTiming(pattern: string | undefined): ClusterTiming | null {
  if (pattern === undefined) return null;
  const known = decoded.get(pattern);
  if (known !== undefined) return known;
  const value = readTiming(pattern);
  if (decoded.size >= 4096) decoded.clear();
  decoded.set(pattern, value);
  return value;
}

function readTiming(pattern: string): ClusterTiming | null {
  if (!pattern.startsWith(MARKER)) return null;
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
 * BullMQ's `settings.repeatStrategy` on the controller's queue, which plans only a scheduler's
 * first job (BullMQ leaves `opts.count` out then): handed `leadMs` before the first due instant
 * after `millis`, or at once when that is sooner. The job carries that instant (`firstDue`), so a
 * worker never has to guess it. Answers undefined (no job) for patterns that are not Crontray's,
 * so a foreign scheduler never runs.
 */
export function crontrayRepeatStrategy(millis: number, opts: RepeatOptions): number | undefined {
  const value = decodeTiming(opts.pattern);
  if (value === null) return undefined;
  const next = nextTickAfter(value, millis);
  if (next === null) return undefined;
  return Math.max(millis, next - (value.leadMs ?? 0));
}

/**
 * The workers' `repeatStrategy`, planning the job after the one just taken (`opts.count` set):
 * the taken job covers the due instants up to `millis + leadMs` (it runs or records them), so the
 * next job is the first instant after that, handed `leadMs` before it. Always later than
 * `millis`, so BullMQ never moves it and the instant is the job's time plus `leadMs`.
 */
export function handOverStrategy(millis: number, opts: RepeatOptions): number | undefined {
  const value = decodeTiming(opts.pattern);
  if (value === null) return undefined;
  const lead = value.leadMs ?? 0;
  const next = nextTickAfter(value, millis + lead);
  return next === null ? undefined : next - lead;
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
