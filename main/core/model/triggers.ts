import { z } from 'zod';
import { cronSchedule, intervalSchedule, onceSchedule } from './schedule.js';

/**
 * What starts a task besides its main schedule, and when it must not start: more schedules,
 * a random delay, quiet windows. A task without `triggers` is timed by its schedule alone, on
 * the engine's fast path.
 */

/** A zone rule is checked where the task's own zone is (task.ts); here only its shape. */
const zoneName = z.string().max(64, 'timezone is at most 64 characters');

/** One more schedule of a task, with its own zone (default the task's). Routines have one only. */
export const extraSchedule = z.object({
  schedule: z.discriminatedUnion('kind', [cronSchedule, intervalSchedule, onceSchedule], {
    error: 'each extra schedule is a cron pattern, an interval or a single date',
  }),
  timezone: zoneName.optional(),
});

/** "HH:MM", 00:00-24:00: a wall time in the task's zone. */
const wallTime = (what: string) =>
  z
    .string({ error: `${what} must be a time such as 22:00` })
    .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, `${what} must be a time from 00:00 to 24:00`);

/** "YYYY-MM-DD": a calendar day in the task's zone. */
const calendarDay = (what: string) =>
  z
    .string({ error: `${what} must be a date such as 2026-12-24` })
    .regex(
      /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/,
      `${what} must be a YYYY-MM-DD date`,
    );

/**
 * A quiet window, in the task's zone: whole days from `from` through `to` ('dates'); or every day
 * ('daily') or the listed weekdays ('weekly', 0 = Sunday) from one wall time to another. A time
 * window whose end is before its start runs over midnight (22:00-06:00).
 */
export const quietWindow = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('dates'),
    from: calendarDay('the first quiet day'),
    to: calendarDay('the last quiet day'),
  }),
  z.object({
    kind: z.literal('daily'),
    from: wallTime('the quiet window start'),
    to: wallTime('the quiet window end'),
  }),
  z.object({
    kind: z.literal('weekly'),
    days: z
      .array(
        z.number().int().min(0, 'days run 0 (Sunday) to 6').max(6, 'days run 0 to 6 (Saturday)'),
      )
      .min(1, 'choose at least one day for a weekly quiet window')
      .max(7),
    from: wallTime('the quiet window start'),
    to: wallTime('the quiet window end'),
  }),
]);

export const quietPolicy = z.enum(['skip', 'defer']);

/** 'start': when Crontray starts (crontab's @reboot); 'wake': after the machine wakes from sleep. */
export const triggerEvent = z.enum(['start', 'wake'], {
  error: "an event is 'start' (when Crontray starts) or 'wake' (after the machine wakes)",
});

/** When a chained task runs after its parent's run: it succeeded, it failed (or timed out), either. */
export const chainWhen = z.enum(['success', 'failure', 'finish'], {
  error: "when is 'success', 'failure' or 'finish' (after the other task's run ends either way)",
});

/** "After task A": run this task when a run of task `taskId` ends as `when` says (its last attempt). */
export const chainLink = z.object({
  taskId: z
    .string({ error: 'choose the task this one runs after' })
    .min(1, 'choose the task this one runs after')
    .max(64, 'a task id is at most 64 characters'),
  when: chainWhen.default('success'),
});

export const taskTriggers = z.object({
  /** Schedules besides `schedule`; a due time two schedules share runs once. */
  schedules: z.array(extraSchedule).max(9, 'at most 10 schedules per task').default([]),
  /**
   * Each run starts a random 0..jitterSec seconds after its due time (systemd's
   * RandomizedDelaySec), so tasks due at the same second spread out. 0: no delay.
   */
  jitterSec: z
    .number({ error: 'the random delay must be a number of seconds' })
    .int('the random delay must be whole seconds')
    .min(0, 'the random delay cannot be negative')
    .max(6 * 3600, 'the random delay is at most 6 hours (21600 s)')
    .default(0),
  /** Windows in which due times are skipped (recorded 'skipped') or deferred to the window's end. */
  quiet: z
    .object({
      windows: z.array(quietWindow).max(20, 'at most 20 quiet windows').default([]),
      policy: quietPolicy.default('skip'),
    })
    .default({ windows: [], policy: 'skip' }),
  /** Events that start a run besides the schedules (each at most once in the list). */
  events: z.array(triggerEvent).max(2).default([]),
  /**
   * Only the events start the task: its schedule is kept but never falls due (a crontab line
   * `@reboot cmd` is a task with events ['start'] and eventsOnly).
   */
  eventsOnly: z.boolean().default(false),
  /** Chains: the tasks after whose runs this one runs (each task at most once in the list). */
  after: z.array(chainLink).max(10, 'a task runs after at most 10 other tasks').default([]),
});

export type ExtraSchedule = z.output<typeof extraSchedule>;
export type QuietWindow = z.output<typeof quietWindow>;
export type QuietPolicy = z.output<typeof quietPolicy>;
export type TriggerEvent = z.output<typeof triggerEvent>;
export type ChainWhen = z.output<typeof chainWhen>;
export type ChainLink = z.output<typeof chainLink>;
export type TaskTriggers = z.output<typeof taskTriggers>;
export type TaskTriggersInput = z.input<typeof taskTriggers>;
