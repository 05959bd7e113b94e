/**
 * Plain numeric cron patterns without croner: numbers, lists, ranges, steps, '*', month and day
 * names, 5 to 7 fields (a year field only as '*'). croner allocates an ~80 KB year table per
 * pattern, which made registering 100 000 _distinct_ patterns cost ~350 us each; a pattern here
 * is six small bitmasks. Anything else (L, W, #, ?, '+', nicknames, a year list) is not simple:
 * `parseSimpleCron` returns null and the caller asks croner (`cron-problem.ts` words the refusal
 * of an invalid pattern). Whatever this accepts, croner accepts with the same meaning
 * (`sloppyRanges`, `domAndDow` and its day-of-month/day-of-week rules included): the equivalence
 * tests in test/core/schedule check it.
 */

const MONTH_NAMES: Record<string, string> = {
  jan: '1',
  feb: '2',
  mar: '3',
  apr: '4',
  may: '5',
  jun: '6',
  jul: '7',
  aug: '8',
  sep: '9',
  oct: '10',
  nov: '11',
  dec: '12',
};

/** croner's order matters: '-sun' first, so 'MON-SUN' reads as 1-7. */
const DAY_NAMES: Record<string, string> = {
  '-sun': '-7',
  sun: '0',
  mon: '1',
  tue: '2',
  wed: '3',
  thu: '4',
  fri: '5',
  sat: '6',
};

export type FieldName = 'second' | 'minute' | 'hour' | 'day' | 'month' | 'dayOfWeek';

/** Slots per field (croner's array length) and the offset added to written values. */
const FIELD_SHAPE: Record<FieldName, { size: number; offset: number }> = {
  second: { size: 60, offset: 0 },
  minute: { size: 60, offset: 0 },
  hour: { size: 24, offset: 0 },
  day: { size: 31, offset: -1 },
  month: { size: 12, offset: -1 },
  dayOfWeek: { size: 7, offset: 0 },
};

const DIGITS = /^\d+$/;
const scratch = new Uint8Array(60);
const RANGE_STEP = /^(\d+)-(\d+)\/(\d+)$/;
const PLAIN = /^[0-9*,/-]+$/;
const LETTER = /[a-z]/i;
const DAY_MS = 86_400_000;

function toNumber(text: string): number {
  return DIGITS.test(text) ? parseInt(text, 10) : NaN;
}

/** croner's name replacement; null where croner would throw (a name not standing alone). */
function replaceNames(field: string, names: Record<string, string>): string | null {
  let out = field;
  for (const [name, value] of Object.entries(names)) {
    let failed = false;
    out = out.replace(new RegExp(name, 'gi'), (match: string, at: number, whole: string) => {
      const start = at + match.length - 3;
      if (/[a-z\d/#]/i.test(whole.charAt(start - 1)) || /[a-km-z\d]/i.test(whole.charAt(start + 3)))
        failed = true;
      return value;
    });
    if (failed) return null;
  }
  return out;
}

/** Sets one slot as croner's setPart does; false where croner would throw. */
function setSlot(field: FieldName, value: number, slots: Uint8Array): boolean {
  let v = value;
  if (field === 'dayOfWeek' && v === 7) v = 0;
  if (!(v >= 0 && v < FIELD_SHAPE[field].size)) return false;
  slots[v] = 1;
  return true;
}

/** croner's partToArray for the simple syntax; false for anything croner rejects. */
function fillField(field: FieldName, text: string, slots: Uint8Array): boolean {
  const { size, offset } = FIELD_SHAPE[field];
  if (text === '') return false;
  if (text === '*') {
    slots.fill(1);
    return true;
  }
  const parts = text.split(',');
  if (parts.length > 1) return parts.every((part) => fillField(field, part, slots));
  const dash = text.includes('-');
  const slash = text.includes('/');
  if (dash && slash) {
    const m = RANGE_STEP.exec(text);
    if (!m) return false;
    const from = parseInt(m[1] as string, 10) + offset;
    const to = parseInt(m[2] as string, 10) + offset;
    const step = parseInt(m[3] as string, 10);
    if (from > to || step === 0 || step > size) return false;
    for (let v = from; v <= to; v += step) if (!setSlot(field, v, slots)) return false;
    return true;
  }
  if (dash) {
    const ends = text.split('-');
    if (ends.length !== 2) return false;
    const from = toNumber(ends[0] as string) + offset;
    const to = toNumber(ends[1] as string) + offset;
    if (Number.isNaN(from) || Number.isNaN(to) || from > to) return false;
    for (let v = from; v <= to; v++) if (!setSlot(field, v, slots)) return false;
    return true;
  }
  if (slash) {
    const halves = text.split('/');
    if (halves.length !== 2) return false;
    // sloppyRanges: '/5' means '*/5', '10/5' starts at 10.
    const head = halves[0] === '' ? '*' : (halves[0] as string);
    const start = head === '*' ? 0 : toNumber(head) + offset;
    const step = toNumber(halves[1] as string);
    if (Number.isNaN(start) || Number.isNaN(step) || step === 0 || step > size) return false;
    for (let v = start; v < size; v += step) if (!setSlot(field, v, slots)) return false;
    return true;
  }
  const value = toNumber(text) + offset;
  return !Number.isNaN(value) && setSlot(field, value, slots);
}

function bits(slots: Uint8Array, from: number, to: number): number {
  let mask = 0;
  for (let i = from; i < to; i++) if (slots[i]) mask |= 1 << (i - from);
  return mask;
}

/** The first set bit at or after `from` in a field of `size` slots split into 30-bit words, or -1. */
function nextSet(lo: number, hi: number, from: number, size: number): number {
  for (let v = from; v < size; v++) {
    if (v < 30 ? (lo >>> v) & 1 : (hi >>> (v - 30)) & 1) return v;
  }
  return -1;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month !== 1) return MONTH_DAYS[month] as number;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** How far ahead a search looks before leaving the answer to croner (impossible dates, 29 Feb on a Monday). */
const SEARCH_YEARS = 30;

/** A parsed simple pattern: bitmasks per field, ~100 bytes. */
export class SimpleCron {
  constructor(
    private readonly secondLo: number,
    private readonly secondHi: number,
    private readonly minuteLo: number,
    private readonly minuteHi: number,
    private readonly hours: number,
    private readonly days: number,
    private readonly months: number,
    private readonly weekdays: number,
    /** Day-of-month was written '*': croner then matches on day-of-week alone. */
    private readonly starDom: boolean,
    /** Day-of-week was written '*': croner then matches on day-of-month alone. */
    private readonly starDow: boolean,
    /** Both day fields must match (dayMatch 'and'); otherwise either, as in classic cron. */
    private readonly dayAnd: boolean,
    /** A field left without any value (a step starting past its end): the pattern never fires. */
    readonly emptyField: FieldName | null = null,
  ) {}

  /** The last question and its answer. */
  #lastAfterMs = NaN;
  #lastOffset = NaN;
  #lastAt = -1;

  #dayMatches(year: number, month: number, day: number): boolean {
    let match = ((this.days >>> (day - 1)) & 1) === 1;
    if (this.starDow) return match;
    const weekday = (Math.floor(Date.UTC(year, month, day) / DAY_MS) + 4) % 7; // 1970-01-01 was a Thursday
    const dow = ((this.weekdays >>> weekday) & 1) === 1;
    if (!this.dayAnd && !this.starDom) match = match || dow;
    else match = match && dow;
    return match;
  }

  /**
   * The first instant strictly after `afterMs` (whole seconds, as croner) whose wall time at the
   * fixed UTC offset `offsetMinutes` matches; -1 when none is found within 30 years (the caller
   * then asks croner, which knows when a pattern never fires).
   */
  nextAfter(afterMs: number, offsetMinutes: number): number {
    if (this.emptyField !== null) return -1;
    // Registering asks twice in a row (does it fire at all, then when first): the same answer.
    if (afterMs === this.#lastAfterMs && offsetMinutes === this.#lastOffset) return this.#lastAt;
    const at = this.#search(afterMs, offsetMinutes);
    this.#lastAfterMs = afterMs;
    this.#lastOffset = offsetMinutes;
    this.#lastAt = at;
    return at;
  }

  #search(afterMs: number, offsetMinutes: number): number {
    const shift = offsetMinutes * 60_000;
    const start = new Date(Math.floor(afterMs / 1000) * 1000 + 1000 + shift);
    let y = start.getUTCFullYear();
    let mo = start.getUTCMonth();
    let d = start.getUTCDate();
    let h = start.getUTCHours();
    let mi = start.getUTCMinutes();
    let s = start.getUTCSeconds();
    if (y < 100) return -1; // Date.UTC reads years below 100 as 19xx
    const lastYear = y + SEARCH_YEARS;
    for (;;) {
      if (y > lastYear) return -1;
      if (!((this.months >>> mo) & 1) || d > daysInMonth(y, mo)) {
        mo++;
        if (mo > 11) {
          mo = 0;
          y++;
        }
        d = 1;
        h = mi = s = 0;
        continue;
      }
      if (!this.#dayMatches(y, mo, d)) {
        d++;
        h = mi = s = 0;
        continue;
      }
      const nh = nextSet(this.hours, 0, h, 24);
      if (nh < 0) {
        d++;
        h = mi = s = 0;
        continue;
      }
      if (nh !== h) {
        h = nh;
        mi = s = 0;
      }
      const nm = nextSet(this.minuteLo, this.minuteHi, mi, 60);
      if (nm < 0) {
        h++;
        mi = s = 0;
        if (h > 23) {
          d++;
          h = 0;
        }
        continue;
      }
      if (nm !== mi) {
        mi = nm;
        s = 0;
      }
      const ns = nextSet(this.secondLo, this.secondHi, s, 60);
      if (ns < 0) {
        mi++;
        s = 0;
        if (mi > 59) {
          h++;
          mi = 0;
          if (h > 23) {
            d++;
            h = 0;
          }
        }
        continue;
      }
      return Date.UTC(y, mo, d, h, mi, ns) - shift;
    }
  }
}

const FIELD_NAMES: readonly FieldName[] = ['second', 'minute', 'hour', 'day', 'month', 'dayOfWeek'];
/** Two 30-bit words per field, in FIELD_NAMES order; reused by every parse. */
const words = new Int32Array(12);

/** A field written as a plain number ('5'), else -1. */
function plainNumber(text: string): number {
  if (text.length === 0 || text.length > 4) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/**
 * Reads field `k` into `words`: 'ok', 'empty' (valid, but no value), or null where croner would
 * throw. '*' and a plain number, most fields, are read without the slot array.
 */
function fieldWords(name: FieldName, text: string, k: number): 'ok' | 'empty' | null {
  const { size, offset } = FIELD_SHAPE[name];
  let lo: number;
  let hi = 0;
  const number = text === '*' ? -1 : plainNumber(text);
  if (text === '*') {
    // As the slot path reads '*' (every slot of the scratch array set); searches stop at `size`.
    lo = 0x3fffffff;
    hi = 0x3fffffff;
  } else if (number >= 0) {
    let v = number + offset;
    if (name === 'dayOfWeek' && v === 7) v = 0;
    if (!(v >= 0 && v < size)) return null;
    lo = v < 30 ? 1 << v : 0;
    if (v >= 30) hi = 1 << (v - 30);
  } else {
    // One scratch array for every field and pattern: parsing allocates nothing per field.
    scratch.fill(0);
    if (!PLAIN.test(text) || !fillField(name, text, scratch)) return null;
    lo = bits(scratch, 0, 30);
    hi = bits(scratch, 30, 60);
  }
  words[2 * k] = lo;
  words[2 * k + 1] = hi;
  return lo === 0 && hi === 0 ? 'empty' : 'ok';
}

/**
 * Parses a simple pattern (see the module comment); null when the pattern is not simple or not
 * valid, so the caller falls back to croner for its answer and its refusal.
 */
export function parseSimpleCron(pattern: string, dayMatch: 'or' | 'and'): SimpleCron | null {
  if (pattern.includes('@') || pattern.includes('?')) return null;
  const fields = pattern.match(/\S+/g) ?? [];
  if (fields.length < 5 || fields.length > 7) return null;
  if (fields.length === 5) fields.unshift('0');
  if (fields.length === 7 && fields[6] !== '*') return null;
  let month = fields[4] as string;
  let dow = fields[5] as string;
  if (month.length >= 3 && LETTER.test(month)) {
    const replaced = replaceNames(month, MONTH_NAMES);
    if (replaced === null) return null;
    month = replaced;
  }
  if (dow.length >= 3 && LETTER.test(dow)) {
    const replaced = replaceNames(dow, DAY_NAMES);
    if (replaced === null) return null;
    dow = replaced;
  }
  const texts = [fields[0], fields[1], fields[2], fields[3], month, dow] as string[];
  let empty = 0;
  for (let k = 0; k < 6; k++) {
    const state = fieldWords(FIELD_NAMES[k] as FieldName, texts[k] as string, k);
    if (state === null) return null;
    // croner accepts a step starting past the end ('70/5') as a field with no value, and then
    // searches for a match forever; such a pattern is kept here and named as never firing.
    if (state === 'empty') empty |= 1 << k;
  }
  const starDom = fields[3] === '*';
  const starDow = dow === '*';
  const dayAnd = dayMatch === 'and';
  // An empty day field only stops the pattern when the other day field cannot stand in for it.
  const isEmpty = (name: FieldName): boolean => (empty & (1 << FIELD_NAMES.indexOf(name))) !== 0;
  const daysEmpty = starDow
    ? isEmpty('day')
    : !dayAnd && !starDom
      ? isEmpty('day') && isEmpty('dayOfWeek')
      : isEmpty('day') || isEmpty('dayOfWeek');
  const emptyField =
    empty === 0
      ? null
      : ((['second', 'minute', 'hour', 'month'] as const).find((f) => isEmpty(f)) ??
        (daysEmpty ? (isEmpty('day') ? 'day' : 'dayOfWeek') : null));
  const w = words;
  return new SimpleCron(
    w[0] as number,
    w[1] as number,
    w[2] as number,
    w[3] as number,
    w[4] as number,
    (w[6] as number) | ((w[7] as number) << 30),
    w[8] as number,
    w[10] as number,
    starDom,
    starDow,
    dayAnd,
    emptyField,
  );
}
