import type {
  ChainWhen,
  QuietPolicy,
  QuietWindow,
  TaskTriggers,
  TaskTriggersInput,
} from '../../../../main/core/model/triggers.js';

/** One more cron schedule as the inputs hold it; `key` keeps React rows stable. */
export interface ScheduleRow {
  key: number;
  pattern: string;
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
  /** Extra interval or once schedules (set through the API): not edited here, sent back as they are. */
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
  return { key: nextKey++, pattern: '0 11 * * 6', timezone: '' };
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
        schedule: { kind: 'cron' as const, pattern: s.pattern },
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

/** The section for a stored task's triggers; extra schedules other than cron are kept as they are. */
export function triggersFormOf(t: TaskTriggers | undefined): TriggersForm {
  const form = emptyTriggers();
  if (!t) return form;
  form.schedules = t.schedules.flatMap((e) =>
    e.schedule.kind === 'cron'
      ? [{ key: nextKey++, pattern: e.schedule.pattern, timezone: e.timezone ?? '' }]
      : [],
  );
  form.kept = t.schedules.filter((e) => e.schedule.kind !== 'cron');
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
