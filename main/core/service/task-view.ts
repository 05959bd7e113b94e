import type { TaskView } from '../../api/contract.js';
import type { StoredTask } from '../model/task.js';
import type { Action } from '../model/action.js';
import { maskAction } from '../store/vault.js';
import { describeSchedule } from './schedule-text.js';
import type { CoreParts } from './core-parts.js';

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
  const runs = parts.jobs.getJobRuns(task.project, task.group, task.name);
  const last = runs.find((r) => r.taskId === task.id && r.status !== 'queued') ?? null;
  return {
    ...task,
    enabled: info ? info.definition.enabled : task.enabled,
    lastDueAt: info?.lastDueAt ?? task.lastDueAt,
    cycles: info?.cycles ?? task.cycles,
    action,
    locked,
    scheduleText: describeSchedule(task.schedule, task.timezone),
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
