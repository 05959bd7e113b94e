import type { ParsedRequestOf, SchedulePreview } from '../../api/contract.js';
import type { TaskScheduler } from '../schedule/task-scheduler.js';
import { dstTransitions } from '../schedule/dst-transitions.js';
import { describeQuietWindow } from '../schedule/quiet-windows.js';
import type { TaskTriggers } from '../model/triggers.js';
import { describeSchedule, formatInZone } from './schedule-text.js';
import { engineError } from './engine-errors.js';
import { describeConditions } from '../conditions/condition-words.js';

const DAY_MS = 86_400_000;

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A task's triggers in words, one sentence each, for the preview. */
function triggerNotes(
  t: TaskTriggers,
  timezone: string | undefined,
  nameOf: (taskId: string) => string,
): string[] {
  const notes = t.schedules.map(
    (e, i) =>
      `Schedule ${i + 2}: ${describeSchedule(e.schedule, e.timezone ?? timezone)}${e.timezone ? ` (${e.timezone})` : ''}; a time two schedules share runs once.`,
  );
  const jitter = t.jitterSec;
  if (jitter > 0)
    notes.push(
      `Each run starts at a random moment up to ${durationText(jitter)} after its time, so tasks due together spread out.`,
    );
  const windows = t.quiet.windows;
  if (windows.length > 0) {
    const what =
      t.quiet.policy === 'defer'
        ? 'runs due inside one wait until it ends (once)'
        : "runs due inside one are skipped and recorded 'skipped'";
    notes.push(`Quiet: ${windows.map((w) => describeQuietWindow(w)).join('; ')}: ${what}.`);
  }
  const events = t.events.map((e) =>
    e === 'start' ? 'when Crontray starts' : 'after the machine wakes (noticed within 30 s)',
  );
  if (events.length > 0)
    notes.push(
      t.eventsOnly
        ? `Runs only ${events.join(' and ')}; the schedule is not used.`
        : `Also runs ${events.join(' and ')}.`,
    );
  const chains = t.after.map((l) => `after '${nameOf(l.taskId)}' ${CHAIN_WORDS[l.when]}`);
  if (chains.length > 0)
    notes.push(
      `Runs ${chains.join(' and ')}${t.eventsOnly && events.length === 0 ? '; the schedule is not used' : ''}.`,
    );
  return notes;
}

const CHAIN_WORDS = {
  success: 'succeeds',
  failure: 'fails (or times out)',
  finish: 'finishes',
} as const;

function durationText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** The editor's preview: the next runs in task time and local time, in words, with DST notes. */
export function previewSchedule(
  engine: TaskScheduler<string>,
  { schedule, timezone, triggers, conditions, count }: ParsedRequestOf<'tasks:preview'>,
  now: number,
): SchedulePreview {
  let runs: number[];
  try {
    runs = engine.nextRuns({ name: 'preview', schedule, timezone, triggers, conditions }, count);
  } catch (error) {
    throw engineError(error);
  }
  const zone = timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  // Transitions that fall among the listed runs, or within the next half year when they are few.
  const until = Math.max(runs[runs.length - 1] ?? now, now + 183 * DAY_MS);
  const dstNotes = dstTransitions(zone, now, until).map((t) => {
    const shift = Math.abs(t.offsetAfterMinutes - t.offsetBeforeMinutes);
    const amount =
      shift % 60 === 0 ? `${shift / 60} hour${shift === 60 ? '' : 's'}` : `${shift} minutes`;
    const when = formatInZone(t.at, zone);
    return t.kind === 'gap'
      ? `${when}: clocks in ${zone} go forward ${amount} (${offsetText(t.offsetBeforeMinutes)} → ${offsetText(t.offsetAfterMinutes)}); local times in the skipped ${amount} do not exist: a fixed daily time there runs once at the first valid time after the gap, repeating patterns skip the missing times.`
      : `${when}: clocks in ${zone} go back ${amount} (${offsetText(t.offsetBeforeMinutes)} → ${offsetText(t.offsetAfterMinutes)}); local times in the repeated ${amount} occur twice: a fixed daily time there runs once (on the first pass), repeating patterns run on both passes.`;
  });
  const jitterMs = (triggers?.jitterSec ?? 0) * 1000;
  return {
    description: describeSchedule(schedule, timezone),
    timezone: zone,
    runs: runs.map((at) => ({
      at,
      taskTime: formatInZone(at, zone),
      localTime: formatInZone(at, undefined),
      ...(jitterMs > 0
        ? { latestAt: at + jitterMs, latestTaskTime: formatInZone(at + jitterMs, zone) }
        : {}),
    })),
    dstNotes,
    ...(triggers
      ? {
          triggerNotes: triggerNotes(
            triggers,
            timezone,
            (id) => engine.get(id)?.definition.name ?? id,
          ),
        }
      : {}),
    ...(conditions ? { conditionNotes: [`Conditions: ${describeConditions(conditions)}.`] } : {}),
  };
}
