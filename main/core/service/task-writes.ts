import { randomUUID } from 'node:crypto';
import type { ParsedRequestOf, TaskView } from '../../api/contract.js';
import type { Action } from '../model/action.js';
import type { StoredTask, TaskDefinition } from '../model/task.js';
import { taskDefinition } from '../model/task.js';
import { mergeActionUpdate } from '../store/vault.js';
import { clusterScheduleProblem } from '../cluster/cluster-schedule.js';
import type { CoreParts } from './core-parts.js';
import { engineError } from './engine-errors.js';
import { checkChainLinks, refuseDeletingFollowed } from './chain-links.js';
import { ServiceError, invalid, notFound } from './service-error.js';
import { taskView } from './task-view.js';

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

/**
 * The engine changes tasks on its own too (a one-time task disables itself after it ran): saves
 * a task's enabled state when the engine's differs. Returns the engine's view of the task.
 */
export function saveEngineEnabled(parts: CoreParts, taskId: string) {
  const info = parts.engine.get(taskId);
  const stored = parts.store.getTask(taskId);
  if (info && stored && stored.enabled !== info.definition.enabled) {
    parts.store.putTask({ ...stored, enabled: info.definition.enabled });
    parts.store
      .saved()
      .catch((error: unknown) =>
        parts.logger.error(
          `Service: could not save that task '${stored.name}' is now disabled`,
          error,
        ),
      );
  }
  return info;
}

/**
 * Creating, changing, enabling and deleting tasks: each checked against the engine's rules and
 * the other tasks first, then config.json and the vault written, then the engine told, so what
 * runs always matches what was saved.
 */
export class TaskWrites {
  readonly #parts: CoreParts;

  constructor(parts: CoreParts) {
    this.#parts = parts;
  }

  require(id: string): StoredTask {
    const task = this.#parts.store.getTask(id);
    if (!task) throw notFound(`There is no task with id '${id}'; it may have been deleted.`);
    return task;
  }

  async create(input: ParsedRequestOf<'tasks:create'>): Promise<TaskView> {
    const parts = this.#parts;
    // The contract's schema (taskCreateInput) already parsed and defaulted every field: parsing
    // the definition again cost 3 % of a create's time.
    const { action, ...def } = input;
    // Same name, schedule and action: the task already exists, so creating it again is a no-op.
    const twin = parts.store.findByName(def);
    if (twin && sameJson(definitionOf(twin), def)) {
      const stored = await parts.vault.get(twin.id);
      if (stored.ok && sameJson(stored.action, action)) return taskView(parts, twin);
    }
    this.#checkNameFree(def);
    this.#checkDefinition(def);
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
    this.#changed(id);
    return taskView(parts, stored);
  }

  async update({ id, patch }: ParsedRequestOf<'tasks:update'>): Promise<TaskView> {
    const parts = this.#parts;
    const current = this.require(id);
    const { action, timezone, triggers, conditions, ...fields } = patch;
    const nextDef = taskDefinition.parse({
      ...definitionOf(current),
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      timezone: timezone === null ? undefined : (timezone ?? current.timezone),
      triggers: triggers === null ? undefined : (triggers ?? current.triggers),
      conditions: conditions === null ? undefined : (conditions ?? current.conditions),
    });
    this.#checkNameFree(nextDef, id);
    this.#checkDefinition(nextDef);
    checkChainLinks(parts, id, nextDef);
    const { next: newAction, previous: previousAction } = await this.#changedAction(id, action);
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
    await this.#reschedule(stored, nextDef, info !== undefined);
    this.#changed(id);
    return taskView(parts, stored);
  }

  async setEnabled(id: string, enabled: boolean): Promise<TaskView> {
    const parts = this.#parts;
    const current = this.require(id);
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
    this.#changed(id);
    return taskView(parts, stored);
  }

  async delete(id: string): Promise<{ deleted: true }> {
    const parts = this.#parts;
    this.require(id);
    refuseDeletingFollowed(parts, id);
    // config.json first, as in setEnabled: a failed write leaves the task scheduled and whole.
    parts.store.deleteTask(id);
    await parts.store.saved();
    await parts.engine.unschedule(id);
    await parts.vault.delete(id);
    parts.locked.delete(id);
    this.#changed(id, true);
    return { deleted: true };
  }

  /** The action a patch asks for, merged over the stored one (whose secrets it may keep). */
  async #changedAction(
    id: string,
    patch: ParsedRequestOf<'tasks:update'>['patch']['action'],
  ): Promise<{ next: Action | null; previous: Action | null }> {
    if (!patch) return { next: null, previous: null };
    const stored = await this.#parts.vault.get(id);
    const previous = stored.ok ? stored.action : null;
    const merged = mergeActionUpdate(patch, previous);
    if (!merged.ok) throw actionIssues(merged.issues);
    return { next: merged.action, previous };
  }

  /** The engine follows a saved change: updated, handed to the cluster, or registered anew. */
  async #reschedule(stored: StoredTask, def: TaskDefinition, registered: boolean): Promise<void> {
    const { engine, locked } = this.#parts;
    try {
      if (registered && def.runOn.kind === 'cluster') await engine.unschedule(stored.id);
      else if (registered)
        await engine.update(stored.id, {
          ...def,
          timezone: def.timezone,
          triggers: def.triggers,
          conditions: def.conditions,
        });
      else if (!locked.has(stored.id)) await scheduleStored(this.#parts, stored);
    } catch (error) {
      throw engineError(error);
    }
  }

  /** Checks the schedule with the engine's own rules before anything is stored. */
  #checkDefinition(def: TaskDefinition): void {
    try {
      this.#parts.engine.nextRuns(def, 1);
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
  }

  /** Two tasks may not share a name in one project and group: their run folders would mix. */
  #checkNameFree(def: { name: string; project: string; group: string }, exceptId?: string): void {
    const clash = this.#parts.store.findByName(def, exceptId);
    if (clash) {
      throw new ServiceError(
        'conflict',
        `A task named '${def.name}' already exists in ${def.project} / ${def.group}; choose another name.`,
        'name',
      );
    }
  }

  #changed(taskId: string, deleted = false): void {
    this.#parts.events.emit('task:changed', { taskId, deleted });
    // The cluster follows config.json: put on, updated, or taken off (disabled, deleted, moved).
    void this.#parts.cluster?.taskChanged(taskId);
  }
}

/** A task that cannot run until its action is entered again; the reason comes from the vault. */
export function lockedError(name: string, reason: string | undefined): ServiceError {
  return new ServiceError(
    'locked',
    `'${name}' is locked: ${reason ?? 'its action cannot be read'}.`,
  );
}

function actionIssues(issues: { path: PropertyKey[]; message: string }[]): ServiceError {
  const first = issues[0];
  const field = ['action', ...(first?.path ?? [])].map(String).join('.');
  return invalid(`${field}: ${first?.message ?? 'invalid action'}`, field);
}
