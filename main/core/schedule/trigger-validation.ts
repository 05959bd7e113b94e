import { isValidTimezone } from '../model/task.js';
import type { TaskDefinition } from '../model/task.js';
import type { QuietWindow, TaskTriggers } from '../model/triggers.js';
import type { CronCache } from './cron-cache.js';
import { checkCronPattern } from './cron-check.js';
import { SchedulerError } from './scheduler-error.js';

/**
 * What the schema cannot check of a task's triggers: each extra schedule fires and its zone
 * exists, quiet windows are neither inverted, empty nor overlapping, a routine has none. Each
 * refusal names the field and says what to write instead.
 */
export function checkTriggers(def: TaskDefinition, cache: CronCache, nowMs: number): void {
  const t = def.triggers;
  if (t === undefined) return;
  if (def.schedule.kind === 'routine' && (t.schedules.length > 0 || t.quiet.windows.length > 0)) {
    refuse(
      'triggers',
      'a routine starts again a fixed time after its last run ends, so it cannot have more schedules or quiet windows: choose a cron or interval schedule for those',
    );
  }
  if (new Set(t.events).size !== t.events.length)
    refuse('triggers.events', 'each event is listed once: remove the repeated one');
  if (t.eventsOnly && t.events.length === 0 && t.after.length === 0) {
    refuse(
      'triggers.eventsOnly',
      'a task that runs on events only needs an event: choose "when Crontray starts", "after the machine wakes" or another task to run after',
    );
  }
  t.schedules.forEach((extra, i) => {
    const field = `triggers.schedules.${i}`;
    const zone = extra.timezone ?? def.timezone;
    if (extra.timezone !== undefined && !isValidTimezone(extra.timezone))
      refuse(
        `${field}.timezone`,
        `timezone '${extra.timezone}' is not an IANA time zone (e.g. Europe/Berlin)`,
      );
    const s = extra.schedule;
    if (s.kind !== 'cron') return;
    const problem = checkCronPattern(cache, s.pattern, s.dayMatch, zone, nowMs);
    if (problem) refuse(`${field}.schedule.pattern`, `schedule ${i + 2}: ${problem.message}`);
  });
  checkWindows(t);
}

function refuse(field: string, message: string): never {
  throw new SchedulerError('invalid', message, {
    field,
    message: `TaskScheduler: ${field}: ${message}`,
  });
}

/** Minutes of the week a time window covers, as [start, end) pairs (end may pass the week's end). */
function weekRanges(w: Exclude<QuietWindow, { kind: 'dates' }>): [number, number][] {
  const start = Number(w.from.slice(0, 2)) * 60 + Number(w.from.slice(3, 5));
  let end = Number(w.to.slice(0, 2)) * 60 + Number(w.to.slice(3, 5));
  if (end <= start) end += 24 * 60;
  const days = w.kind === 'daily' ? [0, 1, 2, 3, 4, 5, 6] : w.days;
  return days.map((d) => [d * 1440 + start, d * 1440 + end]);
}

function rangesOverlap(a: [number, number][], b: [number, number][]): boolean {
  const week = 7 * 1440;
  // A range running past Saturday midnight also overlaps Sunday's ranges shifted by a week.
  return a.some(([as, ae]) =>
    b.some(([bs, be]) => [0, week, -week].some((shift) => as < be + shift && bs + shift < ae)),
  );
}

function checkWindows(t: TaskTriggers): void {
  const windows = t.quiet.windows;
  windows.forEach((w, i) => {
    const field = `triggers.quiet.windows.${i}`;
    if (w.kind === 'dates' && w.to < w.from)
      refuse(`${field}.to`, `the last quiet day ${w.to} is before the first, ${w.from}: swap them`);
    if (w.kind !== 'dates' && w.from === w.to)
      refuse(
        `${field}.to`,
        `the quiet window starts and ends at ${w.from}: give it an end (22:00 to 06:00 runs over midnight)`,
      );
  });
  for (let i = 0; i < windows.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = windows[j] as QuietWindow;
      const b = windows[i] as QuietWindow;
      const overlap =
        a.kind === 'dates' || b.kind === 'dates'
          ? a.kind === b.kind && a.from <= b.to && b.from <= a.to
          : rangesOverlap(weekRanges(a), weekRanges(b));
      if (overlap) {
        refuse(
          `triggers.quiet.windows.${i}`,
          `quiet window ${i + 1} overlaps quiet window ${j + 1}: merge them into one window`,
        );
      }
    }
  }
}
