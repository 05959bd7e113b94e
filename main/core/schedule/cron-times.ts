import type { CronCache, CronerPiece, CronZone, DayMatch } from './cron-cache.js';
import { onLastDayMinus, pastWallDay } from './cron-last-day.js';
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
  const q = lastQuestion;
  if (
    q.afterMs === afterMs &&
    q.pattern === pattern &&
    q.timezone === timezone &&
    q.dayMatch === dayMatch &&
    q.cache === cache
  )
    return q.answer;
  const answer = searchNextAfter(cache, pattern, timezone, dayMatch, afterMs);
  q.cache = cache;
  q.pattern = pattern;
  q.timezone = timezone;
  q.dayMatch = dayMatch;
  q.afterMs = afterMs;
  q.answer = answer;
  return answer;
}

/**
 * The last question cronNextAfter answered, and its answer. Tasks with one pattern that fall due
 * together ask the same question one after the other (1,000 tasks on `0 * * * *` at the hour,
 * or registered in the same millisecond); they get the answer without a search. One object
 * changed in place: nothing is allocated per question.
 */
const lastQuestion: {
  cache: CronCache | null;
  pattern: string;
  timezone: string | undefined;
  dayMatch: DayMatch;
  afterMs: number;
  answer: number | null;
} = {
  cache: null,
  pattern: '',
  timezone: undefined,
  dayMatch: 'or',
  afterMs: Number.NaN,
  answer: null,
};

function searchNextAfter(
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
    const fast = piecesNext(cache, pattern, offset, timezone, dayMatch, afterMs);
    if (fast !== null && sameOffsetThroughout(timezone, afterMs, fast)) return fast;
  }
  return piecesNext(cache, pattern, timezone, timezone, dayMatch, afterMs);
}

/** How many candidate days an `L-n` piece may turn down before the search gives up (~80 years). */
const LAST_DAY_TRIES = 4000;

/**
 * croner's next run of one piece searched at `zone`; an `L-n` piece skips the candidate days
 * that are not n days before the last, read in the task's zone.
 */
function pieceNext(
  piece: CronerPiece,
  timezone: string | undefined,
  afterMs: number,
  direction: 1 | -1,
): number | null {
  let from = afterMs;
  for (let tries = 0; tries < LAST_DAY_TRIES; tries++) {
    const found =
      direction === 1
        ? piece.cron.nextRun(new Date(from))
        : piece.cron.previousRuns(1, new Date(from))[0];
    if (!found) return null;
    const at = found.getTime();
    if (piece.lastDays === null || onLastDayMinus(at, timezone, piece.lastDays)) return at;
    from = pastWallDay(at, timezone, direction);
  }
  return null;
}

/** The earliest next run over a pattern's croner pieces (one, except for `L-n`). */
function piecesNext(
  cache: CronCache,
  pattern: string,
  zone: CronZone,
  timezone: string | undefined,
  dayMatch: DayMatch,
  afterMs: number,
): number | null {
  let best: number | null = null;
  for (const piece of cache.pieces(pattern, zone, dayMatch)) {
    const at = pieceNext(piece, timezone, afterMs, 1);
    if (at !== null && (best === null || at < best)) best = at;
  }
  return best;
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
  const pieces = cache.pieces(pattern, timezone, dayMatch);
  const [only] = pieces;
  if (pieces.length === 1 && only && only.lastDays === null) {
    return only.cron.previousRuns(count, new Date(atOrBeforeMs + 1)).map((d) => d.getTime());
  }
  // Pieces: step back through the newest instant of any piece, as a merge would.
  const out: number[] = [];
  let before = atOrBeforeMs + 1;
  while (out.length < count) {
    let newest: number | null = null;
    for (const piece of pieces) {
      const at = pieceNext(piece, timezone, before, -1);
      if (at !== null && (newest === null || at > newest)) newest = at;
    }
    if (newest === null) break;
    out.push(newest);
    before = newest;
  }
  return out;
}
