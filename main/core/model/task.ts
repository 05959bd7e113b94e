import { z } from 'zod';
import { groupName, idSchema, projectName, taskName } from './names.js';
import { scheduleSchema } from './schedule.js';
import { actionSchema } from './action.js';
import { taskTriggers } from './triggers.js';
import { taskConditions } from './conditions.js';

export const overlapPolicy = z.enum(['skip', 'queue', 'parallel', 'replace']);
export const catchUpPolicy = z.enum(['none', 'latest', 'all']);

/** A cluster queue's name, as typed in the editor and on `crontray worker --queue`. */
export const queueName = z
  .string({ error: 'queue must be text' })
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$/,
    "queue must be 1-48 letters, digits, '_' or '-', starting with a letter or digit (e.g. nightly or http-checks)",
  );

/** "Run on": this computer (the local engine) or a cluster queue served by `crontray worker`. */
export const runOn = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }),
  z.object({ kind: z.literal('cluster'), queue: queueName }),
]);

const knownZones = new Map<string, boolean>();

/**
 * True when `tz` is an IANA zone name this runtime knows. Answers are remembered: building an
 * Intl.DateTimeFormat costs about 140 µs, too much for 100,000 registrations.
 */
export function isValidTimezone(tz: string): boolean {
  let known = knownZones.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
    // Bounded, so a stream of made-up names cannot grow it without limit.
    if (knownZones.size < 2048) knownZones.set(tz, known);
  }
  return known;
}

export const timezoneSchema = z
  .string()
  .max(64)
  .refine(isValidTimezone, {
    error: (issue) =>
      `timezone '${String(issue.input)}' is not an IANA time zone (e.g. Europe/Berlin)`,
  });

/** Everything about a task except its action, which lives encrypted in the vault. */
export const taskPolicies = z.object({
  enabled: z.boolean().default(true),
  /** Higher runs first when more is due than may start. */
  priority: z.number().int().min(-100).max(100).default(0),
  /** 0 means no timeout. */
  timeoutMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600_000)
    .default(0),
  maxRetries: z.number().int().min(0).max(100).default(0),
  retryDelayMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000)
    .default(1000),
  /** Each retry waits retryDelayMs * backoffFactor^(attempt-1), capped at retryMaxDelayMs. */
  backoffFactor: z.number().min(1).max(10).default(2),
  retryMaxDelayMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000)
    .default(5 * 60_000),
  overlap: overlapPolicy.default('skip'),
  /** Runs of this task allowed at once (only matters with overlap 'parallel'). */
  maxConcurrent: z.number().int().min(1).max(100).default(1),
  catchUp: z
    .object({
      policy: catchUpPolicy.default('none'),
      /** At most this many catch-up runs with policy 'all'. */
      cap: z.number().int().min(1).max(1000).default(10),
      /** A miss older than this is only recorded, never run. 0 means no deadline. */
      deadlineMs: z
        .number()
        .int()
        .min(0)
        .max(366 * 24 * 3600_000)
        .default(0),
    })
    .default({ policy: 'none', cap: 10, deadlineMs: 0 }),
  resultCache: z
    .object({
      expireMs: z
        .number()
        .int()
        .min(1)
        .max(366 * 24 * 3600_000),
      toleranceSeconds: z
        .number()
        .min(0)
        .max(366 * 24 * 3600)
        .default(0),
    })
    .nullable()
    .default(null),
  notes: z.string().max(4000).default(''),
  /** Where runs happen. Default this computer. */
  runOn: runOn.default({ kind: 'local' }),
});

export const taskDefinition = taskPolicies.extend({
  name: taskName,
  project: projectName.default('default'),
  group: groupName.default('default'),
  schedule: scheduleSchema,
  /** IANA zone the schedule is read in; defaults to the machine's zone. */
  timezone: timezoneSchema.optional(),
  /** More schedules, a random delay, quiet windows; absent for a task timed by `schedule` alone. */
  triggers: taskTriggers.optional(),
  /** Only on AC power, with the network, while idle; wait or skip. Absent: no conditions. */
  conditions: taskConditions.optional(),
});

/** What a caller sends to create a task. */
export const taskCreateInput = taskDefinition.extend({ action: actionSchema });

/** A stored task (config.json): the definition plus identity and bookkeeping. */
export const storedTask = taskDefinition.extend({
  id: idSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
  /** The due time of the last trigger handled, so missed runs can be worked out after a restart. */
  lastDueAt: z.number().nullable().default(null),
  /** Cycles run so far (interval/routine maxCycles). */
  cycles: z.number().int().min(0).default(0),
});

export type TaskDefinition = z.output<typeof taskDefinition>;
export type TaskDefinitionInput = z.input<typeof taskDefinition>;
export type TaskCreateInput = z.input<typeof taskCreateInput>;
export type StoredTask = z.output<typeof storedTask>;
export type OverlapPolicy = z.output<typeof overlapPolicy>;
export type CatchUpPolicy = z.output<typeof catchUpPolicy>;
export type RunOn = z.output<typeof runOn>;
