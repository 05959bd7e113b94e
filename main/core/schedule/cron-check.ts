import type { CronCache, DayMatch } from './cron-cache.js';
import { CronDialectError } from './cron-cache.js';
import type { CronFieldName } from './cron-dialect.js';
import { FIELD_ORDER, readCronDialect } from './cron-dialect.js';
import type { CronProblem } from './cron-problem.js';
import { FIELD_RANGE, describeCronRefusal } from './cron-problem.js';
import { cronNextAfter } from './cron-times.js';
import { utcOffsetMinutes } from './tz-offset.js';

/**
 * The one check of a cron pattern: it parses (in any dialect `cron-dialect.ts` reads) and fires
 * at least once after `nowMs`. Returns null when it does, else a {@link CronProblem} whose
 * message is a sentence for a person. A simple pattern is checked by its bitmask parse; croner
 * parses (~80 KB) only the others.
 */
export function checkCronPattern(
  cache: CronCache,
  pattern: string,
  dayMatch: DayMatch,
  timezone: string | undefined,
  nowMs: number,
): CronProblem | null {
  const simple = cache.simple(pattern, dayMatch);
  if (!simple) {
    try {
      cache.pieces(pattern, utcOffsetMinutes(timezone, nowMs), dayMatch);
    } catch (error) {
      if (!(error instanceof CronDialectError)) return describeCronRefusal(pattern, error);
      const { code, field, message } = error.refusal;
      return { code, cronField: field, message };
    }
  }
  if (simple?.emptyField) return emptyField(pattern, simple.emptyField);
  // The next run is asked first: registering asks the same question right after (the task's
  // first due time), and cronNextAfter keeps its last answer, so one search serves both. A
  // simple pattern that matches a wall time within 30 years fires whatever that answer.
  const fires =
    cronNextAfter(cache, pattern, timezone, dayMatch, nowMs) !== null ||
    (simple !== null && simple.nextAfter(nowMs, utcOffsetMinutes(timezone, nowMs)) >= 0);
  return fires ? null : neverFires(pattern, nowMs);
}

/** The field's text as written, by its name. */
function fieldText(pattern: string, field: CronFieldName): string {
  const dialect = readCronDialect(pattern, 'or');
  const text = dialect.ok ? (dialect.pieces[0]?.pattern ?? pattern) : pattern;
  const fields = text.trim().split(/\s+/);
  const offset = fields.length === 5 ? 1 : 0;
  return fields[FIELD_ORDER.indexOf(field) - offset] ?? '';
}

function emptyField(pattern: string, field: CronFieldName): CronProblem {
  const text = fieldText(pattern, field);
  return {
    code: 'empty-field',
    cronField: field,
    message: `'${text}' starts past the end of the ${field === 'dayOfWeek' ? 'week' : field} field, so the pattern never fires: ${FIELD_RANGE[field]}.`,
  };
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** The months a field lists (numbers or JAN-style names), or null for anything else. */
function listedMonths(field: string): number[] | null {
  const months: number[] = [];
  for (const part of field.split(',')) {
    const byName = MONTH_NAMES.findIndex((m) => m.slice(0, 3).toLowerCase() === part.toLowerCase());
    const month = /^\d+$/.test(part) ? Number(part) : byName + 1;
    if (!(month >= 1 && month <= 12)) return null;
    months.push(month);
  }
  return months;
}

/** "February has no day 30", "April and June have no day 31"; null when that is not the reason. */
function missingDay(pattern: string): string | null {
  const dow = fieldText(pattern, 'dayOfWeek');
  const day = fieldText(pattern, 'day');
  const months = listedMonths(fieldText(pattern, 'month'));
  if (!(dow === '*' || dow === '?') || !/^\d+$/.test(day) || months === null) return null;
  const longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (months.some((m) => (longest[m - 1] as number) >= Number(day))) return null;
  const names = months.map((m) => MONTH_NAMES[m - 1] as string);
  const list =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${list} ${names.length === 1 ? 'has' : 'have'} no day ${day}`;
}

/** Why a pattern that parses never fires, when it is one of the usual reasons. */
function neverFires(pattern: string, nowMs: number): CronProblem {
  const year = new Date(nowMs).getUTCFullYear();
  const years = fieldText(pattern, 'year').match(/\d+/g)?.map(Number) ?? [];
  const missing = missingDay(pattern);
  let why =
    'check that the day exists in the month (there is no 30 February) and that the year is not past';
  let field: CronFieldName | null = null;
  if (years.length > 0 && Math.max(...years) < year) {
    why = `its last year, ${Math.max(...years)}, is past`;
    field = 'year';
  } else if (missing !== null) {
    why = missing;
    field = 'day';
  }
  return {
    code: 'never-fires',
    cronField: field,
    message: `The pattern '${pattern.trim()}' never fires after ${new Date(nowMs).toISOString().slice(0, 10)}: ${why}.`,
  };
}
