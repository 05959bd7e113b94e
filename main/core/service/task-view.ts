import type { TaskView } from '../../api/contract.js';
import type { StoredTask } from '../model/task.js';
import type { Action } from '../model/action.js';
import type { RunSummary } from '../jobs/run-summary.js';
import type { TaskInfo } from '../schedule/task-inputs.js';
import { maskAction } from '../store/vault.js';
import { describeSchedule } from './schedule-text.js';
import type { CoreParts } from './core-parts.js';

/** Schedule text by stored schedule: the store replaces the object when the schedule changes. */
const scheduleTexts = new WeakMap<object, { timezone: string | undefined; text: string }>();

function scheduleTextOf(task: Readonly<StoredTask>): string {
  const known = scheduleTexts.get(task.schedule);
  if (known && known.timezone === task.timezone) return known.text;
  const text = describeSchedule(task.schedule, task.timezone);
  scheduleTexts.set(task.schedule, { timezone: task.timezone, text });
  return text;
}

/** The task's newest run that has started (a queued one has not). */
export function lastRunOf(parts: CoreParts, task: Readonly<StoredTask>): RunSummary | null {
  return (
    parts.jobs.latestRun(
      task.project,
      task.group,
      task.name,
      (r) => r.taskId === task.id && r.status !== 'queued',
    ) ?? null
  );
}

/** The view from its parts, with no I/O: what the list caches and tasks:get builds. */
export function composeTaskView(
  task: Readonly<StoredTask>,
  info: TaskInfo<string> | undefined,
  last: RunSummary | null,
  locked: string | null,
  action: Action | null,
): TaskView {
  return {
    ...task,
    enabled: info ? info.definition.enabled : task.enabled,
    lastDueAt: info?.lastDueAt ?? task.lastDueAt,
    cycles: info?.cycles ?? task.cycles,
    action,
    locked,
    scheduleText: scheduleTextOf(task),
    nextRunAt: info?.nextDueAt ?? null,
    lastRun: last
      ? {
          runId: last.runId,
          status: last.status,
          startedAt: last.startedAt,
          durationMs: last.durationMs,
        }
      : null,
    activeRuns: info ? info.running + info.queued : 0,
    waitingFor: info?.waitingFor ?? null,
  };
}

/** The task as the renderer sees it: secrets masked, schedule in words, next and last run. */
export async function taskView(
  parts: CoreParts,
  task: StoredTask,
  withAction = true,
): Promise<TaskView> {
  let action: Action | null = null;
  const locked = parts.locked.get(task.id) ?? null;
  if (withAction && !locked) {
    const got = await parts.vault.get(task.id);
    if (got.ok) action = maskAction(got.action);
  }
  return composeTaskView(task, parts.engine.get(task.id), lastRunOf(parts, task), locked, action);
}
