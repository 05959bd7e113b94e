import { Cron } from 'croner';
import type { SimpleCron } from './simple-cron.js';
import { parseSimpleCron } from './simple-cron.js';

/** How day-of-month and day-of-week combine when both are restricted. */
export type DayMatch = 'or' | 'and';

/**
 * A zone name, a fixed UTC offset in minutes (the fast path: no DST lookups inside croner), or
 * undefined for the machine's zone.
 */
export type CronZone = string | number | undefined;

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
  readonly #simple = new Map<string, SimpleCron | null>();

  /**
   * @param maxEntries how many croner objects to keep (default 64, about 5 MB).
   * @param simpleEntries how many simple patterns (or "not simple" answers) to keep; default
   *   4096, about 0.5 MB. Parsing one again costs a few microseconds.
   */
  constructor(maxEntries = 64, simpleEntries = 4096) {
    this.#max = Math.max(1, maxEntries);
    this.#simpleMax = Math.max(1, simpleEntries);
  }

  /**
   * The pattern as bitmasks when it is simple and valid (`simple-cron.ts`), else null: then
   * `get` (croner) answers for it and words its errors.
   */
  simple(pattern: string, dayMatch: DayMatch): SimpleCron | null {
    const key = `${dayMatch}\u0000${pattern}`;
    let parsed = this.#simple.get(key);
    if (parsed === undefined) {
      parsed = parseSimpleCron(pattern, dayMatch);
      if (this.#simple.size >= this.#simpleMax) {
        // Dropping the oldest entry is enough: a miss costs a few microseconds, not 80 KB.
        const oldest = this.#simple.keys().next().value;
        if (oldest !== undefined) this.#simple.delete(oldest);
      }
      this.#simple.set(key, parsed);
    }
    return parsed;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The parsed pattern set to `zone`, for immediate use; throws croner's own error for an invalid pattern. */
  get(pattern: string, zone: CronZone, dayMatch: DayMatch): Cron {
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
