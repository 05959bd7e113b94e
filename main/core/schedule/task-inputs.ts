import type { z } from 'zod';
import type { RunRecord } from '../model/run.js';
import type { ScheduleInput } from '../model/schedule.js';
import type { taskPolicies, TaskDefinition, TaskDefinitionInput } from '../model/task.js';

type PoliciesInput = Partial<z.input<typeof taskPolicies>>;

/** An instant: a Date, an ISO 8601 string or epoch milliseconds. */
export type InstantInput = Date | string | number;

/** Fields shared by every registration call. */
export type TaskInputBase<TAction> = PoliciesInput & {
  name: string;
  /** Default 'default'. */
  project?: string;
  /** Default 'default'. */
  group?: string;
  /** IANA zone; default the machine's zone. */
  timezone?: string;
  action: TAction;
};

export type CronTaskInput<TAction> = TaskInputBase<TAction> & {
  pattern: string;
  /** How day-of-month and day-of-week combine when both are set; default 'or' (classic cron). */
  dayMatch?: 'or' | 'and';
};

export type IntervalTaskInput<TAction> = TaskInputBase<TAction> & {
  everyMs: number;
  /** First run; default registration time + everyMs. */
  startAt?: InstantInput;
  maxCycles?: number;
  until?: InstantInput;
};

export type RoutineTaskInput<TAction> = TaskInputBase<TAction> & {
  maxCycles?: number;
  until?: InstantInput;
} & (
    | {
        /** The fixed delay between the end of one run and the start of the next, in ms. */
        waitMs: number;
        delayMs?: never;
      }
    | {
        /** @deprecated Use `waitMs`; `delayMs` is accepted for one version, with a warning. */
        delayMs: number;
        waitMs?: never;
      }
  );

export type OnceTaskInput<TAction> = TaskInputBase<TAction> & { at: InstantInput };

/** The generic registration: a task definition plus its action, and when restoring, its identity and bookkeeping. */
export type ScheduleTaskInput<TAction> = TaskDefinitionInput & {
  action: TAction;
  /** Keep this id (a store restoring its tasks); default a new one. */
  id?: string;
  /** Restored bookkeeping; default from the state store, else none. */
  lastDueAt?: number | null;
  cycles?: number;
  /** When the task was created; anchors intervals without startAt and missed runs. Default now. */
  createdAt?: number;
};

/** A change to a task; the schedule is replaced whole. */
export type TaskPatch<TAction> = Partial<TaskDefinitionInput> & { action?: TAction };

/** What `get` and `list` tell about a task. */
export interface TaskInfo<TAction> {
  id: string;
  definition: TaskDefinition;
  action: TAction;
  createdAt: number;
  lastDueAt: number | null;
  cycles: number;
  /** The next scheduled due time, null when none (disabled, finished, or a routine mid-run). */
  nextDueAt: number | null;
  running: number;
  queued: number;
  /** A run waits for the task's conditions: "waiting for AC power"; else null. */
  waitingFor: string | null;
}

/** A started manual run: its id at once, its final record when it ends. */
export interface RunTicket {
  runId: string;
  done: Promise<RunRecord>;
}

/** A Date becomes epoch ms; strings and numbers are left for the schema to check. */
export function instantValue<T>(value: T | Date): T | number {
  return value instanceof Date ? value.getTime() : value;
}

/** Dates in a schedule become epoch ms; the schema takes the rest. */
export function withInstants(schedule: ScheduleInput): ScheduleInput {
  const s = schedule as Record<string, unknown>;
  if (!(s.at instanceof Date || s.startAt instanceof Date || s.until instanceof Date))
    return schedule;
  const out: Record<string, unknown> = { ...s };
  for (const k of ['at', 'startAt', 'until']) if (k in out) out[k] = instantValue(out[k]);
  return out as ScheduleInput;
}

/**
 * The caller's fields plus the schedule. Not `{ ...fields, schedule }`: in Node 20's V8 an object
 * made by spreading one that is not frozen and then adding a field has a shape whose every read
 * is slow (~0.2 us a field it has, ~0.7 us one it lacks, measured), and registration reads about
 * ten fields a task lacks. A copy made by Object.assign reads at full speed.
 */
function withSchedule<TAction>(
  fields: object,
  schedule: ScheduleTaskInput<TAction>['schedule'],
): ScheduleTaskInput<TAction> {
  const out = Object.assign({}, fields) as ScheduleTaskInput<TAction>;
  out.schedule = schedule;
  return out;
}

export function cronInput<TAction>(input: CronTaskInput<TAction>): ScheduleTaskInput<TAction> {
  // The extra fields (pattern, dayMatch) are dropped by the schema; no copy without them needed.
  const schedule = {
    kind: 'cron',
    pattern: input.pattern,
    dayMatch: input.dayMatch ?? 'or',
  } as const;
  return withSchedule(input, schedule);
}

export function intervalInput<TAction>(
  input: IntervalTaskInput<TAction>,
): ScheduleTaskInput<TAction> {
  const { everyMs, startAt, maxCycles, until, ...rest } = input;
  const schedule = {
    kind: 'interval',
    everyMs,
    startAt: instantValue(startAt),
    maxCycles,
    until: instantValue(until),
  } as const;
  return withSchedule(rest, schedule);
}

/** A routine registration; `deprecated` is told when the caller used the old name `delayMs`. */
export function routineInput<TAction>(
  input: RoutineTaskInput<TAction>,
  deprecated: (message: string) => void,
): ScheduleTaskInput<TAction> {
  const { waitMs, delayMs, maxCycles, until, ...rest } = input;
  if (waitMs === undefined && delayMs !== undefined) {
    deprecated("scheduleRoutine's 'delayMs' is deprecated and will be removed; call it 'waitMs'");
  }
  const schedule = {
    kind: 'routine',
    waitMs: waitMs ?? delayMs,
    maxCycles,
    until: instantValue(until),
  } as const;
  return withSchedule(rest, schedule);
}

export function onceInput<TAction>(input: OnceTaskInput<TAction>): ScheduleTaskInput<TAction> {
  const { at, ...rest } = input;
  return withSchedule(rest, { kind: 'once', at: instantValue(at) });
}
