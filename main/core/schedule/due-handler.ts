import type { Logger } from '../log/logger.js';
import type { Clock } from '../time/clock.js';
import type { ActiveRun, RunDeadline } from './active-run.js';
import type { CronCache } from './cron-cache.js';
import type { DuePlan, MissedRuns, PlannerSettings } from './due-planner.js';
import { firstDueAfter, planDue, upcoming } from './due-planner.js';
import type { EngineEvent } from './engine-event.js';
import type { NextRunHeap } from './next-run-heap.js';
import type { RetryChain, RetryNode } from './retry-chain.js';
import type { RunLifecycle } from './run-lifecycle.js';
import type { RunRecorder } from './run-recorder.js';
import { compareRank } from './run-queue.js';
import { describeQuietWindow } from './quiet-windows.js';
import type { Trigger } from './run-trigger.js';
import { TRIGGER, triggerOf } from './run-trigger.js';
import type { TimingContext } from './schedule-times.js';
import { errorText } from './scheduler-error.js';
import { uniformDueAt } from './uniform-wake.js';
import type { RegisteredTask, TaskRegistry } from './task-registry.js';
import type { ConditionGate } from '../conditions/condition-gate.js';

/** Everything the scheduler's heap holds: tasks, retries, and runs' deadlines. */
export type SchedulerNode<TAction> =
  RegisteredTask<TAction> | RetryNode<TAction> | RunDeadline<TAction>;

export interface DueHandlerDeps<TAction> {
  clock: Clock;
  logger: Logger;
  cache: CronCache;
  heap: NextRunHeap<SchedulerNode<TAction>>;
  registry: TaskRegistry<TAction>;
  recorder: RunRecorder<TAction>;
  lifecycle: RunLifecycle<TAction>;
  retries: RetryChain<TAction>;
  planner: PlannerSettings;
  emit: (event: EngineEvent) => void;
  /** [0, 1): draws each random delay of a task with jitter. */
  random: () => number;
  /** Holds runs of tasks with conditions; null without a conditions provider. */
  gate: ConditionGate<RegisteredTask<TAction>> | null;
  /** Why a due time fell inside the "Do not run until …" window, or null. */
  heldAt?: (scheduledFor: number) => string | null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The 'missed' record text of one due time, a sentence for a person. */
function missedText(at: number, now: number, policy: string): string {
  return `Missed: this run was due at ${iso(at)} but the scheduler was not running then (noticed at ${iso(now)}); catch-up policy '${policy}'.`;
}

/** The text of the one record that counts the missed due times not listed one by one. */
function moreMissedText(
  more: NonNullable<MissedRuns['more']>,
  now: number,
  policy: string,
): string {
  const count = `${more.exact ? '' : 'at least '}${more.count}`;
  return `Missed: ${count} more runs due after ${iso(more.after)} up to ${iso(now)} were missed while the scheduler was not running (catch-up policy '${policy}'); they are counted here, not listed one by one.`;
}

/** What fell due in one wake: the heap's due nodes become runs, records and new due times. */
export class DueHandler<TAction> {
  constructor(private readonly deps: DueHandlerDeps<TAction>) {}

  timing(task: RegisteredTask<TAction>): TimingContext {
    return {
      cache: this.deps.cache,
      timezone: task.def.timezone,
      createdAt: task.createdAt,
      plan: task.triggers?.plan,
    };
  }

  /**
   * Sets the task's due time; a task with a random delay waits in the heap until due time +
   * delay (drawn anew for each due time), while the planner keeps reading the due time itself.
   */
  #setDue(task: RegisteredTask<TAction>, at: number): void {
    const t = task.triggers;
    if (t !== null && t.plan.jitterMs > 0) {
      t.delayMs = Math.floor(this.deps.random() * (t.plan.jitterMs + 1));
      task.dueAt = at + t.delayMs;
    } else task.dueAt = at;
  }

  /** The next `count` due times of a task in the heap, as its triggers make them. */
  upcoming(task: RegisteredTask<TAction>, count: number): number[] {
    const ctx = this.timing(task);
    if (ctx.plan !== undefined && task.def.schedule.kind !== 'routine')
      return ctx.plan.runsAfter(ctx, this.nominalDue(task) - 1, count);
    return upcoming(task, ctx, count);
  }

  /** The due time a task stands for: its heap time less its random delay. */
  nominalDue(task: RegisteredTask<TAction>): number {
    return task.triggers === null ? task.dueAt : task.dueAt - task.triggers.delayMs;
  }

  /** Puts the task in the heap at its first due time after `afterMs`, or takes it out when there is none. */
  place(task: RegisteredTask<TAction>, afterMs: number): void {
    const { heap, clock } = this.deps;
    const at = task.removed ? null : firstDueAfter(task, this.timing(task), afterMs, clock.now());
    if (at === null) {
      heap.remove(task);
      return;
    }
    this.#setDue(task, at);
    task.priority = task.def.priority;
    heap.push(task);
  }

  /** A routine's run ended with none other left: it is due `waitMs` after. */
  routineIdle(task: RegisteredTask<TAction>, endedAt: number): void {
    const s = task.def.schedule;
    if (s.kind !== 'routine' || this.deps.heap.has(task)) return;
    this.place(task, endedAt + s.waitMs);
    if (!this.deps.heap.has(task)) this.deps.emit({ type: 'task:changed', taskId: task.id });
  }

  /**
   * The clock went back: every task works out its next run again from `now`, remembering the due
   * times it handled already so they are not handled a second time.
   */
  clockWentBack(now: number): void {
    const { registry, heap } = this.deps;
    for (const task of registry.values()) {
      if (!heap.has(task) || task.def.schedule.kind === 'routine') continue;
      const { handledFrom, handledThrough } = task;
      task.repeat =
        handledFrom !== null && handledThrough !== null && handledThrough > now
          ? { from: Math.max(now, handledFrom), through: handledThrough }
          : null;
      this.place(task, now);
    }
  }

  /** The earliest run deadline (timeout, abort wait) in the heap; what a stopped scheduler still waits for. */
  earliestDeadline(): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const node of this.deps.heap.values())
      if ((node.kind === 'timeout' || node.kind === 'abort-wait') && node.dueAt < earliest)
        earliest = node.dueAt;
    return earliest;
  }

  /**
   * Handles every node due at `now`. Tasks and retries only when `scheduling` (started, or
   * runPending); run deadlines always. Returns the runs it created, skipped and missed included.
   * With `stream` (a timer's wake) and a uniform wake (`uniform-wake.ts`), each run starts as soon
   * as its task is handled: of 1,000 tasks due in one second, the first no longer waits for the
   * other 999 to be planned, and the order is the one the sort would give.
   */
  handle(now: number, scheduling: boolean, stream = false): ActiveRun<TAction>[] {
    const { heap } = this.deps;
    const triggers: Trigger<RegisteredTask<TAction>>[] = [];
    const created: ActiveRun<TAction>[] = [];
    const deferred: SchedulerNode<TAction>[] = [];
    const missedTasks: string[] = [];
    const streamAt = stream && scheduling ? uniformDueAt(heap.values(), now) : null;
    for (let node = heap.peek(); node && node.dueAt <= now; node = heap.peek()) {
      heap.pop();
      if (node.kind === 'task') {
        if (!scheduling) deferred.push(node);
        else {
          const from = triggers.length;
          this.#taskDue(node, now, triggers, created, missedTasks);
          if (streamAt !== null) this.#submitDueAt(triggers, from, streamAt, created);
        }
      } else if (node.kind === 'retry') {
        const t = scheduling ? this.deps.retries.due(node) : null;
        if (!scheduling) deferred.push(node);
        else if (t) triggers.push(t);
      } else this.deps.lifecycle.deadlinePassed(node);
    }
    for (const node of deferred) heap.push(node);
    if (missedTasks.length > 0) this.#logMissed(missedTasks);
    triggers.sort((a, b) =>
      compareRank(a.task.def.priority, a.scheduledFor, b.task.def.priority, b.scheduledFor),
    );
    // Each run starts as soon as it is admitted (a free slot allowing).
    for (const t of triggers) this.#submit(t, created);
    return created;
  }

  #submit(t: Trigger<RegisteredTask<TAction>>, created: ActiveRun<TAction>[]): void {
    // An in-process action started just before may have removed a task due with it.
    if (t.task.removed) return;
    created.push(this.deps.lifecycle.submit(t));
    this.deps.lifecycle.startAlone();
  }

  /**
   * Submits the triggers from `from` on that stand for `at`, the wake's one due instant: in a
   * uniform wake none ranks before them. The others (a task's later instants) stay for the sort.
   */
  #submitDueAt(
    triggers: Trigger<RegisteredTask<TAction>>[],
    from: number,
    at: number,
    created: ActiveRun<TAction>[],
  ): void {
    let kept = from;
    for (let i = from; i < triggers.length; i++) {
      const t = triggers[i] as Trigger<RegisteredTask<TAction>>;
      if (t.scheduledFor === at) this.#submit(t, created);
      else triggers[kept++] = t;
    }
    triggers.length = kept;
  }

  #taskDue(
    task: RegisteredTask<TAction>,
    now: number,
    triggers: Trigger<RegisteredTask<TAction>>[],
    created: ActiveRun<TAction>[],
    missedTasks: string[],
  ): void {
    try {
      const t = task.triggers;
      // A delayed run is on time when it starts within the grace after its delay.
      const plan =
        t === null
          ? planDue(task, this.timing(task), now, this.deps.planner)
          : planDue(
              {
                def: task.def,
                cycles: task.cycles,
                repeat: task.repeat,
                dueAt: this.nominalDue(task),
              },
              this.timing(task),
              now,
              { ...this.deps.planner, lateGraceMs: this.deps.planner.lateGraceMs + t.delayMs },
            );
      this.#apply(task, plan, now, triggers, created, missedTasks);
    } catch (error) {
      this.deps.logger.error(
        `TaskScheduler: task '${task.def.name}' could not be scheduled: ${errorText(error)}`,
      );
    }
  }

  #apply(
    task: RegisteredTask<TAction>,
    plan: DuePlan,
    now: number,
    triggers: Trigger<RegisteredTask<TAction>>[],
    created: ActiveRun<TAction>[],
    missedTasks: string[],
  ): void {
    const { registry, heap, emit } = this.deps;
    if (plan.kind === 'routine') {
      // Fixed delay: the next due time is set when this run ends.
      const dueAt = this.nominalDue(task);
      task.lastDueAt = dueAt;
      task.cycles++;
      registry.saveState(task);
      triggers.push(triggerOf(task, TRIGGER.schedule, dueAt));
      return;
    }
    task.repeat = plan.repeat;
    if (plan.kind === 'ended') {
      emit({ type: 'task:changed', taskId: task.id });
      return;
    }
    if (plan.kind === 'later') {
      this.#setDue(task, plan.dueAt);
      heap.push(task);
      return;
    }
    if (plan.missed) {
      this.#recordMissed(task, plan.missed, now, created);
      missedTasks.push(task.def.name);
    }
    const { catchUps, onTime } =
      task.triggers === null ? plan : this.#quietSkips(task, plan, created);
    // A task with conditions hands its runs to the gate; one without costs this check.
    const gate = task.def.conditions === undefined ? null : this.deps.gate;
    for (const at of catchUps)
      this.#add(gate, triggers, triggerOf(task, TRIGGER.catchUp, at, true));
    if (onTime !== null) {
      // Behind its own catch-ups it waits for them rather than being skipped by the overlap policy.
      this.#add(gate, triggers, triggerOf(task, TRIGGER.schedule, onTime, catchUps.length > 0));
    }
    task.cycles = plan.cycles;
    task.lastDueAt = plan.latest;
    task.handledFrom = Math.min(task.handledFrom ?? plan.first, plan.first);
    task.handledThrough = Math.max(task.handledThrough ?? plan.latest, plan.latest);
    registry.saveState(task);
    if (plan.disable) task.def = { ...task.def, enabled: false };
    if (plan.next === null) {
      emit({ type: 'task:changed', taskId: task.id });
      return;
    }
    this.#setDue(task, plan.next);
    heap.push(task);
  }

  /** A run goes to this wake's runs, or to the gate when its task has conditions. */
  #add(
    gate: ConditionGate<RegisteredTask<TAction>> | null,
    triggers: Trigger<RegisteredTask<TAction>>[],
    t: Trigger<RegisteredTask<TAction>>,
  ): void {
    if (gate === null) triggers.push(t);
    else gate.offer(t);
  }

  /**
   * A task whose quiet windows skip: due times inside one are written 'skipped', naming the
   * window, and only the others run.
   */
  #quietSkips(
    task: RegisteredTask<TAction>,
    plan: Extract<DuePlan, { kind: 'due' }>,
    created: ActiveRun<TAction>[],
  ): { catchUps: number[]; onTime: number | null } {
    const p = (task.triggers as NonNullable<typeof task.triggers>).plan;
    if (p.quietPolicy !== 'skip' || p.quietWindows.length === 0) return plan;
    const runs = (at: number): boolean => {
      const quiet = p.quietAt(at);
      if (quiet === null) return true;
      const reason = `Skipped: due at ${iso(at)}, inside the ${describeQuietWindow(quiet.window)} (until ${iso(quiet.to)}).`;
      created.push(this.deps.recorder.skipped(task, at, reason, 'quiet-window'));
      return false;
    };
    const catchUps = plan.catchUps.filter(runs);
    const onTime = plan.onTime !== null && runs(plan.onTime) ? plan.onTime : null;
    return { catchUps, onTime };
  }

  /**
   * Writes a 'missed' record for each listed due time, and one that counts the rest. A due time
   * inside the "Do not run until …" window would not have run anyway: it is written 'skipped'.
   */
  #recordMissed(
    task: RegisteredTask<TAction>,
    missed: MissedRuns,
    now: number,
    created: ActiveRun<TAction>[],
  ): void {
    const { recorder } = this.deps;
    const policy = task.def.catchUp.policy;
    for (const at of missed.instants) {
      const held = this.deps.heldAt?.(at) ?? null;
      created.push(
        held === null
          ? recorder.missed(task, at, missedText(at, now, policy))
          : recorder.skipped(task, at, held, 'do-not-run-until'),
      );
    }
    if (missed.more)
      created.push(recorder.missed(task, null, moreMissedText(missed.more, now, policy)));
  }

  /** One line for a wake however many tasks missed runs (a start after a week off: thousands). */
  #logMissed(names: string[]): void {
    const shown = names
      .slice(0, 5)
      .map((n) => `'${n}'`)
      .join(', ');
    const rest = names.length > 5 ? ` and ${names.length - 5} more` : '';
    const tasks = names.length === 1 ? 'task' : 'tasks';
    this.deps.logger.warn(
      `TaskScheduler: ${names.length} ${tasks} missed runs while the scheduler was not running (${shown}${rest}); their catch-up policies decide what runs now`,
    );
  }
}
