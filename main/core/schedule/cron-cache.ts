import { Cron } from 'croner';

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

  /** @param maxEntries how many parsed patterns to keep (default 64, about 5 MB). */
  constructor(maxEntries = 64) {
    this.#max = Math.max(1, maxEntries);
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
