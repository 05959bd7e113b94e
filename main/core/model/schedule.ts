import { z } from 'zod';

const positiveMs = (what: string, min = 1) =>
  z
    .number({ error: `${what} must be a number of milliseconds` })
    .int(`${what} must be a whole number of milliseconds`)
    .min(min, `${what} must be at least ${min} ms`)
    .max(366 * 24 * 3600_000, `${what} must be at most a year`);

/** An instant: epoch milliseconds. ISO strings are accepted at the boundary and converted. */
export const instant = (what: string) =>
  z.union([
    z
      .number({ error: `${what} must be a date` })
      .int()
      .min(0)
      .max(8_640_000_000_000_000),
    z
      .string()
      .max(40)
      .transform((s, ctx) => {
        const ms = Date.parse(s);
        if (Number.isNaN(ms)) {
          ctx.addIssue({ code: 'custom', message: `${what} '${s}' is not a valid date` });
          return z.NEVER;
        }
        return ms;
      }),
  ]);

export const cronSchedule = z.object({
  kind: z.literal('cron'),
  /** 5, 6 or 7 fields (seconds, years), L/W/#, and @hourly-style nicknames. */
  pattern: z
    .string()
    .trim()
    .min(1, 'pattern is required')
    .max(256, 'pattern is at most 256 characters'),
  /**
   * How day-of-month and day-of-week combine when both are restricted: 'or' is classic cron
   * (Vixie), 'and' requires both (croner's domAndDow). Chosen explicitly per task.
   */
  dayMatch: z.enum(['or', 'and']).default('or'),
});

export const intervalSchedule = z.object({
  kind: z.literal('interval'),
  /** Fixed rate: the next start is the previous due time plus everyMs, whatever the run took. */
  everyMs: positiveMs('everyMs', 100),
  startAt: instant('startAt').optional(),
  maxCycles: z.number().int().min(1).max(1e9).optional(),
  until: instant('until').optional(),
});

/**
 * True for a routine that names its wait `delayMs`, the name before config 1.2.0. Such schedules
 * still come from old bundles, change journals written before the rename and API callers; they
 * are read for one more version, and the service warns the caller (see service/dispatch.ts).
 */
export function namesOldRoutineDelay(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return s.kind === 'routine' && 'delayMs' in s && !('waitMs' in s);
}

export const routineSchedule = z
  .object({
    kind: z.literal('routine'),
    /** Fixed delay: the next start is waitMs after the previous run ended. */
    waitMs: positiveMs('waitMs', 0).optional(),
    /** @deprecated The old name of `waitMs`, read for one more version. */
    delayMs: positiveMs('delayMs', 0).optional(),
    maxCycles: z.number().int().min(1).max(1e9).optional(),
    until: instant('until').optional(),
  })
  .transform(({ waitMs, delayMs, ...rest }, ctx) => {
    const wait = waitMs ?? delayMs;
    if (wait === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['waitMs'],
        message: 'waitMs is required: how long to wait after each run ends',
      });
      return z.NEVER;
    }
    return { ...rest, waitMs: wait };
  });

export const onceSchedule = z.object({
  kind: z.literal('once'),
  at: instant('at'),
});

export const scheduleSchema = z.discriminatedUnion('kind', [
  cronSchedule,
  intervalSchedule,
  routineSchedule,
  onceSchedule,
]);

export type CronSchedule = z.output<typeof cronSchedule>;
export type IntervalSchedule = z.output<typeof intervalSchedule>;
export type RoutineSchedule = z.output<typeof routineSchedule>;
export type OnceSchedule = z.output<typeof onceSchedule>;
export type Schedule = z.output<typeof scheduleSchema>;
export type ScheduleInput = z.input<typeof scheduleSchema>;
