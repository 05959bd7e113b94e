import type { Logger } from '../log/logger.js';
import { idSchema } from '../model/names.js';
import type { TaskDefinition, TaskDefinitionInput } from '../model/task.js';
import type { CronCache } from './cron-cache.js';
import type { HeapNode } from './next-run-heap.js';
import { flatText } from './flat-id.js';
import { SchedulerError, errorText } from './scheduler-error.js';
import type { TaskState, TaskStateStore } from './task-state.js';
import type { TaskInfo } from './task-inputs.js';
import { parseTaskDefinition, scheduleKey, triggersKey } from './task-validation.js';
import { TriggerPlan } from './trigger-plan.js';
import { conditionsProblem } from '../conditions/condition-words.js';

/** A task with triggers: its plan, and the random delay drawn for its next due time. */
export interface TaskTriggerState {
  plan: TriggerPlan;
  /** How long after its due time (the heap holds due time + delay) the next run starts. */
  delayMs: number;
}

/** Due times a task handled before the clock went back, not to be handled a second time. */
export interface RepeatWindow {
  from: number;
  through: number;
}

/** A registered task; it is its own node in the scheduler's heap, keyed by its next due time. */
export class RegisteredTask<TAction> implements HeapNode {
  dueAt = 0;
  priority: number;
  seq = 0;
  heapIndex = -1;
  running = 0;
  /** Runs waiting for a slot; `queuedByPolicy` counts those a skip/queue/parallel policy admitted. */
  waiting = 0;
  queuedByPolicy = 0;
  removed = false;
  /** The earliest and latest due times handled in this process. */
  handledFrom: number | null = null;
  handledThrough: number | null = null;
  /**
   * Set when the clock went back: next runs are worked out from the new time, but the due times
   * in this window were handled already and are not handled a second time.
   */
  repeat: RepeatWindow | null = null;
  /** Set for a task with triggers (see trigger-plan.ts); null keeps it on the fast path. */
  triggers: TaskTriggerState | null = null;

  constructor(
    readonly id: string,
    public def: TaskDefinition,
    public action: TAction,
    public key: string,
    readonly createdAt: number,
    public lastDueAt: number | null,
    public cycles: number,
  ) {
    this.priority = def.priority;
  }

  /** Heap nodes tell their kind; a getter keeps it off each of 100 000 task objects. */
  get kind(): 'task' {
    return 'task';
  }
}

/** Works out a task's trigger plan from its definition and id (after a change too). */
export function setTriggers<TAction>(task: RegisteredTask<TAction>): void {
  const plan = TriggerPlan.of(task.def, task.id);
  task.triggers = plan === null ? null : { plan, delayMs: 0 };
}

/** What registering needs besides the definition. */
export interface Registration<TAction> {
  def: TaskDefinition;
  action: TAction;
  givenId: string | undefined;
  lastDueAt: number | null | undefined;
  cycles: number | undefined;
  createdAt: number | undefined;
}

/**
 * Tasks of one definition key: the one task, or (once a second task has the same definition with
 * another action) the tasks by their action's fingerprint.
 */
type KeyEntry<TAction> = RegisteredTask<TAction> | Map<string, RegisteredTask<TAction>>;

/** Every task by id and by identity (definition + action), and their persisted bookkeeping. */
export class TaskRegistry<TAction> {
  readonly #byId = new Map<string, RegisteredTask<TAction>>();
  /**
   * Tasks by definition key. The action's fingerprint is worked out only when two tasks share a
   * definition: for a function it is a WeakMap entry, which 100,000 registrations with distinct
   * definitions would pay for (and the collector with them) without ever comparing one.
   */
  readonly #byKey = new Map<string, KeyEntry<TAction>>();

  constructor(
    private readonly deps: {
      cache: CronCache;
      fingerprint: (action: TAction) => string;
      newId: () => string;
      state?: TaskStateStore;
      logger: Logger;
      /** The late grace: a condition's wait deadline may not be shorter. */
      lateGraceMs: number;
    },
  ) {}

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): RegisteredTask<TAction> | undefined {
    return this.#byId.get(id);
  }

  values(): IterableIterator<RegisteredTask<TAction>> {
    return this.#byId.values();
  }

  require(id: string): RegisteredTask<TAction> {
    const task = this.#byId.get(id);
    if (!task) {
      throw new SchedulerError(
        'not-found',
        `no task with id '${id}'; list() shows the registered ones`,
        { field: 'id' },
      );
    }
    return task;
  }

  /** Validates a definition (pattern fires, zone exists, …); errors name the field. */
  parse(input: TaskDefinitionInput, now: number): TaskDefinition {
    const def = parseTaskDefinition(input, this.deps.cache, now);
    if (def.conditions !== undefined) {
      const problem = conditionsProblem(def.conditions, this.deps.lateGraceMs);
      if (problem !== null)
        throw new SchedulerError('invalid', problem.message, {
          field: problem.field,
          message: `TaskScheduler: ${problem.field}: ${problem.message}`,
        });
    }
    return def;
  }

  /**
   * Identity for idempotent registration, but for the action: same name, place, schedule, zone
   * and triggers. Tasks with the same key and the same action (fingerprint) are the same task.
   */
  keyOf(def: TaskDefinition): string {
    // join() makes one flat string; a template literal would keep a rope of its parts per task.
    return [
      def.project,
      def.group,
      def.name,
      scheduleKey(def.schedule),
      def.timezone ?? '',
      triggersKey(def),
    ].join('\u0000');
  }

  /** The task with this definition key and the same action, other than `except`. */
  #find(
    key: string,
    action: TAction,
    except?: RegisteredTask<TAction>,
  ): RegisteredTask<TAction> | undefined {
    const entry = this.#byKey.get(key);
    if (entry === undefined || entry === except) return undefined;
    if (entry instanceof Map) {
      const task = entry.get(this.deps.fingerprint(action));
      return task === except ? undefined : task;
    }
    const { fingerprint } = this.deps;
    const same = entry.action === action || fingerprint(entry.action) === fingerprint(action);
    return same ? entry : undefined;
  }

  /** Files the task under its key, with `action` (a change files it before it takes it). */
  #index(task: RegisteredTask<TAction>, action: TAction): void {
    const entry = this.#byKey.get(task.key);
    const { fingerprint } = this.deps;
    if (entry === undefined) this.#byKey.set(task.key, task);
    else if (entry instanceof Map) entry.set(fingerprint(action), task);
    else {
      const shared = new Map([[fingerprint(entry.action), entry]]);
      shared.set(fingerprint(action), task);
      this.#byKey.set(task.key, shared);
    }
  }

  #unindex(task: RegisteredTask<TAction>): void {
    const entry = this.#byKey.get(task.key);
    if (entry === task) this.#byKey.delete(task.key);
    else if (entry instanceof Map) {
      for (const [print, other] of entry) if (other === task) entry.delete(print);
      if (entry.size === 0) this.#byKey.delete(task.key);
    }
  }

  /**
   * The task for a registration: the existing one with the same identity, else a new one (not yet
   * added) with its bookkeeping given, else from the state store. A new once task must be due
   * in the future unless it is restored (given an id or bookkeeping).
   */
  create(
    r: Registration<TAction>,
    now: number,
  ): { task: RegisteredTask<TAction>; existing: boolean } {
    const key = this.keyOf(r.def);
    const existing = this.#find(key, r.action);
    if (existing) return { task: existing, existing: true };
    if (r.givenId !== undefined) this.#checkFreeId(r.givenId);
    // Kept as long as the task: one flat string, not a rope (see flat-id.ts).
    const id = flatText(r.givenId ?? this.deps.newId());
    const saved: TaskState | undefined =
      r.lastDueAt !== undefined || r.cycles !== undefined
        ? { lastDueAt: r.lastDueAt ?? null, cycles: r.cycles ?? 0 }
        : this.deps.state?.get(id);
    const task = new RegisteredTask<TAction>(
      id,
      r.def,
      r.action,
      key,
      r.createdAt ?? now,
      saved?.lastDueAt ?? null,
      saved?.cycles ?? 0,
    );
    setTriggers(task);
    const s = r.def.schedule;
    if (s.kind === 'once') {
      const restoring = r.givenId !== undefined || saved !== undefined;
      if (!restoring && s.at <= now) {
        throw new SchedulerError(
          'invalid',
          `schedule.at ${new Date(s.at).toISOString()} is in the past; choose a time after now`,
          { field: 'schedule.at' },
        );
      }
      // A restored once task that already ran stays done.
      if (task.lastDueAt !== null && task.lastDueAt >= s.at)
        task.def = { ...r.def, enabled: false };
    }
    return { task, existing: false };
  }

  add(task: RegisteredTask<TAction>): void {
    this.#byId.set(task.id, task);
    this.#index(task, task.action);
  }

  /** Takes a task out and forgets its persisted bookkeeping. */
  remove(task: RegisteredTask<TAction>): void {
    task.removed = true;
    this.#byId.delete(task.id);
    this.#unindex(task);
    const store = this.deps.state;
    if (store?.delete) this.#persist(() => store.delete?.(task.id));
  }

  /**
   * Gives a task a new identity after a change (its definition and action, not taken yet);
   * refuses one another task already has.
   */
  rekey(task: RegisteredTask<TAction>, def: TaskDefinition, action: TAction): void {
    const key = this.keyOf(def);
    const other = this.#find(key, action, task);
    if (other) {
      throw new SchedulerError(
        'conflict',
        `task '${other.id}' already has this name, schedule and action; change one of them`,
      );
    }
    this.#unindex(task);
    task.key = key;
    this.#index(task, action);
  }

  /** Persists the task's bookkeeping; a failing store is logged, never fatal. */
  saveState(task: RegisteredTask<TAction>): void {
    const store = this.deps.state;
    if (!store) return;
    const state: TaskState = { lastDueAt: task.lastDueAt, cycles: task.cycles };
    this.#persist(() => store.set(task.id, state));
  }

  #persist(write: () => Promise<void> | void): void {
    const fail = (error: unknown): void =>
      this.deps.logger.error(`TaskScheduler: saving task state failed: ${errorText(error)}`);
    try {
      const result = write();
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  }

  #checkFreeId(id: string): void {
    const idCheck = idSchema.safeParse(id);
    if (!idCheck.success) {
      throw new SchedulerError('invalid', `id '${id}': ${idCheck.error.issues[0]?.message}`, {
        field: 'id',
      });
    }
    const other = this.#byId.get(id);
    if (other) {
      throw new SchedulerError(
        'conflict',
        `id '${id}' is already used by task '${other.def.name}'`,
        {
          field: 'id',
        },
      );
    }
  }
}

/** What callers see of a registered task (TaskScheduler.get and list). */
export function taskInfo<TAction>(
  task: RegisteredTask<TAction>,
  nextDueAt: number | null,
  waitingFor: TaskInfo<TAction>['waitingFor'],
): TaskInfo<TAction> {
  return {
    id: task.id,
    definition: task.def,
    action: task.action,
    createdAt: task.createdAt,
    lastDueAt: task.lastDueAt,
    cycles: task.cycles,
    nextDueAt,
    running: task.running,
    queued: task.waiting,
    waitingFor,
  };
}
