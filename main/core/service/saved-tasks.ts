import type { StoredTask } from '../model/task.js';
import type { JobCache } from '../jobs/job-cache.js';
import { errorText } from '../schedule/scheduler-error.js';
import type { TaskScheduler } from '../schedule/task-scheduler.js';
import type { CoreParts } from './core-parts.js';
import type { Notice } from './run-pipeline.js';
import { scheduleStored } from './task-writes.js';

/**
 * Bookkeeping reaches the disk a moment after a trigger, but run records are written as runs
 * happen. After a crash, the newest scheduled run on disk may be later than the stored
 * lastDueAt; taking it keeps that trigger from being caught up a second time.
 */
function withRecordedDueTime(jobs: JobCache, task: StoredTask): StoredTask {
  let latest = task.lastDueAt;
  for (const run of jobs.getJobRuns(task.project, task.group, task.name)) {
    if (run.taskId !== task.id || run.scheduledFor === null) continue;
    if (run.trigger !== 'schedule' && run.trigger !== 'catch-up') continue;
    if (latest === null || run.scheduledFor > latest) latest = run.scheduledFor;
  }
  return latest === task.lastDueAt ? task : { ...task, lastDueAt: latest };
}

/** Run now's result cache outlives a restart: the newest successful run on disk seeds it. */
async function rememberLastResult(
  jobs: JobCache,
  engine: TaskScheduler<string>,
  task: StoredTask,
): Promise<void> {
  const last = jobs
    .getJobRuns(task.project, task.group, task.name)
    .find((r) => r.taskId === task.id && r.status === 'succeeded');
  if (!last) return;
  const record = await jobs.readRun(task.project, task.group, task.name, last.runId);
  if (record) engine.rememberResult(task.id, record);
}

/**
 * Registers every saved task with the engine. A task whose action cannot be decrypted stays
 * out of the engine, marked locked, its data kept; one that cannot be scheduled is reported.
 */
export async function registerSavedTasks(parts: CoreParts, notice: Notice): Promise<void> {
  for (const task of parts.store.listTasks()) {
    const got = await parts.vault.get(task.id);
    if (!got.ok) {
      parts.locked.set(task.id, got.reason);
      notice('warning', `Task '${task.name}' is locked: ${got.reason}. Its data is kept.`);
      continue;
    }
    try {
      await scheduleStored(parts, withRecordedDueTime(parts.jobs, task));
      if (task.resultCache) await rememberLastResult(parts.jobs, parts.engine, task);
    } catch (error) {
      notice('error', `Task '${task.name}' could not be scheduled: ${errorText(error)}`);
    }
  }
}
