import type { CronCache, DayMatch } from './cron-cache.js';
import { offsetChangesBetween, utcOffsetMinutes } from './tz-offset.js';

/**
 * croner looks this far back to tell the two passes of an autumn overlap apart (a fixed-time
 * pattern runs on the first pass only), so the fixed-offset answer is only trusted when the
 * offset did not change this long before `afterMs` either.
 */
const OVERLAP_LOOKBACK_MS = 3 * 3600_000;

/** No offset change in (afterMs - lookback, at]: the fixed-offset answer is the zone-aware one. */
function sameOffsetThroughout(timezone: string | undefined, afterMs: number, at: number): boolean {
  return !offsetChangesBetween(timezone, afterMs - OVERLAP_LOOKBACK_MS, at);
}

/**
 * The first instant strictly after `afterMs` matching the pattern in `timezone` (undefined: the
 * machine's zone), or null if there is none.
 *
 * A simple pattern (`simple-cron.ts`, ~1 us) or croner with a fixed UTC offset (~3 us) searches
 * with the offset in force at `afterMs`; the answer is kept when no offset change lies between
 * shortly before `afterMs` and the answer, since then it is the zone-aware one. Otherwise, near
 * DST transitions, croner's zone-aware search (~50 us) decides, with croner's DST rules.
 */
export function cronNextAfter(
  cache: CronCache,
  pattern: string,
  timezone: string | undefined,
  dayMatch: DayMatch,
  afterMs: number,
): number | null {
  const offset = utcOffsetMinutes(timezone, afterMs);
  const simple = cache.simple(pattern, dayMatch);
  if (simple) {
    if (simple.emptyField !== null) return null;
    const at = simple.nextAfter(afterMs, offset);
    if (at >= 0 && sameOffsetThroughout(timezone, afterMs, at)) return at;
  } else {
    const fast = cache.get(pattern, offset, dayMatch).nextRun(new Date(afterMs));
    if (fast && sameOffsetThroughout(timezone, afterMs, fast.getTime())) return fast.getTime();
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
