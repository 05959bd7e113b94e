import { z } from 'zod';

/**
 * When a due run may start, besides its time: only on AC power, only with the network up (or a
 * URL answering), only while the user is idle. A task without `conditions` never asks the
 * machine anything (the engine's fast path).
 */

const HOUR_MS = 3600_000;

/** Only when the network is up; with `url`, only when that URL answers within `timeoutMs`. */
export const networkCondition = z.object({
  /** Any HTTP answer counts (even 404): the point is that the server is reachable. */
  url: z
    .string({ error: 'the URL to check must be text' })
    .max(2048, 'the URL to check is at most 2048 characters')
    .url('the URL to check must be an absolute http(s) URL')
    .refine((u) => /^https?:\/\//i.test(u), 'the URL to check must start with http:// or https://')
    .optional(),
  /** How long the URL has to answer. Default 5 s. */
  timeoutMs: z
    .number({ error: 'the URL timeout must be a number of milliseconds' })
    .int('the URL timeout must be whole milliseconds')
    .min(100, 'the URL timeout is at least 100 ms')
    .max(60_000, 'the URL timeout is at most 60 s (60000 ms)')
    .default(5000),
});

export const conditionPolicy = z.enum(['wait', 'skip'], {
  error: "the policy is 'wait' (until the conditions hold, up to the deadline) or 'skip'",
});

export const taskConditions = z.object({
  /** Only on AC power: never on battery. Default false. */
  acPower: z.boolean({ error: 'acPower must be true or false' }).default(false),
  /** Only when the network is up. Default null (no network condition). */
  network: networkCondition.nullable().default(null),
  /**
   * Only when the user has been idle this many minutes; 0 means "never while the user is active"
   * (no input for the last minute). Default null (no idle condition).
   */
  idleMinutes: z
    .number({ error: 'the idle time must be a number of minutes' })
    .int('the idle time must be whole minutes')
    .min(0, 'the idle time cannot be negative')
    .max(24 * 60, 'the idle time is at most 24 hours (1440 minutes)')
    .nullable()
    .default(null),
  /**
   * 'wait': a due run waits until every condition holds, up to `deadlineMs` after its due time,
   * then it is recorded 'missed'; 'skip': it is recorded 'skipped' at once. Default 'wait'.
   */
  policy: conditionPolicy.default('wait'),
  /** How long a run may wait after its due time (policy 'wait'). Default 2 hours. */
  deadlineMs: z
    .number({ error: 'the wait deadline must be a number of milliseconds' })
    .int('the wait deadline must be whole milliseconds')
    .min(0, 'the wait deadline cannot be negative')
    .max(7 * 24 * HOUR_MS, 'the wait deadline is at most 7 days')
    .default(2 * HOUR_MS),
});

export type NetworkCondition = z.output<typeof networkCondition>;
export type ConditionPolicy = z.output<typeof conditionPolicy>;
export type TaskConditions = z.output<typeof taskConditions>;
export type TaskConditionsInput = z.input<typeof taskConditions>;
