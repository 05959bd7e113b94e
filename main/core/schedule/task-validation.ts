import { z } from 'zod';
import type { Schedule } from '../model/schedule.js';
import type { TaskDefinition, TaskDefinitionInput } from '../model/task.js';
import { isValidTimezone, taskDefinition } from '../model/task.js';
import type { CronCache } from './cron-cache.js';
import { checkCronPattern } from './cron-check.js';
import { plainCronDefinition } from './plain-definition.js';
import { SchedulerError } from './scheduler-error.js';
import { checkTriggers } from './trigger-validation.js';
import { describeIssues } from './validation-message.js';

/** A refused pattern: the plain sentence for people; library callers also see the pattern. */
function patternError(pattern: string, plainMessage: string): SchedulerError {
  const named = plainMessage.includes(`'${pattern.trim()}'`);
  return new SchedulerError('invalid', plainMessage, {
    field: 'schedule.pattern',
    message: `TaskScheduler: ${named ? '' : `pattern '${pattern}': `}${plainMessage}`,
  });
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

function schemaDefinition(input: TaskDefinitionInput): TaskDefinition {
  const parsed = engineDefinition.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    throw new SchedulerError('invalid', issues.map((i) => i.message).join('; '), {
      field: issues[0]?.path.map(String).join('.') || null,
      message: `TaskScheduler: ${describeIssues(issues)}`,
    });
  }
  return parsed.data;
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
  const def = plainCronDefinition(input) ?? schemaDefinition(input);
  if (def.timezone !== undefined) checkTimezone(def.timezone);
  const s = def.schedule;
  if (s.kind === 'cron') {
    const problem = checkCronPattern(cache, s.pattern, s.dayMatch, def.timezone, nowMs);
    if (problem) throw patternError(s.pattern, problem.message);
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
  if (def.triggers !== undefined) checkTriggers(def, cache, nowMs);
  return def;
}

/** A canonical text of a task's triggers ('' for none), for identity and change detection. */
export function triggersKey(def: TaskDefinition): string {
  return def.triggers === undefined ? '' : JSON.stringify(def.triggers);
}

/** A canonical text of a schedule, for idempotent registration and change detection. */
export function scheduleKey(s: Schedule): string {
  switch (s.kind) {
    case 'cron':
      return `cron|${s.pattern.replace(/\s+/g, ' ')}|${s.dayMatch}`;
    case 'interval':
      return `interval|${s.everyMs}|${s.startAt ?? ''}|${s.maxCycles ?? ''}|${s.until ?? ''}`;
    case 'routine':
      return `routine|${s.waitMs}|${s.maxCycles ?? ''}|${s.until ?? ''}`;
    case 'once':
      return `once|${s.at}`;
  }
}
