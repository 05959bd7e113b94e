import { randomUUID } from 'node:crypto';
import type { Handlers, ParsedRequestOf, TaskView } from '../../api/contract.js';
import type { Action } from '../model/action.js';
import type { StoredTask, TaskDefinition } from '../model/task.js';
import { taskDefinition } from '../model/task.js';
import { mergeActionUpdate } from '../store/vault.js';
import { toSummary } from '../jobs/run-summary.js';
import type { CoreParts } from './core-parts.js';
import { engineError } from './engine-errors.js';
import { checkChainLinks, refuseDeletingFollowed } from './chain-links.js';
import { ServiceError, invalid, notFound } from './service-error.js';
import { taskView } from './task-view.js';
import { TaskListView } from './task-list-view.js';
import { runRecord } from '../model/run.js';
import { clusterScheduleProblem } from '../cluster/cluster-schedule.js';

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

const DEFINITION_KEYS = Object.keys(taskDefinition.shape) as (keyof TaskDefinition)[];

export function definitionOf(task: StoredTask): TaskDefinition {
  const def: Record<string, unknown> = {};
  for (const key of DEFINITION_KEYS) if (task[key] !== undefined) def[key] = task[key];
  return def as TaskDefinition;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Registers a stored task with the engine; its action is looked up in the vault at run time.
 * A task that runs on a cluster queue goes to the cluster controller instead.
 */
export async function scheduleStored(parts: CoreParts, task: StoredTask): Promise<void> {
  if (task.runOn.kind === 'cluster') {
    if (parts.engine.get(task.id)) await parts.engine.unschedule(task.id);
    await parts.cluster?.taskChanged(task.id);
    return;
  }
  await parts.engine.schedule({
    ...definitionOf(task),
    id: task.id,
    action: task.id,
    lastDueAt: task.lastDueAt,
    cycles: task.cycles,
    createdAt: task.createdAt,
  });
}

export function taskHandlers(parts: CoreParts): TaskHandlers {
  const listView = new TaskListView();
  const requireTask = (id: string): StoredTask => {
    const task = parts.store.getTask(id);
    if (!task) throw notFound(`There is no task with id '${id}'; it may have been deleted.`);
    return task;
  };

  /** Checks the schedule with the engine's own rules before anything is stored. */
  const checkDefinition = (def: TaskDefinition): void => {
    try {
      parts.engine.nextRuns(def, 1);
    } catch (error) {
      throw engineError(error);
    }
    const onCluster =
      def.runOn.kind !== 'cluster'
        ? null
        : def.triggers !== undefined
          ? 'a cluster queue runs the main schedule only; more schedules, a random delay and quiet windows need "Run on: this computer"'
          : def.conditions !== undefined
            ? 'a cluster queue does not check power, network or idle conditions; conditions need "Run on: this computer"'
            : clusterScheduleProblem(def.schedule);
    if (onCluster !== null) throw invalid(`runOn: ${onCluster}`, 'runOn');
  };

  /** Two tasks may not share a name in one project and group: their run folders would mix. */
  const checkNameFree = (
    def: { name: string; project: string; group: string },
    exceptId?: string,
  ): void => {
    const clash = parts.store.findByName(def, exceptId);
    if (clash) {
      throw new ServiceError(
        'conflict',
        `A task named '${def.name}' already exists in ${def.project} / ${def.group}; choose another name.`,
        'name',
      );
    }
  };

  const changed = (taskId: string, deleted = false) => {
    parts.events.emit('task:changed', { taskId, deleted });
    // The cluster follows config.json: put on, updated, or taken off (disabled, deleted, moved).
    void parts.cluster?.taskChanged(taskId);
  };

  const create = async (input: ParsedRequestOf<'tasks:create'>): Promise<TaskView> => {
    const { action, ...rest } = input;
    const def = taskDefinition.parse(rest);
    // Same name, schedule and action: the task already exists, so creating it again is a no-op.
    const twin = parts.store.findByName(def);
    if (twin && sameJson(definitionOf(twin), def)) {
      const stored = await parts.vault.get(twin.id);
      if (stored.ok && sameJson(stored.action, action)) return taskView(parts, twin);
    }
    checkNameFree(def);
    checkDefinition(def);
    checkChainLinks(parts, null, def);
    const merged = mergeActionUpdate(action, null);
    if (!merged.ok) throw actionIssues(merged.issues);
    const id = randomUUID();
    const now = parts.clock.now();
    // The action and the task are written at the same time, each in a group with the creates
    // arriving alongside; the answer waits for both, so an answered create is durable.
    const actionSaved = parts.vault.put(id, merged.action);
    let stored: StoredTask;
    try {
      stored = parts.store.putTask({
        ...def,
        id,
        createdAt: now,
        updatedAt: now,
        lastDueAt: null,
        cycles: 0,
      });
      await Promise.all([actionSaved, parts.store.saved()]);
      await scheduleStored(parts, stored);
    } catch (error) {
      // Nothing half-made stays behind: no orphan ciphertext, no task without an action.
      await actionSaved.catch(() => undefined);
      if (parts.store.deleteTask(id)) await parts.store.saved().catch(() => undefined);
      await parts.vault.delete(id);
      throw engineError(error);
    }
    changed(id);
    return taskView(parts, stored);
  };

  const update = async ({ id, patch }: ParsedRequestOf<'tasks:update'>): Promise<TaskView> => {
    const current = requireTask(id);
    const { action, timezone, triggers, conditions, ...fields } = patch;
    const nextDef = taskDefinition.parse({
      ...definitionOf(current),
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      timezone: timezone === null ? undefined : (timezone ?? current.timezone),
      triggers: triggers === null ? undefined : (triggers ?? current.triggers),
      conditions: conditions === null ? undefined : (conditions ?? current.conditions),
    });
    checkNameFree(nextDef, id);
    checkDefinition(nextDef);
    checkChainLinks(parts, id, nextDef);
    let newAction: Action | null = null;
    let previousAction: Action | null = null;
    if (action) {
      const stored = await parts.vault.get(id);
      previousAction = stored.ok ? stored.action : null;
      const merged = mergeActionUpdate(action, previousAction);
      if (!merged.ok) throw actionIssues(merged.issues);
      newAction = merged.action;
    }
    if (newAction) await parts.vault.put(id, newAction);
    const info = parts.engine.get(id);
    let stored: StoredTask;
    try {
      stored = parts.store.putTask({
        ...current,
        ...nextDef,
        timezone: nextDef.timezone,
        triggers: nextDef.triggers,
        conditions: nextDef.conditions,
        updatedAt: parts.clock.now(),
        lastDueAt: info?.lastDueAt ?? current.lastDueAt,
        cycles: info?.cycles ?? current.cycles,
      });
      await parts.store.saved();
    } catch (error) {
      // config.json could not be saved (disk full, read-only): put the old action back, so the
      // task stays as it was instead of half updated.
      if (newAction && previousAction)
        await parts.vault.put(id, previousAction).catch(() => undefined);
      throw error;
    }
    if (newAction) parts.locked.delete(id);
    try {
      if (info && nextDef.runOn.kind === 'cluster') await parts.engine.unschedule(id);
      else if (info)
        await parts.engine.update(id, {
          ...nextDef,
          timezone: nextDef.timezone,
          triggers: nextDef.triggers,
          conditions: nextDef.conditions,
        });
      else if (!parts.locked.has(id)) await scheduleStored(parts, stored);
    } catch (error) {
      throw engineError(error);
    }
    changed(id);
    return taskView(parts, stored);
  };

  const setEnabled = async (id: string, enabled: boolean): Promise<TaskView> => {
    const current = requireTask(id);
    if (enabled && parts.locked.has(id)) {
      throw lockedError(current.name, parts.locked.get(id));
    }
    // config.json first: if it cannot be written (disk full, read-only) the engine is untouched,
    // so what runs always matches what was saved.
    const stored = parts.store.putTask({ ...current, enabled, updatedAt: parts.clock.now() });
    await parts.store.saved();
    if (parts.engine.get(id)) {
      if (enabled) await parts.engine.enable(id);
      else await parts.engine.disable(id);
    }
    changed(id);
    return taskView(parts, stored);
  };

  return {
    'tasks:list': async (filter) => listView.list(parts, filter),
    'tasks:get': async ({ id }) => taskView(parts, requireTask(id)),
    'tasks:create': create,
    'tasks:update': update,
    'tasks:delete': async ({ id }) => {
      requireTask(id);
      refuseDeletingFollowed(parts, id);
      // config.json first, as in setEnabled: a failed write leaves the task scheduled and whole.
      parts.store.deleteTask(id);
      await parts.store.saved();
      await parts.engine.unschedule(id);
      await parts.vault.delete(id);
      parts.locked.delete(id);
      changed(id, true);
      return { deleted: true };
    },
    'tasks:enable': async ({ id }) => setEnabled(id, true),
    'tasks:disable': async ({ id }) => setEnabled(id, false),
    'tasks:runNow': async ({ id, toleranceSeconds }) => {
      const task = requireTask(id);
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

/** A task that cannot run until its action is entered again; the reason comes from the vault. */
function lockedError(name: string, reason: string | undefined): ServiceError {
  return new ServiceError(
    'locked',
    `'${name}' is locked: ${reason ?? 'its action cannot be read'}.`,
  );
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

function actionIssues(issues: { path: PropertyKey[]; message: string }[]): ServiceError {
  const first = issues[0];
  const field = ['action', ...(first?.path ?? [])].map(String).join('.');
  return invalid(`${field}: ${first?.message ?? 'invalid action'}`, field);
}
