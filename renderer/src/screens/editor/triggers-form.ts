import type {
  ChainWhen,
  QuietPolicy,
  QuietWindow,
  TaskTriggers,
  TaskTriggersInput,
} from '../../../../main/core/model/triggers.js';
import { toLocalInputValue } from '../../format/time-format.js';
import { UNIT_MS, splitUnit } from './time-units.js';
import type { TimeUnit } from './time-units.js';

/** The kinds a schedule besides the main one can have (a routine is the main schedule only). */
export type ExtraScheduleKind = 'cron' | 'interval' | 'once';

/** One more schedule as the inputs hold it; `key` keeps React rows stable. */
export interface ScheduleRow {
  key: number;
  kind: ExtraScheduleKind;
  pattern: string;
  /** Interval: every this many `everyUnit`s. */
  everyValue: string;
  everyUnit: TimeUnit;
  /** Once: a datetime-local value, in the browser's zone (as the main schedule's). */
  onceAt: string;
  /** '' means the task's zone. */
  timezone: string;
}

/** One quiet window as the inputs hold it. */
export interface WindowRow {
  key: number;
  kind: QuietWindow['kind'];
  /** HH:MM for daily/weekly, YYYY-MM-DD for dates. */
  from: string;
  to: string;
  /** Weekly windows: 0 = Sunday. */
  days: number[];
}

/** "After another task" as the inputs hold it; '' is a row whose task is not chosen yet. */
export interface ChainRow {
  key: number;
  taskId: string;
  when: ChainWhen;
}

/** The editor's "More triggers" section (issue 14): what `triggers` becomes. */
export interface TriggersForm {
  schedules: ScheduleRow[];
  /** Interval schedules with a start, an end or a count (set through the API): sent back as they are. */
  kept: TaskTriggersInput['schedules'] & object;
  jitterSeconds: string;
  windows: WindowRow[];
  quietPolicy: QuietPolicy;
  onStart: boolean;
  onWake: boolean;
  eventsOnly: boolean;
  /** Chains: the tasks this one runs after. */
  after: ChainRow[];
}

let nextKey = 1;

export function newScheduleRow(): ScheduleRow {
  return {
    key: nextKey++,
    kind: 'cron',
    pattern: '0 11 * * 6',
    everyValue: '1',
    everyUnit: 'hours',
    onceAt: '',
    timezone: '',
  };
}

/** The schedule a row stands for; an empty or bad value goes to the service, which names it. */
function scheduleOf(
  row: ScheduleRow,
): NonNullable<TaskTriggersInput['schedules']>[number]['schedule'] {
  if (row.kind === 'interval') {
    const every = row.everyValue.trim() === '' ? Number.NaN : Number(row.everyValue);
    return { kind: 'interval', everyMs: Math.round(every * UNIT_MS[row.everyUnit]) };
  }
  if (row.kind === 'once')
    return { kind: 'once', at: row.onceAt ? new Date(row.onceAt).getTime() : Number.NaN };
  return { kind: 'cron', pattern: row.pattern };
}

/** A stored extra schedule as a row, or null for one the editor keeps as it is. */
function rowOf(e: TaskTriggers['schedules'][number]): ScheduleRow | null {
  const row = { ...newScheduleRow(), timezone: e.timezone ?? '' };
  const s = e.schedule;
  if (s.kind === 'cron') return { ...row, pattern: s.pattern };
  if (s.kind === 'once') return { ...row, kind: 'once', onceAt: toLocalInputValue(s.at) };
  if (s.kind === 'interval' && s.startAt === undefined && s.until === undefined && !s.maxCycles) {
    const { value, unit } = splitUnit(s.everyMs);
    return { ...row, kind: 'interval', everyValue: value, everyUnit: unit };
  }
  return null;
}

export function newWindowRow(kind: QuietWindow['kind'] = 'daily'): WindowRow {
  const today = new Date().toISOString().slice(0, 10);
  return kind === 'dates'
    ? { key: nextKey++, kind, from: today, to: today, days: [] }
    : { key: nextKey++, kind, from: '22:00', to: '06:00', days: kind === 'weekly' ? [6, 0] : [] };
}

export function newChainRow(): ChainRow {
  return { key: nextKey++, taskId: '', when: 'success' };
}

export function emptyTriggers(): TriggersForm {
  return {
    schedules: [],
    kept: [],
    jitterSeconds: '0',
    windows: [],
    quietPolicy: 'skip',
    onStart: false,
    onWake: false,
    eventsOnly: false,
    after: [],
  };
}

function windowOf(row: WindowRow): QuietWindow {
  if (row.kind === 'weekly') return { kind: 'weekly', days: row.days, from: row.from, to: row.to };
  return { kind: row.kind, from: row.from, to: row.to };
}

/** The request's `triggers`, or undefined when the section is left as it starts (no triggers). */
export function triggersOf(t: TriggersForm): TaskTriggersInput | undefined {
  const jitter = t.jitterSeconds.trim() === '' ? 0 : Number(t.jitterSeconds);
  const events = [
    ...(t.onStart ? (['start'] as const) : []),
    ...(t.onWake ? (['wake'] as const) : []),
  ];
  const none =
    t.schedules.length + t.kept.length === 0 &&
    jitter === 0 &&
    t.windows.length === 0 &&
    events.length === 0 &&
    t.after.length === 0;
  if (none && !t.eventsOnly) return undefined;
  return {
    schedules: [
      ...t.schedules.map((s) => ({
        schedule: scheduleOf(s),
        ...(s.timezone ? { timezone: s.timezone } : {}),
      })),
      ...t.kept,
    ],
    jitterSec: jitter,
    quiet: { windows: t.windows.map(windowOf), policy: t.quietPolicy },
    events,
    eventsOnly: t.eventsOnly,
    after: t.after.map((l) => ({ taskId: l.taskId, when: l.when })),
  };
}

/**
 * The preview's `triggers`: a chain row whose task is not chosen yet is left out, so the preview
 * keeps showing the schedule while the picker is still empty (Save stays disabled for it).
 */
export function previewTriggersOf(t: TriggersForm): TaskTriggersInput | undefined {
  return triggersOf({ ...t, after: t.after.filter((l) => l.taskId !== '') });
}

/** The section for a stored task's triggers; intervals with a start, end or count are kept as they are. */
export function triggersFormOf(t: TaskTriggers | undefined): TriggersForm {
  const form = emptyTriggers();
  if (!t) return form;
  form.schedules = t.schedules.flatMap((e) => rowOf(e) ?? []);
  form.kept = t.schedules.filter((e) => rowOf(e) === null);
  form.jitterSeconds = String(t.jitterSec);
  form.windows = t.quiet.windows.map((w) => ({
    key: nextKey++,
    kind: w.kind,
    from: w.from,
    to: w.to,
    days: w.kind === 'weekly' ? w.days : [],
  }));
  form.quietPolicy = t.quiet.policy;
  form.onStart = t.events.includes('start');
  form.onWake = t.events.includes('wake');
  form.eventsOnly = t.eventsOnly;
  form.after = t.after.map((l) => ({ key: nextKey++, taskId: l.taskId, when: l.when }));
  return form;
}
