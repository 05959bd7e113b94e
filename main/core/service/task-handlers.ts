import type { Handlers } from '../../api/contract.js';
import type { StoredTask } from '../model/task.js';
import { runRecord } from '../model/run.js';
import { toSummary } from '../jobs/run-summary.js';
import type { CoreParts } from './core-parts.js';
import { ServiceError } from './service-error.js';
import { taskView } from './task-view.js';
import { TaskListView } from './task-list-view.js';
import { TaskWrites, lockedError } from './task-writes.js';

type TaskHandlers = Pick<
  Handlers,
  | 'tasks:list'
  | 'tasks:get'
  | 'tasks:create'
  | 'tasks:update'
  | 'tasks:delete'
  | 'tasks:enable'
  | 'tasks:disable'
  | 'tasks:runNow'
  | 'runs:cancel'
>;

export function taskHandlers(parts: CoreParts): TaskHandlers {
  const listView = new TaskListView();
  const writes = new TaskWrites(parts);
  return {
    'tasks:list': async (filter) => listView.list(parts, filter),
    'tasks:get': async ({ id }) => taskView(parts, writes.require(id)),
    'tasks:create': async (input) => writes.create(input),
    'tasks:update': async (request) => writes.update(request),
    'tasks:delete': async ({ id }) => writes.delete(id),
    'tasks:enable': async ({ id }) => writes.setEnabled(id, true),
    'tasks:disable': async ({ id }) => writes.setEnabled(id, false),
    'tasks:runNow': async ({ id, toleranceSeconds }) => {
      const task = writes.require(id);
      const locked = parts.locked.get(id);
      if (locked) throw lockedError(task.name, locked);
      if (task.runOn.kind === 'cluster') return runOnCluster(parts, task);
      const ticket = await parts.engine.runNow(
        id,
        toleranceSeconds === undefined ? {} : { toleranceSeconds },
      );
      const record = parts.recentRuns.get(ticket.runId) ?? (await ticket.done);
      return toSummary(record);
    },
    'runs:cancel': async ({ runId }) => ({ canceled: parts.engine.cancel(runId) }),
  };
}

/** Run now of a cluster task: queued on its queue; its record arrives when a worker ran it. */
async function runOnCluster(parts: CoreParts, task: StoredTask) {
  if (!parts.cluster) {
    throw new ServiceError(
      'unavailable',
      `'${task.name}' runs on cluster queue '${task.runOn.kind === 'cluster' ? task.runOn.queue : ''}', but no Redis URL is set (start with --redis URL)`,
    );
  }
  let runId: string;
  try {
    runId = await parts.cluster.runNow(task.id);
  } catch (error) {
    throw new ServiceError('unavailable', error instanceof Error ? error.message : String(error));
  }
  const now = parts.clock.now();
  return toSummary(
    runRecord.parse({
      runId,
      taskId: task.id,
      project: task.project,
      group: task.group,
      name: task.name,
      status: 'queued',
      trigger: 'manual',
      scheduledFor: now,
      startedAt: null,
      endedAt: null,
    }),
  );
}
