import { createHash } from 'node:crypto';
import { dueInstants } from '../schedule/schedule-times.js';
import type { TickData } from './cluster-payloads.js';
import { nextTickAfter, timingContext } from './cluster-schedule.js';

/** Missed instants written one record each; the rest share one record. */
const MISSED_LISTED = 100;

/** What one scheduler job stands for once its lateness is known. */
export interface TickPlan {
  /** The instants to run, ascending, with the trigger each run is recorded with. */
  run: { at: number; trigger: 'schedule' | 'catch-up' }[];
  /** Instants recorded 'missed' one by one. */
  missed: number[];
  /** Further missed instants counted, not listed. */
  missedUncounted: number;
}

/** At most this many instants still ahead run from one job (a lead spans a few intervals). */
const AHEAD_MAX = 1000;

/**
 * What one scheduler job stands for: its own instant and every one after it up to `coveredTo`
 * (the next job starts after that). Those already past at `now` go through the catch-up policy
 * the way the local engine applies it (BullMQ keeps one delayed job per scheduler, and when a
 * worker takes it late the instants in between were never queued): the latest, when within the
 * grace period, runs as scheduled, 'none' records the others missed, 'latest' runs the newest,
 * 'all' runs up to `cap`, and a miss older than `deadlineMs` is only recorded. Those still ahead
 * (the job was handed before its instant, or instants come closer than the lead) all run on time.
 */
export function planTick(
  data: TickData,
  scheduledFor: number,
  coveredTo: number,
  now = coveredTo,
): TickPlan {
  const split = Math.min(coveredTo, now);
  const ahead = instantsAhead(data, Math.max(split, scheduledFor - 1), coveredTo);
  if (scheduledFor > split && !ahead.includes(scheduledFor)) ahead.unshift(scheduledFor);
  const onSchedule = ahead.map((at) => ({ at, trigger: 'schedule' as const }));
  if (scheduledFor > split) return { run: onSchedule, missed: [], missedUncounted: 0 };
  const past = planPast(data, scheduledFor, split);
  return { ...past, run: [...past.run, ...onSchedule] };
}

/** The due instants after `after` up to `to`, ascending (routines have none of their own). */
function instantsAhead(data: TickData, after: number, to: number): number[] {
  if (data.schedule.kind === 'routine') return [];
  const found: number[] = [];
  let at = nextTickAfter(data, after);
  while (at !== null && at <= to && found.length < AHEAD_MAX) {
    found.push(at);
    at = nextTickAfter(data, at);
  }
  return found;
}

/** The plan for the instants from `scheduledFor` up to `takenAt`, all due by then. */
function planPast(data: TickData, scheduledFor: number, takenAt: number): TickPlan {
  const { policy, cap, deadlineMs } = data.catchUp;
  const ctx = timingContext(data);
  const due =
    data.schedule.kind === 'routine'
      ? { listed: [scheduledFor], tail: [scheduledFor], total: 1, exact: true }
      : dueInstants(
          data.schedule,
          ctx,
          scheduledFor,
          Math.max(scheduledFor, takenAt),
          MISSED_LISTED,
          cap + 1,
        );
  const tail = due.tail.length > 0 ? due.tail : [scheduledFor];
  const listed = due.listed.length > 0 ? due.listed : [scheduledFor];
  const latest = tail[tail.length - 1] as number;
  const candidates = [...tail];
  let onTime: number | null = null;
  if (takenAt - latest <= data.graceMs) onTime = candidates.pop() ?? null;
  const inTime = (at: number): boolean => deadlineMs === 0 || takenAt - at <= deadlineMs;
  let catchUps: number[] = [];
  if (policy === 'all') catchUps = candidates.filter(inTime).slice(-cap);
  else if (policy === 'latest' && onTime === null && candidates.length > 0) {
    const last = candidates[candidates.length - 1] as number;
    catchUps = inTime(last) ? [last] : [];
  }
  const running = new Set([...catchUps, ...(onTime === null ? [] : [onTime])]);
  const missed = listed.filter((at) => !running.has(at));
  const unlistedRuns = [...running].filter((at) => !listed.includes(at)).length;
  return {
    run: [
      ...catchUps.map((at) => ({ at, trigger: 'catch-up' as const })),
      ...(onTime === null ? [] : [{ at: onTime, trigger: 'schedule' as const }]),
    ],
    missed,
    missedUncounted: Math.max(0, due.total - listed.length - unlistedRuns),
  };
}

/**
 * Run ids made from what identifies the run, so a record written twice (a worker and the
 * controller both noticing a miss, a result delivered again) lands in the same file.
 */
export function clusterRunId(...parts: (string | number)[]): string {
  return `c${createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 31)}`;
}

/**
 * The id of the record for a task's due instant, whoever writes it: the controller recording it
 * missed while Redis was away, a worker recording it missed, or the worker that runs it (first
 * attempt, on time or as a catch-up). When Redis comes back with its data and the tick runs after
 * all, its record replaces the miss instead of standing beside it.
 */
export function instantRunId(taskId: string, at: number): string {
  return clusterRunId(taskId, 'missed', at);
}
