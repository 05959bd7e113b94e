import type { TaskView } from '../../api/contract.js';
import type { StoredTask } from '../model/task.js';
import type { Action } from '../model/action.js';
import { maskAction } from '../store/vault.js';
import { describeSchedule } from './schedule-text.js';
import type { CoreParts } from './core-parts.js';

/** Schedule text by stored schedule: the store replaces the object when the schedule changes. */
const scheduleTexts = new WeakMap<object, { timezone: string | undefined; text: string }>();

function scheduleTextOf(task: StoredTask): string {
  const known = scheduleTexts.get(task.schedule);
  if (known && known.timezone === task.timezone) return known.text;
  const text = describeSchedule(task.schedule, task.timezone);
  scheduleTexts.set(task.schedule, { timezone: task.timezone, text });
  return text;
}

/** The task as the renderer sees it: secrets masked, schedule in words, next and last run. */
export async function taskView(
  parts: CoreParts,
  task: StoredTask,
  withAction = true,
): Promise<TaskView> {
  const info = parts.engine.get(task.id);
  let action: Action | null = null;
  const locked = parts.locked.get(task.id) ?? null;
  if (withAction && !locked) {
    const got = await parts.vault.get(task.id);
    if (got.ok) action = maskAction(got.action);
  }
  const last =
    parts.jobs.latestRun(
      task.project,
      task.group,
      task.name,
      (r) => r.taskId === task.id && r.status !== 'queued',
    ) ?? null;
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
  };
}
