import { z } from 'zod';
import { idSchema, projectName, groupName, taskName } from '../../core/model/names.js';
import { scheduleSchema } from '../../core/model/schedule.js';
import type { Schedule } from '../../core/model/schedule.js';
import { runOn, taskCreateInput, taskPolicies, timezoneSchema } from '../../core/model/task.js';
import type { StoredTask } from '../../core/model/task.js';
import { actionSchema } from '../../core/model/action.js';
import { taskTriggers } from '../../core/model/triggers.js';
import { taskConditions } from '../../core/model/conditions.js';
import type { Action } from '../../core/model/action.js';
import type { RunStatus } from '../../core/model/run.js';
import type { RunSummary } from '../../core/jobs/run-summary.js';
import { channel } from '../channel.js';
import type { ChannelSpec } from '../channel.js';
import { taskRef } from './request-parts.js';

export interface TaskView extends Omit<StoredTask, 'schedule'> {
  schedule: Schedule;
  /** The action with secret values masked (tasks:get and writes); null in lists and when locked. */
  action: Action | null;
  locked: string | null;
  scheduleText: string;
  nextRunAt: number | null;
  lastRun: {
    runId: string;
    status: RunStatus;
    startedAt: number | null;
    durationMs: number | null;
  } | null;
  activeRuns: number;
  /** A run waits for the task's conditions: what it waits for in words ("waiting for AC power"). */
  waitingFor: string | null;
}

export interface PreviewRun {
  at: number;
  taskTime: string;
  localTime: string;
  /** With a random delay: the run starts between `at` and this instant (task time below). */
  latestAt?: number;
  latestTaskTime?: string;
}

export interface SchedulePreview {
  description: string;
  timezone: string;
  runs: PreviewRun[];
  dstNotes: string[];
  /** The task's triggers in words: other schedules, random delay, quiet windows. */
  triggerNotes?: string[];
  /** The task's conditions in words ("only on AC power; waits up to 2 h, then missed"). */
  conditionNotes?: string[];
}

const taskPatch = taskPolicies
  .partial()
  .extend({
    name: taskName.optional(),
    project: projectName.optional(),
    group: groupName.optional(),
    schedule: scheduleSchema.optional(),
    timezone: timezoneSchema.nullable().optional(),
    /** More schedules, random delay, quiet windows; null takes them all away. */
    triggers: taskTriggers.nullable().optional(),
    /** Power, network and idle conditions; null takes them all away. */
    conditions: taskConditions.nullable().optional(),
    /** Without a default: a patch that leaves it out must not move a cluster task back here. */
    runOn: runOn.optional(),
    /** A full action; masked secret values mean "keep the stored value". */
    action: actionSchema.optional(),
  })
  .strict();

/** Tasks: list, edit, run now, preview; and cancelling a run. */
export const taskChannels = {
  'tasks:list': channel<TaskView[]>()(
    z.object({ project: projectName.optional(), group: groupName.optional() }).strict().optional(),
  ),
  'tasks:get': channel<TaskView>()(taskRef),
  'tasks:create': channel<TaskView>()(taskCreateInput.strict()),
  'tasks:update': channel<TaskView>()(z.object({ id: idSchema, patch: taskPatch }).strict()),
  'tasks:delete': channel<{ deleted: true }>()(taskRef),
  'tasks:enable': channel<TaskView>()(taskRef),
  'tasks:disable': channel<TaskView>()(taskRef),
  'tasks:runNow': channel<RunSummary>()(
    z
      .object({
        id: idSchema,
        toleranceSeconds: z
          .number()
          .min(0)
          .max(366 * 24 * 3600)
          .optional(),
      })
      .strict(),
  ),
  'tasks:preview': channel<SchedulePreview>()(
    z
      .object({
        schedule: scheduleSchema,
        timezone: timezoneSchema.optional(),
        triggers: taskTriggers.optional(),
        conditions: taskConditions.optional(),
        count: z.number().int().min(1).max(50).default(5),
      })
      .strict(),
  ),

  'runs:cancel': channel<{ canceled: boolean }>()(z.object({ runId: idSchema }).strict()),
} as const satisfies Record<string, ChannelSpec<z.ZodType, unknown>>;
