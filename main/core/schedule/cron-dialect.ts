/**
 * What people paste from other tools, read into patterns croner and `simple-cron.ts` understand:
 * full day and month names (`WEDNESDAY`, `january`), systemd's extra nicknames (`@minutely`,
 * `@quarterly`, `@semiannually`), Jenkins' hashed `H` and Quartz's `L-3` (three days before the
 * month's last day). croner has no `L-n`, so such a pattern becomes pieces: the rest of the
 * day-of-month list as one piece, and each `L-n` as a piece whose day field lists the days it
 * can fall on (`L-3`: 25-28), filtered to the exact day by `cron-last-day.ts`. Everything else
 * passes through unchanged, so croner's meaning (and the fast path's) is kept.
 */

/** The fields in croner's seven-field order (a 5-field pattern has no second and no year). */
export type CronFieldName = 'second' | 'minute' | 'hour' | 'day' | 'month' | 'dayOfWeek' | 'year';

export const FIELD_ORDER: readonly CronFieldName[] = [
  'second',
  'minute',
  'hour',
  'day',
  'month',
  'dayOfWeek',
  'year',
];

/** One piece of a pattern, in croner's syntax; `lastDays` keeps only the days `L-n` names. */
export interface CronPiece {
  pattern: string;
  /** The n of each `L-n` this piece stands for (its day field is their candidate days); null: none. */
  lastDays: readonly number[] | null;
}

/** A refusal of the dialect itself: words for a person, and the field it is about. */
export interface DialectRefusal {
  code: 'not-a-schedule' | 'syntax';
  field: CronFieldName | null;
  message: string;
}

export type CronDialect =
  { ok: true; pieces: readonly CronPiece[] } | { ok: false; refusal: DialectRefusal };

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@semiannually': '0 0 1 1,7 *',
  '@quarterly': '0 0 1 1,4,7,10 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * SUN',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
  '@minutely': '* * * * *',
};

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const FULL_NAME = new RegExp(`(?<![a-z])(${[...MONTHS, ...DAYS].join('|')})(?![a-km-z])`, 'gi');

/**
 * `WEDNESDAY` -> `WED`, wherever a full name stands (`MONDAY-FRIDAY`, `FRIDAYL`, `FRIDAY#2`).
 * `MAY` is its own short name. Which field may hold which names stays croner's to check.
 */
function shortenNames(field: string): string {
  return /[a-z]{4}/i.test(field) ? field.replace(FULL_NAME, (m) => m.slice(0, 3)) : field;
}

/** The lowest and highest value of each field (Sunday is also 7, an alias of 0). */
export const FIELD_BOUNDS: Record<CronFieldName, readonly [number, number]> = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  day: [1, 31],
  month: [1, 12],
  dayOfWeek: [0, 6],
  year: [1, 9999],
};

/** Where Jenkins' H picks from: the day of the month stops at 28 as in Jenkins, so H fits every month. */
function hashBounds(name: CronFieldName): readonly [number, number] {
  return name === 'day' ? [1, 28] : FIELD_BOUNDS[name];
}

/** FNV-1a: a stable hash, so a pattern with H always means the same times. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const H_PART = /^H(?:\((\d+)-(\d+)\))?(?:\/(\d+))?$/i;

/** A field's name in a sentence. */
const FIELD_WORD: Record<CronFieldName, string> = {
  second: 'second',
  minute: 'minute',
  hour: 'hour',
  day: 'day-of-month',
  month: 'month',
  dayOfWeek: 'day-of-week',
  year: 'year',
};

/** An `H(a-b)` range must lie inside its field, low end first: Jenkins refuses it otherwise. */
function hashRangeRefusal(
  part: string,
  name: CronFieldName,
  lo: number,
  hi: number,
): DialectRefusal | null {
  const [min, max] = FIELD_BOUNDS[name];
  if (lo >= min && hi <= max && lo <= hi) return null;
  const fix =
    lo > hi
      ? `write the low end first, H(${hi}-${lo})`
      : `write H(${min}-${max}) or a narrower range`;
  return {
    code: 'syntax',
    field: name,
    message: `The ${FIELD_WORD[name]} field's ${part} is outside ${min}–${max}: ${fix}.`,
  };
}

/**
 * Jenkins' H ("hashed"): a fixed value Jenkins derives from the job name to spread jobs out.
 * Here it is derived from `seed`: the task's id once the engine runs the task, else the
 * pattern's own text (the preview shows which value), so `H/15` becomes e.g. `7-59/15`. Parts
 * that are not H are left alone.
 */
function expandHash(field: string, name: CronFieldName, seed: string): string | DialectRefusal {
  if (!/h/i.test(field) || /[a-gi-z]/i.test(field)) return field;
  const out: string[] = [];
  for (const [i, part] of field.split(',').entries()) {
    const m = H_PART.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    const ranged = m[1] !== undefined;
    const [lo, hi] = ranged ? [Number(m[1]), Number(m[2])] : hashBounds(name);
    const refusal = ranged ? hashRangeRefusal(part, name, lo, hi) : null;
    if (refusal) return refusal;
    const hash = hashOf(`${seed}|${name}|${i}`);
    const step = m[3] === undefined ? null : Number(m[3]);
    if (step === null) out.push(String(lo + (hash % Math.max(1, hi - lo + 1))));
    else if (step < 1) out.push(part);
    else out.push(`${lo + (hash % step)}-${ranged ? hi : FIELD_BOUNDS[name][1]}/${step}`);
  }
  return out.join(',');
}

const LAST_MINUS = /^L-(\d+)$/i;

/** Quartz allows up to L-30: the first of a 31-day month. */
const MAX_LAST_OFFSET = 30;

/** The days `L-n` can fall on: from a 28-day February to a 31-day month. */
function candidateDays(n: number): string {
  const from = Math.max(1, 28 - n);
  const to = 31 - n;
  return from === to ? String(from) : `${from}-${to}`;
}

function withDay(fields: readonly string[], dayAt: number, day: string, dow?: string): string {
  const out = [...fields];
  out[dayAt] = day;
  if (dow !== undefined) out[dayAt + 2] = dow;
  return out.join(' ');
}

/**
 * Splits a day-of-month list holding `L-n` into pieces croner can read (see the module comment).
 * With day-of-week restricted and days combined by "or", the weekdays get a piece of their own,
 * so that each `L-n` piece only has to check its exact day.
 */
function lastDayPieces(
  fields: readonly string[],
  dayAt: number,
  andDays: boolean,
): CronPiece[] | DialectRefusal {
  const parts = (fields[dayAt] as string).split(',');
  const offsets: number[] = [];
  const rest: string[] = [];
  for (const part of parts) {
    const m = LAST_MINUS.exec(part);
    if (!m) {
      rest.push(part);
      continue;
    }
    const n = Number(m[1]);
    if (n > MAX_LAST_OFFSET) {
      return {
        code: 'syntax',
        field: 'day',
        message: `Day ${part} would fall before the first of every month: write L-1 to L-30 (L-3 is three days before the last day).`,
      };
    }
    offsets.push(n);
  }
  const dow = fields[dayAt + 2] as string;
  const dowFree = dow === '*' || dow === '?';
  const pieces: CronPiece[] = [];
  if (rest.length > 0)
    pieces.push({ pattern: withDay(fields, dayAt, rest.join(',')), lastDays: null });
  else if (!andDays && !dowFree)
    pieces.push({ pattern: withDay(fields, dayAt, '*'), lastDays: null });
  // "or": the weekdays already have their piece (with the rest, or alone), so L-n stands alone.
  const ownDow = andDays || dowFree ? undefined : '*';
  for (const n of new Set(offsets)) {
    pieces.push({ pattern: withDay(fields, dayAt, candidateDays(n), ownDow), lastDays: [n] });
  }
  return pieces;
}

function refuseNickname(text: string): DialectRefusal {
  const lower = text.toLowerCase();
  if (lower === '@reboot') {
    return {
      code: 'not-a-schedule',
      field: null,
      message:
        '@reboot runs a command when the computer starts, which is not a time Crontray can schedule: pick a time instead (for example @daily), or start the task with Run now.',
    };
  }
  if (lower.startsWith('@every')) {
    const every = text.slice('@every'.length).trim() || 'a duration';
    return {
      code: 'not-a-schedule',
      field: null,
      message: `'${text}' is an interval, not a cron pattern: choose "Every fixed interval" as the schedule type and enter ${every} there.`,
    };
  }
  return {
    code: 'syntax',
    field: null,
    message: `'${text}' is not a cron nickname: use @hourly, @daily, @weekly, @monthly, @quarterly or @yearly, or write the five fields.`,
  };
}

/**
 * The pattern's fields with nicknames expanded, names shortened and H expanded (`L-n` kept), or
 * why the nickname is refused. Fewer than 5 or more than 7 fields are passed through.
 */
function readFields(pattern: string, hashSeed?: string): string[] | DialectRefusal {
  let text = pattern.trim();
  if (text.startsWith('@')) {
    const nickname = NICKNAMES[text.toLowerCase()];
    if (nickname === undefined) return refuseNickname(text);
    text = nickname;
  }
  const fields = text.split(/\s+/);
  if (fields.length < 5 || fields.length > 7) return fields;
  const offset = fields.length === 5 ? 1 : 0;
  const seed = hashSeed ?? fields.join(' ').toUpperCase();
  for (let i = 0; i < fields.length; i++) {
    const name = FIELD_ORDER[i + offset] as CronFieldName;
    const field = expandHash(fields[i] as string, name, seed);
    if (typeof field !== 'string') return field;
    fields[i] = shortenNames(field);
  }
  return fields;
}

/**
 * The pattern as other cron tools (and describers such as cronstrue) read it: nicknames
 * expanded, names shortened, H replaced by the values it stands for; `L-n` kept. A refused
 * pattern comes back as written.
 */
export function cronAsWritten(pattern: string): string {
  const fields = readFields(pattern);
  return Array.isArray(fields) ? fields.join(' ') : pattern.trim();
}

/** Whether a pattern uses Jenkins' H, which a task's id then fixes (see {@link cronWithHashSeed}). */
export function usesHash(pattern: string): boolean {
  return /(?:^|[\s,])H(?:$|[\s,(/])/i.test(pattern.trim());
}

/**
 * The pattern with every H fixed from `seed` (a task's id), so 50 tasks written `H H(0-7) * * *`
 * get 50 different times, each the same on every start. A refused pattern comes back as written,
 * for the pattern check to refuse.
 */
export function cronWithHashSeed(pattern: string, seed: string): string {
  const fields = readFields(pattern, seed);
  return Array.isArray(fields) ? fields.join(' ') : pattern.trim();
}

/**
 * Reads a pattern in any of the dialects above into croner pieces. A pattern with fewer than 5
 * or more than 7 fields is passed through for croner to refuse.
 */
export function readCronDialect(pattern: string, dayMatch: 'or' | 'and'): CronDialect {
  const text = pattern.trim();
  // Numbers and punctuation only (most patterns): nothing to read, nothing to allocate.
  if (!/[a-z@]/i.test(text)) return { ok: true, pieces: [{ pattern: text, lastDays: null }] };
  const fields = readFields(text);
  if (!Array.isArray(fields)) return { ok: false, refusal: fields };
  const dayAt = fields.length === 5 ? 2 : 3;
  if (fields.length < 5 || fields.length > 7 || !/L-/i.test(fields[dayAt] as string)) {
    return { ok: true, pieces: [{ pattern: fields.join(' '), lastDays: null }] };
  }
  const andDays = dayMatch === 'and' || (fields[dayAt + 2] as string).startsWith('+');
  const pieces = lastDayPieces(fields, dayAt, andDays);
  return Array.isArray(pieces) ? { ok: true, pieces } : { ok: false, refusal: pieces };
}
