import { Cron } from 'croner';
import type { CronFieldName } from './cron-dialect.js';
import { FIELD_BOUNDS, FIELD_ORDER, readCronDialect } from './cron-dialect.js';
import { splitCrontabLine } from './crontab-line.js';

/**
 * Why a cron pattern is refused, in words for a person: one sentence about the pattern that
 * names the field and says what to write instead ("Minute 61 does not exist: minutes run
 * 0–59."). croner's own messages name its classes and its zero-based slots; they are read here,
 * once, and never shown.
 */
export interface CronProblem {
  code:
    | 'field-count'
    | 'crontab-line'
    | 'out-of-range'
    | 'syntax'
    | 'empty-field'
    | 'never-fires'
    | 'not-a-schedule';
  /** The plain sentence, with its suggestion. */
  message: string;
  /** The cron field it is about, when one is. */
  cronField: CronFieldName | null;
}

const LABEL: Record<CronFieldName, string> = {
  second: 'second',
  minute: 'minute',
  hour: 'hour',
  day: 'day of the month',
  month: 'month',
  dayOfWeek: 'day of the week',
  year: 'year',
};

/** What each field holds, as the end of a sentence. */
export const FIELD_RANGE: Record<CronFieldName, string> = {
  second: 'seconds run 0–59',
  minute: 'minutes run 0–59',
  hour: 'hours run 0–23',
  day: 'days of the month run 1–31',
  month: 'months run 1–12 or JAN–DEC',
  dayOfWeek: 'days of the week run 0–7 (0 and 7 are Sunday) or SUN–SAT',
  year: 'years run 1–9999',
};

/** What a field accepts beyond numbers, ranges, lists, steps and `*`. */
const EXTRAS: Partial<Record<CronFieldName, string>> = {
  day: ', L (the last day), L-3 (three days before it), LW or 15W (the nearest weekday)',
  month: ', or names such as JAN or JANUARY',
  dayOfWeek: ', names such as MON or MONDAY, 5L (the last Friday) or 5#3 (the third Friday)',
};

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function syntax(field: CronFieldName, message: string): CronProblem {
  return { code: 'syntax', cronField: field, message };
}

/** A field croner cannot read; `why` names the rule broken, else the field's syntax is listed. */
function notUnderstood(field: CronFieldName, text: string, why?: string): CronProblem {
  const rule =
    why ?? `write a number, a range (1-5), a list (1,15), a step (*/10) or *${EXTRAS[field] ?? ''}`;
  return syntax(field, `The ${LABEL[field]} '${text}' is not understood: ${rule}.`);
}

/** A backwards range, with a suggestion that wraps around the end of the field. */
function backwards(field: CronFieldName, text: string): CronProblem {
  const m = /(\d+)-(\d+)/.exec(text);
  const [lo, hi] = FIELD_BOUNDS[field];
  const wrap = m ? `, or ${m[1]}-${hi},${lo}-${m[2]} to wrap around` : '';
  const forward = m ? `write ${m[2]}-${m[1]}${wrap}` : 'write the smaller number first';
  return syntax(field, `The ${LABEL[field]} range '${text}' runs backwards: ${forward}.`);
}

function tooLongStep(field: CronFieldName, text: string): CronProblem {
  const step = /\/(\d+)/.exec(text)?.[1] ?? '';
  const unit = field === 'dayOfWeek' ? 'days' : field === 'day' ? 'days' : `${field}s`;
  const interval = ['second', 'minute', 'hour', 'day'].includes(field)
    ? `; for every ${step} ${unit}, choose "Every fixed interval" as the schedule type`
    : '';
  return syntax(
    field,
    `A step of ${step} is longer than the ${LABEL[field]} field (${FIELD_RANGE[field]})${interval}.`,
  );
}

/** Words for croner's refusal of one field, read from its message. */
function wordFieldError(field: CronFieldName, text: string, croner: string): CronProblem {
  const value = /Invalid value for \w+: (-?\d+)/.exec(croner)?.[1];
  if (value !== undefined) {
    // croner counts days of the month and months from 0.
    const written = Number(value) + (field === 'day' || field === 'month' ? 1 : 0);
    return {
      code: 'out-of-range',
      cronField: field,
      message: `${capital(LABEL[field])} ${written} does not exist: ${FIELD_RANGE[field]}.`,
    };
  }
  if (/larger than to value/.test(croner)) return backwards(field, text);
  if (/illegal stepping: 0/.test(croner)) {
    return syntax(
      field,
      `The ${LABEL[field]} step '${text}' never moves on: write */1, or * for every value.`,
    );
  }
  if (/steps cannot be greater/.test(croner)) return tooLongStep(field, text);
  if (/name has to stand alone|is not a number/.test(croner) && /[a-z]/i.test(text)) {
    const names =
      field === 'month'
        ? 'a month name: write JAN–DEC, full names such as JANUARY, or 1–12'
        : field === 'dayOfWeek'
          ? 'a day name: write SUN–SAT, full names such as WEDNESDAY, or 0–7'
          : 'allowed here';
    return syntax(field, `'${text}' in the ${LABEL[field]} field is not ${names}.`);
  }
  if (/nth weekday/.test(croner)) {
    return notUnderstood(
      field,
      text,
      '# takes a week 1–5, as in 5#3 (the third Friday of the month)',
    );
  }
  if (/nth \(#\)/.test(croner)) {
    return notUnderstood(
      field,
      text,
      '# (the nth weekday) belongs in the day of the week, as in 5#3',
    );
  }
  if (/L has to be|L modifier|LW can not/.test(croner)) {
    const rule =
      field === 'day'
        ? 'L stands alone, as in L (the last day), L-3 (three days before it) or LW (the last weekday)'
        : 'L goes in the day of the month (L, L-3, LW) or after a day of the week (5L: the last Friday)';
    return notUnderstood(field, text, rule);
  }
  if (/\bW\b|weekday modifier/.test(croner)) {
    return notUnderstood(
      field,
      text,
      'W goes after one day of the month, as in 15W (the weekday nearest the 15th)',
    );
  }
  if (/after '\+'/.test(croner)) {
    return notUnderstood(field, text, "'+' must be followed by days, as in +MON-FRI");
  }
  return notUnderstood(field, text);
}

/** Why croner (after the dialect reader) refuses a pattern, or null when it does not. */
function cronerRefusal(pattern: string): string | null {
  const dialect = readCronDialect(pattern, 'or');
  if (!dialect.ok) return dialect.refusal.message;
  try {
    for (const piece of dialect.pieces)
      new Cron(piece.pattern, { sloppyRanges: true, paused: true });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Finds which field croner refuses by asking about each field alone (the others `*`), so the
 * words never depend on croner's slot numbering.
 */
function locateField(fields: readonly string[]): [CronFieldName, string, string] | null {
  const offset = fields.length === 5 ? 1 : 0;
  for (let i = 0; i < fields.length; i++) {
    // Every field alone, the others '*' (seconds 0, so that a 5-field pattern stays per minute).
    const alone = FIELD_ORDER.map((_, j) => (j === i + offset ? fields[i] : j === 0 ? '0' : '*'));
    const refusal = cronerRefusal(alone.join(' '));
    if (refusal !== null) {
      return [FIELD_ORDER[i + offset] as CronFieldName, fields[i] as string, refusal];
    }
  }
  return null;
}

const FIELD_COUNT =
  'A cron pattern has 5 fields (minute, hour, day of the month, month, day of the week), 6 with seconds first, or 7 with a year last';

/** A plain sentence for a pattern croner refused; `pattern` is what the person wrote. */
export function describeCronRefusal(pattern: string, error: unknown): CronProblem {
  const line = splitCrontabLine(pattern);
  if (line) {
    return {
      code: 'crontab-line',
      cronField: null,
      message: `This looks like a whole crontab line: the schedule is '${line.pattern}' and the rest ('${line.command}') is a command, which belongs in the task's action.`,
    };
  }
  const fields = pattern.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 7) {
    return {
      code: 'field-count',
      cronField: null,
      message: `${FIELD_COUNT}; '${pattern.trim()}' has ${fields.length}.`,
    };
  }
  const found = locateField(fields);
  if (found) return wordFieldError(...found);
  const text = error instanceof Error ? error.message : String(error);
  if (/after '\+'/.test(text)) return wordFieldError('dayOfWeek', fields.at(-1) ?? '', text);
  return {
    code: 'syntax',
    cronField: null,
    message: `The pattern '${pattern.trim()}' is not understood: ${FIELD_COUNT.charAt(0).toLowerCase()}${FIELD_COUNT.slice(1)}, each a number, a range (1-5), a list (1,15), a step (*/10) or *.`,
  };
}
