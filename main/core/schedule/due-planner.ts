import type { Schedule } from '../model/schedule.js';
import type { TaskDefinition } from '../model/task.js';
import type { DueInstants, TimingContext } from './schedule-times.js';
import { dueInstants, nextDueAfter } from './schedule-times.js';

/**
 * Pure answers to "when is this task due next" and "it fell due: what runs, what is missed":
 * numbers in, data out. The scheduler applies the answers to its heap, queue and records.
 */

/** What the planner reads of a task. */
export interface DueState {
  def: TaskDefinition;
  dueAt: number;
  cycles: number;
  repeat: { from: number; through: number } | null;
}

export interface PlannerSettings {
  /** A due time handled later than this is missed. */
  lateGraceMs: number;
  /** Missed instants listed one by one; the rest are counted. */
  missedRecordLimit: number;
}

/** The missed due times of one wake, as data: each listed one, and a count of the rest. */
export interface MissedRuns {
  /** Due times neither run nor on time, each written as its own 'missed' record. */
  instants: number[];
  /** The ones not listed: how many (a lower bound unless exact), after which instant. */
  more: { count: number; exact: boolean; after: number } | null;
}

/** What to do now that a task fell due. */
export type DuePlan =
  /** A routine: one run now; its next due time is set when the run ends. */
  | { kind: 'routine' }
  /** The clock went back and nothing is due after what was handled: the task is done. */
  | { kind: 'ended'; repeat: null }
  /** The clock went back: this time was handled before; wait for `dueAt`. */
  | { kind: 'later'; dueAt: number; repeat: null }
  | {
      kind: 'due';
      repeat: DueState['repeat'];
      /** The first and the latest due time handled by this wake. */
      first: number;
      latest: number;
      /** The due time that runs as scheduled (on time), if any. */
      onTime: number | null;
      /** Missed due times the catch-up policy runs, oldest first. */
      catchUps: number[];
      missed: MissedRuns | null;
      /** The task's cycle count once these runs are counted. */
      cycles: number;
      /** The next due time; null when the schedule is finished. */
      next: number | null;
      /** A once task is disabled after its one due time. */
      disable: boolean;
    };

/**
 * Due instants strictly after this are a new (or re-enabled) task's: a cron task registered on
 * a matching second waits for the next one, but an interval whose startAt is now runs now.
 */
export function freshAnchor(def: TaskDefinition, now: number): number {
  const s = def.schedule;
  return s.kind === 'interval' && s.startAt === now ? now - 1 : now;
}

/** Whether a schedule has used up its cycles. */
function cyclesUsed(s: Schedule, cycles: number): boolean {
  return (s.kind === 'interval' || s.kind === 'routine') && s.maxCycles !== undefined
    ? cycles >= s.maxCycles
    : false;
}

/** The task's first due time after `afterMs`, or null when it has none (disabled, finished). */
export function firstDueAfter(
  state: Pick<DueState, 'def' | 'cycles'>,
  ctx: TimingContext,
  afterMs: number,
  now: number,
): number | null {
  const s = state.def.schedule;
  if (!state.def.enabled) return null;
  if (s.kind === 'routine') {
    const at = Math.max(afterMs, now);
    return (s.until !== undefined && at > s.until) || cyclesUsed(s, state.cycles) ? null : at;
  }
  if (s.kind === 'interval' && cyclesUsed(s, state.cycles)) return null;
  return nextDueAfter(s, ctx, afterMs);
}

/** Which of the missed instants (ascending) the catch-up policy runs. */
export function catchUpsFor(
  catchUp: TaskDefinition['catchUp'],
  missed: number[],
  now: number,
): number[] {
  const { policy, cap, deadlineMs } = catchUp;
  const inTime = (at: number): boolean => deadlineMs === 0 || now - at <= deadlineMs;
  if (policy === 'none' || missed.length === 0) return [];
  if (policy === 'latest') {
    const last = missed[missed.length - 1] as number;
    return inTime(last) ? [last] : [];
  }
  return missed.filter(inTime).slice(-cap);
}

/** The listed instants that neither run nor are on time, and a count of the unlisted rest. */
function missedRuns(
  listed: number[],
  onTime: number | null,
  catchUps: number[],
  overflow: { total: number; exact: boolean } | null,
  first: number,
): MissedRuns | null {
  const running = new Set(catchUps);
  const instants = listed.filter((at) => at !== onTime && !running.has(at));
  if (!overflow) return instants.length > 0 ? { instants, more: null } : null;
  const listedSet = new Set(listed);
  const unlisted =
    overflow.total -
    listed.length -
    catchUps.filter((t) => !listedSet.has(t)).length -
    (onTime !== null && !listedSet.has(onTime) ? 1 : 0);
  const after = instants[instants.length - 1] ?? listed[listed.length - 1] ?? first;
  return {
    instants,
    more: unlisted > 0 ? { count: unlisted, exact: overflow.exact, after } : null,
  };
}

/** Skips due times handled before the clock went back. */
function afterRepeat(
  state: DueState,
  ctx: TimingContext,
): { dueAt: number | null; repeat: DueState['repeat'] } {
  const { repeat, dueAt } = state;
  if (repeat === null || dueAt > repeat.through) return { dueAt, repeat: null };
  if (dueAt < repeat.from) return { dueAt, repeat };
  return { dueAt: nextDueAfter(state.def.schedule, ctx, repeat.through), repeat: null };
}

/**
 * The due times less those handled before the clock went back (a wake that spans both sides of
 * the repeat window would run them again); `latest` is still the last due time of all, where the
 * next search starts.
 */
function withoutRepeat(
  due: DueInstants,
  repeat: DueState['repeat'],
): DueInstants & { latest: number | undefined } {
  const latest = due.tail[due.tail.length - 1];
  if (repeat === null) return { ...due, latest };
  const outside = (at: number) => at < repeat.from || at > repeat.through;
  const listed = due.listed.filter(outside);
  const tail = due.tail.filter(outside);
  return { ...due, listed, tail, total: due.total - (due.listed.length - listed.length), latest };
}

/** A task fell due at `state.dueAt` and it is `now`: what runs, what is missed, when next. */
export function planDue(
  state: DueState,
  ctx: TimingContext,
  now: number,
  settings: PlannerSettings,
): DuePlan {
  const s = state.def.schedule;
  if (s.kind === 'routine') return { kind: 'routine' };
  const { dueAt: first, repeat } = afterRepeat(state, ctx);
  if (first === null) return { kind: 'ended', repeat: null };
  if (first > now) return { kind: 'later', dueAt: first, repeat: null };
  const { catchUp } = state.def;
  let next = nextDueAfter(s, ctx, first);
  let onTime: number | null = null;
  let catchUps: number[];
  let latest = first;
  let missed: MissedRuns | null;
  if (next === null || next > now) {
    // The common case: one instant due, on time, with nothing to record as missed.
    if (now - first <= settings.lateGraceMs) onTime = first;
    catchUps = onTime === null ? catchUpsFor(catchUp, [first], now) : [];
    missed = onTime === null ? missedRuns([first], onTime, catchUps, null, first) : null;
  } else {
    const limit = settings.missedRecordLimit;
    const due = withoutRepeat(dueInstants(s, ctx, first, now, limit, catchUp.cap + 1), repeat);
    latest = due.latest ?? first;
    const candidates = [...due.tail];
    if (now - latest <= settings.lateGraceMs && candidates.at(-1) === latest)
      onTime = candidates.pop() ?? null;
    // With 'latest', an on-time run is the most recent one: it covers the missed ones.
    catchUps =
      onTime !== null && catchUp.policy === 'latest' ? [] : catchUpsFor(catchUp, candidates, now);
    const overflow = due.total > due.listed.length ? due : null;
    missed = missedRuns(due.listed, onTime, catchUps, overflow, first);
    next = nextDueAfter(s, ctx, latest);
  }
  if (s.kind === 'interval' && s.maxCycles !== undefined) {
    const left = s.maxCycles - state.cycles;
    if (onTime !== null && left <= 0) onTime = null;
    catchUps = catchUps.slice(Math.max(0, catchUps.length - (left - (onTime === null ? 0 : 1))));
  }
  const cycles = state.cycles + catchUps.length + (onTime === null ? 0 : 1);
  const disable = s.kind === 'once';
  const finished = disable || next === null || cyclesUsed(s, cycles);
  return {
    kind: 'due',
    repeat,
    first,
    latest,
    onTime,
    catchUps,
    missed,
    cycles,
    next: finished ? null : next,
    disable,
  };
}

/**
 * The next `count` due times of a task already in the heap at `state.dueAt`. Routines are shown
 * as if each run took no time.
 */
export function upcoming(
  state: Pick<DueState, 'def' | 'cycles' | 'dueAt'>,
  ctx: TimingContext,
  count: number,
): number[] {
  const s = state.def.schedule;
  const out = [state.dueAt];
  if (s.kind === 'routine') {
    for (let i = 1; i < count; i++) out.push(state.dueAt + i * s.waitMs);
    return out.slice(0, Math.max(0, count));
  }
  const left =
    s.kind === 'interval' && s.maxCycles !== undefined ? s.maxCycles - state.cycles : count;
  while (out.length < Math.min(count, left)) {
    const at = nextDueAfter(s, ctx, out[out.length - 1] as number);
    if (at === null) break;
    out.push(at);
  }
  return out.slice(0, Math.max(0, count));
}
