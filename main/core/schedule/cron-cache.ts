import { Cron } from 'croner';
import type { CronPiece, DialectRefusal } from './cron-dialect.js';
import { readCronDialect } from './cron-dialect.js';
import type { SimpleCron } from './simple-cron.js';
import { parseSimpleCron } from './simple-cron.js';

/** How day-of-month and day-of-week combine when both are restricted. */
export type DayMatch = 'or' | 'and';

/**
 * A zone name, a fixed UTC offset in minutes (the fast path: no DST lookups inside croner), or
 * undefined for the machine's zone.
 */
export type CronZone = string | number | undefined;

/** A pattern the dialect reader refused (`@reboot`, `L-40`); its message is for a person. */
export class CronDialectError extends Error {
  constructor(readonly refusal: DialectRefusal) {
    super(refusal.message);
    this.name = 'CronDialectError';
  }
}

/** A parsed croner piece of a pattern (see `cron-dialect.ts`), set to the zone asked for. */
export interface CronerPiece {
  cron: Cron;
  lastDays: readonly number[] | null;
}

interface ReadPattern {
  simple: SimpleCron | null;
  pieces: readonly CronPiece[] | DialectRefusal;
}

/** A pattern read in its dialect, and as bitmasks when it is simple. */
function readPattern(pattern: string, dayMatch: DayMatch): ReadPattern {
  const dialect = readCronDialect(pattern, dayMatch);
  const pieces = dialect.ok ? dialect.pieces : dialect.refusal;
  const only = dialect.ok && dialect.pieces.length === 1 ? dialect.pieces[0] : undefined;
  const simple = only && only.lastDays === null ? parseSimpleCron(only.pattern, dayMatch) : null;
  return { simple, pieces };
}

/**
 * A small LRU of parsed croner objects, one per distinct (pattern, dayMatch). A croner instance
 * holds about 80 KB (its year table), so tasks never keep one: they keep numbers and borrow from
 * here. The zone is not part of the key: a parsed pattern does not depend on it, croner reads
 * `options.timezone`/`options.utcOffset` on each call, and every use is synchronous, so `get`
 * sets the zone on the shared instance before handing it out.
 */
export class CronCache {
  readonly #max: number;
  readonly #entries = new Map<string, Cron>();

  readonly #simpleMax: number;
  /** Read patterns by their text, one map per dayMatch (no key to build per lookup). */
  readonly #read = { or: new Map<string, ReadPattern>(), and: new Map<string, ReadPattern>() };
  /** Patterns read once and not kept yet (see `#readPattern`). */
  readonly #seen = { or: new Set<string>(), and: new Set<string>() };
  #last: { pattern: string; dayMatch: DayMatch; read: ReadPattern } | null = null;

  /**
   * @param maxEntries how many croner objects to keep (default 64, about 5 MB).
   * @param simpleEntries how many simple patterns (or "not simple" answers) to keep per
   *   dayMatch; default 4096, about 0.5 MB. Parsing one again costs a few microseconds.
   */
  constructor(maxEntries = 64, simpleEntries = 4096) {
    this.#max = Math.max(1, maxEntries);
    this.#simpleMax = Math.max(1, simpleEntries);
  }

  /**
   * The pattern as bitmasks when it is simple and valid (`simple-cron.ts`, after the dialect
   * reader has shortened names and expanded H), else null: then croner (`pieces`) answers for it.
   */
  simple(pattern: string, dayMatch: DayMatch): SimpleCron | null {
    return this.#readPattern(pattern, dayMatch).simple;
  }

  /**
   * The pattern read in its dialect (`cron-dialect.ts`): croner's pieces, or why it is refused.
   * A pattern is kept from the second time it is read again on: registering a task reads its
   * pattern twice in a row (the last reading answers that), and 100,000 tasks with distinct
   * patterns registered at once would otherwise pass 100,000 readings through the cache, each
   * kept just long enough to become old garbage for the collector (15 % of the time).
   */
  #readPattern(pattern: string, dayMatch: DayMatch): ReadPattern {
    const reads = this.#read[dayMatch];
    const kept = reads.get(pattern);
    if (kept !== undefined) return kept;
    const last = this.#last;
    if (last !== null && last.pattern === pattern && last.dayMatch === dayMatch) return last.read;
    const read = readPattern(pattern, dayMatch);
    this.#last = { pattern, dayMatch, read };
    const seen = this.#seen[dayMatch];
    if (!seen.has(pattern)) {
      // Only a bound: forgetting what was seen delays keeping a pattern by one reading.
      if (seen.size >= 4 * this.#simpleMax) seen.clear();
      seen.add(pattern);
      return read;
    }
    seen.delete(pattern);
    if (reads.size >= this.#simpleMax) {
      // Dropping the oldest entry is enough: a miss costs a few microseconds, not 80 KB.
      const oldest = reads.keys().next().value;
      if (oldest !== undefined) reads.delete(oldest);
    }
    reads.set(pattern, read);
    return read;
  }

  /**
   * The croner pieces of a pattern, each set to `zone`, for immediate use: one piece, except
   * for Quartz's `L-n` (see `cron-dialect.ts`). Throws a {@link CronDialectError} or croner's
   * own error for a pattern that cannot be read.
   */
  pieces(pattern: string, zone: CronZone, dayMatch: DayMatch): CronerPiece[] {
    const { pieces } = this.#readPattern(pattern, dayMatch);
    if (!Array.isArray(pieces)) throw new CronDialectError(pieces as DialectRefusal);
    return pieces.map((piece: CronPiece) => ({
      cron: this.#croner(piece.pattern, zone, dayMatch),
      lastDays: piece.lastDays,
    }));
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * The parsed pattern set to `zone`, for immediate use; throws as {@link pieces} does. A
   * pattern croner reads in pieces (`L-3`) gives its first piece: ask `cron-times.ts` for its
   * instants.
   */
  get(pattern: string, zone: CronZone, dayMatch: DayMatch): Cron {
    return (this.pieces(pattern, zone, dayMatch)[0] as CronerPiece).cron;
  }

  #croner(pattern: string, zone: CronZone, dayMatch: DayMatch): Cron {
    const key = `${dayMatch}\u0000${pattern}`;
    let cron = this.#entries.get(key);
    if (cron) {
      // Re-insert so Map order doubles as recency order.
      this.#entries.delete(key);
      this.#entries.set(key, cron);
    } else {
      cron = new Cron(pattern, {
        domAndDow: dayMatch === 'and',
        // Accept Quartz-style steps ('0/5', '/10') as people paste them from other tools.
        sloppyRanges: true,
        paused: true,
      });
      this.#entries.set(key, cron);
      if (this.#entries.size > this.#max) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
    }
    cron.options.utcOffset = typeof zone === 'number' ? zone : undefined;
    cron.options.timezone = typeof zone === 'string' ? zone : undefined;
    return cron;
  }
}
