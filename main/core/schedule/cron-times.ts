import type { CronCache, DayMatch } from './cron-cache.js';
import { utcOffsetMinutes } from './tz-offset.js';

/** Offsets never change twice within a week, so a same-offset answer this close needs no DST check. */
const FAST_PATH_SPAN_MS = 7 * 24 * 3600_000;

/**
 * The first instant strictly after `afterMs` matching the pattern in `timezone` (undefined: the
 * machine's zone), or null if there is none.
 *
 * croner's zone-aware search costs ~50 us; with a fixed UTC offset it costs ~3 us. So the
 * search runs with the offset in force at `afterMs`, and the answer is kept only if the offset
 * is the same at the answer and it is less than a week away (no transition in between, so the
 * fixed-offset answer is the zone-aware one). Otherwise, near DST transitions, the full search
 * decides, with croner's DST rules.
 */
export function cronNextAfter(
  cache: CronCache,
  pattern: string,
  timezone: string | undefined,
  dayMatch: DayMatch,
  afterMs: number,
): number | null {
  const offset = utcOffsetMinutes(timezone, afterMs);
  const fast = cache.get(pattern, offset, dayMatch).nextRun(new Date(afterMs));
  if (fast) {
    const at = fast.getTime();
    if (at - afterMs <= FAST_PATH_SPAN_MS && utcOffsetMinutes(timezone, at) === offset) return at;
  }
  const slow = cache.get(pattern, timezone, dayMatch).nextRun(new Date(afterMs));
  return slow ? slow.getTime() : null;
}

/** Up to `count` most recent instants at or before `atOrBeforeMs`, newest first. */
export function cronPreviousRuns(
  cache: CronCache,
  pattern: string,
  timezone: string | undefined,
  dayMatch: DayMatch,
  atOrBeforeMs: number,
  count: number,
): number[] {
  return cache
    .get(pattern, timezone, dayMatch)
    .previousRuns(count, new Date(atOrBeforeMs + 1))
    .map((d) => d.getTime());
}
