/**
 * How often a relative time ("in 3 sec.", "in 3 min") must be redrawn to stay true. Shared by
 * both faces of the app, the window and the tray tooltip, so they count down alike.
 */

/** Under a minute away, relative times count seconds, so they change every second. */
const SECONDS_WINDOW_MS = 60_000;
const SECOND_MS = 1000;
/** Minutes and hours change slowly; this bounds how stale "in 3 min" may get. */
const SLOW_REFRESH_MS = 30_000;

/**
 * How long the times shown may stay as they are: a second while any instant is under a minute
 * away (before or after now), else until the nearest future one comes within a minute, at most
 * 30 s.
 */
export function refreshDelay(instants: Iterable<number | null>, now: number): number {
  let delay = SLOW_REFRESH_MS;
  for (const at of instants) {
    if (at === null) continue;
    const ahead = at - now;
    if (Math.abs(ahead) < SECONDS_WINDOW_MS) return SECOND_MS;
    if (ahead > 0) delay = Math.min(delay, ahead - SECONDS_WINDOW_MS + 1);
  }
  return Math.max(SECOND_MS, delay);
}
