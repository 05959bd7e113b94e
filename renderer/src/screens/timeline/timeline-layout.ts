import type {
  TimelinePastRun,
  TimelineRange,
  TimelineTask,
  TimelineWindow,
} from '../../../../main/api/contract.js';

export const ROW_HEIGHT = 22;
export const AXIS_HEIGHT = 28;
export const LABEL_WIDTH = 220;
/** The narrowest a bar is drawn, so a one-second run is still seen and hit. */
export const MIN_BAR_PX = 3;

/** What is in view: a time span across the canvas, and the first row shown. */
export interface Viewport {
  from: number;
  to: number;
  /** Rows scrolled past, in pixels. */
  scrollY: number;
}

/** One task's row with its runs sorted by time, ready to draw. */
export interface TimelineRow {
  task: TimelineTask;
  /** The row's label, made once rather than each frame. */
  label: string;
  past: TimelinePastRun[];
  coming: number[];
  comingTruncated: boolean;
  /** Quiet windows and coming runs' random-delay windows, sorted by start. */
  windows: TimelineWindow[];
  /** The longest of `windows`, so a search by start time finds one begun before the view. */
  windowReach: number;
}

function emptyRow(task: TimelineTask): TimelineRow {
  const label = `${task.name}  ·  ${task.project}`;
  return { task, label, past: [], coming: [], comingTruncated: false, windows: [], windowReach: 0 };
}

/** Groups the answer by task, rows sorted by project, group and name. */
export function rowsOf(range: TimelineRange): TimelineRow[] {
  const byTask = new Map<string, TimelineRow>();
  for (const task of range.tasks) byTask.set(task.taskId, emptyRow(task));
  for (const run of range.past) {
    let row = byTask.get(run.taskId);
    if (!row) {
      // A run of a task since deleted keeps a row of its own, named as the run names it.
      const task = { taskId: run.taskId, name: run.name, project: run.project, group: run.group };
      row = emptyRow({ ...task, timezone: null, enabled: false });
      byTask.set(run.taskId, row);
    }
    row.past.push(run);
  }
  for (const c of range.coming) {
    const row = byTask.get(c.taskId);
    if (row) {
      row.coming = c.at;
      row.comingTruncated = c.truncated;
    }
  }
  for (const w of range.windows) {
    const row = w.taskId === null ? undefined : byTask.get(w.taskId);
    if (!row) continue;
    row.windows.push(w);
    row.windowReach = Math.max(row.windowReach, w.to - w.from);
  }
  for (const row of byTask.values()) row.windows.sort((a, b) => a.from - b.from);
  const key = (r: TimelineRow) => `${r.task.project}\u0000${r.task.group}\u0000${r.task.name}`;
  return [...byTask.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The x of an instant on a canvas `width` pixels wide (the label column excluded). */
export function xOf(at: number, view: Viewport, width: number): number {
  return LABEL_WIDTH + ((at - view.from) / (view.to - view.from)) * (width - LABEL_WIDTH);
}

export function timeAt(x: number, view: Viewport, width: number): number {
  return view.from + ((x - LABEL_WIDTH) / (width - LABEL_WIDTH)) * (view.to - view.from);
}

/** What lies under the pointer. */
export type Hit =
  | { kind: 'past'; row: TimelineRow; run: TimelinePastRun }
  | { kind: 'coming'; row: TimelineRow; at: number }
  | { kind: 'window'; row: TimelineRow; window: TimelineWindow }
  | { kind: 'task'; row: TimelineRow };

/** The first index in sorted `times` whose value is >= `at`. */
export function lowerBound<T>(items: readonly T[], at: number, timeOf: (t: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeOf(items[mid]!) < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The run or mark under (x, y), within a few pixels; the row's task when nothing is. */
export function hitTest(
  rows: readonly TimelineRow[],
  view: Viewport,
  width: number,
  x: number,
  y: number,
): Hit | null {
  if (y < AXIS_HEIGHT) return null;
  const row = rows[Math.floor((y - AXIS_HEIGHT + view.scrollY) / ROW_HEIGHT)];
  if (!row) return null;
  if (x < LABEL_WIDTH) return { kind: 'task', row };
  const slack = ((MIN_BAR_PX + 2) * (view.to - view.from)) / (width - LABEL_WIDTH);
  const at = timeAt(x, view, width);
  // Bars can be long: look back from the pointer for one still running at `at`.
  const i = lowerBound(row.past, at + slack, (r) => r.at);
  for (let j = i - 1; j >= 0 && j >= i - 50; j--) {
    const run = row.past[j]!;
    if (Math.max(run.endedAt ?? run.at, run.at) + slack >= at) return { kind: 'past', row, run };
  }
  const k = lowerBound(row.coming, at - slack, (t) => t);
  const next = row.coming[k];
  if (next !== undefined && next <= at + slack) return { kind: 'coming', row, at: next };
  const window = windowAt(row, at);
  return window ? { kind: 'window', row, window } : { kind: 'task', row };
}

/** The window of a row holding `at` (a random-delay window before a quiet one). */
function windowAt(row: TimelineRow, at: number): TimelineWindow | undefined {
  let found: TimelineWindow | undefined;
  const end = lowerBound(row.windows, at + 1, (w) => w.from);
  for (let j = lowerBound(row.windows, at - row.windowReach, (w) => w.from); j < end; j++) {
    const w = row.windows[j]!;
    if (w.to > at && (!found || w.kind === 'jitter')) found = w;
  }
  return found;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Tick spacing for the axis: the smallest step that leaves room for a label. */
export function tickStep(spanMs: number, widthPx: number): number {
  const steps = [15 * 60_000, 30 * 60_000, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY];
  return steps.find((s) => (s / spanMs) * widthPx >= 70) ?? DAY;
}

/** Midnight (local) of the day holding `at`. */
export function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The span a day or week view loads: the local day, or Monday to Monday. */
export function periodOf(view: 'day' | 'week', at: number): { from: number; to: number } {
  const day = new Date(startOfDay(at));
  if (view === 'week') day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  const from = day.getTime();
  const end = new Date(from);
  end.setDate(end.getDate() + (view === 'week' ? 7 : 1));
  return { from, to: end.getTime() };
}
