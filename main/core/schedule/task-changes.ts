import type { TaskDefinitionInput } from '../model/task.js';
import type { Clock } from '../time/clock.js';
import type { ConditionGate } from '../conditions/condition-gate.js';
import { sameConditions } from '../conditions/engine-gate.js';
import type { DueHandler, SchedulerNode } from './due-handler.js';
import { freshAnchor } from './due-planner.js';
import type { LastResult } from './last-result.js';
import type { NextRunHeap } from './next-run-heap.js';
import { ABORT_REASON } from './run-lifecycle.js';
import type { RunLifecycle } from './run-lifecycle.js';
import { SchedulerError } from './scheduler-error.js';
import type { ScheduleTaskInput, TaskInfo, TaskPatch } from './task-inputs.js';
import { withInstants } from './task-inputs.js';
import type { TaskChains } from './task-chains.js';
import { type RegisteredTask, type TaskRegistry, setTriggers } from './task-registry.js';
import { scheduleKey, triggersKey } from './task-validation.js';

/** What changing the set of tasks touches: the facade's units, and how to tell the host. */
export interface TaskChangeParts<TAction> {
  clock: Clock;
  registry: TaskRegistry<TAction>;
  chains: TaskChains<TAction>;
  due: DueHandler<TAction>;
  heap: NextRunHeap<SchedulerNode<TAction>>;
  gate: ConditionGate<RegisteredTask<TAction>> | null;
  lastResult: LastResult;
  lifecycle: RunLifecycle<TAction>;
  /** A task changed: tell the host and re-arm. */
  changed: (taskId: string) => void;
  info: (task: RegisteredTask<TAction>) => TaskInfo<TAction>;
}

/**
 * Adding, removing, enabling, disabling and changing tasks: every unit a task lives in (registry,
 * chains, heap, condition gate, last result, waiting runs) is kept in step here, so the facade
 * only delegates.
 */
export class TaskChanges<TAction> {
  readonly #p: TaskChangeParts<TAction>;

  constructor(parts: TaskChangeParts<TAction>) {
    this.#p = parts;
  }

  /**
   * Registers a task. Idempotent by definition: the same name, project, group, schedule, zone and
   * action give back the existing task's id.
   */
  async schedule(input: ScheduleTaskInput<TAction>): Promise<string> {
    const { action, id: givenId, lastDueAt, cycles, createdAt } = input;
    if (action === undefined || action === null)
      throw new SchedulerError('invalid', 'action is required', { field: 'action' });
    const now = this.#p.clock.now();
    // The schema keeps only definition fields: no copy without the others is needed (at 100 000
    // registrations, each copy is garbage the collector pays for).
    const schedule = withInstants(input.schedule);
    const def = this.#p.registry.parse(
      schedule === input.schedule ? input : { ...input, schedule },
      now,
    );
    const reg = { def, action, givenId, lastDueAt, cycles, createdAt };
    const { task, existing } = this.#p.registry.create(reg, now);
    if (existing) return task.id;
    this.#p.chains.check(task.id, def, (t) => this.#p.registry.get(t));
    this.#p.registry.add(task);
    this.#p.chains.index(task);
    // Instants after the anchor are due: after the last one handled, else after creation.
    this.#p.due.place(task, task.lastDueAt ?? createdAt ?? freshAnchor(def, now));
    this.#p.changed(task.id);
    return task.id;
  }

  /** Removes a task; its running runs finish. Returns false for an unknown id. */
  async unschedule(id: string): Promise<boolean> {
    const task = this.#p.registry.get(id);
    if (!task) return false;
    this.#p.registry.remove(task);
    this.#p.chains.unindex(task);
    this.#p.heap.remove(task);
    this.#p.gate?.forget(id);
    this.#p.lastResult.forget(id);
    this.#p.lifecycle.cancelWaiting(ABORT_REASON.removed, task);
    this.#p.changed(id);
    return true;
  }

  async enable(id: string): Promise<void> {
    const task = this.#p.registry.require(id);
    if (task.def.enabled) return;
    task.def = { ...task.def, enabled: true };
    this.#p.due.place(task, freshAnchor(task.def, this.#p.clock.now()));
    this.#p.changed(id);
  }

  async disable(id: string): Promise<void> {
    const task = this.#p.registry.require(id);
    if (!task.def.enabled) return;
    task.def = { ...task.def, enabled: false };
    this.#p.heap.remove(task);
    this.#p.gate?.forget(id);
    this.#p.changed(id);
  }

  /**
   * Changes a task at once: the next due time is worked out again from now when the schedule or
   * zone changed; running runs keep the settings they started with.
   */
  async update(id: string, patch: TaskPatch<TAction>): Promise<TaskInfo<TAction>> {
    const task = this.#p.registry.require(id);
    const { action, ...defPatch } = patch;
    const now = this.#p.clock.now();
    const merged: TaskDefinitionInput = { ...task.def, ...defPatch };
    if (merged.schedule) merged.schedule = withInstants(merged.schedule);
    const def = this.#p.registry.parse(merged, now);
    this.#p.chains.check(id, def, (t) => this.#p.registry.get(t));
    const nextAction = action === undefined ? task.action : action;
    this.#p.registry.rekey(task, def, nextAction);
    const timingChanged =
      scheduleKey(def.schedule) !== scheduleKey(task.def.schedule) ||
      def.timezone !== task.def.timezone ||
      triggersKey(def) !== triggersKey(task.def);
    // A run waiting for conditions that changed (or a new schedule) stops waiting.
    if (timingChanged || !def.enabled || !sameConditions(def, task.def)) this.#p.gate?.forget(id);
    this.#p.chains.unindex(task);
    task.def = def;
    this.#p.chains.index(task);
    if (timingChanged) setTriggers(task);
    task.action = nextAction;
    task.priority = def.priority;
    if (timingChanged) {
      task.cycles = 0;
      this.#p.due.place(task, freshAnchor(def, now));
    } else if (!def.enabled) this.#p.heap.remove(task);
    else if (this.#p.heap.has(task)) this.#p.heap.push(task);
    else if (task.running === 0 && task.waiting === 0)
      this.#p.due.place(task, freshAnchor(def, now));
    this.#p.changed(id);
    return this.#p.info(task);
  }
}
