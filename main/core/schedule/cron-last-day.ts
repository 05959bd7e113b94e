import { utcOffsetMinutes } from './tz-offset.js';

/**
 * Quartz's `L-n` (n days before the month's last day) on top of croner, which has no such
 * token: croner searches a piece whose day field lists every day `L-n` can be (25-28 for L-3),
 * and these functions keep the instants on the exact day, in the task's zone. Times of day, DST
 * rules and weekdays stay croner's.
 */

const DAY_MS = 86_400_000;

/** The wall-clock date of an instant in a zone (undefined: the machine's). */
function wallDate(at: number, timezone: string | undefined): Date {
  return new Date(at + utcOffsetMinutes(timezone, at) * 60_000);
}

/** True when the instant falls, in the zone, on the last day of its month minus one of `offsets`. */
export function onLastDayMinus(
  at: number,
  timezone: string | undefined,
  offsets: readonly number[],
): boolean {
  const wall = wallDate(at, timezone);
  const last = new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() + 1, 0)).getUTCDate();
  return offsets.includes(last - wall.getUTCDate());
}

/**
 * An instant from which a search in `direction` skips the rest of the wall-clock day `at` falls
 * on, without passing any instant of the next one: the offset that puts the day's boundary
 * earliest (forward) or latest (backward) is used, since it may change during the day.
 */
export function pastWallDay(at: number, timezone: string | undefined, direction: 1 | -1): number {
  const offsetNow = utcOffsetMinutes(timezone, at);
  const wall = new Date(at + offsetNow * 60_000);
  const dayStart = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
  const boundary = direction === 1 ? dayStart + DAY_MS : dayStart;
  const offsetThen = utcOffsetMinutes(timezone, boundary - offsetNow * 60_000);
  const offsets = [offsetNow, offsetThen];
  const utc =
    direction === 1
      ? boundary - Math.max(...offsets) * 60_000 - 1000
      : boundary - Math.min(...offsets) * 60_000;
  // Never step backwards from where the search stands.
  return direction === 1 ? Math.max(at, utc) : Math.min(at, utc);
}
