import { z } from 'zod';
import type { Schedule } from '../model/schedule.js';
import type { TaskDefinition, TaskDefinitionInput } from '../model/task.js';
import { isValidTimezone, taskDefinition } from '../model/task.js';
import type { CronCache } from './cron-cache.js';
import { cronNextAfter } from './cron-times.js';
import { utcOffsetMinutes } from './tz-offset.js';
import { SchedulerError } from './scheduler-error.js';
import { describeIssues } from './validation-message.js';

/** What each cron field accepts, appended to croner's message so it says how to fix the input. */
const FIELD_RANGES: Record<string, string> = {
  second: 'seconds run 0-59',
  minute: 'minutes run 0-59',
  hour: 'hours run 0-23',
  day: 'days of the month run 1-31',
  month: 'months run 1-12 or JAN-DEC',
  dayOfWeek: 'days of the week run 0-7 (0 and 7 are Sunday) or SUN-SAT',
  year: 'years run 1-9999',
};

function cronMessage(pattern: string, error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const field = /Invalid value for (\w+)/.exec(text)?.[1];
  const hint = field && FIELD_RANGES[field] ? `; ${FIELD_RANGES[field]}` : '';
  return `pattern '${pattern}': ${text}${hint}`;
}

/** A refused pattern: the message names it, the field is always the pattern. */
function patternError(plainMessage: string, cause?: unknown): SchedulerError {
  return new SchedulerError('invalid', plainMessage, { field: 'schedule.pattern', cause });
}

/**
 * The model checks a zone by building an Intl.DateTimeFormat (~140 us) on every parse; the same
 * few zones come back for every task, so the answer is remembered.
 */
const knownZones = new Map<string, boolean>();
const engineDefinition = taskDefinition.extend({
  timezone: z.string().max(64, 'timezone is at most 64 characters').optional(),
});

function checkTimezone(tz: string): void {
  let ok = knownZones.get(tz);
  if (ok === undefined) {
    ok = isValidTimezone(tz);
    if (knownZones.size < 1000) knownZones.set(tz, ok);
  }
  if (!ok) {
    const plain = `timezone '${tz}' is not an IANA time zone (e.g. Europe/Berlin)`;
    throw new SchedulerError('invalid', plain, {
      field: 'timezone',
      message: `TaskScheduler: timezone: ${plain}`,
    });
  }
}

/**
 * Validates a task definition (zod schema, then what only the engine can check: the cron
 * pattern parses and fires at least once, an interval can still run). Errors name the field and
 * say how to fix it.
 */
export function parseTaskDefinition(
  input: TaskDefinitionInput,
  cache: CronCache,
  nowMs: number,
): TaskDefinition {
  const parsed = engineDefinition.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    throw new SchedulerError('invalid', issues.map((i) => i.message).join('; '), {
      field: issues[0]?.path.map(String).join('.') || null,
      message: `TaskScheduler: ${describeIssues(issues)}`,
    });
  }
  const def: TaskDefinition = parsed.data;
  if (def.timezone !== undefined) checkTimezone(def.timezone);
  const s = def.schedule;
  if (s.kind === 'cron') {
    // A simple pattern is valid once parsed; croner parses (~80 KB) only the others, and words
    // the error of an invalid one.
    const simple = cache.simple(s.pattern, s.dayMatch);
    if (!simple) {
      try {
        cache.get(s.pattern, utcOffsetMinutes(def.timezone, nowMs), s.dayMatch);
      } catch (error) {
        throw patternError(cronMessage(s.pattern, error), error);
      }
    }
    if (simple?.emptyField) {
      throw patternError(
        `pattern '${s.pattern}' never fires: its ${simple.emptyField} field has no value in range (a step that starts past the end?); ${FIELD_RANGES[simple.emptyField] ?? ''}`,
      );
    }
    // A simple pattern that matches a wall time within 30 years fires: no zone-aware search needed.
    const fires =
      (simple !== null && simple.nextAfter(nowMs, utcOffsetMinutes(def.timezone, nowMs)) >= 0) ||
      cronNextAfter(cache, s.pattern, def.timezone, s.dayMatch, nowMs) !== null;
    if (!fires) {
      throw patternError(
        `pattern '${s.pattern}' never fires after ${new Date(nowMs).toISOString()}; check that the day exists in the month (no 30 February) and that the year field is not in the past`,
      );
    }
  } else if (s.kind === 'interval' && s.until !== undefined) {
    if (s.startAt !== undefined && s.until < s.startAt) {
      throw new SchedulerError(
        'invalid',
        'the end (until) is before the start (startAt): the task would never run',
        {
          field: 'schedule.until',
          message:
            'TaskScheduler: schedule.until is before schedule.startAt; the task would never run',
        },
      );
    }
  }
  return def;
}

/** A canonical text of a schedule, for idempotent registration and change detection. */
export function scheduleKey(s: Schedule): string {
  switch (s.kind) {
    case 'cron':
      return `cron|${s.pattern.replace(/\s+/g, ' ')}|${s.dayMatch}`;
    case 'interval':
      return `interval|${s.everyMs}|${s.startAt ?? ''}|${s.maxCycles ?? ''}|${s.until ?? ''}`;
    case 'routine':
      return `routine|${s.delayMs}|${s.maxCycles ?? ''}|${s.until ?? ''}`;
    case 'once':
      return `once|${s.at}`;
  }
}
