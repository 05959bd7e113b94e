import type { QuietWindow } from '../model/triggers.js';
import { utcOffsetMinutes } from './tz-offset.js';

/**
 * Quiet windows as instants: a window is written in wall time of the task's zone ("22:00-06:00
 * every day", "24-26 December"), so each day's span is worked out with that day's UTC offset.
 */

/** One stretch of quiet time, [from, to) in epoch ms, and the window it comes from. */
export interface QuietSpan {
  from: number;
  to: number;
  window: QuietWindow;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Minutes since midnight of "HH:MM" (24:00 is 1440). */
function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** A wall time (its fields read as UTC) in the zone, as an instant; in a spring gap, just after. */
function wallToInstant(zone: string | undefined, wallMs: number): number {
  const guess = wallMs - utcOffsetMinutes(zone, wallMs) * MINUTE_MS;
  return wallMs - utcOffsetMinutes(zone, guess) * MINUTE_MS;
}

/** The zone's local day (days since 1970-01-01 in wall time) an instant falls on. */
function localDay(zone: string | undefined, ms: number): number {
  return Math.floor((ms + utcOffsetMinutes(zone, ms) * MINUTE_MS) / DAY_MS);
}

function dayOfDate(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** The spans of one window that start on local day `day` (a dates window: its whole range). */
function spansStartingOn(w: QuietWindow, zone: string | undefined, day: number): QuietSpan[] {
  if (w.kind === 'dates') {
    if (day !== dayOfDate(w.from)) return [];
    const from = wallToInstant(zone, day * DAY_MS);
    const to = wallToInstant(zone, (dayOfDate(w.to) + 1) * DAY_MS);
    return [{ from, to, window: w }];
  }
  if (w.kind === 'weekly' && !w.days.includes(new Date(day * DAY_MS).getUTCDay())) return [];
  const start = minutesOf(w.from);
  let end = minutesOf(w.to);
  // An end at or before the start runs over midnight.
  if (end <= start) end += 24 * 60;
  const from = wallToInstant(zone, day * DAY_MS + start * MINUTE_MS);
  const to = wallToInstant(zone, day * DAY_MS + end * MINUTE_MS);
  return [{ from, to, window: w }];
}

/**
 * Every quiet span that overlaps [fromMs, toMs), sorted by start; spans are not merged, so each
 * names its window (the timeline draws them, a skipped run names the one it fell in).
 */
export function quietSpans(
  windows: readonly QuietWindow[],
  zone: string | undefined,
  fromMs: number,
  toMs: number,
): QuietSpan[] {
  const out: QuietSpan[] = [];
  const first = localDay(zone, fromMs) - 1;
  const last = localDay(zone, toMs);
  for (const w of windows) {
    if (w.kind === 'dates') {
      const day = dayOfDate(w.from);
      for (const span of spansStartingOn(w, zone, day))
        if (span.to > fromMs && span.from < toMs) out.push(span);
      continue;
    }
    for (let day = first; day <= last; day++) {
      for (const span of spansStartingOn(w, zone, day))
        if (span.to > fromMs && span.from < toMs) out.push(span);
    }
  }
  return out.sort((a, b) => a.from - b.from);
}

/**
 * The quiet span an instant falls in, its end stretched over spans that continue it (a daily
 * night window inside a holiday ends when the holiday does), or null when the instant is free.
 */
export function quietAt(
  windows: readonly QuietWindow[],
  zone: string | undefined,
  at: number,
): QuietSpan | null {
  const hit = quietSpans(windows, zone, at, at + 1).find((s) => s.from <= at && at < s.to);
  if (!hit) return null;
  let end = hit.to;
  // Bounded: 400 back-to-back spans is more than a year of daily windows.
  for (let i = 0; i < 400; i++) {
    const next = quietSpans(windows, zone, end, end + 1).find((s) => s.from <= end && end < s.to);
    if (!next) break;
    end = next.to;
  }
  return { from: hit.from, to: end, window: hit.window };
}

/** A window in words, for a skipped run's reason and the preview. */
export function describeQuietWindow(w: QuietWindow): string {
  const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  if (w.kind === 'dates')
    return w.from === w.to ? `quiet day ${w.from}` : `quiet days ${w.from} to ${w.to}`;
  const times = `${w.from}–${w.to}`;
  if (w.kind === 'daily') return `daily quiet window ${times}`;
  return `quiet window ${times} on ${w.days.map((d) => DAYS[d]).join(', ')}`;
}
