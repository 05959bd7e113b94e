import type { TaskScheduler } from '../schedule/task-scheduler.js';
import { describeQuietWindow } from '../schedule/quiet-windows.js';
import type { TimelineComing, TimelineWindow } from './timeline-range.js';

/** Windows returned for one range at most; a denser answer keeps the quiet windows first. */
const WINDOW_CAP = 100_000;

/** "30 min", "1 h 30 min", "45 s": how long a random delay can be. */
function spanText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * What each task's triggers draw on the timeline in [from, to]: its quiet windows, and for each
 * coming run with a random delay the window it will start in.
 */
export function timelineWindows(
  engine: Pick<TaskScheduler<string>, 'get' | 'triggerWindows'>,
  tasks: readonly { id: string }[],
  coming: readonly TimelineComing[],
  from: number,
  to: number,
): TimelineWindow[] {
  const quiet: TimelineWindow[] = [];
  const jitter: TimelineWindow[] = [];
  const comingOf = new Map(coming.map((c) => [c.taskId, c.at]));
  for (const task of tasks) {
    if (!engine.get(task.id)) continue;
    const w = engine.triggerWindows(task.id, from, to);
    const policy = w.quietPolicy === 'defer' ? 'runs wait until it ends' : 'runs are skipped';
    for (const span of w.quiet) {
      const label = `${describeQuietWindow(span.window)}: ${policy}`;
      quiet.push({ taskId: task.id, kind: 'quiet', from: span.from, to: span.to, label });
    }
    if (w.jitterMs <= 0) continue;
    const label = `starts at a random time up to ${spanText(w.jitterMs)} after it is due`;
    for (const at of comingOf.get(task.id) ?? [])
      jitter.push({ taskId: task.id, kind: 'jitter', from: at, to: at + w.jitterMs, label });
  }
  return [...quiet, ...jitter].slice(0, WINDOW_CAP);
}
